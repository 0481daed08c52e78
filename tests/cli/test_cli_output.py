"""Machine-readable output: `--json` on fit and forecast, `--format csv` for pipes."""

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import bad, price_frame
from tsconv_cli.main import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    root = tmp_path_factory.mktemp("out")
    csv = root / "prices.csv"
    price_frame().to_csv(csv, index=False)
    runs_dir = root / "runs"
    result = invoke(
        "fit",
        csv,
        "--window",
        "20",
        "--epochs",
        "2",
        "--filters",
        "8",
        "--json",
        "--runs-dir",
        runs_dir,
        "--name",
        "j",
    )
    assert result.exit_code == 0, result.output
    return runs_dir, result


def test_fit_json_is_the_whole_of_stdout(fitted):
    runs_dir, result = fitted
    record = json.loads(result.stdout)  # nothing else on stdout, or this fails
    assert record["run"] == str(runs_dir / "j") and record["window"] == 20
    assert record["metrics"]["test"]["naive"]["mae"] > 0
    assert record["test_mae_ratio"] == pytest.approx(
        record["metrics"]["test"]["model"]["mae"] / record["metrics"]["test"]["naive"]["mae"]
    )


def test_forecast_json_and_csv(fitted, tmp_path):
    runs_dir, _ = fitted
    result = invoke(
        "forecast", "--horizon", "5", "--runs-dir", runs_dir, "--json", "--out", tmp_path / "f.csv"
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert len(record["forecast"]) == 5 and record["forecast"][0]["Date"].startswith("2021-02-24")
    result = invoke(
        "forecast",
        "--horizon",
        "7",
        "--runs-dir",
        runs_dir,
        "--format",
        "csv",
        "--out",
        tmp_path / "g.csv",
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout), index_col=0)  # stdout is only the CSV
    assert len(table) == 7 and list(table.columns) == ["Close"]
    assert table.equals(pd.read_csv(tmp_path / "g.csv", index_col=0))
    bad(invoke("forecast", "--runs-dir", runs_dir, "--format", "xml"), "--format must be one of")


def test_backtest_json_is_the_whole_of_stdout(tmp_path):
    csv = tmp_path / "prices.csv"
    price_frame().to_csv(csv, index=False)
    result = invoke(
        "backtest",
        csv,
        "--model",
        "linear",
        "--horizon",
        "5",
        "--folds",
        "2",
        "--window",
        "20",
        "--no-plot",
        "--json",
        "--out",
        tmp_path / "bt.csv",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["horizon"] == 5 and report["folds"] == 2
    assert "linear" in [m["model"] for m in report["models"]]
