"""Numerical failure: diverging training, runaway rollouts, constant series, big prices."""

import json
import logging

import keras
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import tsconv
from conftest import TINY, bad, price_frame
from tsconv.preprocessing.preparation import encode
from tsconv.preprocessing.windowing import last_window
from tsconv.rollout.guard import first_bad_step, guard, runaway_bound
from tsconv.training import engine as engine_module
from tsconv.training.callbacks import StopOnNonFiniteLoss
from tsconv_cli.main import app

runner = CliRunner()
FAST = ["--window", "20", "--epochs", "2", "--batch-size", "32", "--no-jit"]


@pytest.fixture(scope="module")
def prices(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "prices.csv"
    price_frame().to_csv(path, index=False)
    return tsconv.load_csv(path)


def test_nan_loss_stops_training_at_once_with_where_and_what_to_do(prices):
    with pytest.raises(
        tsconv.TrainingDivergedError,
        match=r"training diverged: the loss became (nan|inf) at epoch 1, batch \d+; lower "
        r"--learning-rate",
    ):
        tsconv.Forecaster(**{**TINY, "learning_rate": 1e20}).fit(prices)


def test_the_callback_stops_at_the_first_non_finite_batch():
    class Model:
        stop_training = False

    callback = StopOnNonFiniteLoss()
    callback.set_model(Model())
    callback.on_epoch_begin(2)
    callback.on_train_batch_end(0, {"loss": 0.5})
    assert callback.failure is None and not callback.model.stop_training
    callback.on_train_batch_end(4, {"loss": float("inf")})
    callback.on_train_batch_end(5, {"loss": float("nan")})  # the first one is reported
    assert callback.model.stop_training
    with pytest.raises(tsconv.TrainingDivergedError, match="became inf at epoch 3, batch 5"):
        callback.raise_if_failed()
    late = StopOnNonFiniteLoss()
    late.set_model(Model())
    late.on_epoch_end(0, {"loss": 0.1, "val_loss": float("nan")})
    with pytest.raises(tsconv.TrainingDivergedError, match="became nan at epoch 1;"):
        late.raise_if_failed()


def test_a_diverging_fit_exits_2_and_leaves_no_run(tmp_path):
    csv = tmp_path / "prices.csv"
    price_frame().to_csv(csv, index=False)
    runs_dir = tmp_path / "runs"
    result = runner.invoke(
        app,
        ["fit", str(csv), *FAST, "--learning-rate", "1e20", "--runs-dir", str(runs_dir)],
    )
    bad(result, "training diverged: the loss became")
    left = [p for p in runs_dir.rglob("*")] if runs_dir.exists() else []
    assert not any(p.name == "manifest.json" for p in left), left
    assert not (runs_dir / "latest").exists()
    assert not any(p.is_file() for p in left), left  # no backup to resume from either


@pytest.fixture
def amplifier(prices):
    """A linear model whose forecast triples every step: a rollout that runs away."""
    fc = tsconv.Forecaster(window=20, model="linear").fit(prices)
    kernel = np.zeros((20, 1), "float32")
    kernel[-1] = 3.0
    fc.model_.get_layer("head").set_weights([kernel, np.zeros(1, "float32")])
    return fc


def test_a_runaway_rollout_stops_with_a_warning_naming_the_step(amplifier, caplog):
    with caplog.at_level(logging.WARNING, logger="tsconv"):
        table = amplifier.forecast(100)
    # Unguarded, 3**k overflows float32 to inf within 100 steps.
    assert 0 < len(table) < 100 and np.isfinite(table.to_numpy()).all()
    step = len(table) + 1
    assert f"rollout stopped at step {step} of 100" in caplog.text
    bound = runaway_bound(amplifier.data_["scaled_target_max"])
    levels = amplifier.context_[["Close"]].to_numpy()
    window = last_window(encode(amplifier.transform_, amplifier.scaler_, levels), amplifier.window)
    scaled = tsconv.compiled_rollout(amplifier.model_, window[None], 100)  # unguarded
    assert np.abs(scaled[0, : step - 1]).max() <= bound < abs(scaled[0, step - 1])
    assert not np.isfinite(scaled[0, -1])  # what would have been printed
    samples = amplifier.forecast(100, samples=20, seed=0)
    assert len(samples) == len(table) and np.isfinite(samples.to_numpy()).all()


def test_a_rollout_that_runs_away_at_once_is_an_error(prices):
    fc = tsconv.Forecaster(window=20, model="linear").fit(prices)
    kernel = np.full((20, 1), 1e6, "float32")
    fc.model_.get_layer("head").set_weights([kernel, np.zeros(1, "float32")])
    with pytest.raises(tsconv.ForecastDivergedError, match="ran away at step 1"):
        fc.forecast(30)


def test_first_bad_step_rules():
    fine = np.array([[0.1, -2.0, 3.0]])
    assert first_bad_step(fine, np.ones((1, 3)), 10.0) is None
    assert first_bad_step(np.array([[0.1, np.nan, 1.0]]), np.ones((1, 3)), 10.0) == 1
    assert first_bad_step(np.array([[0.1, 0.2, -11.0]]), np.ones((1, 3)), 10.0) == 2
    assert first_bad_step(fine, np.array([[1.0, np.inf, 1.0]]), 10.0) == 1
    two_paths = np.array([[0.1, 0.2, 0.3], [0.1, 50.0, 0.3]])  # any path counts
    assert guard(two_paths, np.ones((2, 3)), 10.0) == 1
    assert runaway_bound(None) == 100.0 and runaway_bound(0.2) == 10.0


@pytest.mark.parametrize("transform", ["log-return", "diff", "none"])
def test_a_constant_series_trains_and_forecasts_the_constant(tmp_path, transform):
    dates = pd.bdate_range("2020-01-01", periods=200).strftime("%Y-%m-%d")
    csv = tmp_path / "flat.csv"
    pd.DataFrame({"Date": dates, "Close": 100.0}).to_csv(csv, index=False)
    runs_dir = tmp_path / "runs"
    result = runner.invoke(
        app, ["fit", str(csv), *FAST, "--transform", transform, "--runs-dir", str(runs_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "nan" not in result.stdout.lower() and "inf" not in result.stdout.lower()
    run = (runs_dir / "latest").resolve()
    for name in ("config.json", "metrics.json", "residuals.json"):
        text = (run / name).read_text()
        assert "NaN" not in text and "Infinity" not in text, name
    fc = tsconv.load(run)
    assert np.isfinite(fc.history_.to_numpy()).all()
    table = fc.forecast(30, samples=50, seed=0)
    assert len(table) == 30
    np.testing.assert_allclose(table.to_numpy(), 100.0, rtol=1e-5)
    weights = np.concatenate([w.ravel() for w in fc.model_.get_weights()])
    assert np.isfinite(weights).all() and np.abs(weights).max() < 1e3
    assert json.loads((run / "metrics.json").read_text())["test"]["model"]["mae"] < 1e-4


@pytest.mark.parametrize("transform", ["log-return", "none"])
def test_prices_above_float16_range_stay_finite_under_mixed_float16(
    tmp_path, monkeypatch, transform
):
    # On a CPU "mixed" means bfloat16 (float32's range); force float16, whose largest
    # value is 65,504, to show the scaling happens before any half-precision op.
    monkeypatch.setattr(
        engine_module,
        "dtype_policy",
        lambda precision, device: "mixed_float16" if precision == "mixed" else "float32",
    )
    frame = price_frame()
    frame["Close"] *= 1e4  # about 500,000: far above float16's range
    csv = tmp_path / "big.csv"
    frame.to_csv(csv, index=False)
    series = tsconv.load_csv(csv)
    fc = tsconv.Forecaster(**{**TINY, "transform": transform, "precision": "mixed"}).fit(series)
    assert fc.engine_.dtype_policy == "mixed_float16"
    assert fc.model_.compute_dtype == "float16"
    window = np.zeros((1, 20, 1), "float32")
    output = fc.model_(window)
    assert keras.backend.standardize_dtype(output.dtype) == "float32"  # float32 output layer
    table = fc.forecast(30)
    last = series.values[-1, 0]
    assert len(table) == 30 and np.isfinite(table.to_numpy()).all()
    assert (np.abs(table.to_numpy() / last - 1) < 0.5).all()
    assert np.isfinite(fc.metrics_["test"]["model"]["mae"])
    run = fc.save(tmp_path / "run")
    np.testing.assert_allclose(tsconv.load(run).forecast(30).to_numpy(), table.to_numpy())
