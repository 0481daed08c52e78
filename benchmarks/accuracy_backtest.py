"""How accurate are tsconv's defaults? Rolling-origin backtests on the embedded datasets.

Question: with the defaults a user gets from `tsconv fit data.csv`, does every
neural model stay within 5 % of the naive forecast's MASE on MSFT (30 business
days, 5 folds), and does the best tsconv model beat seasonal naive by at least
50 % on weekly CO2 (52 weeks, 5 folds), beside statsforecast's MSTL and
AutoETS on the same folds?

The tsconv numbers come from the same library call as
`tsconv compare DATA --models conv,tcn,transformer,linear ...` (printed in the
results file). statsforecast is a benchmark-only dependency; it needs
pandas < 3, so run this from a separate environment:

    python -m venv .venv-bench && .venv-bench/bin/pip install -e ".[bench]"
    .venv-bench/bin/python benchmarks/accuracy_backtest.py co2
    python benchmarks/accuracy_backtest.py msft      # no statsforecast needed

Without statsforecast the references are left out and the file says so.
"""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import sys
import time

import numpy as np
import pandas as pd
from results_file import RESULTS, write_results

from tsconv import metrics
from tsconv.backtesting.folds import fold_origins
from tsconv.data.series import load_csv
from tsconv.jobs.backtest import REFIT_WORDS, backtest_csv
from tsconv.plots import plot_backtest

DATASETS = {
    "msft": {"path": "datasets/msft.csv", "horizon": 30, "folds": 5, "fill": None},
    "co2": {"path": "datasets/co2_weekly.csv", "horizon": 52, "folds": 5, "fill": "interpolate"},
}
MODELS = ["conv", "tcn", "transformer", "linear"]
NEURAL = ("conv", "tcn", "transformer")


def statsforecast_scores(name: str, spec: dict) -> tuple[pd.DataFrame, dict, str]:
    """MSTL and AutoETS forecasts on the backtest's folds, scored with tsconv's metrics."""
    try:
        from statsforecast import StatsForecast
        from statsforecast.models import MSTL, AutoETS
    except ImportError:
        return pd.DataFrame(), {}, "statsforecast is not installed: references left out."
    series = load_csv(spec["path"], fill=spec["fill"])
    season = 52
    target = series.values[:, 0]
    origins = fold_origins(len(series), spec["horizon"], spec["folds"])
    frame = pd.DataFrame({"unique_id": name, "ds": series.index, "y": target})
    rows, seconds = [], {"statsforecast MSTL": 0.0, "statsforecast AutoETS": 0.0}
    for k, origin in enumerate(origins):
        truth = target[origin : origin + spec["horizon"]]
        for label, model in (
            ("statsforecast MSTL", MSTL(season_length=season)),
            ("statsforecast AutoETS", AutoETS(season_length=season)),
        ):
            started = time.perf_counter()
            sf = StatsForecast(models=[model], freq=series.freq)
            out = sf.forecast(df=frame.iloc[:origin], h=spec["horizon"])
            seconds[label] += time.perf_counter() - started
            point = out[out.columns[-1]].to_numpy()
            rows.append(
                {
                    "model": label,
                    "fold": k + 1,
                    "origin": series.index[origin],
                    "mase": metrics.mase(truth, point, target[:origin]),
                    "smape": metrics.smape(truth, point),
                    "mae": metrics.mae(truth, point),
                    "rmse": metrics.rmse(truth, point),
                    "mape": metrics.mape(truth, point),
                }
            )
    import statsforecast

    return pd.DataFrame(rows), seconds, f"statsforecast {statsforecast.__version__}"


def replot(name: str, spec: dict) -> None:
    """Redraws `<name>.png` from its `_forecasts.csv` (no refitting)."""
    forecasts = pd.read_csv(RESULTS / f"{name}_forecasts.csv", parse_dates=["time"])
    series = load_csv(spec["path"], fill=spec["fill"])
    first = series.index.get_loc(forecasts["time"].min())
    history = series.frame[series.target].iloc[:first]
    plot_backtest(history, forecasts, RESULTS / f"{name}.png")
    print(f"wrote {RESULTS / f'{name}.png'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", choices=sorted(DATASETS))
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument(
        "--options",
        default="{}",
        help='Forecaster options as JSON, e.g. \'{"objective": "sequence"}\'',
    )
    parser.add_argument("--tag", help="results file suffix for a non-default variant")
    parser.add_argument(
        "--replot", action="store_true", help="only redraw the PNG from the saved forecasts"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    spec = DATASETS[args.dataset]
    name = f"accuracy_{args.dataset}" + (f"_{args.tag}" if args.tag else "")
    if args.replot:
        replot(name, spec)
        return
    models = args.models.split(",")
    options = json.loads(args.options)
    cli = (
        f"tsconv compare {spec['path']} --models {args.models} --horizon {spec['horizon']} "
        f"--folds {spec['folds']}" + (f" --fill {spec['fill']}" if spec["fill"] else "")
    )
    if options:
        cli = f"run_backtest(..., **{options})"
    started = time.perf_counter()
    report = backtest_csv(
        spec["path"],
        models,
        horizon=spec["horizon"],
        folds=spec["folds"],
        fill=spec["fill"],
        out=RESULTS / f"{name}.csv",
        plot=RESULTS / f"{name}.png",
        progress=lambda line: print(f"{time.perf_counter() - started:7.0f}s {line}", flush=True),
        **options,
    )
    result = report.result
    reference_note = ""
    if args.dataset == "co2":
        extra, seconds, reference_note = statsforecast_scores(args.dataset, spec)
        if len(extra):
            result.scores = pd.concat([result.scores, extra], ignore_index=True)
            result.seconds.update({k: round(v, 2) for k, v in seconds.items()})
    table = result.table()
    print(report.summary())
    body = [
        f"Same numbers as: `{cli}` (the tsconv rows; defaults otherwise)  ",
        f"Backtest: {result.folds} folds of {result.horizon} steps, models "
        f"{REFIT_WORDS[result.refit]} (`--refit {result.refit}`). "
        "MASE is scaled by the one-step naive error of each fold's history.",
        "",
        _markdown(table),
        "",
        *[f"- {line}" for line in _verdicts(args.dataset, table)],
        *[f"- note: {n}" for n in result.notes],
    ]
    if reference_note:
        body.append(f"- references: {reference_note}")
    body.append(
        f"\nPer-fold scores: `{name}.csv`; forecasts: `{name}_forecasts.csv`; plot: `{name}.png`."
    )
    write_results(
        name,
        f"Accuracy by rolling-origin backtest: {args.dataset}"
        + (f", variant {args.tag}" if args.tag else " with the defaults"),
        "\n".join(body),
        about=f"Dataset `{spec['path']}`, models {models} with tsconv's defaults "
        f"(window 100, fit's epochs/patience){f', except {options}' if options else ''}, "
        f"total {time.perf_counter() - started:.0f} s (wall time per model below; other jobs "
        f"may have shared the 2 cores), pandas {pd.__version__}.",
        command=shlex.join(["python", "benchmarks/accuracy_backtest.py", *sys.argv[1:]]),
    )


def _markdown(table: pd.DataFrame) -> str:
    metrics_shown = [
        m for m in ("mase", "smape", "mae", "rmse", "crps", "coverage") if (m, "mean") in table
    ]
    lines = [
        "| rank | model | " + " | ".join(metrics_shown) + " | MASE / naive | seconds |",
        "|---:|---|" + "---:|" * (len(metrics_shown) + 2),
    ]
    for rank, (model, row) in enumerate(table.iterrows(), start=1):
        cells = []
        for m in metrics_shown:
            mean, std = row[(m, "mean")], row[(m, "std")]
            cells.append("–" if not np.isfinite(mean) else f"{mean:.3f} ± {std:.3f}")
        ratio, secs = row[("mase/naive", "")], row[("seconds", "")]
        lines.append(
            f"| {rank} | {model} | " + " | ".join(cells) + f" | {ratio:.3f} | {secs:.0f} |"
        )
    return "\n".join(lines)


def _verdicts(dataset: str, table: pd.DataFrame) -> list[str]:
    mase = table[("mase", "mean")]
    lines = []
    if dataset == "msft":
        for model in NEURAL:
            if model in mase:
                ratio = mase[model] / mase["naive"]
                ok = "meets" if ratio <= 1.05 else "MISSES"
                lines.append(
                    f"{model}: MASE {mase[model]:.3f} = {ratio:.3f} × naive ({mase['naive']:.3f}) "
                    f"— {ok} the target (within 5 % of naive)."
                )
    if dataset == "co2":
        ours = [m for m in MODELS if m in mase]
        best = min(ours, key=lambda m: mase[m])
        gain = 1 - mase[best] / mase["seasonal-naive"]
        ok = "meets" if gain >= 0.5 else "MISSES"
        lines.append(
            f"best tsconv model: {best}, MASE {mase[best]:.3f} against seasonal naive "
            f"{mase['seasonal-naive']:.3f}: {100 * gain:.1f}% better — {ok} the target (≥ 50 %)."
        )
        for label in ("statsforecast MSTL", "statsforecast AutoETS"):
            if label in mase:
                lines.append(
                    f"{label}: MASE {mase[label]:.3f}; {best} / {label.split()[-1]} = "
                    f"{mase[best] / mase[label]:.2f}."
                )
    return lines


if __name__ == "__main__":
    main()
