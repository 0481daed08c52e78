"""Question: does `--window auto` (two of the longest season) beat `--window 100`?

A window of 100 half-hours cannot see last week, nor 100 hours yesterday's
weekly neighbour. `--window auto` takes two of the longest season the training
rows support, at least 100 steps (`tsconv.preprocessing.window_choice`). This
backtests both windows in one run — 5 rolling origins, warm refits, `--transform
auto`, 30 epochs at most, seed 0 — beside seasonal naive, on the embedded files
whose auto window differs from 100 (MSFT's is 100: nothing to compare; CO2's
weekly 52 gives 104, within 4% of 100, left out). MASE is scaled by each
history's one-step naive error.

Run: python benchmarks/window_choice.py [models]   (default linear,conv,tcn; about 25 minutes
on 2 CPU cores)
Writes: benchmarks/results/window_choice.md
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from results_file import write_results

import tsconv
from tsconv.backtesting.backtest import run_backtest

ROOT = Path(__file__).resolve().parents[1]
FOLDS = 5
CASES = [("halfhourly_load.csv", 48), ("seattle_temps.csv", 24), ("seattle_temps.csv", 168)]


def main(models: list[str]) -> None:
    lines = [
        "| data | horizon | model | auto window | MASE window 100 | MASE auto | auto / 100 "
        "| seasonal naive | seconds 100 | seconds auto |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    reasons = []
    for name, horizon in CASES:
        series = tsconv.load_csv(ROOT / "datasets" / name)
        probe = tsconv.Forecaster(window="auto", model="naive").fit(series)
        reasons.append(f"- {name}: window {probe.window_}, {probe.window_reason_}")
        mase, seconds = {}, {}
        for window in (100, "auto"):
            started = time.perf_counter()
            result = run_backtest(
                series, models, horizon=horizon, folds=FOLDS, samples=0, window=window
            )
            seconds[window] = time.perf_counter() - started
            table = result.table()
            mase[window] = {m: float(table.loc[m, ("mase", "mean")]) for m in table.index}
        for model in models:
            fixed, auto = mase[100][model], mase["auto"][model]
            lines.append(
                f"| {name} | {horizon} | {model} | {probe.window_} | {fixed:.3f} | {auto:.3f} "
                f"| {auto / fixed:.2f} | {mase[100]['seasonal-naive']:.3f} "
                f"| {seconds[100]:.0f} | {seconds['auto']:.0f} |"
            )
            print(lines[-1], flush=True)
    about = (
        f"{FOLDS} folds, warm refits, `--transform auto`, 30 epochs at most, seed 0; models "
        f"{', '.join(models)}. `auto / 100` below 1: the seasonal window forecasts better. "
        "Seconds: the whole backtest of all models with that window."
    )
    body = "\n".join(lines) + "\n\nWhat `--window auto` chose (full series):\n\n"
    body += "\n".join(reasons)
    command = "python benchmarks/window_choice.py" + (
        f" {','.join(models)}" if len(sys.argv) > 1 else ""
    )
    write_results(
        "window_choice", "Does --window auto beat --window 100?", body, about, command=command
    )


if __name__ == "__main__":
    main(sys.argv[1].split(",") if len(sys.argv) > 1 else ["linear", "conv", "tcn"])
