"""Question: on seasonal data, do direct heads or a median of seeds beat the recursive default?

Issue 21, item 5: "make direct multi-step the default where backtests show it
wins, try a median-of-seeds ensemble, and keep what the benchmarks support".
Each model is backtested (5 folds, warm refits, tsconv's defaults otherwise)
once per strategy and seed: `recursive` (today's default: one step per call,
fed back) and `direct` (one call forecasts the whole horizon,
`output_steps=horizon`). The median of the seeds' forecasts, step by step, is
scored as the ensemble. Naive and seasonal naive come from the same backtests.

Backtests are slow on 2 cores (a TCN on 8.7k hourly rows: ~5 minutes), so
each run's forecasts are kept in `benchmarks/results/direct_and_seeds_<case>.csv`
and the table is computed from every run stored there; a later call adds
runs (or replaces the same model, strategy and seed) and rewrites the table.

    python benchmarks/direct_and_seeds.py seattle24 co2 --models tcn,transformer --seeds 0
    python benchmarks/direct_and_seeds.py seattle24 --models tcn --seeds 1,2

Writes: benchmarks/results/direct_and_seeds_<case>.md and .csv.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from results_file import RESULTS, write_results

import tsconv
from tsconv import metrics
from tsconv.backtesting.backtest import run_backtest
from tsconv.backtesting.folds import fold_origins

ROOT = Path(__file__).resolve().parents[1]
FOLDS = 5
CASES = {  # file, horizon, load options
    "co2": ("co2_weekly.csv", 52, {"fill": "interpolate"}),
    "seattle24": ("seattle_temps.csv", 24, {}),
    "halfhourly": ("halfhourly_load.csv", 48, {}),
}
REFERENCES = ["naive", "seasonal-naive", "drift"]


def run(case: str, models: list[str], strategies: list[str], seeds: list[int]) -> pd.DataFrame:
    """Backtests every model × strategy × seed; returns their forecasts (and the references')."""
    name, horizon, load_options = CASES[case]
    series = tsconv.load_csv(ROOT / "datasets" / name, **load_options)
    frames = []
    for strategy in strategies:
        options = {"strategy": strategy}
        if strategy == "direct":
            options["output_steps"] = horizon
        for seed in seeds:
            started = time.perf_counter()
            result = run_backtest(series, models, horizon=horizon, folds=FOLDS, samples=0,
                                  seed=seed, **options)  # fmt: skip
            seconds = time.perf_counter() - started
            print(f"{case} {strategy} seed {seed}: {seconds:.0f} s {result.seconds}", flush=True)
            out = result.forecasts[["model", "fold", "step", "actual", "forecast"]].copy()
            out["strategy"] = np.where(out["model"].isin(REFERENCES), "-", strategy)
            out["seed"] = np.where(out["model"].isin(REFERENCES), -1, seed)
            out["seconds"] = out["model"].map(result.seconds).fillna(0.0)
            frames.append(out)
    out = pd.concat(frames)
    # The references are the same in every backtest: keep one copy.
    return out.drop_duplicates(["model", "strategy", "seed", "fold", "step"])


def score(case: str, forecasts: pd.DataFrame) -> pd.DataFrame:
    """MASE per model and strategy: seed 0, the mean over single seeds, the median of seeds."""
    name, horizon, load_options = CASES[case]
    target = tsconv.load_csv(ROOT / "datasets" / name, **load_options).values[:, 0]
    origins = fold_origins(len(target), horizon, FOLDS)

    def mase(frame: pd.DataFrame) -> float:  # mean over folds of the fold's MASE
        values = []
        for fold, rows in frame.groupby("fold"):
            history = target[: origins[int(fold) - 1]]
            values.append(
                metrics.mase(rows["actual"].to_numpy(), rows["forecast"].to_numpy(), history)
            )
        return float(np.mean(values))

    rows = []
    for (model, strategy), runs in forecasts.groupby(["model", "strategy"]):
        seeds = sorted(runs["seed"].unique())
        singles = {s: mase(runs[runs["seed"] == s]) for s in seeds}
        median = runs.groupby(["fold", "step"], as_index=False).agg(
            actual=("actual", "first"), forecast=("forecast", "median")
        )
        rows.append(
            {
                "model": model,
                "strategy": strategy,
                "seeds": ",".join(str(s) for s in seeds) if seeds != [-1] else "-",
                "MASE seed 0": singles.get(0, np.nan) if seeds != [-1] else singles[-1],
                "MASE mean of seeds": float(np.mean(list(singles.values()))),
                "MASE median of seeds": mase(median) if len(seeds) > 1 else np.nan,
                "seconds per run": runs.groupby("seed")["seconds"].first().mean(),
            }
        )
    table = pd.DataFrame(rows)
    table["seed 0 / seasonal naive"] = (
        table["MASE seed 0"] / table.loc[table["model"] == "seasonal-naive", "MASE seed 0"].iloc[0]
    )
    return table.sort_values(["model", "strategy"])


def markdown(table: pd.DataFrame) -> str:
    """The table in Markdown, numbers to 3 decimals (seconds whole)."""

    def cell(column: str, value) -> str:
        if isinstance(value, float):
            return (
                "–"
                if np.isnan(value)
                else f"{value:.0f}"
                if "seconds" in column
                else f"{value:.3f}"
            )
        return str(value)

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    for _, row in table.iterrows():
        lines.append("| " + " | ".join(cell(c, row[c]) for c in table.columns) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="+", choices=sorted(CASES))
    parser.add_argument("--models", default="tcn,transformer")
    parser.add_argument("--strategies", default="recursive,direct")
    parser.add_argument("--seeds", default="0")
    args = parser.parse_args()
    models, strategies = args.models.split(","), args.strategies.split(",")
    seeds = [int(s) for s in args.seeds.split(",")]
    for case in args.cases:
        store = RESULTS / f"direct_and_seeds_{case}.csv"
        new = run(case, models, strategies, seeds)
        if store.exists():  # keep earlier runs, except those this call repeated
            old = pd.read_csv(store)
            done = set(map(tuple, new[["model", "strategy", "seed"]].drop_duplicates().values))
            keep = [tuple(r) not in done for r in old[["model", "strategy", "seed"]].values]
            old = old[keep & ~old["model"].isin(REFERENCES)]
            new = pd.concat([old, new])
        new.to_csv(store, index=False)
        table = score(case, new)
        text = markdown(table)
        print(text, flush=True)
        name, horizon, _ = CASES[case]
        write_results(
            f"direct_and_seeds_{case}",
            f"Direct heads and a median of seeds against the recursive default: {name}, "
            f"horizon {horizon}",
            text + f"\n\nForecasts of every run: `direct_and_seeds_{case}.csv`.",
            about=(
                f"{FOLDS} folds, warm refits, tsconv's defaults except the strategy (direct: "
                f"`output_steps={horizon}`) and the seed; the runs stored in the CSV, each "
                "added by a call like the one below. MASE is the mean over folds; the median "
                "of seeds takes each step's median forecast over the seeds listed."
            ),
            command=shlex.join(["python", "benchmarks/direct_and_seeds.py", *sys.argv[1:]]),
        )


if __name__ == "__main__":
    main()
