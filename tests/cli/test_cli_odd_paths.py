"""Issue 23, items 4 and 6: odd output paths and runs folders, with real files, links,
FIFOs, devices and processes. Each either works as a shell redirection would or stops with
one line (exit 2) before any work, leaving nothing behind."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import bad, price_frame
from tsconv_cli.main import app

runner = CliRunner()
FAST = ["--window", "20", "--epochs", "1", "--quiet", "--no-jit"]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    root = tmp_path_factory.mktemp("paths")
    csv = root / "prices.csv"
    price_frame().to_csv(csv, index=False)
    runs_dir = root / "runs"
    result = invoke("fit", csv, *FAST, "--model", "linear", "--runs-dir", runs_dir)
    assert result.exit_code == 0, result.output
    return csv, runs_dir


def _forecast(runs_dir, *args):
    return invoke("forecast", "--horizon", "3", "--runs-dir", runs_dir, "--quiet", *args)


def test_a_link_is_written_through_and_stays_a_link(fitted, tmp_path):
    _, runs_dir = fitted
    precious = tmp_path / "precious.csv"
    precious.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(precious)
    result = _forecast(runs_dir, "--out", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == precious  # not replaced by a file
    assert pd.read_csv(precious, index_col=0).shape == (3, 1)


def test_a_fifo_and_a_device_are_written_through(fitted, tmp_path):
    _, runs_dir = fitted
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(Path(fifo).read_text()))
    reader.start()
    result = _forecast(runs_dir, "--out", fifo)
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert received and received[0].splitlines()[0] == "Date,Close" and fifo.is_fifo()
    result = _forecast(runs_dir, "--out", "/dev/null")
    assert result.exit_code == 0, result.output
    assert Path("/dev/null").is_char_device()  # still the device, not a regular file


def test_out_dash_is_standard_output(fitted):
    _, runs_dir = fitted
    result = _forecast(runs_dir, "--out", "-")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Date,Close" and len(lines) == 4  # the CSV and nothing else


@pytest.mark.parametrize(
    ("out", "match"),
    [
        ("missing/folder/fc.csv", "missing/folder does not exist; create it"),
        ("/sys/fc.csv", "the folder /sys is not writable"),
        (".", "is a folder; give a file name"),
    ],
)
def test_an_out_that_cannot_be_written_is_said_first(fitted, tmp_path, out, match):
    _, runs_dir = fitted
    out = tmp_path / out if not out.startswith("/") and out != "." else out
    bad(_forecast(runs_dir, "--out", out), match)


def test_a_png_out_with_plot_would_overwrite_itself(fitted, tmp_path):
    _, runs_dir = fitted
    bad(_forecast(runs_dir, "--out", tmp_path / "result.png", "--plot"),
        "would hold both the forecast CSV and its plot")  # fmt: skip
    assert not (tmp_path / "result.png").exists()


def test_backtest_checks_its_outputs_before_the_folds(fitted, tmp_path):
    csv, _ = fitted
    started = time.monotonic()
    bad(invoke("backtest", csv, "--model", "linear", "--horizon", "3", "--folds", "2",
               "--window", "20", "--out", tmp_path / "nowhere" / "bt.csv"),
        "does not exist")  # fmt: skip
    assert time.monotonic() - started < 10
    bad(invoke("backtest", csv, "--model", "linear", "--out", "-"), "is for `tsconv forecast`")


def test_fit_checks_the_runs_folder_before_training(fitted, tmp_path):
    csv, _ = fitted
    afile = tmp_path / "afile"
    afile.write_text("x")
    bad(invoke("fit", csv, *FAST, "--runs-dir", afile), f"--runs-dir {afile} is a file")
    bad(invoke("fit", csv, *FAST, "--runs-dir", afile / "runs"), "is inside a file")
    bad(invoke("fit", csv, *FAST, "--runs-dir", "/sys/runs"), "is not writable")
    runs_dir = tmp_path / "runs"
    (runs_dir / "latest").mkdir(parents=True)  # a real folder where tsconv keeps a link
    bad(invoke("fit", csv, *FAST, "--runs-dir", runs_dir), "latest is a folder, not the link")
    assert sorted(p.name for p in runs_dir.iterdir()) == ["latest"]  # nothing published
    bad(invoke("plot", "--runs-dir", fitted[1], "--out", afile), "is a file; give a folder")


def test_two_fits_of_one_name_at_once_the_second_stops_at_once(fitted, tmp_path):
    """Both used to train, and the loser died with `OSError: Directory not empty`."""
    big = tmp_path / "big.csv"
    price_frame(rows=3000).to_csv(big, index=False)
    runs_dir = tmp_path / "runs"
    command = [sys.executable, "-m", "tsconv_cli.main", "fit", str(big), "--model", "tcn",
               "--window", "50", "--epochs", "3", "--no-jit", "--runs-dir", str(runs_dir),
               "--name", "same", "--quiet"]  # fmt: skip
    first = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    lock = runs_dir / ".unfinished" / "same.lock"
    began = time.monotonic()
    while not lock.exists() and first.poll() is None:
        assert time.monotonic() - began < 120
        time.sleep(0.05)
    second = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert second.returncode == 2, second.stderr[-2000:]
    assert "run 'same' is being fitted by another tsconv (process" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1 and "Traceback" not in second.stderr
    assert first.wait(timeout=600) == 0, first.stderr.read()[-2000:]
    assert (runs_dir / "same" / "model.keras").is_file() and not lock.exists()


def test_values_near_1e300_are_one_line_and_warnings_follow_quiet(tmp_path):
    """Issue 23, item 9: 1e300 went through to overflow warnings printed under -q and a
    traceback ("SVD did not converge"); a MAPE over zeros was inf without a word."""
    n = 300
    dates = pd.date_range("2020-01-01", periods=n, freq="D").strftime("%Y-%m-%d")
    huge = tmp_path / "huge.csv"
    pd.DataFrame({"date": dates, "v": [1e300 * (1 + (i % 7) / 10) for i in range(n)]}).to_csv(
        huge, index=False
    )
    bad(invoke("fit", huge, *FAST, "--runs-dir", tmp_path / "runs"),
        "holds 1e+300 at line 2, too large to compute with (above 1e+150); rescale")  # fmt: skip
    counts = tmp_path / "counts.csv"
    pd.DataFrame({"date": dates, "v": [max(0, (i * 7) % 11 - 4) for i in range(n)]}).to_csv(
        counts, index=False
    )
    fitted = invoke("fit", counts, *FAST, "--model", "linear", "--runs-dir", tmp_path / "runs")
    assert fitted.exit_code == 0, fitted.output
    assert "note: test MAPE is infinite or undefined" in fitted.stdout and fitted.stderr == ""
    # In a fresh process, as the CLI runs (pytest records warnings its own way).
    script = (
        "import sys, warnings\nfrom tsconv_cli.common import setup\n"
        "setup(quiet=sys.argv[1] == 'q')\n"
        "warnings.warn('overflow encountered in square', RuntimeWarning, stacklevel=1)\n"
    )
    for flag, shown in (("q", False), ("v", True)):
        done = subprocess.run([sys.executable, "-c", script, flag], capture_output=True, text=True)
        assert ("WARNING py.warnings" in done.stderr) is shown, done.stderr


def test_a_target_named_like_a_formula_is_written_as_text(tmp_path):
    """A column named `=HYPERLINK(…)` went into CSV headers as a live formula."""
    name = '=HYPERLINK("http://example.invalid","click")'
    csv = tmp_path / "prices.csv"
    price_frame().rename(columns={"Close": name}).to_csv(csv, index=False)
    runs_dir = tmp_path / "runs"
    fitted = invoke("fit", csv, *FAST, "--model", "linear", "--target", name,
                    "--runs-dir", runs_dir)  # fmt: skip
    assert fitted.exit_code == 0, fitted.output
    out = tmp_path / "fc.csv"
    result = _forecast(runs_dir, "--out", out)
    assert result.exit_code == 0, result.output  # the run's CSVs read back as they were
    assert pd.read_csv(out).columns.tolist() == ["Date", f"'{name}"]  # text, not a formula
    assert pd.read_csv(runs_dir / "latest" / "context.csv").columns[1] == f"'{name}"
    # Series ids go into every backtest CSV: ids that start like formulas are written as text.
    frames = [price_frame(seed=k).assign(series_id=sid) for k, sid in enumerate(["=SUM(1)", "@x"])]
    panel = tmp_path / "panel.csv"
    pd.concat(frames).to_csv(panel, index=False)
    scores = tmp_path / "bt.csv"
    backtest = invoke("backtest", panel, "--target", "Close", "--model", "linear",
                      "--horizon", "3", "--folds", "2", "--window", "20", "--out", scores,
                      "--no-plot")  # fmt: skip
    assert backtest.exit_code == 0, backtest.output
    for written in (scores, tmp_path / "bt_forecasts.csv"):
        ids = set(pd.read_csv(written)["series_id"])
        assert ids == {"'=SUM(1)", "'@x"}, ids
