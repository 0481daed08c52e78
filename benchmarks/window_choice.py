"""Question: does `--window auto` (two of the longest season) beat `--window 100`?

A window of 100 half-hours cannot see last week. `--window auto` takes two of
the longest season the training rows support, at least 100 steps
(`tsconv.preprocessing.window_choice`). This backtests both windows in one run
— 5 rolling origins, warm refits, `--transform auto`, 30 epochs at most, seed 0
— beside seasonal naive, on the embedded file whose auto window is far from
100: the half-hourly load (seasons 48 and 336: window 672). The others: MSFT
(no confirmed season) and Seattle (24 hours; its 168 has strength 0.00) get
100, CO2 (52 weeks) 104, the airline (12 months, 144 rows) 24 where 100 does
not fit at all. MASE is scaled by each history's one-step naive error.

Run: python benchmarks/window_choice.py [models]   (default linear,conv: about 10 minutes on
2 CPU cores; with the TCN, a 5-fold backtest at window 672 ran over 25 minutes and was stopped)
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
CASES = [("halfhourly_load.csv", 48)]


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
                series,
                models,
                horizon=horizon,
                folds=FOLDS,
                samples=0,
                window=window,
                progress=lambda line, t0=started: print(f"{time.perf_counter() - t0:6.0f}s {line}"),
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
    main(sys.argv[1].split(",") if len(sys.argv) > 1 else ["linear", "conv"])
