"""Calendar features through fit → run files → forecast → backtest → audit."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

import tsconv
from conftest import TINY
from tsconv.backtesting.backtest import run_backtest
from tsconv.errors import InputError


def half_hourly(rows: int = 1400, seed: int = 0) -> tsconv.Series:
    """Load with a daily shape and a weekend dip, plus AR(1) noise: a window of 10 half-hours
    cannot see the time of day, the calendar can."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", periods=rows, freq="30min", name="time")
    hour = index.hour.to_numpy() + index.minute.to_numpy() / 60
    noise = np.zeros(rows)
    for t in range(1, rows):
        noise[t] = 0.7 * noise[t - 1] + rng.normal(0, 0.3)
    load = 50 + 6 * np.sin(2 * np.pi * (hour - 8) / 24) - 4 * (index.day_of_week >= 5) + noise
    frame = pd.DataFrame({"load": load}, index=index)
    return tsconv.Series(frame=frame, target="load", time_column="time", freq="30min")


def test_calendar_features_let_a_short_window_see_the_time_of_day():
    series = half_hourly()
    plain = tsconv.Forecaster(window=10, model="linear", calendar="none").fit(series)
    dated = tsconv.Forecaster(window=10, model="linear", calendar="auto").fit(series)
    assert plain.calendar_ == () and dated.calendar_ == (48, 336)
    assert dated.model_.num_features == 1 + 6 + 6  # three sine/cosine pairs per season
    ratio = dated.metrics_["test"]["model"]["mae"] / plain.metrics_["test"]["model"]["mae"]
    assert ratio < 0.9, ratio
    # 48 steps ahead the calendar keeps the daily shape; without it the path flattens out.
    truth = series.frame["load"].to_numpy()
    cut = dataclasses.replace(series, frame=series.frame.iloc[:-48])
    errors = {
        name: np.abs(fc.forecast(48, series=cut).iloc[:, 0].to_numpy() - truth[-48:]).mean()
        for name, fc in (("plain", plain), ("dated", dated))
    }
    assert errors["dated"] < 0.7 * errors["plain"], errors


def test_by_default_the_calendar_comes_in_when_the_window_misses_a_season(caplog):
    """The default: the seasons the training rows confirm, when the longest is longer than
    the window; none when the window spans them, or the data confirm none."""
    series = half_hourly()
    with caplog.at_level("INFO", logger="tsconv"):
        short = tsconv.Forecaster(window=10, model="linear").fit(series)
    assert short.calendar_ == (48, 336)
    assert "season 336 is longer than the window 10" in caplog.text
    assert tsconv.Forecaster(window=340, model="linear").fit(series).calendar_ == ()
    # a random walk with half-hourly stamps: no season is confirmed, so no calendar
    walk = np.cumsum(np.random.default_rng(1).normal(size=1400)) + 100
    frame = pd.DataFrame({"load": walk}, index=series.frame.index)
    plain = dataclasses.replace(series, frame=frame)
    assert tsconv.Forecaster(window=10, model="linear").fit(plain).calendar_ == ()


def test_the_forecast_reads_the_timestamps_of_its_own_steps():
    """Moving the same values 12 hours later moves the calendar, so the forecast changes;
    without calendar features it does not."""
    series = half_hourly(800)
    later = dataclasses.replace(
        series, frame=series.frame.set_axis(series.frame.index + pd.Timedelta(hours=12))
    )
    for calendar, moves in (("none", False), ("auto", True)):
        fc = tsconv.Forecaster(window=10, model="linear", calendar=calendar).fit(series)
        a = fc.forecast(24).iloc[:, 0].to_numpy()
        b = fc.forecast(24, series=later).iloc[:, 0].to_numpy()
        assert (not np.allclose(a, b, atol=1e-6)) is moves


@pytest.mark.parametrize("model", ["conv", "tcn"])
def test_a_calendar_run_saves_loads_and_forecasts_the_same(model, tmp_path):
    series = half_hourly(600)
    fc = tsconv.Forecaster(model=model, calendar=[48], **TINY).fit(series)
    path = fc.save(tmp_path / "run")
    config = tsconv.runs.read_run_dir(path)
    assert config["calendar"] == [48]
    loaded = tsconv.Forecaster.load(path)
    assert loaded.calendar_ == (48,) and loaded.calendar == [48]
    expected = fc.forecast(30)
    pd.testing.assert_frame_equal(loaded.forecast(30), expected)
    # The cached and the uncached rollouts carry the calendar alike.
    uncached = loaded.forecast(30, cached=False, jit_compile=False)
    np.testing.assert_allclose(uncached.to_numpy(), expected.to_numpy(), rtol=1e-4)
    samples = loaded.forecast(30, samples=16, seed=0)
    assert samples.shape == (30, 4) and np.isfinite(samples.to_numpy()).all()


def test_a_backtest_with_calendar_features_passes_the_leakage_audit():
    series = half_hourly(900)
    result = run_backtest(
        series, ["linear"], horizon=48, folds=2, samples=0, window=10, calendar="auto", audit=True
    )
    assert result.audit["passed"] and result.audit["max_difference"] == 0
    mase = result.table()[("mase", "mean")]
    assert mase["linear"] < 0.2 * mase["naive"], mase


def test_calendar_errors():
    with pytest.raises(InputError, match=r"calendar must be 'auto', 'none' or season lengths"):
        tsconv.Forecaster(calendar="yes")
    with pytest.raises(InputError, match=r"season"):
        tsconv.Forecaster(calendar=[0])
    series = half_hourly(300)
    irregular = dataclasses.replace(series, freq=None, regular=False)
    with pytest.raises(InputError, match=r"calendar features need a regular frequency"):
        tsconv.Forecaster(window=10, model="linear", calendar=[48]).fit(irregular)
    # "auto" finds no calendar season without a frequency: no features, said in the log.
    assert (
        tsconv.Forecaster(window=10, model="linear", calendar="auto").fit(irregular).calendar_ == ()
    )
    fc = tsconv.Forecaster(window=10, model="linear", calendar="auto").fit(series)
    with pytest.raises(InputError, match=r"streaming does not carry inputs known in advance"):
        fc.stream()
