"""Causal multi-head self-attention (optionally with ALiBi biases) and sinusoidal positions."""

from __future__ import annotations

import math

import keras
from keras import ops

from tsconv.arguments import check_positive_int, check_rate

# Added to the logits of masked (future) positions; large but finite, so a fully
# masked row cannot produce NaN, and safe in float16 after the softmax's max-shift.
MASK_VALUE = -1e9


def alibi_slopes(num_heads: int) -> list[float]:
    """ALiBi's per-head slopes: the geometric sequence 2^(-8/n), 2^(-16/n), … (Press et al.)."""
    return [2.0 ** (-8.0 * (h + 1) / num_heads) for h in range(num_heads)]


@keras.saving.register_keras_serializable(package="tsconv")
class CausalSelfAttention(keras.layers.Layer):
    """Multi-head self-attention in which step i attends only to steps ≤ i.

    With `alibi=True`, each head adds `-slope * (i - j)` to the logit of
    query i and key j (Press et al., "Train short, test long"): relative
    positions without any positional embedding.

    Args:
        num_heads: attention heads.
        key_dim: size of each head's queries, keys and values.
        dropout: dropout rate on the attention weights.
        alibi: add ALiBi linear biases.
        **kwargs: passed to `keras.layers.Layer`.

    Example:
    >>> CausalSelfAttention(num_heads=4, key_dim=8)(np.zeros((2, 10, 32))).shape
    (2, 10, 32)
    """

    def __init__(
        self, num_heads: int, key_dim: int, dropout: float = 0.0, alibi: bool = False, **kwargs
    ):
        super().__init__(**kwargs)
        check_positive_int("num_heads", num_heads)
        check_positive_int("key_dim", key_dim)
        check_rate("dropout", dropout)
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.dropout = dropout
        self.alibi = bool(alibi)
        self.qkv = keras.layers.Dense(3 * num_heads * key_dim, name="qkv", dtype=self.dtype_policy)
        self.attention_dropout = keras.layers.Dropout(
            dropout, name="attention_dropout", dtype=self.dtype_policy
        )
        self.output_dense = None

    def build(self, input_shape):
        self.qkv.build(input_shape)
        self.output_dense = keras.layers.Dense(
            input_shape[-1], name="output", dtype=self.dtype_policy
        )
        self.output_dense.build((*input_shape[:-1], self.num_heads * self.key_dim))

    def call(self, inputs, training=None):
        steps = ops.shape(inputs)[1]
        weights, v = self._weights_and_values(inputs)
        weights = self.attention_dropout(weights, training=training)
        out = ops.matmul(weights, v)  # (batch, heads, steps, dim)
        out = ops.transpose(out, (0, 2, 1, 3))  # (batch, steps, heads, dim)
        out = ops.reshape(out, (-1, steps, self.num_heads * self.key_dim))
        return self.output_dense(out)

    def attention_weights(self, inputs):
        """How much each step attends to each earlier one: `(batch, heads, steps, steps)`.

        Row i of a head sums to 1 over steps 0…i; every later step gets 0 (causal).

        Example:
        >>> CausalSelfAttention(num_heads=2, key_dim=4).attention_weights(np.zeros((1, 5, 8))).shape
        (1, 2, 5, 5)
        """
        if not self.built:
            self.build(ops.shape(inputs))
        return self._weights_and_values(inputs)[0]

    def _weights_and_values(self, inputs):
        steps = ops.shape(inputs)[1]
        heads, dim = self.num_heads, self.key_dim
        qkv = self.qkv(inputs)  # (batch, steps, 3 * heads * dim)
        qkv = ops.reshape(qkv, (-1, steps, 3, heads, dim))
        qkv = ops.transpose(qkv, (2, 0, 3, 1, 4))  # (3, batch, heads, steps, dim)
        q, k, v = qkv[0], qkv[1], qkv[2]
        logits = ops.matmul(q, ops.transpose(k, (0, 1, 3, 2))) / math.sqrt(dim)
        # (batch, heads, steps, steps)
        logits = logits + ops.cast(self._bias(steps), logits.dtype)
        return ops.softmax(logits, axis=-1), v

    def _bias(self, steps):
        """Causal mask plus ALiBi: `(heads or 1, steps, steps)`, added to the logits."""
        position = ops.arange(steps)
        distance = ops.cast(position[:, None] - position[None, :], "float32")  # i - j
        bias = ops.where(distance < 0, MASK_VALUE, 0.0)[None]  # (1, steps, steps)
        if self.alibi:
            slopes = ops.convert_to_tensor(alibi_slopes(self.num_heads), "float32")
            bias = bias - slopes[:, None, None] * ops.maximum(distance, 0.0)[None]
        return bias

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "num_heads": self.num_heads,
                "key_dim": self.key_dim,
                "dropout": self.dropout,
                "alibi": self.alibi,
            }
        )
        return config


@keras.saving.register_keras_serializable(package="tsconv")
class SinusoidalPositionEncoding(keras.layers.Layer):
    """Adds the sinusoidal position encoding of Vaswani et al. to `(batch, steps, dim)`.

    Position 0 is the oldest step of the window. `dim` must be even.

    Args:
        max_wavelength: the longest wavelength of the encoding.
        **kwargs: passed to `keras.layers.Layer`.

    Example:
    >>> SinusoidalPositionEncoding()(np.zeros((2, 10, 16))).shape
    (2, 10, 16)
    """

    def __init__(self, max_wavelength: float = 10_000.0, **kwargs):
        super().__init__(**kwargs)
        if not max_wavelength > 1:
            raise ValueError(
                "`max_wavelength` must be greater than 1. "
                f"Received: max_wavelength={max_wavelength}"
            )
        self.max_wavelength = max_wavelength

    def build(self, input_shape):
        if input_shape[-1] is None or input_shape[-1] % 2:
            raise ValueError(
                "the last dimension must be even for sin/cos pairs. "
                f"Received: dim={input_shape[-1]}"
            )

    def call(self, inputs):
        steps, dim = ops.shape(inputs)[1], inputs.shape[-1]
        position = ops.cast(ops.arange(steps), "float32")[:, None]  # (steps, 1)
        rates = ops.exp(
            ops.cast(ops.arange(dim // 2), "float32") * (-math.log(self.max_wavelength) * 2 / dim)
        )
        angles = position * rates[None, :]  # (steps, dim / 2)
        encoding = ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)  # (steps, dim)
        return inputs + ops.cast(encoding, inputs.dtype)[None]

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"max_wavelength": self.max_wavelength})
        return config
