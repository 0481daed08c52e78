"""Every model behind the same Forecaster interface: learns, saves, loads, forecasts."""

import keras
import numpy as np
import pandas as pd
import pytest

import tsconv

# Keras-only: also run under KERAS_BACKEND=jax (see the README's test command).
pytestmark = pytest.mark.portable

# XLA's compile would be most of these short fits on TensorFlow; JAX always compiles (jax.jit).
JIT = False if keras.backend.backend() == "tensorflow" else None
SMALL = {
    "conv": {"filters": 8},
    "tcn": {"filters": 8},
    "transformer": {"model_dim": 16, "num_heads": 2, "num_layers": 1, "mlp_dim": 32},
    "linear": {},
}


def noisy_sine(rows=600, period=20, noise=0.05, seed=0) -> tsconv.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(rows)
    frame = pd.DataFrame(
        {"y": np.sin(2 * np.pi * t / period) + rng.normal(0, noise, rows)},
        index=pd.date_range("2020-01-01", periods=rows, freq="D", name="date"),
    )
    return tsconv.Series(frame=frame, target="y", time_column="date", freq="D")


@pytest.fixture(scope="module")
def sine():
    return noisy_sine()


@pytest.mark.parametrize("model", sorted(SMALL))
def test_each_model_beats_naive_on_a_noisy_sine(sine, model, tmp_path):
    fc = tsconv.Forecaster(
        window=40,
        model=model,
        model_options=SMALL[model],
        epochs=15,
        batch_size=32,
        learning_rate=3e-3,
        jit=JIT,
    ).fit(sine)
    test = fc.metrics_["test"]
    assert test["model"]["mae"] < 0.7 * test["naive"]["mae"], test
    fc.save(tmp_path / "run")
    again = tsconv.load(tmp_path / "run")
    pd.testing.assert_frame_equal(again.forecast(5), fc.forecast(5))


def test_sequence_objective_trains_the_per_step_head(sine):
    fc = tsconv.Forecaster(
        window=40,
        model="tcn",
        model_options=SMALL["tcn"],
        objective="sequence",
        epochs=15,
        batch_size=32,
        learning_rate=3e-3,
        jit=JIT,
    ).fit(sine)
    assert fc.config()["objective"] == "sequence"
    test = fc.metrics_["test"]
    assert test["model"]["mae"] < 0.7 * test["naive"]["mae"], test


def test_sequence_objective_needs_a_per_step_model():
    with pytest.raises(tsconv.InputError, match=r"objective 'sequence' needs a causal model"):
        tsconv.Forecaster(model="conv", objective="sequence")


def test_naive_model_equals_the_naive_metrics(sine):
    fc = tsconv.Forecaster(window=40, model="naive").fit(sine)
    test = fc.metrics_["test"]
    assert test["model"]["mae"] == pytest.approx(test["naive"]["mae"], rel=1e-6)
    assert fc.training_["epochs_run"] == 0 and fc.training_["best_epoch"] is None


def test_seasonal_naive_infers_its_season(sine):
    weekly = tsconv.Forecaster(window=40, model="seasonal-naive").fit(sine)
    assert weekly.season_ == 7  # daily data
    exact = tsconv.Forecaster(window=40, model="seasonal-naive", season=20).fit(sine)
    # The sine's true period: seasonal naive is then far better than naive.
    assert exact.metrics_["test"]["model"]["mae"] < 0.5 * exact.metrics_["test"]["naive"]["mae"]


def test_seasonal_naive_without_a_frequency_asks_for_a_season():
    frame = pd.DataFrame({"y": np.sin(np.arange(300) / 3)})
    series = tsconv.Series(frame=frame, target="y")
    with pytest.raises(tsconv.InputError, match=r"cannot infer a season.*--season"):
        tsconv.Forecaster(window=40, model="seasonal-naive").fit(series)


def test_option_of_another_model_is_refused():
    with pytest.raises(tsconv.InputError, match=r"model 'tcn' takes no option num_heads"):
        tsconv.Forecaster(model="tcn", model_options={"num_heads": 2})
