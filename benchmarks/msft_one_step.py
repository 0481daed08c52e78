"""Question: how does each model's default compare with "tomorrow = today" on MSFT?

Fits every model with the defaults `tsconv fit datasets/msft.csv --window 100 --model NAME`
uses (plus the TCN without dropout and the level transform, the alternatives that the
defaults were chosen over), and reports the one-step test and validation MAE as a ratio
to the naive forecast's on the same windows. Below 1 beats naive.

Run: python benchmarks/msft_one_step.py   (about 10 minutes on 2 CPU cores)
Writes: benchmarks/results/msft_one_step.md
"""

from __future__ import annotations

import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


from results_file import write_results

import tsconv
from tsconv.metrics import mae_ratio

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = [
    ("conv", {}, {}),
    ("conv", {}, {"transform": "none"}),
    ("tcn", {}, {}),
    ("tcn", {"dropout": 0.0}, {}),
    ("tcn", {}, {"objective": "sequence"}),
    ("tcn", {"distribution": "gaussian"}, {}),
    ("tcn", {"distribution": "student-t"}, {}),
    ("transformer", {}, {}),
    ("transformer", {"positional": "alibi"}, {}),
    ("naive", {}, {}),
    ("seasonal-naive", {}, {}),
    ("drift", {}, {}),
    ("linear", {}, {}),
]


def main() -> None:
    series = tsconv.load_csv(ROOT / "datasets" / "msft.csv")
    rows = []
    for model, options, kwargs in CONFIGS:
        started = time.perf_counter()
        fc = tsconv.Forecaster(window=100, model=model, model_options=options, **kwargs).fit(series)
        label = model + "".join(f" {k}={v}" for k, v in {**options, **kwargs}.items())
        rows.append(
            (
                label,
                fc.training_["parameters"],
                fc.training_["epochs_run"],
                mae_ratio(fc.metrics_, "validation"),
                mae_ratio(fc.metrics_, "test"),
                time.perf_counter() - started,
            )
        )
        print(f"{label:40s} test MAE / naive {rows[-1][4]:.3f}", flush=True)

    header = (
        "| model (defaults unless shown) | parameters | epochs | validation MAE / naive "
        "| test MAE / naive | seconds |"
    )
    lines = [header, "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for label, params, epochs, val, test, seconds in rows:
        lines.append(
            f"| {label} | {params:,} | {epochs} | {val:.3f} | {test:.3f} | {seconds:.0f} |"
        )
    table = "\n".join(lines)
    print(table)
    write_results(
        "msft_one_step",
        "One-step error on MSFT, model / naive",
        table,
        "Data: datasets/msft.csv (daily close), window 100, transform auto (log-return) unless "
        "shown, seed 0; validation and test are the last 10% + 10% of rows.",
    )


if __name__ == "__main__":
    main()
