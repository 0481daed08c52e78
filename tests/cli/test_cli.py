"""The CLI in-process: the main job, and a one-line error with exit code 2 for bad input."""

import json
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import MSFT, bad, price_frame
from tsconv_cli.main import app

runner = CliRunner()
FAST = ["--window", "20", "--epochs", "2", "--filters", "8", "--quiet", "--no-jit"]


def invoke(*args, cwd=None):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def fitted_run(prices_csv, tmp_path):
    runs_dir = tmp_path / "runs"
    result = invoke("fit", prices_csv, *FAST, "--name", "r1", "--runs-dir", runs_dir)
    assert result.exit_code == 0, result.output
    return runs_dir


def test_fit_then_forecast(fitted_run, tmp_path):
    assert (fitted_run / "latest").resolve() == (fitted_run / "r1").resolve()
    out = tmp_path / "fc.csv"
    result = invoke("forecast", "--horizon", "7", "--runs-dir", fitted_run, "--out", out, "--plot")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, index_col=0, parse_dates=True)
    assert len(table) == 7 and table.index[0] == pd.Timestamp("2021-02-24")
    assert out.with_suffix(".png").stat().st_size > 1000
    assert "2021-02-24" in result.stdout


def test_fit_reports_the_naive_forecast(prices_csv, tmp_path):
    result = invoke("fit", prices_csv, *FAST, "--runs-dir", tmp_path / "runs")
    assert result.exit_code == 0, result.output
    assert "naive" in result.stdout and "test MAE model/naive" in result.stdout
    # The conv's dense head reads the whole window: no "can see only" note for it.
    assert "receptive field 20 steps" in result.stdout and "can see only" not in result.stdout
    metrics = json.loads(next((tmp_path / "runs").glob("2*/metrics.json")).read_text())
    assert metrics["test"]["naive"]["mae"] > 0


def test_forecast_with_input_csv(fitted_run, tmp_path):
    path = tmp_path / "later.csv"
    price_frame(rows=40, seed=9).to_csv(path, index=False)
    out = tmp_path / "fc.csv"
    result = invoke(
        "forecast", "--horizon", "2", "--runs-dir", fitted_run, "--input", path, "--out", out
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("text", "extra", "match"),
    [
        (None, [], "file not found"),
        ("", [], "is empty"),
        ("date,name\n2020-01-01,a\n2020-01-02,b\n", [], "no numeric column"),
        (
            "date,v\n2020-01-01,1\n2020-01-02,2\n",
            ["--target", "Price"],
            "target column 'Price' not found; the file has columns ['date', 'v']",
        ),
        ("date,v\n2020-01-01,1\n2020-01-02,x\n", [], "'v' holds text at line 3: 'x'"),
        (
            "date,v\n2020-01-01,1\n2020-01-02,\n2020-01-03,nan\n",
            [],
            "2 row(s) have missing or infinite values",
        ),
        ("date,v\n2020-01-01,1\n2020-01-01,2\n", [], "duplicate timestamp 2020-01-01"),
        (
            "date,v\n" + "".join(f"2020-01-{d:02d},{d}\n" for d in range(1, 29)),
            ["--window", "20"],
            "series too short: 27 usable rows",
        ),
    ],
)
def test_fit_bad_input(tmp_path, text, extra, match):
    path = tmp_path / "data.csv"
    if text is not None:
        path.write_text(text)
    runs_dir = tmp_path / "runs"
    bad(invoke("fit", path, "--runs-dir", runs_dir, "--epochs", "1", *extra), match)
    assert not runs_dir.exists() or not any(runs_dir.iterdir())  # nothing left behind


@pytest.mark.parametrize(
    ("window", "match"), [("0", "Received: window=0"), ("-5", "Received: window=-5")]
)
def test_fit_bad_window(prices_csv, tmp_path, window, match):
    bad(invoke("fit", prices_csv, "--window", window, "--runs-dir", tmp_path / "r"), match)
    assert not (tmp_path / "r").exists()


def test_forecast_quantiles_and_fan_chart(fitted_run, tmp_path):
    out = tmp_path / "fc.csv"
    args = ["forecast", "--horizon", "6", "--runs-dir", fitted_run, "--out", out]
    result = invoke(*args, "--quantiles", "0.1,0.9", "--seed", "3", "--plot")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, index_col=0)
    assert list(table.columns) == ["Close", "q0.1", "q0.9"] and len(table) == 6
    assert (table["q0.1"] < table["q0.9"]).all()
    assert out.with_suffix(".png").read_bytes()[:4] == b"\x89PNG"
    again = invoke(*args, "--samples", "200", "--quantiles", "0.1,0.9", "--seed", "3")
    assert again.exit_code == 0, again.output
    pd.testing.assert_frame_equal(pd.read_csv(out, index_col=0), table)  # same seed, same
    point = invoke(*args, "--samples", "50", "--temperature", "0")
    assert point.exit_code == 0, point.output
    cold = pd.read_csv(out, index_col=0)
    for column in ("q0.05", "q0.5", "q0.95"):  # temperature 0: every sample is the point path
        np.testing.assert_allclose(cold[column], cold["Close"], rtol=1e-6)
    median = invoke(*args, "--quantiles", "0.05,0.5,0.95", "--lower", "60")
    assert median.exit_code == 0, median.output
    table = pd.read_csv(out, index_col=0)  # one distribution: q0.5 is the forecast
    np.testing.assert_allclose(table["q0.5"], table["Close"], rtol=1e-9)
    assert (table.to_numpy() >= 60).all()  # --lower holds everything at or above it


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--samples", "-2"], "samples must be a whole number"),
        (["--quantiles", "0.5,1.5"], "quantiles must lie between 0 and 1"),
        (["--quantiles", "low"], "--quantiles takes numbers like 0.05,0.5,0.95"),
        (["--temperature", "-1"], "temperature must be a finite number"),
        (["--samples", "0", "--quantiles", "0.5"], "quantiles need sampled trajectories"),
        (["--lower", "zero"], "lower must be a number, 'auto'"),
    ],
)
def test_forecast_sampling_errors(fitted_run, tmp_path, args, message):
    out = tmp_path / "fc.csv"
    bad(invoke("forecast", "--runs-dir", fitted_run, "--out", out, *args), message)
    assert not out.exists()


def test_fit_direct_strategy_and_distribution_head(prices_csv, tmp_path):
    runs_dir = tmp_path / "runs"
    fit = ["fit", prices_csv, *FAST, "--model", "tcn", "--runs-dir", runs_dir]
    result = invoke(*fit, "--strategy", "direct", "--direct-steps", "4", "--name", "d")
    assert result.exit_code == 0, result.output
    assert "direct: 4 steps per call" in result.stdout
    result = invoke(*fit, "--distribution", "student-t", "--name", "t")
    assert result.exit_code == 0, result.output
    config = json.loads((runs_dir / "t" / "config.json").read_text())
    assert config["training"]["loss"] == "student-t-nll"
    for name in ("d", "t"):
        out = tmp_path / f"{name}.csv"
        args = ["forecast", "--run", name, "--runs-dir", runs_dir, "--horizon", "9"]
        result = invoke(*args, "--samples", "20", "--out", out)
        assert result.exit_code == 0, result.output
        assert len(pd.read_csv(out)) == 9
    bad(invoke(*fit, "--distribution", "gaussian", "--loss", "mae"), "negative log-likelihood")
    bad(invoke(*fit, "--strategy", "sideways"), "unknown strategy 'sideways'")


def test_forecast_bad_horizon(fitted_run, tmp_path):
    bad(invoke("forecast", "--horizon", "0", "--runs-dir", fitted_run), "Received: horizon=0")
    bad(invoke("forecast", "--horizon", "20000", "--runs-dir", fitted_run),
        "horizon 20,000 is over the limit of 10,000 steps")  # fmt: skip
    out = tmp_path / "far.csv"
    far = invoke("forecast", "--horizon", "400", "--runs-dir", fitted_run, "--out", out)
    assert far.exit_code == 0, far.output  # 400 steps after 300 rows: said, not refused
    assert "a 400-step forecast from 300 rows of history reaches 1.3× further" in far.output


def test_forecast_without_a_run(tmp_path):
    bad(invoke("forecast", "--runs-dir", tmp_path / "none"), "no run yet")


def test_forecast_incompatible_run(fitted_run):
    from tsconv import runs

    run = fitted_run / "r1"
    config = json.loads((run / "config.json").read_text())
    config["format"] = 99
    (run / "config.json").write_text(json.dumps(config))
    runs.write_manifest(run)
    bad(invoke("forecast", "--runs-dir", fitted_run), "run format 99; this tsconv reads format 1")


def test_forecast_input_with_other_columns(fitted_run, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Date,Price\n2020-01-01,1\n2020-01-02,2\n")
    bad(invoke("forecast", "--runs-dir", fitted_run, "--input", path), "'Close' not found")


def test_forecast_input_at_another_frequency_or_level(fitted_run, tmp_path):
    """Issue 22, item 9: rows at another frequency, or 40x the run's level, are said."""
    weekly = price_frame(rows=40, seed=9)
    weekly["Date"] = pd.date_range("2021-01-03", periods=40, freq="W-SUN").strftime("%Y-%m-%d")
    path = tmp_path / "weekly.csv"
    weekly.to_csv(path, index=False)
    out = tmp_path / "fc.csv"
    args = ["forecast", "--horizon", "2", "--runs-dir", fitted_run, "--out", out]
    bad(invoke(*args, "--input", path),
        "--input has frequency W-SUN but the run was fitted on B; give rows at")  # fmt: skip
    cents = price_frame(rows=40, seed=9).assign(Close=lambda f: f["Close"] * 40)
    cents.to_csv(path, index=False)
    result = invoke(*args, "--input", path)  # log-returns: said, not refused
    assert result.exit_code == 0, result.output
    assert re.search(r"--input is at a level 3\d\.\d× the run's \(median 2,0", result.output)
    assert "the run models log-return, so it may still hold" in result.output
    assert out.exists()
    levels, longer = tmp_path / "levels", tmp_path / "longer.csv"
    price_frame(rows=120, seed=9).to_csv(longer, index=False)
    fitted = invoke("fit", longer, "--model", "linear", "--window", "10",
                    "--transform", "none", "--runs-dir", levels, "--quiet")  # fmt: skip
    assert fitted.exit_code == 0, fitted.output
    cents.assign(Close=cents["Close"] * 40).to_csv(path, index=False)
    out.unlink()
    bad(invoke("forecast", "--runs-dir", levels, "--input", path, "--out", out),
        r"the run models levels, so this is far outside what it learned")  # fmt: skip
    assert not out.exists()


def test_debug_shows_the_traceback(tmp_path):
    result = invoke("fit", tmp_path / "missing.csv", "--debug")
    assert result.exit_code != 0 and result.exc_info is not None
    assert type(result.exception).__name__ == "InputError"


def test_help_and_version():
    assert invoke("--help").exit_code == 0
    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout.startswith("tsconv ")


TINY_MODEL_OPTIONS = {
    "conv": ["--filters", "4"],
    "tcn": ["--filters", "4"],
    "transformer": ["--model-dim", "8", "--num-heads", "2", "--layers", "1", "--mlp-dim", "8"],
    "naive": [],
    "seasonal-naive": [],
    "drift": [],
    "linear": [],
}


@pytest.mark.parametrize("model", sorted(TINY_MODEL_OPTIONS))
def test_every_model_fits_and_forecasts_the_embedded_prices(model, tmp_path):
    runs_dir = tmp_path / "runs"
    result = invoke(
        "fit",
        MSFT,
        "--model",
        model,
        "--window",
        "20",
        "--epochs",
        "1",
        "--batch-size",
        "256",
        *TINY_MODEL_OPTIONS[model],
        "--runs-dir",
        runs_dir,
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    assert f"model: {model}," in result.stdout and "parameters" in result.stdout
    assert "naive" in result.stdout
    out = tmp_path / "fc.csv"
    result = invoke("forecast", "--horizon", "5", "--runs-dir", runs_dir, "--out", out)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, index_col=0, parse_dates=True)
    assert len(table) == 5 and table["Close"].notna().all()


def test_tcn_reports_its_receptive_field(prices_csv, tmp_path):
    result = invoke(
        "fit",
        prices_csv,
        *FAST,
        "--model",
        "tcn",
        "--dilations",
        "1",
        "--runs-dir",
        tmp_path / "r",
    )
    assert result.exit_code == 0, result.output
    assert "receptive field 5 steps" in result.stdout
    assert "can see only the last 5 of the 20 steps" in result.stdout


def test_option_of_another_model(prices_csv, tmp_path):
    bad(
        invoke("fit", prices_csv, "--model", "tcn", "--num-heads", "2", "--runs-dir", tmp_path),
        "model 'tcn' takes no option num_heads",
    )


def test_bad_dilations(prices_csv, tmp_path):
    bad(
        invoke("fit", prices_csv, "--model", "tcn", "--dilations", "1,x", "--runs-dir", tmp_path),
        "--dilations takes integers",
    )


@pytest.mark.slow
def test_main_job_on_the_embedded_prices(tmp_path):
    """The README's main job: fit on datasets/msft.csv with defaults, forecast 30 days."""
    runs_dir = tmp_path / "runs"
    result = invoke("fit", MSFT, "--window", "100", "--runs-dir", runs_dir, "--quiet")
    assert result.exit_code == 0, result.output
    assert "naive" in result.stdout
    out = tmp_path / "forecast.csv"
    result = invoke("forecast", "--horizon", "30", "--runs-dir", runs_dir, "--out", out)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, index_col=0, parse_dates=True)
    assert len(table) == 30
    assert (table.index > pd.Timestamp("2017-11-10")).all()
    assert (table.index.day_of_week < 5).all() and table.index[0] == pd.Timestamp("2017-11-13")
