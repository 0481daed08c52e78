import keras
import numpy as np
import pytest

from helpers import assert_round_trip
from tsconv.models import (
    DriftForecaster,
    LinearForecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
)
from tsconv.preprocessing import transforms
from tsconv.preprocessing.windowing import make_windows
from tsconv.rollout.loops import recursive_rollout

# Keras-only: also run under KERAS_BACKEND=jax (see the README's test command).
pytestmark = pytest.mark.portable

WINDOW = 24
MEAN, SCALE = 0.3, 2.5  # an arbitrary scaler: the rules must undo it exactly


def levels(n=60):
    t = np.arange(n)
    return 50 + 0.2 * t + 5 * np.sin(2 * np.pi * t / 7) + np.random.default_rng(0).normal(0, 0.5, n)


def roll(model_cls, transform, horizon, **kwargs):
    """Rolls a rule out from the end of `levels()` and returns the forecast in levels."""
    x = levels()
    z = transforms.forward(transform, x)  # (n - 1,)
    scaled = ((z - MEAN) / SCALE)[-WINDOW:, None].astype("float32")  # (window, 1)
    model = model_cls(WINDOW, transform=transform, target_mean=MEAN, target_scale=SCALE, **kwargs)
    path = recursive_rollout(model, scaled, horizon) * SCALE + MEAN
    return x, transforms.integrate(transform, path[None].astype("float64"), x[-1:])[0]


@pytest.mark.parametrize("transform", ["none", "diff", "log-return"])
def test_naive_repeats_the_last_level(transform):
    x, forecast = roll(NaiveForecaster, transform, 10)
    np.testing.assert_allclose(forecast, x[-1], rtol=1e-5)


@pytest.mark.parametrize("transform", ["none", "diff", "log-return"])
def test_seasonal_naive_repeats_the_last_season(transform):
    x, forecast = roll(SeasonalNaiveForecaster, transform, 16, season=7)
    expected = [x[len(x) - 7 + (h % 7)] for h in range(16)]  # x[t+h+1-7k]
    np.testing.assert_allclose(forecast, expected, rtol=1e-4)


def test_drift_one_step_is_the_mean_step():
    x, forecast = roll(DriftForecaster, "diff", 1)
    np.testing.assert_allclose(forecast[0], x[-1] + (x[-1] - x[-1 - WINDOW]) / WINDOW, rtol=1e-5)
    x, forecast = roll(DriftForecaster, "none", 1)
    slope = (x[-1] - x[-WINDOW]) / (WINDOW - 1)
    np.testing.assert_allclose(forecast[0], x[-1] + slope, rtol=1e-5)


def test_rules_have_no_weights():
    for cls in (NaiveForecaster, SeasonalNaiveForecaster, DriftForecaster):
        assert cls(10).count_params() == 0


def test_linear_recovers_an_autoregression():
    rng = np.random.default_rng(0)
    y = np.zeros(3000)
    for t in range(2, len(y)):
        y[t] = 0.5 * y[t - 1] + 0.3 * y[t - 2] + 0.1 + rng.normal(0, 0.1)
    model = LinearForecaster(window=4, ridge=0.0)
    model.fit_closed_form(make_windows(y.astype("float32"), 4))
    weights, bias = model.get_layer("head").get_weights()
    np.testing.assert_allclose(weights[:, 0], [0, 0, 0.3, 0.5], atol=0.03)
    np.testing.assert_allclose(bias, [0.1], atol=0.02)


@pytest.mark.parametrize(
    "model",
    [
        NaiveForecaster(12, transform="log-return", target_mean=0.1, target_scale=2.0),
        SeasonalNaiveForecaster(12, season=5, transform="diff"),
        DriftForecaster(12, transform="none"),
        LinearForecaster(12, num_features=2, ridge=0.5),
    ],
)
def test_round_trip(tmp_path, model):
    channels = getattr(model, "num_features", 1)
    assert_round_trip(model, tmp_path, channels=channels)


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: SeasonalNaiveForecaster(5, season=7), r"Received: season=7, window=5"),
        (lambda: NaiveForecaster(5, transform="sqrt"), r"Received: transform='sqrt'"),
        (lambda: NaiveForecaster(5, target_scale=0.0), r"Received: target_scale=0.0"),
        (lambda: DriftForecaster(0), r"Received: window=0"),
        (lambda: LinearForecaster(5, ridge=-1.0), r"Received: ridge=-1.0"),
    ],
)
def test_argument_errors(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_keras_loads_rules_without_custom_objects(tmp_path):
    model = SeasonalNaiveForecaster(10, season=3)
    model.save(tmp_path / "m.keras")
    assert isinstance(keras.saving.load_model(tmp_path / "m.keras"), SeasonalNaiveForecaster)
