"""The compiled and the cached rollout agree with the plain eager loop for every model."""

import keras
import numpy as np
import pytest

from tsconv.models import (
    CausalConvForecaster,
    DriftForecaster,
    LinearForecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    TCNForecaster,
    TransformerForecaster,
)
from tsconv.models.base import ForecasterModel
from tsconv.rollout.loops import (
    compiled_horizon,
    compiled_rollout,
    recursive_rollout,
    stream_start,
    stream_step,
    uses_cache,
)

# Keras-only: also run under KERAS_BACKEND=jax (see the README's test command).
pytestmark = pytest.mark.portable

# The compiled loops with and without XLA are compared once per model
# (test_compiled_rollout_equals_the_eager_loop); the other properties use the graph alone on
# TensorFlow, where an XLA compile would be most of each test. JAX always compiles.
JIT = keras.backend.backend() != "tensorflow"

WINDOW = 24
MODELS = {
    "conv": lambda: CausalConvForecaster(WINDOW, num_features=2, filters=4),
    "tcn": lambda: TCNForecaster(WINDOW, num_features=2, filters=4),
    "transformer": lambda: TransformerForecaster(WINDOW, num_features=2, model_dim=8, num_heads=2),
    "transformer-alibi": lambda: TransformerForecaster(
        WINDOW, num_features=2, model_dim=8, num_heads=2, positional="alibi"
    ),
    "naive": lambda: NaiveForecaster(WINDOW, num_features=2, transform="diff", target_mean=0.1),
    "seasonal-naive": lambda: SeasonalNaiveForecaster(WINDOW, num_features=2, season=5),
    "drift": lambda: DriftForecaster(WINDOW, num_features=2, transform="none"),
    "linear": lambda: LinearForecaster(WINDOW, num_features=2),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_compiled_rollout_equals_the_eager_loop(name):
    keras.utils.set_random_seed(0)
    model = MODELS[name]()
    context = np.random.default_rng(0).normal(size=(3, WINDOW, 2)).astype("float32")
    expected = recursive_rollout(model, context, horizon=12)
    cache = {}
    got = compiled_rollout(model, context, horizon=12, cache=cache)
    # The loop is compiled for 16 steps (see compiled_horizon) and cut to 12.
    assert got.shape == (3, 12) and set(cache) == {(16, True, uses_cache(model), 0)}
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    # A single series (2-D context) through the cached loop agrees too.
    again = compiled_rollout(model, context[1], 12, cache=cache)
    np.testing.assert_allclose(again, expected[1], rtol=1e-4, atol=1e-4)
    # A nearby horizon runs the same compiled loop: no new trace per forecast.
    shorter = compiled_rollout(model, context, 9, cache=cache)
    assert len(cache) == 1
    np.testing.assert_allclose(shorter, expected[:, :9], rtol=1e-4, atol=1e-4)
    plain = compiled_rollout(model, context, 12, cache=cache, jit_compile=False)
    np.testing.assert_allclose(plain, expected, rtol=1e-4, atol=1e-4)


def test_rollout_feeds_predictions_back_and_holds_features():
    """A model that predicts 'last target + last feature' rolls out 1, 2, 3, … when feature = 1."""
    inputs = keras.Input((5, 2))
    last = keras.layers.Dense(1, use_bias=False, trainable=False)
    outputs = last(inputs[:, -1, :])
    model = keras.Model(inputs, outputs)
    last.set_weights([np.ones((2, 1), "float32")])
    context = np.zeros((5, 2), "float32")
    context[:, 1] = 1.0  # the feature
    for rollout in (recursive_rollout, compiled_rollout):
        np.testing.assert_allclose(rollout(model, context, horizon=4), [1, 2, 3, 4], atol=1e-6)


def test_compiled_horizons_are_few():
    # Whole calls, then a power of two up to 16 calls or a multiple of 16.
    assert [compiled_horizon(h, 1) for h in (1, 2, 3, 9, 16, 17, 30, 33, 100)] == [
        1, 2, 4, 16, 16, 32, 32, 48, 112,
    ]  # fmt: skip
    assert [compiled_horizon(h, 30) for h in (1, 30, 31, 52, 91, 365)] == [30, 30, 60, 60, 120, 480]
    assert len({compiled_horizon(h, 1) for h in range(1, 366)}) == 27


@pytest.mark.parametrize("horizon", [0, -1, 2.5])
def test_bad_horizon(horizon):
    from tsconv.errors import InputError

    model = NaiveForecaster(WINDOW)
    with pytest.raises(InputError, match="horizon must be a positive integer"):
        compiled_rollout(model, np.zeros((WINDOW, 1)), horizon)


# Models whose stream cache is exact, in several shapes: each must match the window model.
CACHED = {
    "conv": lambda: CausalConvForecaster(WINDOW, num_features=2, filters=4, num_layers=3),
    "conv-kernel-1": lambda: CausalConvForecaster(WINDOW, num_features=2, filters=4, kernel_size=1),
    "tcn": lambda: TCNForecaster(WINDOW, num_features=2, filters=4),
    "tcn-batch-norm": lambda: TCNForecaster(
        WINDOW, num_features=2, filters=4, normalization="batch", kernel_size=2
    ),
    "tcn-stacks": lambda: TCNForecaster(
        WINDOW, num_features=2, filters=4, kernel_size=2, dilations=[1, 2], stacks=2
    ),
    "tcn-field-equals-window": lambda: TCNForecaster(
        25, num_features=2, filters=4, dilations=[1, 2, 3]
    ),
}


def _context(model, batch=3, seed=0):
    shape = (batch, model.window, model.num_features)
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


@pytest.mark.parametrize("name", sorted(CACHED))
def test_cached_rollout_equals_uncached(name):
    keras.utils.set_random_seed(1)
    model = CACHED[name]()
    if name.startswith("tcn-batch"):
        # Non-trivial moving statistics, so the cached path must apply them too.
        norm = model.get_layer("block_0_0").norm_1
        norm.moving_mean.assign(np.full(4, 0.3, "float32"))
        norm.moving_variance.assign(np.full(4, 2.0, "float32"))
    assert uses_cache(model)
    context = _context(model)
    uncached = compiled_rollout(model, context, horizon=15, cached=False, jit_compile=JIT)
    cached = compiled_rollout(model, context, horizon=15, cached=True, jit_compile=JIT)
    np.testing.assert_allclose(cached, uncached, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(cached, recursive_rollout(model, context, 15), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", sorted(CACHED) + sorted(MODELS))
def test_streaming_real_observations_equals_the_window_model(name):
    """Feeding observed steps one at a time gives model(window) for every window, cache or not."""
    keras.utils.set_random_seed(2)
    model = {**MODELS, **CACHED}[name]()
    series = _context(model, batch=2)[:, :, :]
    more = np.random.default_rng(5).normal(size=(2, 10, model.num_features)).astype("float32")
    full = np.concatenate([series, more], axis=1)  # (batch, window + 10, channels)
    forecast, state = stream_start(model, series)
    for t in range(10):
        window = full[:, t + 1 : t + 1 + model.window]
        forecast, state = stream_step(model, more[:, t : t + 1], state)
        expected = keras.ops.convert_to_numpy(model(window, training=False))
        np.testing.assert_allclose(keras.ops.convert_to_numpy(forecast), expected, atol=1e-5)


def test_models_without_an_exact_cache_say_so():
    wide = TCNForecaster(WINDOW, filters=4, dilations=[1, 2, 4])  # receptive field 29 > 24
    assert wide.receptive_field > WINDOW and not uses_cache(wide)
    assert TCNForecaster(100).supports_cache  # the default dilations fit the window
    assert not uses_cache(TransformerForecaster(WINDOW, model_dim=8, num_heads=2))
    assert not uses_cache(NaiveForecaster(WINDOW))
    with pytest.raises(
        ValueError,
        match=r"TCNForecaster has none here, so use cached=False\. Received: cached=True",
    ):
        compiled_rollout(wide, np.zeros((WINDOW, 1)), 3, cached=True)
    # Without the cache it still rolls out, exactly like the eager loop.
    context = np.random.default_rng(0).normal(size=(WINDOW, 1)).astype("float32")
    np.testing.assert_allclose(
        compiled_rollout(wide, context, 5, jit_compile=JIT),
        recursive_rollout(wide, context, 5),
        atol=1e-5,
    )


@pytest.mark.parametrize("name", ["tcn", "transformer", "linear"])
def test_noise_is_fed_back(name):
    """With noise, each step's value is forecast + noise, and the next step sees that value."""
    keras.utils.set_random_seed(3)
    model = {**MODELS, **CACHED}[name]()
    context = _context(model)
    noise = np.random.default_rng(4).normal(size=(3, 8)).astype("float32")
    expected = recursive_rollout(model, context, 8, noise=noise)
    np.testing.assert_allclose(
        compiled_rollout(model, context, 8, noise=noise, jit_compile=JIT),
        expected,
        rtol=1e-4,
        atol=1e-4,
    )
    # Zero noise is the point path; the noise moves it.
    point = compiled_rollout(model, context, 8, jit_compile=JIT)
    np.testing.assert_allclose(
        compiled_rollout(model, context, 8, noise=0 * noise, jit_compile=JIT), point
    )
    assert not np.allclose(expected, point, atol=1e-3)
    np.testing.assert_allclose(expected[:, 0], point[:, 0] + noise[:, 0], rtol=1e-4, atol=1e-5)


def test_bad_noise_shape():
    model = NaiveForecaster(WINDOW)
    with pytest.raises(ValueError, match=r"noise must have shape \(batch, horizon\) = \(1, 3\)"):
        compiled_rollout(model, np.zeros((1, WINDOW, 1)), 3, noise=np.zeros((1, 4)))


DIRECT = {
    "conv-direct": lambda: CausalConvForecaster(WINDOW, num_features=2, filters=4, output_steps=4),
    "tcn-direct": lambda: TCNForecaster(WINDOW, num_features=2, filters=4, output_steps=4),
    "transformer-direct": lambda: TransformerForecaster(
        WINDOW, num_features=2, model_dim=8, num_heads=2, output_steps=4
    ),
}


@pytest.mark.parametrize("name", sorted(DIRECT))
def test_direct_models_roll_out_k_steps_at_a_time(name, tmp_path):
    """Horizon 10 with K = 4: three calls, the last one cut to 2 steps; cache or not."""
    keras.utils.set_random_seed(5)
    model = DIRECT[name]()
    context = _context(model)
    assert tuple(model(context).shape) == (3, 4)
    expected = recursive_rollout(model, context, horizon=10)
    assert expected.shape == (3, 10)
    np.testing.assert_allclose(expected[:, :4], keras.ops.convert_to_numpy(model(context)))
    for cached in {False, uses_cache(model)}:
        got = compiled_rollout(model, context, 10, cached=cached, jit_compile=JIT)
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    noise = np.random.default_rng(0).normal(size=(3, 10)).astype("float32")
    np.testing.assert_allclose(
        compiled_rollout(model, context, 10, noise=noise, jit_compile=JIT),
        recursive_rollout(model, context, 10, noise=noise),
        rtol=1e-4,
        atol=1e-4,
    )
    from helpers import assert_round_trip

    assert_round_trip(model, tmp_path, channels=2)


class ThreeSteps(ForecasterModel, keras.Model):
    output_steps = 3  # declared as a capability, the way every tsconv model does


def last_plus_one_two_three(window: int) -> keras.Model:
    """A direct model over `window` steps that outputs last + 1, last + 2, last + 3."""
    inputs = keras.Input((window, 1))
    head = keras.layers.Dense(3, trainable=False)
    model = ThreeSteps(inputs=inputs, outputs=head(inputs[:, -1, :]))
    head.set_weights([np.ones((1, 3), "float32"), np.array([1, 2, 3], "float32")])
    return model


@pytest.mark.parametrize(
    "window",
    [5, 2],  # 2: a block of K = 3 is longer than the window; each starts from the newest 2
)
def test_direct_rollout_feeds_all_k_values_back(window):
    """Last + 1, last + 2, last + 3 per call rolls out 1, 2, …, 8 (K = 3), eager and compiled."""
    model = last_plus_one_two_three(window)
    for rollout in (recursive_rollout, compiled_rollout):
        got = rollout(model, np.zeros((window, 1)), 8)
        np.testing.assert_allclose(got, np.arange(1, 9), atol=1e-6)


def test_distribution_head_is_one_step():
    with pytest.raises(ValueError, match=r"forecasts one step at a time.*Received: output_steps=3"):
        TCNForecaster(WINDOW, distribution="gaussian", output_steps=3)


def test_direct_models_roll_out_without_the_stream_cache_by_default():
    """A K-step block would stream K columns per call, one by one: one window pass instead."""
    one_step = TCNForecaster(WINDOW, num_features=2, filters=4)
    direct = TCNForecaster(WINDOW, num_features=2, filters=4, output_steps=4)
    assert uses_cache(one_step) and uses_cache(direct)
    for model, cached in ((one_step, True), (direct, False)):
        loops = {}
        compiled_rollout(model, _context(model), 10, cache=loops, jit_compile=JIT)
        assert [loop.cached for loop in loops.values()] == [cached]
    # Asked for, the cache still serves a direct model (and agrees: see the test above).
    loops = {}
    compiled_rollout(direct, _context(direct), 10, cache=loops, cached=True, jit_compile=JIT)
    assert [loop.cached for loop in loops.values()] == [True]
