"""Question: does training memory stay bounded as the series grows to 10 million points?

For 10^5, 10^6 and 10^7 points, each in a fresh process: a random-walk series (float64, as
`load_csv` gives it) goes through tsconv's own path — `prepare` (transform, split, scaler,
zero-copy windows; window 100) and `train` (the default TCN, batch 256, `WindowBatches`
gathering each batch on the fly in a shuffled window order, served and prefetched by
`tf.data`) — for a fixed
200 training steps and 50 validation steps, so the time does not grow with the series.
Peak resident memory is read from the kernel (`VmHWM`, reset after TensorFlow, the model
and a warm-up fit are in memory, so it measures what the series adds) and compared with the
series' own size; a `(windows, window)` float32 array of inputs would be 400 bytes a point.
Windows per second are timed over the training steps after the first. The fixed part of
"peak added" is the second model, its compilation and the input pipeline's buffers; the
growth column is what each extra byte of series costs.

Run: python benchmarks/training_memory.py   (about 4 minutes on 2 CPU cores)
Writes: benchmarks/results/training_memory.md
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SIZES = (100_000, 1_000_000, 10_000_000)
WINDOW = 100
BATCH = 256
STEPS = 200
VALIDATION_STEPS = 50


def _status(field: str) -> int:
    """A `/proc/self/status` memory field, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def one(points: int) -> dict:
    """Runs one size in this process and returns its measurements."""
    import keras
    import numpy as np

    from tsconv.models import TCNForecaster
    from tsconv.preprocessing.preparation import prepare
    from tsconv.training.loop import train

    class Clock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 0:
                self.started = time.perf_counter()  # after the first step (compilation)

        def on_epoch_end(self, epoch, logs=None):
            self.seconds = time.perf_counter() - self.started

    # Warm up TensorFlow, Keras and XLA on a small series, so the baseline holds them.
    small = np.cumsum(np.random.default_rng(1).normal(size=5_000))[:, None] + 1_000.0
    data = prepare(small, WINDOW, transform="diff").splits
    train(TCNForecaster(WINDOW), data["train"], data["validation"], epochs=1, batch_size=BATCH)
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    baseline = _status("VmRSS")

    levels = np.cumsum(np.random.default_rng(0).normal(size=points))[:, None] + 1_000.0
    data = prepare(levels, WINDOW, transform="diff").splits
    clock = Clock()
    train(
        TCNForecaster(WINDOW),
        data["train"],
        data["validation"],
        epochs=1,
        batch_size=BATCH,
        steps_per_epoch=STEPS,
        validation_steps=VALIDATION_STEPS,
        callbacks=[clock],
    )
    return {
        "points": points,
        "series_bytes": levels.nbytes,
        "baseline": baseline,
        "peak": _status("VmHWM"),
        "windows": len(data["train"]),
        "windows_per_second": (STEPS - 1) * BATCH / clock.seconds,
    }


def main() -> None:
    from results_file import write_results

    rows, previous = [], None
    for points in SIZES:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(points)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(done.stdout.strip().splitlines()[-1])
        added = r["peak"] - r["baseline"]
        # Growth: extra peak memory per extra byte of series since the previous size.
        growth = (
            ""
            if previous is None
            else (f"{(added - previous[0]) / (r['series_bytes'] - previous[1]):.1f}")
        )
        previous = (added, r["series_bytes"])
        rows.append(
            f"| {points:,} | {r['windows']:,} | {r['series_bytes'] / 2**20:,.1f} "
            f"| {r['baseline'] / 2**20:,.0f} | {added / 2**20:,.1f} | {growth} "
            f"| {r['windows'] * WINDOW * 4 / 2**20:,.0f} | {r['windows_per_second']:,.0f} |"
        )
        print(rows[-1], flush=True)
    body = "\n".join(
        [
            "| points | training windows | series MiB (float64) | baseline RSS MiB "
            "| peak added MiB | growth: added MiB per series MiB "
            "| a (windows, window) float32 array MiB | windows/s |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *rows,
        ]
    )
    print(body)
    write_results(
        "training_memory",
        "Training memory and speed against series length",
        body,
        about=" ".join(__doc__.split("\n\n")[0:2]).replace("\n", " "),
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one(int(sys.argv[2]))))
    else:
        main()
