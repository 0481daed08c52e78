"""The end-to-end jobs behind the CLI: CSV → run directory, run → forecast file.

Each returns a small report whose `summary()` is the text the CLI shows.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from tsconv import runs
from tsconv.data import load_csv
from tsconv.diagnostics import one_step_notes
from tsconv.distribute import cluster_role, describe_engine
from tsconv.errors import InputError, TsconvError
from tsconv.evaluation import mae_ratio
from tsconv.files import write_atomically
from tsconv.forecaster import Forecaster
from tsconv.global_forecaster import GlobalForecaster
from tsconv.global_jobs import (
    GlobalFitReport,
    check_global_forecast_options,
    load_panel_for_forecast,
    preview,
)
from tsconv.json_values import plain, table_records
from tsconv.panel import has_id_column, load_panel_csv
from tsconv.plots import plot_forecast
from tsconv.sampling import check_sampling
from tsconv.unfinished_fits import finish_fit, start_fit
from tsconv.windowing import check_horizon

# Trajectories drawn when quantiles are asked for without a sample count.
DEFAULT_SAMPLES = 200
# Fewer training windows than this get a note that the model may overfit.
FEW_WINDOWS = 200

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
        """Run, model size, training, and the test one-step error beside the naive forecast."""
        fc, t = self.forecaster, self.forecaster.training_
        if self.run_dir is None:
            return "worker finished training; the chief worker writes the run."
        seen = t.get("receptive_field")
        reach = f", receptive field {seen} steps" if seen is not None else ""
        strategy = (
            f"direct: {fc.direct_steps} steps per call" if fc.strategy == "direct" else "recursive"
        )
        if t["best_epoch"] is not None:
            how = (
                f"trained {t['epochs_run']} epoch(s) in {t['seconds']:.1f}s (best validation "
                f"loss at epoch {t['best_epoch']}, objective {fc.objective}, {strategy})"
            )
        else:
            how = f"fitted without a training loop in {t['seconds']:.1f}s"
        lines = [
            f"run: {self.run_dir}",
            describe_engine(fc.engine_),
            f"model: {fc.model}, {t['parameters']:,} parameters{reach}, window {fc.window}, "
            f"transform {fc.transform_}, target {fc.data_['target']!r}",
            f"{how} on {t['train_windows']:,} windows",
        ]
        if seen is not None and seen < fc.window // 2:
            lines.append(f"note: the model can see only the last {seen} of the {fc.window} steps")
        for split in ("validation", "test"):
            m = fc.metrics_[split]
            lines.append(f"one-step error, {split} ({m['windows']:,} windows, {m['span']}):")
            lines.append(f"  {'':6} {'MAE':>10} {'RMSE':>10} {'MAPE':>8}")
            for who in ("model", "naive"):
                e = m[who]
                lines.append(f"  {who:6} {e['mae']:10.4g} {e['rmse']:10.4g} {e['mape']:7.3f}%")
        ratio = mae_ratio(fc.metrics_)
        if ratio < 0.995:
            verdict = "beats"
        elif ratio <= 1.005:
            verdict = "ties with"
        else:
            verdict = "does not beat"
        lines.append(
            f"test MAE model/naive = {ratio:.3f}: the model {verdict} "
            "the naive forecast (tomorrow = today)."
        )
        if t["best_epoch"] is not None and t["train_windows"] < FEW_WINDOWS:
            lines.append(
                f"note: only {t['train_windows']} training windows for {t['parameters']:,} "
                "parameters: a deep model easily overfits so few; trust the test comparison "
                "above, and try a shorter --window or --model linear."
            )
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
                "window": fc.window,
                "transform": getattr(fc, "transform_", None),
                "target": fc.data_["target"],
                "engine": fc.engine_,
                "training": fc.training_,
                "metrics": fc.metrics_,
                "test_mae_ratio": mae_ratio(fc.metrics_),
            }
        )


def fit_csv(
    path: str | os.PathLike,
    *,
    target: str | None = None,
    features: list[str] | None = None,
    time_column: str | None = None,
    fill: str | None = None,
    id_column: str | None = None,
    wide: bool = False,
    name: str | None = None,
    runs_dir: str | os.PathLike = "runs",
    resume: bool = False,
    **forecaster_options,
) -> FitReport | GlobalFitReport:
    """Loads a CSV, fits a `Forecaster` and publishes it as `runs_dir/<name>`.

    A CSV of many series (an id column, found by name or given as
    `id_column`, or `wide=True`) fits one `GlobalForecaster` on all of them.

    Training backs up after every epoch into `runs_dir/.unfinished/<name>/`,
    removed once the run is published (see `tsconv.unfinished_fits`). Under
    `distribute="multiworker"`, every worker trains and only the chief writes.

    Args:
        path: the CSV file.
        target, features, time_column, fill: see `load_csv`.
        id_column, wide: see `load_panel_csv`.
        name: run name; default: the current time, `YYYYmmdd-HHMMSS`.
        runs_dir: folder of runs; `runs_dir/latest` points at the new run.
        resume: continue an interrupted fit with the same CSV and settings
            (the one called `name`, else the newest) from its last finished
            epoch; without one, start afresh.
        **forecaster_options: `Forecaster` arguments (`window`, `epochs`, …).

    Returns:
        A `FitReport` (`run_dir` None on a multi-worker fit's non-chief workers),
        or a `GlobalFitReport` for many series.

    Raises:
        InputError: for unusable data or options (nothing is written).
        RunError: when the run name is taken.

    Example:
    >>> report = fit_csv("datasets/msft.csv", window=100, epochs=5, name="msft")
    >>> report.run_dir
    PosixPath('runs/msft')
    """
    many = wide or id_column is not None or has_id_column(path)
    kind = GlobalForecaster if many else Forecaster
    forecaster = kind(**forecaster_options)  # validate options before reading data
    chief = True
    if forecaster.distribute == "multiworker":
        _, _, chief = cluster_role()
        if resume:
            raise InputError(
                "--resume does not cover --distribute multiworker yet; leave out --resume."
            )
    if name is not None and (Path(runs_dir) / name).exists():
        raise InputError(f"run {name!r} already exists in {runs_dir}/; choose another --name.")
    if many:
        series = load_panel_csv(path, id_column, wide, target, features, time_column, fill)
    else:
        series = load_csv(
            path, target=target, features=features, time_column=time_column, fill=fill
        )
    if forecaster.distribute == "multiworker":
        forecaster.fit(series)  # every worker trains; no backups yet
        if not chief:
            logger.info("worker finished; the chief writes the run")
            return FitReport(None, forecaster)
        run_dir = runs.publish(
            runs_dir, name or _timestamp_name(Path(runs_dir)), forecaster.write_files
        )
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
        **{k: v for k, v in forecaster_options.items() if k != "verbose"},
    }
    runs.clean_stale(Path(runs_dir))  # temporary folders of fits killed while saving
    name, backup = start_fit(
        runs_dir, name, settings, resume, lambda: _timestamp_name(Path(runs_dir))
    )
    try:
        forecaster.fit(series, backup_dir=backup)
    except TsconvError:
        finish_fit(backup)  # a user error, not an interruption: nothing to resume
        raise
    run_dir = runs.publish(runs_dir, name, forecaster.write_files)
    finish_fit(backup)
    logger.info("wrote %s", run_dir)
    return (GlobalFitReport if many else FitReport)(run_dir, forecaster)


def _timestamp_name(runs_dir: Path) -> str:
    base = datetime.now().strftime("%Y%m%d-%H%M%S")
    name, k = base, 1
    while (runs_dir / name).exists():
        k += 1
        name = f"{base}-{k}"
    return name


@dataclass
class ForecastReport:
    """What `forecast_run` made: the table and the files written.

    Example:
    >>> report = forecast_run(30, run="msft")
    >>> report.table.shape
    (30, 1)
    """

    table: pd.DataFrame
    run_dir: Path
    out: Path | None
    plot: Path | None
    seconds: float

    def summary(self) -> str:
        if isinstance(self.table.index, pd.RangeIndex):  # long format: many series
            shown = preview(self.table)
        else:
            shown = self.table.to_string(float_format=lambda v: f"{v:.4f}")
        lines = [f"run: {self.run_dir}", shown]
        if self.out is not None:
            lines.append(f"wrote {self.out}")
        if self.plot is not None:
            lines.append(f"wrote {self.plot}")
        return "\n".join(lines)

    def to_json(self) -> dict:
        """The run, the files written and the forecast rows, as plain JSON values."""
        return plain(
            {
                "run": self.run_dir,
                "out": self.out,
                "plot": self.plot,
                "seconds": self.seconds,
                "forecast": table_records(self.table),
            }
        )


def forecast_run(
    horizon: int,
    *,
    run: str | os.PathLike | None = None,
    runs_dir: str | os.PathLike = "runs",
    input_path: str | os.PathLike | None = None,
    fill: str | None = None,
    out: str | os.PathLike | None = "forecast.csv",
    plot: str | os.PathLike | None = None,
    samples: int | None = None,
    quantiles: list[float] | None = None,
    temperature: float = 1.0,
    seed: int | None = None,
) -> ForecastReport:
    """Forecasts `horizon` steps with a saved run and writes them to `out`.

    Args:
        horizon: steps to forecast.
        run: run name or directory; default: `runs_dir/latest`.
        runs_dir: folder of runs.
        input_path: continue from the end of this CSV instead of the training data;
            it must hold the run's time, target and feature columns.
        fill: how to fill missing values of `input_path` (see `load_csv`).
        out: CSV to write (atomically), or None for none.
        plot: PNG of history and forecast to write (a fan chart with quantiles), or None.
        samples: sampled trajectories for quantiles (see `Forecaster.sample_paths`);
            default 200 when `quantiles` are given, else none.
        quantiles: quantiles to add as columns; default 0.05, 0.5, 0.95 with `samples`.
        temperature, seed: as `Forecaster.sample_paths`.

    Returns:
        A `ForecastReport`.

    Raises:
        InputError: for a bad horizon or input file; RunError: for a missing or bad run.

    Example:
    >>> report = forecast_run(30, run="msft", samples=200, quantiles=[0.05, 0.95])
    >>> report.table.columns.tolist()
    ['Close', 'q0.05', 'q0.95']
    """
    check_horizon(horizon)  # before loading the run, so bad options fail fast
    if samples is None:
        samples = DEFAULT_SAMPLES if quantiles is not None else 0
    check_sampling(samples, temperature, quantiles)
    if quantiles is not None and samples == 0:
        raise InputError("quantiles need sampled trajectories; leave out --samples 0.")
    started = time.perf_counter()
    run_dir = runs.resolve_run(run, runs_dir)
    if runs.read_run_dir(run_dir).get("kind") == "global-forecaster":
        return _forecast_global(
            horizon,
            run_dir,
            input_path,
            fill,
            out,
            plot,
            samples,
            quantiles,
            temperature,
            seed,
            started,
        )
    forecaster = Forecaster.load(run_dir)
    data = forecaster.data_
    series = None
    history = forecaster.context_
    if input_path is not None:
        series = load_csv(
            input_path,
            target=data["target"],
            features=data["features"],
            time_column=data["time_column"],
            fill=fill,
        )
        history = series.frame
    # One forecast per process: compile time dominates, so no XLA (it compiles 1-3 s
    # slower; benchmarks/rollout_speed.py). For one path, recomputing the window traces
    # the least (a 30-step TCN rollout's first call: 1.9 s, against 2.1 s with the
    # stream cache and 1.8 s for one step); for a batch of samples the cache wins.
    table = forecaster.forecast(
        horizon,
        series,
        samples=samples,
        quantiles=quantiles,
        temperature=temperature,
        seed=seed,
        jit_compile=False,
        cached=None if samples else False,
    )
    out_path = None
    if out is not None:
        if Path(out).is_dir():
            raise InputError(f"--out {out} is a folder; give a file name such as forecast.csv.")
        out_path = write_atomically(out, table.to_csv)
    plot_path = None
    if plot is not None:
        plot_path = write_atomically(
            plot, lambda tmp: plot_forecast(history[data["target"]], table, tmp), ".png"
        )
    return ForecastReport(table, run_dir, out_path, plot_path, time.perf_counter() - started)


def _forecast_global(
    horizon, run_dir, input_path, fill, out, plot, samples, quantiles, temperature, seed, started
) -> ForecastReport:
    """`forecast_run` for a many-series run: every series in one batch, a long-format file."""
    check_global_forecast_options(plot)
    forecaster = GlobalForecaster.load(run_dir)
    panel = None if input_path is None else load_panel_for_forecast(forecaster, input_path, fill)
    table = forecaster.forecast(
        horizon,
        panel,
        samples=samples,
        quantiles=quantiles,
        temperature=temperature,
        seed=seed,
        jit_compile=False,  # one forecast per process: compiling would cost more than it saves
    )
    out_path = None
    if out is not None:
        if Path(out).is_dir():
            raise InputError(f"--out {out} is a folder; give a file name such as forecast.csv.")
        out_path = write_atomically(out, lambda tmp: table.to_csv(tmp, index=False))
    return ForecastReport(table, run_dir, out_path, None, time.perf_counter() - started)
