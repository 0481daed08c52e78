"""tf.distribute for real: two logical CPU devices, and two worker processes on 127.0.0.1."""

import json
import os
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
        from tsconv.jobs.fit import fit_csv
        report = fit_csv({str(prices_csv)!r}, name="m", runs_dir={str(tmp_path / "runs")!r},
                         window=20, epochs=2, batch_size=32, model="tcn",
                         model_options={{"filters": 8}}, distribute="mirrored")
        print(json.dumps(report.forecaster.engine_.to_dict()))
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


def test_two_workers_train_together_and_only_the_chief_writes(prices_csv, tmp_path):
    cluster = {"worker": [f"127.0.0.1:{p}" for p in _free_ports(2)]}
    workers = []
    for index in range(2):
        folder = tmp_path / f"worker{index}"
        folder.mkdir()
        task = {"cluster": cluster, "task": {"type": "worker", "index": index}}
        env = {**os.environ, "TF_CONFIG": json.dumps(task)}
        command = [sys.executable, "-m", "tsconv_cli.main", "fit", str(prices_csv), *FIT]
        command += ["--distribute", "multiworker", "--name", "mw"]
        workers.append(
            subprocess.Popen(
                command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True,
            )
        )  # fmt: skip
    try:
        outputs = [worker.communicate(timeout=300) for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    for worker, (_, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err[-3000:]
    assert "run: runs/mw" in outputs[0][0] and "multiworker over 2 replicas" in outputs[0][0]
    assert "the chief worker writes the run" in outputs[1][0]
    assert not (tmp_path / "worker1" / "runs").exists()  # only the chief writes
    fc = tsconv.Forecaster.load(tmp_path / "worker0" / "runs" / "mw")
    assert fc.engine_.distribute == "multiworker" and fc.engine_.replicas == 2
    assert len(fc.history_) == 2 and fc.history_["loss"].notna().all()
    assert fc.forecast(3).notna().all().all()


def test_bad_tf_config_is_one_line(prices_csv, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from tsconv_cli.main import app

    monkeypatch.setenv("TF_CONFIG", '{"cluster": {"worker": ["127.0.0.1:1"]}}')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["fit", str(prices_csv), *FIT, "--distribute", "multiworker"])
    bad(result, "TF_CONFIG must be JSON like")
    assert not (tmp_path / "runs").exists()
