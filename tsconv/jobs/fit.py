"""`tsconv fit`: CSV → a fitted `Forecaster` → a published run directory.

`fit_csv` reads one series or many (an id column, or `wide=True`), fits one
`Forecaster`, backs up every epoch and publishes the run; its `FitReport`'s
`summary()` is what the CLI shows (the test error beside the naive forecast,
per series for many) and `to_json()` what `--json` prints.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from math import isfinite
from pathlib import Path
from typing import TYPE_CHECKING

from tsconv import runs
from tsconv.backtesting.diagnostics import one_step_notes
from tsconv.data.known_inputs import with_future_features
from tsconv.data.panel import load_series_or_panel
from tsconv.data.reading import CSVFormat
from tsconv.errors import InputError, TsconvError
from tsconv.json_values import plain
from tsconv.metrics import column_format, mae_ratio
from tsconv.preprocessing.window_choice import check_window_option
from tsconv.runs.unfinished import finish_fit, start_fit

if TYPE_CHECKING:  # importing them imports Keras (seconds): `fit_csv` does, after the data
    from tsconv.forecasters.forecaster import Forecaster

# Fewer training windows than this get a note that the model may overfit.
FEW_WINDOWS = 200
# Series listed one by one in a many-series summary; beyond this, the best and worst few.
LISTED_SERIES = 12

logger = logging.getLogger(__name__)


@dataclass
class FitReport:
    """What `fit_csv` made: the run directory and the fitted forecaster.

    Example:
    >>> report = fit_csv("datasets/msft.csv", window=100, name="msft")
    >>> print(report.summary())  # one-step errors beside the naive forecast
    """

    run_dir: Path | None
    forecaster: Forecaster

    def summary(self) -> str:
        """Run, model, training, and the test one-step error beside the naive forecast.

        For many series: the series trained and skipped, and each series' test
        error beside naive (the best and worst few when there are many).
        """
        from tsconv.training.engine import describe_engine

        fc, t = self.forecaster, self.forecaster.training_
        if self.run_dir is None:
            return "worker finished training; the chief worker writes the run."
        seen = t.get("receptive_field")
        reach = f", receptive field {seen} steps" if seen is not None else ""
        strategy = "recursive"
        if fc.strategy == "auto":  # what auto chose, and why
            strategy = fc.strategy_reason_
        elif fc.strategy_ == "direct":
            strategy = f"direct: {fc.output_steps_} steps per call"
        if t["best_epoch"] is not None:
            how = (
                f"trained {t['epochs_run']} epoch(s) in {t['seconds']:.1f}s (best validation "
                f"loss at epoch {t['best_epoch']}, objective {fc.objective}, {strategy})"
            )
        else:
            how = f"fitted without a training loop in {t['seconds']:.1f}s"
        lines = [f"run: {self.run_dir}", describe_engine(fc.engine_)]
        if fc.many_series:
            lines += [
                f"model: global {fc.model}, {t['parameters']:,} parameters{reach}, window "
                f"{fc.window_}, transform {fc.transform_}, each series scaled by its own "
                "training rows",
                f"series: {t['series']} trained"
                + (f", {t['skipped_series']} skipped (too short)" if t["skipped_series"] else ""),
                f"{how} on {t['train_windows']:,} windows from all series",
            ]
        else:
            lines += [
                f"model: {fc.model}, {t['parameters']:,} parameters{reach}, window {fc.window_}, "
                f"transform {fc.transform_}, target {fc.data_['target']!r}",
                f"{how} on {t['train_windows']:,} windows",
            ]
        if fc.window == "auto":
            lines.append(f"window auto: {fc.window_}, {fc.window_reason_}")
        if fc.transform == "auto":
            lines.append(f"transform auto: {fc.transform_reason_}")
        if seen is not None and seen < fc.window_ // 2:
            lines.append(f"note: the model can see only the last {seen} of the {fc.window_} steps")
        lines += _per_series_errors(fc.metrics_) if fc.many_series else _errors(fc.metrics_)
        if t["best_epoch"] is not None and t["train_windows"] < FEW_WINDOWS:
            lines.append(
                f"note: only {t['train_windows']} training windows for {t['parameters']:,} "
                "parameters: a deep model easily overfits so few; trust the test comparison "
                "above, and try a shorter --window or --model linear."
            )
        if not fc.many_series:
            test = fc.predictions_[fc.predictions_["split"] == "test"]
            for note in one_step_notes(test["actual"], test["model"], test["naive"]):
                lines.append(f"note: {note}")
        return "\n".join(lines)

    def to_json(self) -> dict:
        """The run, model, training facts and one-step metrics, as plain JSON values."""
        fc = self.forecaster
        return plain(
            {
                "run": self.run_dir,
                "model": fc.model,
                "window": fc.window_,
                "transform": fc.transform_,
                "transform_reason": fc.transform_reason_,
                "window_reason": fc.window_reason_,
                "target": fc.data_["target"],
                "engine": fc.engine_.to_dict(),
                "training": fc.training_,
                "skipped_series": fc.skipped_,
                "metrics": fc.metrics_,
                "test_mae_ratio": mae_ratio(fc.metrics_),
            }
        )


def _errors(metrics: dict) -> list[str]:
    """One series: MAE, RMSE and MAPE of model and naive per split, and the verdict."""
    lines = []
    for split in ("validation", "test"):
        m = metrics[split]
        lines.append(f"one-step error, {split} ({m['windows']:,} windows, {m['span']}):")
        rows = {"model": "model", "naive": "naive"}
        if "seasonal_naive" in m:
            rows["seasonal_naive"] = f"seasonal naive ({m['season']})"
        width = max(len(label) for label in rows.values())
        fmt = column_format([m[who][k] for who in rows for k in ("mae", "rmse")])
        lines.append(f"  {'':{width}} {'MAE':>10} {'RMSE':>10} {'MAPE':>8}")
        for who, label in rows.items():
            e = m[who]
            mae, rmse = fmt.format(e["mae"]), fmt.format(e["rmse"])
            lines.append(f"  {label:{width}} {mae:>10} {rmse:>10} {e['mape']:7.3f}%")
    lines.append(naive_verdict(metrics["test"]))
    test = metrics["test"]
    undefined = sorted(
        {k.upper() for who in ("model", "naive") for k, v in test[who].items() if not isfinite(v)}
    )
    if undefined:
        lines.append(
            f"note: test {', '.join(undefined)} is infinite or undefined (a MAPE over actual "
            "values of 0, or errors too large for float64): compare the MAE."
        )
    if "seasonal_naive" in test and test["seasonal_naive"]["mae"] > 0:
        seasonal = test["model"]["mae"] / test["seasonal_naive"]["mae"]
        lines.append(
            f"test MAE model/seasonal naive = {seasonal:.3f} (the level {test['season']} "
            "steps before)."
        )
    return lines


# A gap to the naive forecast is called sure below this Diebold–Mariano p-value.
SURE = 0.05


def naive_verdict(test: dict) -> str:
    """One sentence: the test MAE against naive, and how sure the difference is.

    "Beats" needs a test MAE 0.5 % below naive and a Diebold–Mariano p-value
    under `SURE` over the test windows; a lower MAE that could be chance (few
    windows, a small gap) is said to be "ahead, but not surely", and a lower
    MAE with a higher RMSE is said too.

    Example:
    >>> text = naive_verdict({"windows": 14, "model": {"mae": 0.9, "rmse": 1.2},
    ...     "naive": {"mae": 1.0, "rmse": 1.1}, "vs_naive": {"p_value": 0.41}})
    >>> text[:66]
    'test MAE model/naive = 0.900 over 14 windows: ahead of the naive f'
    >>> "but not surely (Diebold–Mariano p = 0.41" in text, "RMSE is higher" in text
    (True, True)
    """
    ratio = test["model"]["mae"] / max(test["naive"]["mae"], 1e-300)
    p = test.get("vs_naive", {}).get("p_value")  # runs before it: no test
    sure = p is not None and p == p and p < SURE
    odds = "" if p is None or p != p else f"Diebold–Mariano p = {p:.2g}"
    naive = "the naive forecast (tomorrow = today)"
    head = f"test MAE model/naive = {ratio:.3f} over {test['windows']:,} windows: "
    if 0.995 <= ratio <= 1.005:
        text = f"the model ties with {naive}"
    elif ratio < 0.995 and (sure or not odds):
        text = f"the model beats {naive}" + (f" ({odds})" if odds else "")
    elif ratio < 0.995:
        text = (
            f"ahead of {naive}, but not surely ({odds}: a gap this size over "
            f"{test['windows']:,} windows can be chance)"
        )
    elif sure:
        text = f"the model is worse than {naive} ({odds})"
    else:
        text = f"the model does not beat {naive}" + (f" ({odds})" if odds else "")
    model_rmse, naive_rmse = test["model"]["rmse"], test["naive"]["rmse"]
    if ratio < 0.995 and model_rmse > naive_rmse:
        text += (
            f"; and its RMSE is higher ({model_rmse:.4g} against {naive_rmse:.4g}): fewer small "
            "errors, more large ones"
        )
    return head + text + "."


def _per_series_errors(metrics: dict) -> list[str]:
    """Many series: each series' test MAE beside naive (best and worst few), and the summary."""
    test = metrics["test"]
    per_series = test["series"]
    ratios = {
        sid: m["model"]["mae"] / m["naive"]["mae"]
        for sid, m in per_series.items()
        if m["naive"]["mae"] > 0
    }
    order = sorted(ratios, key=ratios.get)
    if len(order) > LISTED_SERIES:
        half = LISTED_SERIES // 2
        order = [*order[:half], None, *order[-half:]]
    seasonal = {sid: m for sid, m in per_series.items() if "seasonal_naive" in m}
    header = f"  {'series':16} {'MAE model':>12} {'MAE naive':>12} {'ratio':>7}"
    lines = [
        f"one-step test error per series ({test['windows']:,} windows):",
        header + (f" {'MAE seasonal naive (season)':>28}" if seasonal else ""),
    ]
    for sid in order:
        if sid is None:
            lines.append("  …")
            continue
        m = per_series[sid]
        # One precision per row: series differ in scale; a row's errors are the ones compared.
        fmt = column_format([m[w]["mae"] for w in ("model", "naive", "seasonal_naive") if w in m])
        model, naive = fmt.format(m["model"]["mae"]), fmt.format(m["naive"]["mae"])
        line = f"  {sid[:16]:16} {model:>12} {naive:>12} {ratios[sid]:7.3f}"
        if sid in seasonal:
            line += f" {fmt.format(m['seasonal_naive']['mae']):>20} ({m['season']:>5})"
        lines.append(line)
    s = test["summary"]
    lines.append(
        f"test MAE model/naive: mean {s['mae_ratio_mean']:.3f}, median "
        f"{s['mae_ratio_median']:.3f}; the model beats the naive forecast (tomorrow = today) "
        f"on {s['beats_naive']} of {s['series']} series."
    )
    if seasonal:
        beats = sum(m["model"]["mae"] < m["seasonal_naive"]["mae"] for m in seasonal.values())
        lines.append(
            f"the model beats seasonal naive (the level one season before) on {beats} of the "
            f"{len(seasonal)} series with a season."
        )
    return lines


def fit_csv(
    path: str | os.PathLike,
    *,
    target: str | None = None,
    features: list[str] | None = None,
    time_column: str | None = None,
    fill: str | None = None,
    id_column: str | None = None,
    wide: bool = False,
    csv_format: dict | None = None,
    name: str | None = None,
    runs_dir: str | os.PathLike = "runs",
    resume: bool = False,
    **forecaster_options,
) -> FitReport:
    """Loads a CSV, fits a `Forecaster` and publishes it as `runs_dir/<name>`.

    A CSV of many series (an id column, found by name or given as
    `id_column`, or `wide=True`) fits one global model on all of them.

    Training backs up after every epoch into `runs_dir/.unfinished/<name>/`,
    removed once the run is published (see `tsconv.runs.unfinished`). Under
    `distribute="multiworker"`, every worker trains and only the chief writes.

    Args:
        path: the CSV file.
        target, features, time_column, fill: see `load_csv` (the `future_features`
            among `forecaster_options` are loaded as features too).
        id_column, wide: see `load_panel_csv`.
        csv_format: `CSVFormat` fields (`sep`, `decimal`, `dayfirst`, `date_format`);
            default: found in the file.
        name: run name; default: the current time, `YYYYmmdd-HHMMSS`.
        runs_dir: folder of runs; `runs_dir/latest` points at the new run.
        resume: continue an interrupted fit with the same CSV and settings
            (the one called `name`, else the newest) from its last finished
            epoch; without one, start afresh.
        **forecaster_options: `Forecaster` arguments (`window`, `epochs`, …).

    Returns:
        A `FitReport` (`run_dir` None on a multi-worker fit's non-chief workers).

    Raises:
        InputError: for unusable data or options (nothing is written).
        RunError: when the run name is taken.

    Example:
    >>> report = fit_csv("datasets/msft.csv", window=100, epochs=5, name="msft")
    >>> report.run_dir
    PosixPath('runs/msft')
    """
    # The data and the cheap checks come first: Keras takes seconds to import, and an
    # input error should come back at once (`Forecaster` then checks the other options).
    check_window_option(forecaster_options.get("window", 100))
    runs.check_runs_dir(runs_dir)  # a read-only or odd runs folder: now, not after training
    if name is not None and (Path(runs_dir) / name).exists():
        raise InputError(f"run {name!r} already exists in {runs_dir}/; choose another --name.")
    if resume and forecaster_options.get("distribute") == "multiworker":
        raise InputError(
            "--resume does not cover --distribute multiworker yet; leave out --resume."
        )
    loaded = with_future_features(features, forecaster_options.get("future_features"))
    fmt = CSVFormat(**csv_format) if csv_format else None
    series = load_series_or_panel(path, id_column, wide, target, loaded, time_column, fill, fmt)
    from tsconv.forecasters.forecaster import Forecaster  # imports Keras
    from tsconv.training.engine import cluster_role

    forecaster = Forecaster(**forecaster_options)
    chief = True
    if forecaster.distribute == "multiworker":
        _, _, chief = cluster_role()
    if forecaster.distribute == "multiworker":
        forecaster.fit(series)  # every worker trains; no backups yet
        if not chief:
            logger.info("worker finished; the chief writes the run")
            return FitReport(None, forecaster)
        run_dir = runs.publish(runs_dir, name or runs.run_name(runs_dir), forecaster.write_files)
        logger.info("wrote %s", run_dir)
        return FitReport(run_dir, forecaster)
    settings = {
        "csv": str(Path(path).resolve()),
        "target": target,
        "features": features,
        "time_column": time_column,
        "fill": fill,
        "id_column": id_column,
        "wide": wide,
        "csv_format": csv_format,
        **{k: v for k, v in forecaster_options.items() if k != "verbose"},
    }
    runs.clean_stale(Path(runs_dir))  # temporary folders of fits killed while saving
    name, backup = start_fit(runs_dir, name, settings, resume, lambda: runs.run_name(runs_dir))
    try:
        forecaster.fit(series, backup_dir=backup)
    except TsconvError:
        finish_fit(backup)  # a user error, not an interruption: nothing to resume
        raise
    run_dir = runs.publish(runs_dir, name, forecaster.write_files)
    finish_fit(backup)
    logger.info("wrote %s", run_dir)
    return FitReport(run_dir, forecaster)
