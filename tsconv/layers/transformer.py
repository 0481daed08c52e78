"""`TransformerBlock`: a pre-LayerNorm causal transformer block."""

from __future__ import annotations

import keras

from tsconv.arguments import check_positive_int
from tsconv.layers.attention import CausalSelfAttention


@keras.saving.register_keras_serializable(package="tsconv")
class TransformerBlock(keras.layers.Layer):
    """Pre-LayerNorm block: `x + attention(norm(x))`, then `x + mlp(norm(x))`.

    The attention is causal, so step i of the output depends on input steps ≤ i.

    Args:
        num_heads: attention heads.
        key_dim: size of each head.
        mlp_dim: hidden units of the MLP (GELU).
        dropout: dropout on the attention weights and after each residual branch.
        alibi: use ALiBi attention biases (see `CausalSelfAttention`).
        **kwargs: passed to `keras.layers.Layer`.

    Example:
    >>> TransformerBlock(num_heads=4, key_dim=8, mlp_dim=64)(np.zeros((2, 10, 32))).shape
    (2, 10, 32)
    """

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        mlp_dim: int,
        dropout: float = 0.0,
        alibi: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_positive_int("mlp_dim", mlp_dim)
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.mlp_dim = mlp_dim
        self.dropout = dropout
        self.alibi = bool(alibi)
        self.attention_norm = keras.layers.LayerNormalization(
            name="attention_norm", dtype=self.dtype_policy
        )
        self.attention = CausalSelfAttention(
            num_heads, key_dim, dropout, alibi, name="attention", dtype=self.dtype_policy
        )
        self.mlp_norm = keras.layers.LayerNormalization(name="mlp_norm", dtype=self.dtype_policy)
        self.mlp_hidden = keras.layers.Dense(
            mlp_dim, activation="gelu", name="mlp_hidden", dtype=self.dtype_policy
        )
        self.mlp_output = None
        self.residual_dropout = keras.layers.Dropout(
            dropout, name="residual_dropout", dtype=self.dtype_policy
        )

    def build(self, input_shape):
        self.attention_norm.build(input_shape)
        self.attention.build(input_shape)
        self.mlp_norm.build(input_shape)
        self.mlp_hidden.build(input_shape)
        self.mlp_output = keras.layers.Dense(
            input_shape[-1], name="mlp_output", dtype=self.dtype_policy
        )
        self.mlp_output.build((*input_shape[:-1], self.mlp_dim))

    def call(self, inputs, training=None):
        x = inputs  # (batch, steps, dim)
        h = self.attention(self.attention_norm(x), training=training)
        x = x + self.residual_dropout(h, training=training)
        h = self.mlp_output(self.mlp_hidden(self.mlp_norm(x)))
        return x + self.residual_dropout(h, training=training)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "num_heads": self.num_heads,
                "key_dim": self.key_dim,
                "mlp_dim": self.mlp_dim,
                "dropout": self.dropout,
                "alibi": self.alibi,
            }
        )
        return config
