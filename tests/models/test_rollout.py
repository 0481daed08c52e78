"""The compiled rollout agrees with the plain eager loop for every model."""

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
from tsconv.rollout import compiled_rollout, recursive_rollout

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
    assert got.shape == (3, 12) and set(cache) == {(12, True)}
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    # A single series (2-D context) through the cached loop agrees too.
    again = compiled_rollout(model, context[1], 12, cache=cache)
    np.testing.assert_allclose(again, expected[1], rtol=1e-4, atol=1e-4)
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


@pytest.mark.parametrize("horizon", [0, -1, 2.5])
def test_bad_horizon(horizon):
    from tsconv.errors import InputError

    model = NaiveForecaster(WINDOW)
    with pytest.raises(InputError, match="horizon must be a positive integer"):
        compiled_rollout(model, np.zeros((WINDOW, 1)), horizon)
