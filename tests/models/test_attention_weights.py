"""The transformer's attention weights: causal, normalised, and the ones its forward pass uses."""

import numpy as np
import pytest

from tsconv import TransformerForecaster
from tsconv.layers.attention import CausalSelfAttention

# Keras-only: also run under KERAS_BACKEND=jax (see the README's test command).
pytestmark = pytest.mark.portable


@pytest.mark.parametrize("positional", ["sinusoidal", "alibi"])
def test_weights_are_causal_rows_that_sum_to_one(positional):
    model = TransformerForecaster(window=12, num_heads=2, model_dim=8, positional=positional)
    x = np.random.default_rng(0).normal(size=(3, 12, 1)).astype("float32")
    weights = model.attention_weights(x)
    assert len(weights) == 2 and all(w.shape == (3, 2, 12, 12) for w in weights)
    for w in weights:
        np.testing.assert_allclose(w.sum(axis=-1), 1.0, rtol=1e-5)
        assert np.all(np.triu(np.ones((12, 12)), k=1)[None, None] * w == 0)


def test_the_weights_are_the_ones_the_layer_applies():
    layer = CausalSelfAttention(num_heads=2, key_dim=3)
    x = np.random.default_rng(1).normal(size=(2, 6, 4)).astype("float32")
    out = np.asarray(layer(x))
    weights = np.asarray(layer.attention_weights(x))  # (batch, heads, steps, steps)
    qkv = np.asarray(layer.qkv(x)).reshape(2, 6, 3, 2, 3)
    v = qkv[:, :, 2].transpose(0, 2, 1, 3)  # (batch, heads, steps, dim)
    mixed = (weights @ v).transpose(0, 2, 1, 3).reshape(2, 6, 6)
    np.testing.assert_allclose(np.asarray(layer.output_dense(mixed)), out, rtol=1e-5, atol=1e-6)
