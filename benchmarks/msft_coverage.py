"""Question: do tsconv's 90% intervals hold 90% of what happens next on MSFT?

Fits, with the defaults `tsconv fit datasets/msft.csv --window 100` uses, the TCN with a
point head (intervals from its held-out residuals, a bootstrap), with a Gaussian head and
with a Student-t head, with the direct strategy (30 steps per call), the default conv
model (bootstrap), and the naive forecast (a random walk with bootstrapped residuals,
the reference). Then, at origins every 20
business days through the test period (the last 10% of the rows, never used in
training or early stopping), it draws 200 trajectories of 30 steps from each and counts
how often the true close lies inside the central 90% interval, per horizon step. The
TCN point run is also sampled at temperatures 0.5 and 2 to show what the temperature does.

Run: python benchmarks/msft_coverage.py   (about 8 minutes on 2 CPU cores)
Writes: benchmarks/results/msft_coverage.md
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd
from results_file import write_results

import tsconv
from tsconv.rollout.sampling import interval_coverage

ROOT = Path(__file__).resolve().parents[1]
HORIZON, SAMPLES, EVERY, LEVEL = 30, 200, 20, 0.9
TCN = {"model": "tcn"}
RUNS = [
    ("tcn, point head + residual bootstrap", TCN, 1.0),
    ("tcn, point head, temperature 0.5", TCN, 0.5),
    ("tcn, point head, temperature 2", TCN, 2.0),
    ("tcn, Gaussian head", {**TCN, "model_options": {"distribution": "gaussian"}}, 1.0),
    ("tcn, Student-t head", {**TCN, "model_options": {"distribution": "student-t"}}, 1.0),
    ("tcn, direct strategy (30 steps per call)", {**TCN, "strategy": "direct"}, 1.0),
    ("conv (default model), residual bootstrap", {"model": "conv"}, 1.0),
    ("naive + residual bootstrap (reference)", {"model": "naive"}, 1.0),
]
STEPS = (1, 5, 10, 30)


def origins(series: tsconv.Series, fc: tsconv.Forecaster) -> list[int]:
    """Row numbers (last observed row) of forecast origins inside the test period."""
    index = series.frame.index
    first = int(index.searchsorted(pd.Timestamp(fc.data_["split"]["validation_end"]))) + 1
    return list(range(first, len(index) - HORIZON, EVERY))


def main() -> None:
    series = tsconv.load_csv(ROOT / "datasets" / "msft.csv")
    target = series.frame[series.target].to_numpy()
    fitted: dict[tuple, tsconv.Forecaster] = {}
    rows = []
    for label, settings, temperature in RUNS:
        key = repr(settings)
        if key not in fitted:
            started = time.perf_counter()
            fitted[key] = tsconv.Forecaster(window=100, **settings).fit(series)
            print(f"fitted {key} in {time.perf_counter() - started:.0f}s", flush=True)
        fc = fitted[key]
        covered, widths, errors, naive_errors = [], [], [], []
        for seed, row in enumerate(origins(series, fc)):
            past = dataclasses.replace(series, frame=series.frame.iloc[: row + 1])
            paths = fc.sample_paths(HORIZON, SAMPLES, temperature, seed=seed, series=past)
            truth = target[row + 1 : row + 1 + HORIZON]
            covered.append(interval_coverage(paths, truth, LEVEL))
            low, high = np.quantile(paths, [(1 - LEVEL) / 2, (1 + LEVEL) / 2], axis=0)
            widths.append((high - low) / target[row])
            point = fc.forecast(HORIZON, past)[series.target].to_numpy()
            errors.append(np.abs(point - truth).mean())
            naive_errors.append(np.abs(target[row] - truth).mean())
        covered, widths = np.array(covered), np.array(widths)  # (origins, horizon)
        rows.append(
            (
                label,
                len(covered),
                [covered[:, h - 1].mean() for h in STEPS],
                covered.mean(),
                np.median(widths[:, -1]),
                np.mean(errors) / np.mean(naive_errors),
            )
        )
        print(f"{label:45s} coverage {covered.mean():.3f}", flush=True)

    steps = " | ".join(f"h={h}" for h in STEPS)
    lines = [
        f"| run | origins | {steps} | all 30 steps | median width at h=30 / level "
        "| 30-step MAE / naive |",
        "| --- | ---: |" + " ---: |" * len(STEPS) + " ---: | ---: | ---: |",
    ]
    for label, n, by_step, overall, width, ratio in rows:
        cells = " | ".join(f"{c:.2f}" for c in by_step)
        lines.append(f"| {label} | {n} | {cells} | {overall:.3f} | {width:.1%} | {ratio:.3f} |")
    table = "\n".join(lines)
    print(table)
    write_results(
        "msft_coverage",
        "Coverage of the 90% interval on MSFT's test period",
        table,
        f"Data: datasets/msft.csv (daily close), window 100, default settings, seed 0. Origins "
        f"every {EVERY} business days through the test period (last 10% of rows); at each, "
        f"{SAMPLES} sampled trajectories of {HORIZON} steps (seed = origin number); a cell is "
        f"the fraction of origins whose true close lies in the central {LEVEL:.0%} interval at "
        "that step (the ideal is 0.90). Origins are 20 days apart and horizons 30 long, so "
        "neighbouring origins overlap and the cells are not independent samples. The last column "
        "is the mean absolute error of the point path over the 30 steps, at the same origins, "
        "over the naive forecast's (the last close), a small backtest.",
    )


if __name__ == "__main__":
    main()
