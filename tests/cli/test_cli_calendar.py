"""`--calendar` on the command line: fit → run → forecast, and one-line errors."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import bad
from tsconv_cli.main import app

runner = CliRunner()


@pytest.fixture
def load_csv(tmp_path):
    rng = np.random.default_rng(0)
    index = pd.date_range("2024-01-01", periods=900, freq="30min")
    load = 50 + 6 * np.sin(2 * np.pi * np.arange(900) / 48) + rng.normal(0, 0.5, 900)
    path = tmp_path / "load.csv"
    pd.DataFrame({"time": index, "load": load}).to_csv(path, index=False)
    return path


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_fit_with_calendar_then_forecast(load_csv, tmp_path):
    runs = tmp_path / "runs"
    fit = invoke(
        "fit",
        load_csv,
        "--model",
        "linear",
        "--window",
        "10",
        "--calendar",
        "auto",
        "--runs-dir",
        runs,
        "--name",
        "cal",
        "--quiet",
    )
    assert fit.exit_code == 0, fit.output
    import json

    assert json.loads((runs / "cal" / "config.json").read_text())["calendar"] == [48, 336]
    out = tmp_path / "fc.csv"
    forecast = invoke(
        "forecast",
        "--run",
        runs / "cal",
        "--horizon",
        "48",
        "--out",
        out,
        "--runs-dir",
        runs,
        "--quiet",
    )
    assert forecast.exit_code == 0, forecast.output
    table = pd.read_csv(out)
    assert len(table) == 48 and table["load"].std() > 2  # the daily shape, not a flat line


@pytest.mark.parametrize(
    "calendar, match",
    [
        ("weekly", "--calendar takes integers like 1,2,4,8"),
        ("0", "season must be a positive integer"),
        ("5000", "calendar season 5000 is longer than the history (900 rows)"),
    ],
)
def test_a_bad_calendar_is_one_line_and_writes_nothing(load_csv, tmp_path, calendar, match):
    runs = tmp_path / "runs"
    result = invoke(
        "fit",
        load_csv,
        "--model",
        "linear",
        "--window",
        "10",
        "--calendar",
        calendar,
        "--runs-dir",
        runs,
    )
    bad(result, match)
    assert not runs.exists() or not any(runs.iterdir())


def test_a_paris_logger_across_daylight_saving_fits_and_forecasts_on_its_clock(tmp_path):
    """Issue 23, item 7: hourly readings with +02:00 then +01:00 offsets; --timezone keeps
    the run on Paris time for its calendar; forecasts step in UTC hours; an unknown zone is
    one line."""
    import json

    utc = pd.date_range("2021-09-20", periods=1200, freq="h", tz="UTC")
    local = utc.tz_convert("Europe/Paris")
    demand = 50 + 8 * np.sin(2 * np.pi * (local.hour.to_numpy() - 6) / 24)  # a local rhythm
    path = tmp_path / "paris.csv"
    pd.DataFrame({"when": [t.isoformat() for t in local], "demand": demand}).to_csv(
        path, index=False
    )
    runs = tmp_path / "runs"
    common = ["--model", "linear", "--window", "12", "--calendar", "24", "--runs-dir", runs]
    fit = invoke("fit", path, *common, "--timezone", "Europe/Paris", "--name", "paris", "-q")
    assert fit.exit_code == 0, fit.output
    config = json.loads((runs / "paris" / "config.json").read_text())
    assert config["data"]["timezone"] == "Europe/Paris" and config["data"]["freq"] == "h"
    out = tmp_path / "fc.csv"
    forecast = invoke("forecast", "--run", runs / "paris", "--horizon", "24", "--out", out,
                      "--runs-dir", runs, "--quiet")  # fmt: skip
    assert forecast.exit_code == 0, forecast.output
    table = pd.read_csv(out, index_col=0, parse_dates=True)
    hours = table.index.tz_localize("UTC").tz_convert("Europe/Paris").hour
    truth = 50 + 8 * np.sin(2 * np.pi * (hours.to_numpy() - 6) / 24)
    # On Paris's clock: off by 0.0006 here; with the calendar in UTC it was off by 1.98.
    assert np.abs(table["demand"].to_numpy() - truth).max() < 0.1
    bad(invoke("fit", path, *common, "--timezone", "Mars/Olympus"),
        "unknown time zone 'Mars/Olympus'")  # fmt: skip
