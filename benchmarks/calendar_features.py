"""Question: do calendar features (`--calendar auto`) make tsconv's models better on seasonal data?

Backtests each model with and without calendar features on the embedded seasonal
datasets, in one run: 5 rolling origins, warm refits, window 100, beside naive and
seasonal naive computed on the same origins. MASE is scaled by each history's
one-step naive error. `auto` gives Fourier terms (3 sine/cosine pairs) of the
frequency's calendar seasons seen twice in the data: 48 and 336 for the half-hourly
file, 24 and 168 for the hourly temperatures, 52 for the weekly CO2 file. The TCN
is run on the half-hourly file only (a 5-fold TCN backtest takes minutes on 2 cores).

Run: python benchmarks/calendar_features.py   (about 15 minutes on 2 CPU cores)
Writes: benchmarks/results/calendar_features.md
"""

from __future__ import annotations

from pathlib import Path

from results_file import write_results

import tsconv
from tsconv.backtesting.backtest import run_backtest

ROOT = Path(__file__).resolve().parents[1]
CASES = [  # file, horizon, load options, models
    ("halfhourly_load.csv", 48, {}, ["linear", "conv", "tcn"]),
    ("seattle_temps.csv", 24, {}, ["linear", "conv"]),
    ("co2_weekly.csv", 52, {"fill": "interpolate"}, ["linear", "conv"]),
]
CALENDARS = ("none", "auto")


def main() -> None:
    lines = [
        "| data | horizon | model | MASE none | MASE calendar | calendar / none "
        "| naive | seasonal naive | seconds none / calendar |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, horizon, options, models in CASES:
        series = tsconv.load_csv(ROOT / "datasets" / name, **options)
        mase, seconds = {}, {}
        for calendar in CALENDARS:
            result = run_backtest(
                series, models, horizon=horizon, folds=5, samples=0, calendar=calendar
            )
            table = result.table()
            mase[calendar] = {m: float(table.loc[m, ("mase", "mean")]) for m in table.index}
            seconds[calendar] = result.seconds
        naive, seasonal = mase["none"]["naive"], mase["none"]["seasonal-naive"]
        for model in models:
            off, on = mase["none"][model], mase["auto"][model]
            lines.append(
                f"| {name} | {horizon} | {model} | {off:.3f} | {on:.3f} | {on / off:.2f} "
                f"| {naive:.3f} | {seasonal:.3f} "
                f"| {seconds['none'][model]:.0f} / {seconds['auto'][model]:.0f} |"
            )
            print(lines[-1], flush=True)
    about = (
        "5 folds, warm refits, window 100, 30 epochs at most, seed 0, transform auto "
        "(log-returns on these positive series). Below 1 in `calendar / none`: the calendar "
        "features forecast better."
    )
    write_results(
        "calendar_features", "Calendar features on seasonal series", "\n".join(lines), about
    )


if __name__ == "__main__":
    main()
