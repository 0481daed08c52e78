"""The real `tsconv` script, piped: progress on stderr, only the result on stdout, no TF noise."""

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import price_frame

SCRIPT = Path(sys.executable).parent / "tsconv"
pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="the tsconv script is not installed")
FIT = ["--window", "20", "--epochs", "2", "--filters", "8"]
OURS = ("INFO tsconv", "WARNING tsconv", "ERROR tsconv", "error: ")


def _run(tmp_path, *args):
    csv = tmp_path / "prices.csv"
    if not csv.exists():
        price_frame().to_csv(csv, index=False)
    command = [str(SCRIPT), *[str(a).replace("CSV", str(csv)) for a in args]]
    # TF_CPP_MIN_LOG_LEVEL from the test session would hide the noise this test looks for.
    env = {k: v for k, v in __import__("os").environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def test_piped_fit_logs_epochs_on_stderr_and_nothing_else(tmp_path):
    result = _run(tmp_path, "fit", "CSV", *FIT)
    assert result.stdout.startswith("run: ")
    assert "epoch 1: loss" in result.stderr and "epoch 2: loss" in result.stderr
    foreign = [line for line in result.stderr.splitlines() if not line.startswith(OURS)]
    assert foreign == []  # TensorFlow's start-up noise is silenced


def test_quiet_leaves_only_the_result_and_verbose_brings_the_noise_back(tmp_path):
    quiet = _run(tmp_path, "fit", "CSV", *FIT, "--quiet", "--name", "q")
    assert quiet.stderr == "" and "test MAE model/naive" in quiet.stdout
    loud = _run(tmp_path, "fit", "CSV", *FIT, "-v", "--name", "v")
    assert "epoch 1: loss" in loud.stderr
    foreign = [line for line in loud.stderr.splitlines() if not line.startswith(OURS)]
    assert foreign  # TensorFlow's own lines, shown again


def test_backtest_shows_each_fold_and_csv_forecast_pipes(tmp_path):
    result = _run(
        tmp_path,
        "backtest",
        "CSV",
        "--model",
        "linear",
        "--horizon",
        "5",
        "--folds",
        "2",
        "--window",
        "20",
        "--no-plot",
    )
    assert "linear: fold 1/2 done" in result.stderr and "linear: fold 2/2 done" in result.stderr
    _run(tmp_path, "fit", "CSV", *FIT, "--quiet", "--name", "p")
    piped = _run(tmp_path, "forecast", "--horizon", "3", "--format", "csv", "--quiet")
    assert piped.stdout.splitlines()[0] == "Date,Close" and len(piped.stdout.splitlines()) == 4
    assert not (tmp_path / "forecast.csv").exists()  # the table went to stdout, not a file too
    table = _run(tmp_path, "forecast", "--horizon", "3")
    assert "wrote forecast.csv" in table.stderr and "wrote" not in table.stdout
    assert (tmp_path / "forecast.csv").exists()
