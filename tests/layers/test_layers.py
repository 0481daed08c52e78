import keras
import numpy as np
import pytest

from helpers import assert_causal
from tsconv.layers import (
    CausalSelfAttention,
    LastStep,
    SinusoidalPositionEncoding,
    TCNBlock,
    TransformerBlock,
)
from tsconv.layers.conv_step import conv_queue, conv_step, queue_length

# Keras-only: also run under KERAS_BACKEND=jax (see the README's test command).
pytestmark = pytest.mark.portable


@pytest.mark.parametrize("normalization", ["layer", "batch", "none"])
def test_tcn_block_is_causal(normalization):
    keras.utils.set_random_seed(0)
    block = TCNBlock(8, kernel_size=3, dilation_rate=2, normalization=normalization)
    assert_causal(lambda x: block(x, training=False), window=30, channels=3)


def test_tcn_block_skip_only_when_channels_differ():
    same, other = TCNBlock(4), TCNBlock(4)
    same.build((None, 10, 4))
    other.build((None, 10, 3))
    assert same.skip is None and other.skip is not None
    assert tuple(other(np.zeros((2, 10, 3))).shape) == (2, 10, 4)
    assert TCNBlock(4, kernel_size=3, dilation_rate=8).reach == 32


@pytest.mark.parametrize("alibi", [False, True])
def test_attention_is_causal(alibi):
    keras.utils.set_random_seed(0)
    layer = CausalSelfAttention(num_heads=2, key_dim=4, alibi=alibi)
    assert_causal(layer, window=12, channels=8)


@pytest.mark.parametrize("alibi", [False, True])
def test_transformer_block_is_causal(alibi):
    keras.utils.set_random_seed(0)
    block = TransformerBlock(num_heads=2, key_dim=4, mlp_dim=16, alibi=alibi)
    assert_causal(block, window=12, channels=8)


def test_alibi_changes_the_attention():
    keras.utils.set_random_seed(0)
    plain = CausalSelfAttention(num_heads=2, key_dim=4)
    x = np.random.default_rng(0).normal(size=(1, 10, 8)).astype("float32")
    plain(x)
    alibi = CausalSelfAttention(num_heads=2, key_dim=4, alibi=True)
    alibi(x)
    alibi.set_weights(plain.get_weights())
    assert not np.allclose(
        keras.ops.convert_to_numpy(plain(x)), keras.ops.convert_to_numpy(alibi(x))
    )


def test_sinusoidal_encoding_values():
    out = keras.ops.convert_to_numpy(SinusoidalPositionEncoding()(np.zeros((1, 3, 4), "float32")))
    np.testing.assert_allclose(out[0, 0], [0, 0, 1, 1], atol=1e-6)  # sin(0), cos(0)
    np.testing.assert_allclose(out[0, 2, 0], np.sin(2.0), atol=1e-6)  # fastest rate is 1
    np.testing.assert_allclose(out[0, 1, 1], np.sin(1.0 / 100.0), atol=1e-6)  # 10000^(-2/4)


def test_last_step():
    x = np.arange(12, dtype="float32").reshape(1, 4, 3)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(LastStep()(x)), [[9, 10, 11]])


@pytest.mark.parametrize(
    "layer",
    [
        TCNBlock(8, 3, 4, 0.1, "batch"),
        CausalSelfAttention(2, 4, 0.1, True),
        SinusoidalPositionEncoding(500.0),
        TransformerBlock(2, 4, 16, 0.1, True),
        LastStep(),
    ],
)
def test_layer_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert type(restored) is type(layer)


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: TCNBlock(0), r"Received: filters=0"),
        (lambda: TCNBlock(4, dilation_rate=0), r"Received: dilation_rate=0"),
        (lambda: TCNBlock(4, dropout=1.5), r"`dropout` must be in \[0, 1\)"),
        (lambda: TCNBlock(4, normalization="weight"), r"Received: normalization='weight'"),
        (lambda: CausalSelfAttention(0, 4), r"Received: num_heads=0"),
        (lambda: CausalSelfAttention(2, -1), r"Received: key_dim=-1"),
        (lambda: TransformerBlock(2, 4, 0), r"Received: mlp_dim=0"),
        (lambda: SinusoidalPositionEncoding(1.0), r"Received: max_wavelength=1.0"),
    ],
)
def test_layer_argument_errors(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_sinusoidal_needs_an_even_width():
    with pytest.raises(ValueError, match=r"must be even.*Received: dim=3"):
        SinusoidalPositionEncoding()(np.zeros((1, 4, 3), "float32"))


@pytest.mark.parametrize(("kernel_size", "dilation_rate"), [(3, 1), (3, 4), (2, 7), (1, 1)])
def test_conv_step_equals_the_last_step_of_the_convolution(kernel_size, dilation_rate):
    """Fast-WaveNet queues: stepping column by column reproduces the whole causal convolution."""
    conv = keras.layers.Conv1D(
        5, kernel_size, padding="causal", dilation_rate=dilation_rate, activation="relu"
    )
    x = np.random.default_rng(0).normal(size=(2, 12, 3)).astype("float32")
    full = keras.ops.convert_to_numpy(conv(x))  # (batch, steps, filters)
    queue = conv_queue(conv, x[:, :4])  # shorter than the queue for dilation 7: zeros before
    assert keras.ops.shape(queue[0])[1] == queue_length(conv) + 1
    for t in range(4, 12):
        out, queue = conv_step(conv, queue, x[:, t : t + 1])
        np.testing.assert_allclose(keras.ops.convert_to_numpy(out)[:, 0], full[:, t], atol=1e-5)
