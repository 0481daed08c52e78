"""Backtests use each series' seasons, found before the first origin, for seasonal naive."""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import bad
from tsconv.backtesting.backtest import run_backtest
from tsconv.backtesting.references import classical_forecast
from tsconv.data.series import Series
from tsconv_cli.main import app

DAYS = 28
HORIZON = 48


def half_hourly(values: np.ndarray) -> Series:
    index = pd.date_range("2024-01-01", periods=len(values), freq="30min", name="time")
    frame = pd.DataFrame({"load": values}, index=index)
    return Series(frame=frame, target="load", time_column="time", freq="30min", source="synthetic")


def daily_cycle(days: int = DAYS, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(48 * days)
    return 50 + 10 * np.sin(2 * np.pi * t / 48) + rng.normal(size=len(t))


def test_a_half_hourly_backtest_has_seasonal_naive_with_the_day():
    series = half_hourly(daily_cycle())
    result = run_backtest(series, ["linear"], horizon=HORIZON, folds=2, samples=0, window=20)
    (found,) = result.seasons.values()
    assert (found.primary, found.source) == (48, "calendar")
    forecasts = result.forecasts
    target = series.values[:, 0]
    firsts = result.scores.drop_duplicates("fold")["origin"]  # each fold's first forecast time
    for k, first in enumerate(firsts):
        origin = series.frame.index.get_loc(pd.Timestamp(first))
        made = forecasts[(forecasts["model"] == "seasonal-naive") & (forecasts["fold"] == k + 1)]
        expected = classical_forecast("seasonal-naive", target[:origin], HORIZON, season=48)
        np.testing.assert_allclose(made["forecast"], expected)
    # The horizon is one whole day: repeating the day before is not "late".
    assert not any("repeats the past, late" in n for n in result.notes)


def test_seasons_come_from_the_history_before_the_first_origin_only():
    rng = np.random.default_rng(1)
    values = np.cumsum(rng.normal(size=48 * DAYS))  # a random walk …
    values[-3 * HORIZON :] += 30 * np.sin(2 * np.pi * np.arange(3 * HORIZON) / 48)  # … then a day
    result = run_backtest(
        half_hourly(values), ["linear"], horizon=HORIZON, folds=2, samples=0, window=20
    )
    (found,) = result.seasons.values()
    assert found.source == "calendar, unconfirmed"  # the cycle after the origins is not seen
    assert found.strength[48] < 0.05


def test_given_seasons_override_the_data():
    result = run_backtest(
        half_hourly(daily_cycle()),
        ["linear"],
        horizon=HORIZON,
        folds=2,
        samples=0,
        window=20,
        season=[96, 48],
    )
    (found,) = result.seasons.values()
    assert (found.lengths, found.primary, found.source) == ((96, 48), 96, "given")


@pytest.fixture
def half_hourly_csv(tmp_path):
    path = tmp_path / "load.csv"
    half_hourly(daily_cycle()).frame.to_csv(path)
    return path


def test_the_cli_takes_several_seasons_and_reports_them(half_hourly_csv, tmp_path):
    out = tmp_path / "bt.csv"
    args = ["backtest", half_hourly_csv, "--model", "linear", "--window", "20", "--horizon"]
    args += [HORIZON, "--folds", "2", "--samples", "0", "--no-plot", "--out", out]
    result = CliRunner().invoke(app, [str(a) for a in [*args, "--season", "48,336", "--json"]])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["seasons"]["load"]["lengths"] == [48, 336]
    assert report["seasons"]["load"]["source"] == "given"
    found = CliRunner().invoke(app, [str(a) for a in args])
    assert found.exit_code == 0, found.output
    assert "seasons 48 (calendar, confirmed by the data" in found.stdout


@pytest.mark.parametrize(
    "season, match",
    [
        ("48,day", "--season takes integers like 1,2,4,8"),
        ("0", "season must be a positive integer or a list"),
        ("5000", "season 5000 is longer than the history"),
    ],
)
def test_a_bad_season_is_one_line_and_writes_nothing(half_hourly_csv, tmp_path, season, match):
    out = tmp_path / "bt.csv"
    args = ["backtest", half_hourly_csv, "--model", "linear", "--window", "20", "--horizon"]
    args += [HORIZON, "--folds", "2", "--samples", "0", "--out", out, "--season", season]
    result = CliRunner().invoke(app, [str(a) for a in args])
    bad(result, match)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["load.csv"]
