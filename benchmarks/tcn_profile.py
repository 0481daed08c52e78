"""Question: where does the default TCN's training time go on MSFT?

One epoch of the default `TCNForecaster(window=100)` (filters 32, dilations 1, 2, 4, 8, 9,
layer norm, dropout 0.2 of whole channels, `objective="last"`, batch 64, XLA as
`default_jit` picks it) on the
windows `tsconv fit datasets/msft.csv --model tcn` trains on (log-returns, scaled on the
training rows), against variants that change one thing each: element-wise dropout (the
TCN's before issue 20), XLA off, no dropout, no
normalization, batch normalization, neither (the architecture of
`training_throughput.py`), the sequence objective, batch 128 and 256. Also the input pipeline
alone (`tf.data` over `WindowBatches`, no model) and the validation pass.

Every variant in a fresh process (XLA and thread pools carry over inside one), 3 epochs:
the first epoch's seconds (tracing and compiling included) and the median windows/s of
epochs 2-3. Rounds alternate the variants, so drifts of the machine hit all of them.

Run: python benchmarks/tcn_profile.py [--rounds 2]   (about 12 minutes on 2 CPU cores)
Writes: benchmarks/results/tcn_profile.md
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# name: (model options, training options)
VARIANTS = {
    "default": ({}, {}),
    "element-wise dropout (before)": ({}, {}),
    "XLA off": ({}, {"jit": False}),
    "dropout 0": ({"dropout": 0.0}, {}),
    "normalization none": ({"normalization": "none"}, {}),
    "normalization batch": ({"normalization": "batch"}, {}),
    "none + dropout 0": ({"normalization": "none", "dropout": 0.0}, {}),
    "sequence objective": ({}, {"objective": "sequence"}),
    "batch 128": ({}, {"batch_size": 128}),
    "batch 256": ({}, {"batch_size": 256}),
    "batch 256, XLA on": ({}, {"batch_size": 256, "jit": True}),
}
EPOCHS = 3


def measure(variant: str) -> dict:
    """Trains one variant for `EPOCHS` epochs in this process; its timings."""
    import keras

    import tsconv
    from tsconv.models import TCNForecaster
    from tsconv.preprocessing.preparation import prepare
    from tsconv.training import WindowBatches, default_jit, predict_windows, train
    from tsconv.training.tf_input import window_dataset

    series = tsconv.load_csv(ROOT / "datasets" / "msft.csv")
    splits = prepare(series.values, 100).splits
    train_w, val_w = splits["train"], splits["validation"]
    if variant == "input pipeline":
        batches = WindowBatches(train_w, 64, shuffle=True)
        started = time.perf_counter()
        for _ in window_dataset(batches, epochs=2):
            pass
        return {"rate": 2 * len(train_w) / (time.perf_counter() - started)}
    if variant.startswith("element-wise"):  # the TCN blocks' dropout before tsconv 0.1 (#20)
        from tsconv.layers.tcn import TCNBlock

        build = TCNBlock.__init__

        def elementwise(self, *args, **kwargs):
            build(self, *args, **kwargs)
            self.dropout_1 = keras.layers.Dropout(self.dropout, name="dropout_1")
            self.dropout_2 = keras.layers.Dropout(self.dropout, name="dropout_2")

        TCNBlock.__init__ = elementwise
    model_options, options = VARIANTS[variant]
    options = {"batch_size": 64, **options}
    options.setdefault("jit", default_jit(options["batch_size"]))
    keras.utils.set_random_seed(0)
    model = TCNForecaster(100, **model_options)

    class Timer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.epochs, self.val = [], []

        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_test_begin(self, logs=None):
            self.val_started = time.perf_counter()

        def on_test_end(self, logs=None):
            self.val.append(time.perf_counter() - self.val_started)

        def on_epoch_end(self, epoch, logs=None):
            self.epochs.append(time.perf_counter() - self.started)

    timer = Timer()
    train(model, train_w, val_w, epochs=EPOCHS, patience=EPOCHS, callbacks=[timer], **options)
    fit_seconds = [e - v for e, v in zip(timer.epochs, timer.val, strict=True)]
    started = time.perf_counter()
    predict_windows(model, val_w)
    return {
        "first": timer.epochs[0],
        "rate": statistics.median(len(train_w) / s for s in fit_seconds[1:]),
        "val": statistics.median(timer.val[1:]),
        "predict": time.perf_counter() - started,
        "windows": len(train_w),
        "val_windows": len(val_w),
        "parameters": model.count_params(),
    }


def in_fresh_process(variant: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--measure", variant], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measure")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    sys.path.insert(0, str(Path(__file__).parent))
    from results_file import write_results

    names = [*VARIANTS, "input pipeline"]
    runs: dict[str, list[dict]] = {name: [] for name in names}
    for _ in range(args.rounds):
        for name in names:
            runs[name].append(in_fresh_process(name))
            print(name, runs[name][-1], flush=True)
    default_rate = statistics.median(r["rate"] for r in runs["default"])
    rows = [
        "| variant | parameters | first epoch s | windows/s (epochs 2-3) | × default "
        "| validation pass s | predict (val) s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in VARIANTS:
        r = runs[name]
        rate = statistics.median(x["rate"] for x in r)
        first, val = (statistics.median(x[k] for x in r) for k in ("first", "val"))
        rows.append(
            f"| {name} | {r[0]['parameters']:,} | {first:.1f} | {rate:,.0f} "
            f"| {rate / default_rate:.2f} | {val:.2f} "
            f"| {statistics.median(x['predict'] for x in r):.2f} |"
        )
    pipeline = statistics.median(x["rate"] for x in runs["input pipeline"])
    rows.append(f"| input pipeline alone (no model) | | | {pipeline:,.0f} | | | |")
    first = runs["default"][0]
    about = (
        f"{first['windows']:,} training and {first['val_windows']:,} validation windows "
        f"(window 100) of datasets/msft.csv, as `tsconv fit` prepares them. Median of "
        f"{args.rounds} rounds, each variant in a fresh process per round. "
        "Training windows/s leave the validation pass out."
    )
    write_results(
        "tcn_profile",
        "Where the default TCN's training time goes (MSFT, one epoch)",
        "\n".join(rows),
        about,
        command=f"python benchmarks/tcn_profile.py --rounds {args.rounds}",
    )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
