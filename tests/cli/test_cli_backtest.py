"""`tsconv backtest` and `tsconv compare` in-process, tiny, on synthetic and embedded data."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import MSFT, ROOT, bad
from tsconv_cli.main import app

runner = CliRunner()
# No XLA: compiling each fold's training step would cost more than the tiny fit.
TINY = [
    "--window",
    "20",
    "--epochs",
    "2",
    "--horizon",
    "5",
    "--folds",
    "2",
    "--samples",
    "10",
    "--no-jit",
]
CO2 = ROOT / "datasets" / "co2_weekly.csv"
AIRLINE = ROOT / "datasets" / "airline.csv"


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_backtest_writes_scores_forecasts_and_a_plot(prices_csv, tmp_path):
    out = tmp_path / "bt.csv"
    result = invoke("backtest", prices_csv, "--model", "conv", *TINY, "--out", out, "--audit")
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(out)
    assert sorted(scores["model"].unique()) == ["conv", "drift", "naive", "seasonal-naive"]
    assert len(scores) == 4 * 2 and {"mase", "smape", "crps", "coverage"} <= set(scores)
    forecasts = pd.read_csv(tmp_path / "bt_forecasts.csv")
    assert len(forecasts) == 4 * 2 * 5
    assert (tmp_path / "bt.png").stat().st_size > 5000
    text = result.stdout
    assert "rank" in text and "MASE/naive" in text and "± " in text
    assert "conv: MASE" in text and "naive forecast" in text
    assert "leakage audit passed" in text
    assert not list(tmp_path.glob(".*part*"))  # no temporary files left


def test_compare_ranks_models_as_json(prices_csv, tmp_path):
    out = tmp_path / "cmp.csv"
    result = invoke(
        "compare",
        prices_csv,
        "--models",
        "naive,linear",
        *TINY,
        "--out",
        out,
        "--no-plot",
        "--json",
        "--quiet",
        "--no-refit",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [m["rank"] for m in report["models"]] == [1, 2, 3, 4]
    names = [m["model"] for m in report["models"]]
    assert sorted(names) == ["drift", "linear", "naive", "seasonal-naive"]
    mases = [m["mase"]["mean"] for m in report["models"]]
    assert mases == sorted(mases)
    naive = next(m for m in report["models"] if m["model"] == "naive")
    assert naive["mase/naive"] == pytest.approx(1.0)
    assert report["horizon"] == 5 and report["folds"] == 2 and len(report["origins"]) == 2
    assert report["refit"] == "none"  # --no-refit still means fit once
    assert not out.with_suffix(".png").exists()


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["compare", "--models", "naive,prophet"], "unknown model(s) ['prophet']"),
        (["backtest", "--folds", "100"], "100 folds of 5 steps need more than 300 rows"),
        (["backtest", "--horizon", "0"], "horizon must be a positive integer"),
        (["backtest", "--horizon", "140", "--folds", "2"], "fold 1 of 2 observes 20 rows"),
        (["backtest", "--strategy", "sideways"], "strategy"),
        (["backtest", "--refit", "hot"], "unknown refit 'hot'; use one of"),
        (["compare", "--models", "tcn", "--objective", "both"], "objective"),
    ],
)
def test_errors_are_one_line_and_write_nothing(prices_csv, tmp_path, args, match):
    command, *rest = args
    defaults = ["--window", "20", "--epochs", "1", "--horizon", "5"]
    out = tmp_path / "bt.csv"
    bad(invoke(command, prices_csv, *defaults, *rest, "--out", out), match)
    assert list(tmp_path.iterdir()) == [prices_csv]


@pytest.mark.parametrize(
    ("path", "args"),
    [
        (MSFT, ["--horizon", "30", "--folds", "2"]),
        (CO2, ["--horizon", "52", "--folds", "2", "--fill", "interpolate"]),
        (AIRLINE, ["--horizon", "12", "--folds", "2", "--window", "24"]),
    ],
)
def test_compare_on_the_embedded_datasets(path, args, tmp_path):
    out = tmp_path / "cmp.csv"
    result = invoke("compare", path, "--models", "linear", *args, "--samples", "10", "--out", out)
    assert result.exit_code == 0, result.output
    assert "linear: MASE" in result.stdout
    assert len(pd.read_csv(out)) == 2 * 4


def test_backtest_direct_strategy(prices_csv, tmp_path):
    out = tmp_path / "bt.csv"
    args = [*TINY, "--strategy", "direct", "--direct-steps", "5", "--no-plot", "--out", out]
    result = invoke("backtest", prices_csv, "--model", "conv", *args)
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) == 4 * 2


def test_fit_on_a_short_series_suggests_a_window(tmp_path):
    """airline.csv (144 months) cannot train a window of 100: say so, with numbers and a window."""
    result = invoke("fit", AIRLINE, "--runs-dir", tmp_path / "runs")
    bad(result, "15 training windows of 100; at least 30 are needed")
    assert "Try --window 24 (two seasons of 12 steps; at most 85 fits)" in result.stderr


def test_fit_on_few_windows_says_it_may_overfit(tmp_path):
    result = invoke(
        "fit", AIRLINE, "--window", "24", "--epochs", "2", "--runs-dir", tmp_path / "runs"
    )
    assert result.exit_code == 0, result.output
    assert "note: only 91 training windows" in result.stdout


def test_backtest_of_a_many_series_csv(tmp_path):
    """The embedded 10-series macro file: per-series MASE beside the references, files by id."""
    out = tmp_path / "bt.csv"
    macro = ROOT / "datasets" / "us_macro_long.csv"
    args = ["--model", "conv", "--horizon", "4", "--folds", "2", "--window", "20", "--no-jit"]
    result = invoke("backtest", macro, *args, "--epochs", "2", "--samples", "10", "--out", out)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "10 series, 2 folds of 4 steps" in text and "MASE per series" in text
    assert "conv: MASE" in text and "× naive" in text
    scores = pd.read_csv(out)
    assert list(scores.columns[:4]) == ["model", "fold", "series_id", "origin"]
    assert scores.groupby("model")["series_id"].nunique().eq(10).all()
    forecasts = pd.read_csv(tmp_path / "bt_forecasts.csv")
    assert len(forecasts) == 4 * 10 * 2 * 4  # models × series × folds × steps
    assert (tmp_path / "bt.png").stat().st_size > 5000
    as_json = invoke(
        "compare",
        macro,
        "--models",
        "linear",
        "--horizon",
        "4",
        "--folds",
        "2",
        "--window",
        "20",
        "--samples",
        "0",
        "--out",
        out,
        "--json",
    )
    assert as_json.exit_code == 0, as_json.output
    report = json.loads(as_json.stdout)
    assert report["series"] == 10 and set(report["mase_per_series"]["cpi"]) == {
        "naive",
        "seasonal-naive",
        "drift",
        "linear",
    }
