"""Question: does `--transform auto` pick the transform that forecasts better?

`--transform auto` models levels (standard-scaled) when a KPSS and an ADF test
on the training rows call the series stationary, and changes (log-returns for a
positive series, else differences) for random walks and trends
(`tsconv.preprocessing.stationarity`). This backtests both transforms on every
case in one run — 5 rolling origins, warm refits, window 100, beside seasonal
naive — and shows what `auto` picks at each origin (the test sees only that
fold's training rows). A pick is right when its column has the lower MASE.

Cases: the three embedded seasonal files, MSFT (a random walk: must stay
returns), and a synthetic stationary series (an hourly daily cycle around a
fixed level with AR(1) noise, generated here from seed 0) where levels should
win. Models: linear and conv everywhere, the TCN where the file is small enough
to backtest twice in a few minutes on 2 cores. MASE is scaled by each history's
one-step naive error.

Run: python benchmarks/transform_choice.py   (about 12 minutes on 2 CPU cores)
Writes: benchmarks/results/transform_choice.md
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from results_file import write_results

import tsconv
from tsconv.backtesting.backtest import run_backtest
from tsconv.backtesting.folds import fold_origins
from tsconv.preprocessing.preparation import prepare

ROOT = Path(__file__).resolve().parents[1]
WINDOW, FOLDS = 100, 5
CASES = [  # file, horizon, load options, models
    ("halfhourly_load.csv", 48, {}, ["linear", "conv"]),
    ("seattle_temps.csv", 24, {}, ["linear", "conv"]),
    ("co2_weekly.csv", 52, {"fill": "interpolate"}, ["linear", "conv", "tcn"]),
    ("msft.csv", 30, {}, ["linear", "conv"]),
    ("synthetic stationary", 24, {}, ["linear", "conv", "tcn"]),
]


def synthetic_csv(path: Path, rows: int = 3000, seed: int = 0) -> Path:
    """An hourly daily cycle around 50 with AR(1) noise (phi 0.7): stationary."""
    rng = np.random.default_rng(seed)
    noise = np.zeros(rows)
    for t in range(1, rows):
        noise[t] = 0.7 * noise[t - 1] + rng.normal(0, 0.5)
    hours = np.arange(rows)
    load = 50 + 5 * np.sin(2 * np.pi * hours / 24) + 2 * np.cos(2 * np.pi * hours / 12) + noise
    time_index = pd.date_range("2024-01-01", periods=rows, freq="h")
    pd.DataFrame({"time": time_index, "load": load}).to_csv(path, index=False)
    return path


def picks(series: tsconv.Series, horizon: int) -> tuple[Counter, str]:
    """What `auto` picks at each fold (on that fold's training rows), and the last reason."""
    chosen, reason = Counter(), ""
    for origin in fold_origins(len(series), horizon, FOLDS):
        p = prepare(series.values[:origin], WINDOW)
        chosen[p.transform] += 1
        reason = p.transform_reason
    return chosen, reason


def main() -> None:
    lines = [
        "| data | horizon | auto picks (folds) | model | MASE levels | MASE changes "
        "| levels / changes | pick right? | seasonal naive |",
        "| --- | ---: | --- | --- | ---: | ---: | ---: | --- | ---: |",
    ]
    reasons, seconds = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, horizon, options, models in CASES:
            if name.startswith("synthetic"):
                path = synthetic_csv(Path(tmp) / "synthetic.csv")
            else:
                path = ROOT / "datasets" / name
            series = tsconv.load_csv(path, **options)
            chosen, reason = picks(series, horizon)
            reasons.append(f"- {name}, last fold: {reason}")
            change = "log-return" if np.all(series.values[:, 0] > 0) else "diff"
            mase = {}
            started = time.perf_counter()
            for transform in ("none", change):
                result = run_backtest(
                    series,
                    models,
                    horizon=horizon,
                    folds=FOLDS,
                    samples=0,
                    transform=transform,
                    window=WINDOW,
                )
                table = result.table()
                mase[transform] = {m: float(table.loc[m, ("mase", "mean")]) for m in table.index}
            seconds[name] = time.perf_counter() - started
            summary = ", ".join(
                f"{'levels' if t == 'none' else t} {n}" for t, n in chosen.most_common()
            )
            majority = chosen.most_common(1)[0][0]
            for model in models:
                levels, moves = mase["none"][model], mase[change][model]
                better = "none" if levels < moves else change
                lines.append(
                    f"| {name} | {horizon} | {summary} | {model} | {levels:.3f} | {moves:.3f} "
                    f"| {levels / moves:.2f} | {'yes' if majority == better else 'no'} "
                    f"| {mase['none']['seasonal-naive']:.3f} |"
                )
                print(lines[-1], flush=True)
    timing = ", ".join(f"{name} {s / 60:.1f} min" for name, s in seconds.items())
    about = (
        f"{FOLDS} folds, warm refits, window {WINDOW}, 30 epochs at most, seed 0. `changes` is "
        "log-returns for a positive series, else differences. `levels / changes` below 1: "
        "levels forecast better. `pick right?` compares `auto`'s majority pick with the "
        f"transform of lower MASE, model by model. Both backtests per case took: {timing}."
    )
    body = "\n".join(lines) + "\n\nWhy `auto` picked what it did:\n\n" + "\n".join(reasons)
    write_results(
        "transform_choice",
        "Does --transform auto pick the transform that forecasts better?",
        body,
        about,
    )


if __name__ == "__main__":
    main()
