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


def test_seasonal_naive_finds_the_season_in_the_data(sine):
    # Daily data suggest 7 (and 365); the sine's period is 20 steps, found in its values.
    found = tsconv.Forecaster(window=40, model="seasonal-naive").fit(sine)
    assert found.season_ == 20
    given = tsconv.Forecaster(window=40, model="seasonal-naive", season=20).fit(sine)
    # The sine's true period: seasonal naive is then far better than naive.
    assert given.metrics_["test"]["model"]["mae"] < 0.5 * given.metrics_["test"]["naive"]["mae"]


def test_seasonal_naive_without_a_frequency_or_a_cycle_asks_for_a_season():
    frame = pd.DataFrame({"y": np.random.default_rng(0).normal(size=300)})
    series = tsconv.Series(frame=frame, target="y")
    with pytest.raises(
        tsconv.InputError, match=r"no season: the frequency suggests none.*--season 12"
    ):
        tsconv.Forecaster(window=40, model="seasonal-naive").fit(series)


def test_seasonal_naive_with_a_season_longer_than_the_window_says_so():
    t = np.arange(600)
    frame = pd.DataFrame({"y": np.sin(2 * np.pi * t / 50) + 2})
    series = tsconv.Series(frame=frame, target="y")
    with pytest.raises(tsconv.InputError, match=r"season 50 is longer than the window \(40\)"):
        tsconv.Forecaster(window=40, model="seasonal-naive").fit(series)


def test_option_of_another_model_is_refused():
    with pytest.raises(tsconv.InputError, match=r"model 'tcn' takes no option num_heads"):
        tsconv.Forecaster(model="tcn", model_options={"num_heads": 2})


def test_the_fit_reports_seasonal_naive_with_the_season_of_the_training_rows(sine, tmp_path):
    fc = tsconv.Forecaster(window=40, model="linear").fit(sine)
    assert fc.season_ is None  # nothing given
    (found,) = fc.seasons_.values()
    assert (found.primary, found.source) == (20, "data")
    test = fc.metrics_["test"]
    assert test["season"] == 20
    # The level 20 steps back, on the same targets: a sine repeats, so it is close.
    assert test["seasonal_naive"]["mae"] < 0.5 * test["naive"]["mae"]
    truth = fc.predictions_[fc.predictions_["split"] == "test"]["actual"].to_numpy()
    levels = sine.values[:, 0]
    np.testing.assert_allclose(truth, levels[-len(truth) :])
    expected = np.abs(truth - levels[-len(truth) - 20 : -20]).mean()
    np.testing.assert_allclose(test["seasonal_naive"]["mae"], expected, rtol=1e-9)
    run = fc.save(tmp_path / "run")
    loaded = tsconv.Forecaster.load(run)
    assert loaded.data_["seasons"]["y"]["lengths"] == [20]
    assert loaded.metrics_["test"]["season"] == 20
