"""`--window auto`: two of the longest season, at least 100 steps, at most what fits."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import tsconv
from conftest import bad
from tsconv.errors import InputError
from tsconv.preprocessing.window_choice import check_window_option, choose_window
from tsconv.preprocessing.windowing import largest_window, split_rows, split_sizes
from tsconv_cli.main import app


@pytest.mark.parametrize(
    ("rows", "seasons", "window", "reason"),
    [
        (8736, (48, 336), 672, "two of the longest season (336 steps)"),
        (8759, (24, 168), 336, "two of the longest season (168 steps)"),
        (7983, (5,), 100, "the default 100 steps (two of the longest season would be 10)"),
        (2284, (), 100, "the default 100 steps (no season)"),
        (144, (12,), 24, "two of the longest season (12 steps); the default 100 is longer"),
        (500, (240,), 369, "as long as the series allows (369 steps), short of two"),
        (120, (), 65, "as long as the series allows (65 steps)"),
    ],
)
def test_auto_window(rows, seasons, window, reason):
    chosen, why = choose_window(rows, seasons)
    assert chosen == window and why.startswith(reason)
    split_rows(rows - 1, chosen)  # the chosen window always fits the split


def test_largest_window_is_the_split_rules_limit():
    fits = largest_window(999)
    assert split_sizes(999) == (799, 100, 100) and fits == 769
    split_rows(999, fits)
    with pytest.raises(InputError, match="series too short"):
        split_rows(999, fits + 1)


def test_a_series_too_short_for_any_window_is_an_input_error():
    with pytest.raises(InputError, match=r"series too short: 30 rows leave no training windows"):
        choose_window(30, (12,))


@pytest.mark.parametrize("window", [0, -3, "abc", "100", True, 2.5, None])
def test_window_option_errors(window):
    with pytest.raises(InputError, match=r"positive integer or auto.*Received: window="):
        check_window_option(window)
    with pytest.raises(InputError, match=r"positive integer or auto"):
        tsconv.Forecaster(window=window)


def hourly_csv(path, rows=1500, seed=0):
    """Hourly load with a daily and a weekly cycle: seasons 24 and 168."""
    rng = np.random.default_rng(seed)
    hours = np.arange(rows)
    load = (
        50
        + 5 * np.sin(2 * np.pi * hours / 24)
        + 3 * np.sin(2 * np.pi * hours / 168)
        + rng.normal(0, 0.3, rows)
    )
    time = pd.date_range("2024-01-01", periods=rows, freq="h")
    pd.DataFrame({"time": time, "load": load}).to_csv(path, index=False)
    return path


def test_a_forecaster_with_window_auto_sees_two_weeks_and_keeps_it(tmp_path):
    series = tsconv.load_csv(hourly_csv(tmp_path / "load.csv"))
    fc = tsconv.Forecaster(window="auto", model="linear").fit(series)
    assert fc.window == "auto" and fc.window_ == 336
    assert fc.window_reason_ == "two of the longest season (168 steps)"
    assert fc.model_.window == 336
    fc.save(tmp_path / "run")
    again = tsconv.load(tmp_path / "run")
    assert again.window_ == 336 and again.window_reason_ == fc.window_reason_
    assert tsconv.runs.read_run_dir(tmp_path / "run")["window"] == 336
    np.testing.assert_allclose(again.forecast(horizon=24), fc.forecast(horizon=24))


def test_a_given_window_means_exactly_that(tmp_path):
    series = tsconv.load_csv(hourly_csv(tmp_path / "load.csv"))
    fc = tsconv.Forecaster(window=100, model="linear").fit(series)
    assert fc.window_ == 100 and fc.window_reason_ == "given" and fc.model_.window == 100


def test_cli_window_auto_is_reported_and_a_bad_window_is_one_line(tmp_path):
    runner = CliRunner()
    csv = hourly_csv(tmp_path / "load.csv")
    runs = tmp_path / "runs"
    result = runner.invoke(
        app, ["fit", str(csv), "--window", "auto", "--model", "linear", "--runs-dir", str(runs)]
    )
    assert result.exit_code == 0, result.output
    assert "window auto: 336, two of the longest season (168 steps)" in result.output
    assert "window 336" in result.output
    for text, match in (
        ("abc", "error: --window takes a positive integer or auto. Received: 'abc'"),
        ("0", "window must be a positive integer or auto (e.g. --window 100 or --window auto)"),
    ):
        result = runner.invoke(app, ["fit", str(csv), "--window", text, "--runs-dir", str(runs)])
        bad(result, match)
    assert len([p for p in runs.iterdir() if p.name != "latest"]) == 1  # nothing new written
