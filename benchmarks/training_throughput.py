"""Question: how fast does tsconv's TCN train, against keras-tcn, and how soon is it as good?

In one run on one machine:
1. Throughput, windows/second, at the same architecture and batch: keras-tcn's `TCN`
   (nb_filters 32, kernel 3, dilations 1…32, no normalization or dropout, then Dense(1):
   34,369 parameters) fitted the way its README does (`compile("adam", "mse")`, NumPy
   arrays of windows), against tsconv's `TCNForecaster` with the same layers and
   parameters, trained the way `tsconv fit` trains (`compile_for_training`: XLA on;
   `WindowBatches` gathering each batch from a zero-copy view of the series). Batch 64 and
   256; each measured over interleaved epochs after a warm-up epoch; medians and the
   median of the per-round ratios.
2. Time to quality: keras-tcn trains 10 epochs at batch 64; its best validation MSE (of
   the one-step forecast at the end of each window) is the target. tsconv's default TCN
   (`TCNForecaster(window=100)`: dilations 1, 2, 4, 8, 9, layer norm, dropout 0.2, 28,801
   parameters) trains with the sequence objective at batch 256 until its validation MSE
   reaches the target. Wall time counts training (and Keras's validation pass) only; the
   MSE probe after each epoch is timed apart and left out for both.

Data: a synthetic series of 12,000 steps (two seasonal cycles of 50 and 7.3 steps plus
AR(1) noise, seed 0), chronological 80/10/10 split, scaled on the training rows by tsconv's
`prepare`; window 100.

Run: python benchmarks/training_throughput.py   (about 10 minutes on 2 CPU cores;
needs `pip install keras-tcn --no-deps`)
Writes: benchmarks/results/training_throughput.md
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
from results_file import write_results

from tsconv.models import TCNForecaster
from tsconv.preparation import prepare
from tsconv.training import WindowBatches, compile_for_training, predict_windows, train

WINDOW = 100
DILATIONS = [1, 2, 4, 8, 16, 32]
ROUNDS = 3
REF_EPOCHS = 10
SEEDS = (0, 1)


def series(n: int = 12_000, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    noise = np.zeros(n)
    shocks = rng.normal(0, 0.3, n)
    for i in range(1, n):
        noise[i] = 0.7 * noise[i - 1] + shocks[i]
    return (np.sin(2 * np.pi * t / 50) + 0.5 * np.sin(2 * np.pi * t / 7.3) + noise)[:, None]


def keras_tcn(seed: int) -> keras.Model:
    from tcn import TCN  # keras-tcn, the reference

    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((WINDOW, 1)),
            TCN(nb_filters=32, kernel_size=3, dilations=DILATIONS),
            keras.layers.Dense(1),
        ]
    )
    model.compile("adam", "mse")  # as its README; Keras leaves XLA off on CPUs
    return model


def tsconv_same(seed: int) -> keras.Model:
    keras.utils.set_random_seed(seed)
    return TCNForecaster(
        WINDOW, filters=32, kernel_size=3, dilations=DILATIONS, dropout=0.0, normalization="none"
    )


def timed_epoch(fit) -> float:
    started = time.perf_counter()
    fit()
    return time.perf_counter() - started


def throughput(splits) -> tuple[list[str], list[float]]:
    train_w = splits["train"]
    x, y = np.ascontiguousarray(train_w.inputs), np.ascontiguousarray(train_w.targets)
    rows, ratios = [], []
    for batch in (64, 256):
        ref, ours = keras_tcn(0), tsconv_same(0)
        compile_for_training(ours, "mse", 1e-3)
        data = WindowBatches(train_w, batch, shuffle=True)

        def fit_ref(ref=ref, batch=batch):
            ref.fit(x, y, batch_size=batch, epochs=1, verbose=0)

        def fit_ours(ours=ours, data=data):
            ours.fit(data, epochs=1, verbose=0, shuffle=False)

        fit_ref(), fit_ours()  # warm-up: tracing and compiling are not counted
        ref_rates, our_rates = [], []
        for _ in range(ROUNDS):
            ref_rates.append(len(x) / timed_epoch(fit_ref))
            our_rates.append(len(x) / timed_epoch(fit_ours))
        ratio = statistics.median(o / r for o, r in zip(our_rates, ref_rates, strict=True))
        ratios.append(ratio)
        assert ref.count_params() == ours.count_params(), "architectures differ"
        rows.append(
            f"| {batch} | {ref.count_params():,} | {statistics.median(ref_rates):,.0f} "
            f"| {statistics.median(our_rates):,.0f} | {ratio:.2f}x "
            f"| {', '.join(f'{o / r:.2f}' for o, r in zip(our_rates, ref_rates, strict=True))} |"
        )
        print(rows[-1], flush=True)
    return rows, ratios


class QualityClock(keras.callbacks.Callback):
    """Validation MSE of a window model after each epoch, against training wall time."""

    def __init__(self, window_model, val, target=None):
        super().__init__()
        self.window_model, self.val, self.target = window_model, val, target
        self.points: list[tuple[float, float]] = []  # (seconds of training, MSE)

    def on_train_begin(self, logs=None):
        self.started, self.probing = time.perf_counter(), 0.0

    def on_epoch_end(self, epoch, logs=None):
        probe = time.perf_counter()
        mse = float(np.mean((predict_windows(self.window_model, self.val) - self.val.targets) ** 2))
        self.points.append((probe - self.started - self.probing, mse))
        self.probing += time.perf_counter() - probe
        if self.target is not None and mse <= self.target:
            self.model.stop_training = True


def time_to_quality(splits, seed: int) -> tuple[str, float]:
    train_w, val = splits["train"], splits["validation"]
    x, y = np.ascontiguousarray(train_w.inputs), np.ascontiguousarray(train_w.targets)
    xv, yv = np.ascontiguousarray(val.inputs), np.ascontiguousarray(val.targets)
    ref = keras_tcn(seed)
    ref_clock = QualityClock(ref, val)
    ref.fit(
        x, y, batch_size=64, epochs=REF_EPOCHS, validation_data=(xv, yv), verbose=0,
        callbacks=[ref_clock],
    )  # fmt: skip
    best = min(range(REF_EPOCHS), key=lambda e: ref_clock.points[e][1])
    ref_seconds, target = ref_clock.points[best]

    keras.utils.set_random_seed(seed)
    ours = TCNForecaster(WINDOW)
    clock = QualityClock(ours, val, target)
    train(ours, train_w, val, epochs=30, batch_size=256, patience=30, seed=seed,
          objective="sequence", callbacks=[clock])  # fmt: skip
    reached = [t for t, mse in clock.points if mse <= target]
    our_seconds = reached[0] if reached else float("nan")
    ratio = our_seconds / ref_seconds
    row = (
        f"| {seed} | {target:.4f} (epoch {best + 1}) | {ref_seconds:.1f} "
        f"| {our_seconds:.1f} ({len(clock.points)} epochs) | {ratio:.2f} |"
    )
    print(row, flush=True)
    return row, ratio


def main() -> None:
    levels = series()
    splits = prepare(levels, WINDOW, transform="none").splits
    print(f"{len(splits['train']):,} training windows", flush=True)
    rows, ratios = throughput(splits)
    quality = [time_to_quality(splits, seed) for seed in SEEDS]
    meets = (
        ratios[0] >= 0.95 and ratios[1] > 1.0 and all(r <= 0.5 for _, r in quality)
    )  # "matches" at 64: within the machine's noise of 5%
    body = "\n".join(
        [
            "Throughput, same architecture and batch (training windows per second, median "
            f"of {ROUNDS} interleaved epochs after a warm-up):",
            "",
            "| batch | parameters | keras-tcn | tsconv | tsconv / keras-tcn | per round |",
            "| ---: | ---: | ---: | ---: | ---: | --- |",
            *rows,
            "",
            f"Time to quality: seconds of training until the validation MSE reaches the best "
            f"keras-tcn reaches in {REF_EPOCHS} epochs (keras-tcn: batch 64; tsconv: default "
            "TCN, sequence objective, batch 256):",
            "",
            "| seed | target MSE (keras-tcn best) | keras-tcn s | tsconv s | ratio |",
            "| ---: | ---: | ---: | ---: | ---: |",
            *[row for row, _ in quality],
            "",
            "Targets: throughput ≥ keras-tcn's at batch 64 (0.95x allowed for noise) and above "
            "it at 256; time to quality ≤ 0.5x. "
            + ("All met in this run." if meets else "**Not all met in this run.**"),
        ]
    )
    print(body)
    write_results(
        "training_throughput",
        "Training throughput and time to quality: tsconv's TCN against keras-tcn",
        body,
        about=" ".join(__doc__.split("\n\n")[1:3]).replace("\n", " "),
    )


if __name__ == "__main__":
    main()
