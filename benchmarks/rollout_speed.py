"""Question: how fast is a 30-step forecast, and what does compiling the rollout buy?

Times, in one run on one machine, for the default TCN (window 100, ~29k parameters):
- `model.predict` called once per step in a Python loop (the naive way),
- `model(x)` called once per step (tsconv's eager reference loop, `recursive_rollout`),
- the whole horizon as one compiled loop (`compiled_rollout`, warm: after its first call),
  with and without XLA,
for horizon 30 with 1 and 256 series, and reports each as a ratio to the naive loop.
Then times the CLI end to end: `tsconv forecast --horizon 1` and `--horizon 30` on a run,
each in a fresh process (so the compile cost of the first call is included).

Run: python benchmarks/rollout_speed.py   (about 2 minutes on 2 CPU cores)
Writes: benchmarks/results/rollout_speed.md
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np

import tsconv
from tsconv.rollout import compiled_rollout, recursive_rollout

ROOT = Path(__file__).resolve().parents[1]
HORIZON = 30


def predict_loop(model, context, horizon):
    """The naive rollout: one `model.predict` call per step."""
    x = context.copy()
    path = np.empty((len(x), horizon), np.float32)
    for step in range(horizon):
        y = model.predict(x, verbose=0)[:, 0]
        path[:, step] = y
        nxt = x[:, -1:, :].copy()
        nxt[:, 0, 0] = y
        x = np.concatenate([x[:, 1:], nxt], axis=1)
    return path


def timed(fn, repeats):
    fn()  # warm: tracing and compilation are not counted here
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cli_seconds(run_dir: Path, horizon: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            "tsconv",
            "forecast",
            "--run",
            str(run_dir),
            "--horizon",
            str(horizon),
            "--quiet",
            "--out",
            str(run_dir.parent / f"fc{horizon}.csv"),
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    keras.utils.set_random_seed(0)
    model = tsconv.TCNForecaster(window=100)
    rng = np.random.default_rng(0)
    rows = []
    for batch in (1, 256):
        context = rng.normal(size=(batch, 100, 1)).astype("float32")
        naive = timed(lambda c=context: predict_loop(model, c, HORIZON), repeats=3)
        eager = timed(lambda c=context: recursive_rollout(model, c, HORIZON), repeats=3)
        cache = {}  # the compiled loop is kept here between calls, as Forecaster does
        compiled = timed(
            lambda c=context, k=cache: compiled_rollout(model, c, HORIZON, cache=k), repeats=20
        )
        graph = timed(
            lambda c=context, k=cache: compiled_rollout(
                model, c, HORIZON, cache=k, jit_compile=False
            ),
            repeats=10,
        )
        reference = predict_loop(model, context, HORIZON)
        diff = np.abs(compiled_rollout(model, context, HORIZON, cache=cache) - reference).max()
        for name, seconds in (
            ("model.predict loop", naive),
            ("eager model(x) loop", eager),
            ("compiled loop, no XLA (warm)", graph),
            ("compiled loop, XLA (warm)", compiled),
        ):
            rows.append((batch, name, seconds, naive / seconds))
        print(f"batch {batch}: max |compiled - predict loop| = {diff:.2e}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        runs_dir = Path(tmp) / "runs"
        subprocess.run(
            [
                "tsconv",
                "fit",
                str(ROOT / "datasets" / "msft.csv"),
                "--model",
                "tcn",
                "--epochs",
                "1",
                "--quiet",
                "--runs-dir",
                str(runs_dir),
                "--name",
                "r",
            ],
            check=True,
            capture_output=True,
        )
        cli = {
            h: statistics.median(cli_seconds(runs_dir / "r", h) for _ in range(3)) for h in (1, 30)
        }

    lines = [
        f"| series | rollout of {HORIZON} steps | median seconds | speed-up vs predict loop |",
        "| ---: | --- | ---: | ---: |",
    ]
    for batch, name, seconds, ratio in rows:
        lines.append(f"| {batch} | {name} | {seconds:.4f} | {ratio:.0f}x |")
    lines += [
        "",
        "| `tsconv forecast` in a fresh process (TCN run, median of 3) | seconds |",
        "| --- | ---: |",
        f"| `--horizon 1` | {cli[1]:.2f} |",
        f"| `--horizon 30` | {cli[30]:.2f} |",
    ]
    table = "\n".join(lines)
    print(table)
    text = (
        "# Rollout speed\n\n"
        "Command: `python benchmarks/rollout_speed.py`  \n"
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"Keras {keras.__version__} ({keras.backend.backend()}), tsconv {tsconv.__version__}  \n"
        f"Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC  \n"
        f"Model: default `TCNForecaster(window=100)`, {model.count_params():,} parameters.\n\n"
        f"{table}\n"
    )
    out = ROOT / "benchmarks" / "results" / "rollout_speed.md"
    out.write_text(text)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
