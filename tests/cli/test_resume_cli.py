"""`tsconv fit --resume` after a SIGKILL mid-training, in real processes."""

import os
import signal
import subprocess
import sys
import time

import pytest

import tsconv
from conftest import price_frame

pytestmark = pytest.mark.slow

FIT = ["--window", "20", "--epochs", "8", "--patience", "20", "--batch-size", "32"]
FIT += ["--model", "tcn", "--filters", "8", "--name", "r"]


def _fit(csv, cwd, *extra):
    command = [sys.executable, "-m", "tsconv_cli.main", "fit", str(csv), *FIT, *extra]
    return subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_sigkill_then_resume_completes_from_the_last_epoch(tmp_path):
    csv = tmp_path / "long.csv"
    price_frame(rows=3000).to_csv(csv, index=False)
    backup = tmp_path / "runs" / ".unfinished" / "r" / "backup"
    first = _fit(csv, tmp_path)
    deadline = time.monotonic() + 240
    while not (backup / "epoch-2").exists():
        assert first.poll() is None, first.communicate()[1][-2000:]
        assert time.monotonic() < deadline, "no second epoch within 4 minutes"
        time.sleep(0.05)
    os.kill(first.pid, signal.SIGKILL)
    first.communicate()
    assert first.returncode == -signal.SIGKILL
    assert not (tmp_path / "runs" / "r").exists()  # nothing published by the killed fit

    second = _fit(csv, tmp_path, "--resume")
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err[-2000:]
    assert "resuming the interrupted fit 'r'" in err
    resumed_from = int(err.split("resuming after epoch ")[1].split()[0])
    assert resumed_from >= 2
    assert "trained 8 epoch(s)" in out
    fc = tsconv.Forecaster.load(tmp_path / "runs" / "r")
    assert len(fc.history_) == 8 and fc.history_["loss"].notna().all()
    assert not (tmp_path / "runs" / ".unfinished").exists()
