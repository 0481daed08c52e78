"""tf.distribute for real: two logical CPU devices, and two worker processes on 127.0.0.1."""

import json
import socket
import subprocess
import sys
import textwrap

import pytest

import tsconv
from conftest import ROOT, bad

pytestmark = pytest.mark.slow

FIT = ["--window", "20", "--epochs", "2", "--batch-size", "32", "--model", "tcn", "--filters", "8"]


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_mirrored_over_two_logical_cpus(prices_csv, tmp_path):
    script = textwrap.dedent(
        f"""
        import json, tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        two = [tf.config.LogicalDeviceConfiguration()] * 2
        tf.config.set_logical_device_configuration(cpu, two)
        from tsconv.jobs import fit_csv
        report = fit_csv({str(prices_csv)!r}, name="m", runs_dir={str(tmp_path / "runs")!r},
                         window=20, epochs=2, batch_size=32, model="tcn",
                         model_options={{"filters": 8}}, distribute="mirrored")
        print(json.dumps(report.forecaster.engine_))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-3000:]
    engine = json.loads(done.stdout.strip().splitlines()[-1])
    assert engine["distribute"] == "mirrored" and engine["replicas"] == 2
    fc = tsconv.Forecaster.load(tmp_path / "runs" / "m")
    assert len(fc.history_) == 2 and fc.forecast(3).notna().all().all()


def test_multiworker_is_refused_in_one_line_until_it_works(prices_csv, tmp_path, monkeypatch):
    """Keras 3's fit fails under MultiWorkerMirroredStrategy (keras-team/keras#20585)."""
    from typer.testing import CliRunner

    from tsconv_cli.main import app

    cluster = {"worker": [f"127.0.0.1:{p}" for p in _free_ports(2)]}
    monkeypatch.setenv(
        "TF_CONFIG", json.dumps({"cluster": cluster, "task": {"type": "worker", "index": 0}})
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["fit", str(prices_csv), *FIT, "--distribute", "multiworker"])
    bad(result, "--distribute multiworker is not available yet")
    assert not (tmp_path / "runs").exists()
