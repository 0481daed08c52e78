"""Question: on seasonal data, do direct heads, RevIN or a median of seeds beat the defaults?

Issue 21, item 5: "make direct multi-step the default where backtests show it
wins, try reversible instance normalisation (RevIN) and a median-of-seeds
ensemble, and keep what the benchmarks support". Each model is backtested
(5 folds, warm refits, tsconv's defaults otherwise) once per variant and seed:

- `recursive`: the default (one step per call, fed back; `--transform auto`).
- `direct`: one call forecasts the whole horizon (`output_steps=horizon`).
- `revin`: recursive on standard-scaled levels, each window scaled by its own
  mean and spread (`transform="none"`, `revin=True`).
- `direct-revin`: both.
- `direct-season`: direct blocks of one season (`output_steps` = the case's shortest
  calendar season, e.g. 24 hours), rolled out block by block over a longer horizon.

The median of the seeds' forecasts, step by step, is scored as the ensemble.
Naive and seasonal naive come from the same backtests.

Backtests are slow on 2 cores (a TCN on 8.7k hourly rows: ~5 minutes), so
each run's forecasts are kept in
`benchmarks/results/heads_and_normalization_<case>.csv`
and the table is computed from every run stored there; a later call adds
runs (or replaces the same model, variant and seed) and rewrites the table.

    python benchmarks/heads_and_normalization.py seattle24 co2 --models tcn,transformer
    python benchmarks/heads_and_normalization.py co2 --models conv --variants direct --seeds 1,2

Writes: benchmarks/results/heads_and_normalization_<case>.md and .csv.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from results_file import RESULTS, markdown_table, write_results

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
    "msft": ("msft.csv", 30, {}),  # prices: a default must not lose to naive here
    "seattle168": ("seattle_temps.csv", 168, {}),  # a week of hours from a window of 100
}
SEASON_STEPS = {"co2": 52, "seattle24": 24, "halfhourly": 48, "msft": 30, "seattle168": 24}
REFERENCES = ["naive", "seasonal-naive", "drift"]
VARIANTS = ["recursive", "direct", "revin", "direct-revin", "direct-season"]


def variant_options(variant: str, horizon: int, season: int | None = None) -> dict:
    """The `Forecaster` options of a variant (see the module docstring)."""
    options = {}
    if variant.startswith("direct"):
        steps = season if variant == "direct-season" else horizon
        options.update(strategy="direct", output_steps=steps)
    if variant.endswith("revin"):
        options.update(transform="none", model_options={"revin": True})
    return options


def run(case: str, models: list[str], variants: list[str], seeds: list[int]) -> pd.DataFrame:
    """Backtests every model × variant × seed; returns their forecasts (and the references')."""
    name, horizon, load_options = CASES[case]
    series = tsconv.load_csv(ROOT / "datasets" / name, **load_options)
    frames = []
    for variant in variants:
        options = variant_options(variant, horizon, SEASON_STEPS[case])
        for seed in seeds:
            started = time.perf_counter()
            result = run_backtest(series, models, horizon=horizon, folds=FOLDS, samples=0,
                                  seed=seed, **options)  # fmt: skip
            seconds = time.perf_counter() - started
            print(f"{case} {variant} seed {seed}: {seconds:.0f} s {result.seconds}", flush=True)
            out = result.forecasts[["model", "fold", "step", "actual", "forecast"]].copy()
            out["variant"] = np.where(out["model"].isin(REFERENCES), "-", variant)
            out["seed"] = np.where(out["model"].isin(REFERENCES), -1, seed)
            out["seconds"] = out["model"].map(result.seconds).fillna(0.0)
            frames.append(out)
    out = pd.concat(frames)
    # The references are the same in every backtest: keep one copy.
    return out.drop_duplicates(["model", "variant", "seed", "fold", "step"])


def score(case: str, forecasts: pd.DataFrame) -> pd.DataFrame:
    """MASE per model and variant: seed 0, the mean over single seeds, the median of seeds."""
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
    for (model, variant), runs in forecasts.groupby(["model", "variant"]):
        seeds = sorted(runs["seed"].unique())
        singles = {s: mase(runs[runs["seed"] == s]) for s in seeds}
        median = runs.groupby(["fold", "step"], as_index=False).agg(
            actual=("actual", "first"), forecast=("forecast", "median")
        )
        rows.append(
            {
                "model": model,
                "variant": variant,
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
    return table.sort_values(["model", "variant"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="+", choices=sorted(CASES))
    parser.add_argument("--models", default="tcn,transformer")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--seeds", default="0")
    args = parser.parse_args()
    models, variants = args.models.split(","), args.variants.split(",")
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants {unknown}; use {VARIANTS}")
    seeds = [int(s) for s in args.seeds.split(",")]
    for case in args.cases:
        store = RESULTS / f"heads_and_normalization_{case}.csv"
        new = run(case, models, variants, seeds)
        new.to_csv(store.with_suffix(".new.csv"), index=False)  # kept if the merge fails
        if store.exists():  # keep earlier runs, except those this call repeated
            old = pd.read_csv(store).rename(columns={"strategy": "variant"})  # its first runs
            done = set(map(tuple, new[["model", "variant", "seed"]].drop_duplicates().values))
            repeated = np.array(
                [tuple(r) in done for r in old[["model", "variant", "seed"]].values]
            )
            old = old[~repeated & ~old["model"].isin(REFERENCES).to_numpy()]
            new = pd.concat([old, new])
        new.to_csv(store, index=False)
        store.with_suffix(".new.csv").unlink()
        table = score(case, new)
        text = markdown_table(table)
        print(text, flush=True)
        name, horizon, _ = CASES[case]
        write_results(
            f"heads_and_normalization_{case}",
            f"Direct heads, RevIN and a median of seeds against the defaults: {name}, "
            f"horizon {horizon}",
            text + f"\n\nForecasts of every run: `heads_and_normalization_{case}.csv`.",
            about=(
                f"{FOLDS} folds, warm refits, tsconv's defaults except the variant (direct: "
                f"`output_steps={horizon}`; direct-season: `output_steps={SEASON_STEPS[case]}`; "
                "revin: `transform='none'`, `revin=True`) and the "
                "seed; the runs stored in the CSV, each added by a call like the one below. "
                "MASE is the mean over folds; the median of seeds takes each step's median "
                "forecast over the seeds listed."
            ),
            command=shlex.join(["python", "benchmarks/heads_and_normalization.py", *sys.argv[1:]]),
        )


if __name__ == "__main__":
    main()
