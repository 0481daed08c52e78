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
