"""Known-in-advance channels in the rollout: carried alike by every loop, and causal by step."""

import keras
import numpy as np
import pytest

from tsconv.models import (
    CausalConvForecaster,
    LinearForecaster,
    TCNForecaster,
    TransformerForecaster,
)
from tsconv.rollout.loops import compiled_rollout, recursive_rollout, uses_cache

pytestmark = pytest.mark.portable

JIT = keras.backend.backend() != "tensorflow"
WINDOW = 24
# Channels: target, one past-only feature, two known in advance.
MODELS = {
    "conv": lambda k=1: CausalConvForecaster(WINDOW, num_features=4, filters=4, output_steps=k),
    "tcn": lambda k=1: TCNForecaster(WINDOW, num_features=4, filters=4, output_steps=k),
    "linear": lambda k=1: LinearForecaster(WINDOW, num_features=4),
    "transformer": lambda k=1: TransformerForecaster(
        WINDOW, num_features=4, model_dim=8, num_heads=2, output_steps=k
    ),
}


def _inputs(batch=3, horizon=12, seed=0):
    rng = np.random.default_rng(seed)
    context = rng.normal(size=(batch, WINDOW, 4)).astype("float32")
    future = rng.normal(size=(batch, horizon, 2)).astype("float32")
    return context, future


@pytest.mark.parametrize("name", sorted(MODELS))
def test_cached_and_uncached_rollouts_carry_known_values_alike(name):
    """compiled cached == compiled uncached == the eager loop, with known values given."""
    keras.utils.set_random_seed(0)
    model = MODELS[name]()
    if name == "linear":  # its closed form starts at zero weights: give it some
        model.set_weights([w + 0.1 for w in model.get_weights()])
    context, future = _inputs()
    expected = recursive_rollout(model, context, 12, future=future)
    for cached in {False, uses_cache(model)}:
        got = compiled_rollout(model, context, 12, cached=cached, jit_compile=JIT, future=future)
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    # The known values matter: without them (held at their last value) the path differs.
    held = recursive_rollout(model, context, 12)
    assert not np.allclose(held[:, 1:], expected[:, 1:], atol=1e-4)
    np.testing.assert_allclose(held[:, 0], expected[:, 0], rtol=1e-5)  # step 1: the context's


@pytest.mark.parametrize("name", sorted(MODELS))
def test_a_known_value_changes_no_step_before_its_own(name):
    """Changing the known value of forecast step k (future row k - 2) leaves steps < k alone
    and changes step k: each step sees its own calendar, never a later one."""
    keras.utils.set_random_seed(1)
    model = MODELS[name]()
    if name == "linear":
        model.set_weights([w + 0.1 for w in model.get_weights()])
    context, future = _inputs(batch=2, horizon=10)
    base = compiled_rollout(model, context, 10, jit_compile=JIT, future=future)
    for k in (2, 5, 10):
        changed = future.copy()
        changed[:, k - 2] += 5.0  # the column after step k - 1 carries step k's value
        got = compiled_rollout(model, context, 10, jit_compile=JIT, future=changed)
        np.testing.assert_array_equal(got[:, : k - 1], base[:, : k - 1])
        assert np.all(np.abs(got[:, k - 1] - base[:, k - 1]) > 1e-6)
        eager = recursive_rollout(model, context, 10, future=changed)
        np.testing.assert_allclose(got, eager, rtol=1e-4, atol=1e-5)


def test_known_values_reach_the_columns_exactly():
    """A model that predicts its last known channel rolls out the known values one step ahead."""
    inputs = keras.Input((5, 3))
    pick = keras.layers.Dense(1, use_bias=False, trainable=False)
    model = keras.Model(inputs, pick(inputs[:, -1, :]))
    pick.set_weights([np.array([[0.0], [0.0], [1.0]], "float32")])
    context = np.zeros((5, 3), "float32")
    context[-1, 2] = 1.0  # the last row carries step 1's known value
    future = np.array([[2.0], [3.0], [4.0], [5.0]], "float32")  # steps 2 … 5
    for rollout in (recursive_rollout, compiled_rollout):
        np.testing.assert_allclose(rollout(model, context, 4, future=future), [1, 2, 3, 4])


@pytest.mark.parametrize("name", ["conv", "tcn"])
def test_direct_models_carry_known_values_k_steps_at_a_time(name):
    keras.utils.set_random_seed(2)
    model = MODELS[name](4)
    context, future = _inputs(horizon=10)
    expected = recursive_rollout(model, context, 10, future=future)
    for cached in {False, uses_cache(model)}:
        got = compiled_rollout(model, context, 10, cached=cached, jit_compile=JIT, future=future)
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "shape", [(3, 11, 2), (2, 12, 2), (3, 12, 4), (12, 2)], ids=["short", "batch", "wide", "2d"]
)
def test_bad_future_shape(shape):
    model = LinearForecaster(WINDOW, num_features=4)
    context = np.zeros((3, WINDOW, 4), "float32")
    with pytest.raises(ValueError, match=r"future must have shape \(batch, horizon, k\) = \(3, 12"):
        compiled_rollout(model, context, 12, future=np.zeros(shape))
    with pytest.raises(ValueError, match=r"Received: shape="):
        recursive_rollout(model, context, 12, future=np.zeros(shape))
