"""Question: on seasonal series, do levels beat `--transform auto`'s changes?

Issue 21 proposes modelling stationary seasonal series in levels (standard-scaled)
instead of the log-returns `--transform auto` picks for every positive series. This
backtests both on the embedded seasonal datasets, in one run: 5 rolling origins,
warm refits, window 100, the linear and conv defaults (the TCN and the transformer
are left out: a 5-fold TCN backtest of the half-hourly file takes minutes per
transform on 2 cores), beside seasonal naive. MASE is scaled by each history's
one-step naive error.

Run: python benchmarks/transform_choice.py   (about 5 minutes on 2 CPU cores)
Writes: benchmarks/results/transform_choice.md
"""

from __future__ import annotations

import time
from pathlib import Path

from results_file import write_results

import tsconv
from tsconv.backtesting.backtest import run_backtest

ROOT = Path(__file__).resolve().parents[1]
CASES = [  # file, horizon, load options
    ("halfhourly_load.csv", 48, {}),
    ("seattle_temps.csv", 24, {}),
    ("co2_weekly.csv", 52, {"fill": "interpolate"}),
]
MODELS = ["linear", "conv"]
TRANSFORMS = {"auto": "auto (log-return here)", "none": "levels"}


def main() -> None:
    lines = [
        "| data | horizon | model | MASE auto | MASE levels | levels / auto | seasonal naive |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, horizon, options in CASES:
        series = tsconv.load_csv(ROOT / "datasets" / name, **options)
        mase, seconds = {}, {}
        for transform in TRANSFORMS:
            started = time.perf_counter()
            result = run_backtest(
                series, MODELS, horizon=horizon, folds=5, samples=0, transform=transform
            )
            seconds[transform] = time.perf_counter() - started
            table = result.table()
            mase[transform] = {m: float(table.loc[m, ("mase", "mean")]) for m in table.index}
        seasonal = mase["auto"]["seasonal-naive"]
        for model in MODELS:
            auto, levels = mase["auto"][model], mase["none"][model]
            lines.append(
                f"| {name} | {horizon} | {model} | {auto:.3f} | {levels:.3f} "
                f"| {levels / auto:.2f} | {seasonal:.3f} |"
            )
            print(lines[-1], flush=True)
    about = (
        "5 folds, warm refits, window 100, 30 epochs at most, seed 0; `auto` resolves to "
        "log-returns on all three (positive series). Below 1 in `levels / auto`: levels forecast "
        "better."
    )
    write_results(
        "transform_choice", "Levels against changes on seasonal series", "\n".join(lines), about
    )


if __name__ == "__main__":
    main()
