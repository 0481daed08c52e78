"""Question: how fast is a 30-step forecast, and what do compiling and caching buy?

Times, in one run on one machine, for the default TCN (window 100, ~29k parameters):
- `model.predict` called once per step in a Python loop (the naive way),
- `model(x)` called once per step (tsconv's eager reference loop, `recursive_rollout`),
- the whole horizon as one compiled loop that recomputes the window every step
  (`compiled_rollout(cached=False)`), with and without XLA,
- the compiled loop with the stream cache (Fast-WaveNet queues: one new column per
  convolution per step; `compiled_rollout`'s default for the TCN), with and without XLA,
for horizon 30 with 1 and 256 series, warm (after the first call, whose cost is shown
separately), and reports each as a ratio to the naive loop. Then times the CLI end to
end in fresh processes: `tsconv forecast --horizon 1`, `--horizon 30`, and `--horizon 30
--samples 200`.

Run: python benchmarks/rollout_speed.py   (about 4 minutes on 2 CPU cores)
Writes: benchmarks/results/rollout_speed.md
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
from results_file import write_results

import tsconv
from tsconv.rollout.loops import compiled_rollout, recursive_rollout

ROOT = Path(__file__).resolve().parents[1]
HORIZON = 30
CLI_RUNS = (("--horizon", "1"), ("--horizon", "30"), ("--horizon", "30", "--samples", "200"))


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


def cli_seconds(run_dir: Path, args: tuple[str, ...]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            "tsconv",
            "forecast",
            "--run",
            str(run_dir),
            *args,
            "--quiet",
            "--out",
            str(run_dir.parent / "forecast.csv"),
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
    variants = (
        ("compiled, recomputes the window, no XLA", False, False),
        ("compiled, recomputes the window, XLA", False, True),
        ("compiled + cache, no XLA", True, False),
        ("compiled + cache, XLA", True, True),
    )
    for batch in (1, 256):
        context = rng.normal(size=(batch, 100, 1)).astype("float32")
        naive = timed(lambda c=context: predict_loop(model, c, HORIZON), repeats=2)
        eager = timed(lambda c=context: recursive_rollout(model, c, HORIZON), repeats=2)
        rows.append((batch, "model.predict loop", naive, None))
        rows.append((batch, "eager model(x) loop", eager, None))
        reference = predict_loop(model, context, HORIZON)
        for name, cached, jit in variants:
            cache = {}  # the compiled loop is kept here between calls, as Forecaster does
            started = time.perf_counter()
            path = compiled_rollout(model, context, HORIZON, cache, jit, cached=cached)
            first = time.perf_counter() - started
            diff = np.abs(path - reference).max()
            warm = timed(
                lambda c=context, k=cache, ca=cached, j=jit: compiled_rollout(
                    model, c, HORIZON, k, j, cached=ca
                ),
                repeats=30 if batch == 1 or cached else 5,  # the slow ones take seconds
            )
            rows.append((batch, name, warm, first))
            print(f"batch {batch}, {name}: max |rollout - predict loop| = {diff:.1e}", flush=True)

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
            args: statistics.median(cli_seconds(runs_dir / "r", args) for _ in range(3))
            for args in (
                ("--horizon", "1"),
                ("--horizon", "30"),
                ("--horizon", "30", "--samples", "200"),
            )
        }

    lines = [
        f"| series | rollout of {HORIZON} steps | warm median ms | speed-up vs predict loop "
        "| first call s (trace + compile) |",
        "| ---: | --- | ---: | ---: | ---: |",
    ]
    naive = {batch: seconds for batch, name, seconds, _ in rows if name == "model.predict loop"}
    for batch, name, seconds, first in rows:
        first_text = "" if first is None else f"{first:.2f}"
        lines.append(
            f"| {batch} | {name} | {seconds * 1000:.1f} | {naive[batch] / seconds:.0f}x "
            f"| {first_text} |"
        )
    lines += [
        "",
        "| `tsconv forecast` in a fresh process (TCN run, median of 3) | seconds |",
        "| --- | ---: |",
    ]
    lines += [f"| `{' '.join(args)}` | {seconds:.2f} |" for args, seconds in cli.items()]
    table = "\n".join(lines)
    print(table)
    write_results(
        "rollout_speed",
        "Rollout speed",
        table,
        f"Model: default `TCNForecaster(window=100)`, {model.count_params():,} parameters, "
        f"dilations {model.dilations} (receptive field {model.receptive_field}); random "
        "weights and inputs (speed does not depend on them). Targets: 30 steps for 1 series "
        "< 10 ms and for 256 series < 50 ms, warm, and >= 100x the predict loop.",
    )


if __name__ == "__main__":
    main()
