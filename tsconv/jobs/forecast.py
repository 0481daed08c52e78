"""`tsconv forecast`: a saved run → the forecast table, its CSV file and its plot.

One path for a run of one series or of many: the run is loaded through the
kinds registry (`tsconv.load`'s way), the input CSV (if any) is read the way
the run's data was, every series rolls out in one batch, and the plot draws
one panel per series (the first few, with a note, for many).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tsconv.arguments import check_horizon
from tsconv.data.panel import Panel, as_panel, load_panel_csv
from tsconv.data.series import Series, load_csv
from tsconv.errors import InputError
from tsconv.files import check_writable, spreadsheet_safe, write_atomically
from tsconv.forecasters.forecaster import Forecaster
from tsconv.json_values import plain, table_records
from tsconv.plots import plot_forecast
from tsconv.rollout.sampling import check_sampling, resolve_lower, resolve_samples
from tsconv.runs import kinds, run_dir

logger = logging.getLogger(__name__)

# Trajectories drawn when quantiles are asked for without a sample count.
# Rows of a long (many-series) forecast shown in the summary.
PREVIEW_ROWS = 40


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
        """The run, the forecast (the first rows of a long one) and the files written."""
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

    def to_csv(self) -> str:
        """The forecast as CSV text, as `out` holds it (long format without an index)."""
        table = spreadsheet_safe(self.table)  # `=HYPERLINK(…)` as a name is text, not a formula
        return table.to_csv(index=not isinstance(self.table.index, pd.RangeIndex))

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
    future_path: str | os.PathLike | None = None,
    out: str | os.PathLike | None = "forecast.csv",
    plot: str | os.PathLike | None = None,
    samples: int | None = None,
    quantiles: list[float] | None = None,
    temperature: float = 1.0,
    seed: int | None = None,
    lower: float | str | None = "auto",
) -> ForecastReport:
    """Forecasts `horizon` steps with a saved run and writes them to `out`.

    Args:
        horizon: steps to forecast.
        run: run name or directory; default: `runs_dir/latest`.
        runs_dir: folder of runs.
        input_path: continue from the end of this CSV instead of the training data;
            it must hold the run's time, target and feature columns (and its id
            column, or its series' columns, for a many-series run).
        fill: how to fill missing values of `input_path` (see `load_csv`).
        future_path: a CSV of the run's future features (known in advance) at
            the forecast steps: its time column (the run's) and those columns,
            a row for every step (more rows are ignored; for a many-series run,
            the id column too). Needed exactly when the run has future features.
        out: CSV to write (atomically), or None for none.
        plot: PNG of history and forecast to write (a fan chart with quantiles;
            one panel per series, the first few for many), or None.
        samples: sampled trajectories for quantiles (see `Forecaster.sample_paths`);
            default 200 when `quantiles` are given, else none.
        quantiles: quantiles to add as columns; default 0.05, 0.5, 0.95 with `samples`.
        temperature, seed: as `Forecaster.sample_paths`.
        lower: the floor of the forecast and its quantiles (see `Forecaster.forecast`):
            a number, `"none"`, or `"auto"` (0 for a series that reached 0).

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
    samples = resolve_samples(samples, quantiles)
    check_sampling(samples, temperature, quantiles)
    resolve_lower(lower, None)  # a bad --lower fails before the run is loaded
    if out is not None:
        check_writable(out)  # before the run is loaded and the rollout made
    if plot is not None:
        if out is not None and str(out) != "-" and Path(plot).resolve() == Path(out).resolve():
            raise InputError(
                f"--out {out} would hold both the forecast CSV and its plot; give --out a "
                ".csv name (the plot goes beside it as .png)."
            )
        check_writable(plot, "the plot")
    started = time.perf_counter()
    path = run_dir.resolve_run(run, runs_dir)
    kind = kinds.kind_at(path)
    kinds.require(kind, kinds.FORECASTER.family, path)
    forecaster: Forecaster = kind.read(path)
    data = None if input_path is None else read_like_the_run(forecaster, input_path, fill)
    if data is not None:
        check_like_the_run(forecaster, data)
    future = None if future_path is None else read_future(forecaster, future_path)
    # One forecast per process: compile time dominates, so no XLA (it compiles 1-3 s
    # slower; benchmarks/rollout_speed.py). For one path, recomputing the window traces
    # the least (a 30-step TCN rollout's first call: 1.9 s, against 2.1 s with the
    # stream cache and 1.8 s for one step); for a batch of samples the cache wins.
    table = forecaster.forecast(
        horizon,
        data,
        samples=samples,
        quantiles=quantiles,
        temperature=temperature,
        seed=seed,
        jit_compile=False,
        cached=None if samples else False,
        future=future,
        lower=lower,
    )
    many = forecaster.many_series
    out_path = None
    if out is not None:
        safe = spreadsheet_safe(table)
        out_path = write_atomically(out, lambda tmp: safe.to_csv(tmp, index=not many))
    plot_path = None
    if plot is not None:
        histories, forecasts = _plotted(forecaster, data, table)
        total = table.iloc[:, 0].nunique() if many else 1
        plot_path = write_atomically(
            plot, lambda tmp: plot_forecast(histories, forecasts, tmp, total=total), ".png"
        )
    return ForecastReport(table, path, out_path, plot_path, time.perf_counter() - started)


def read_like_the_run(forecaster: Forecaster, path: str | os.PathLike, fill: str | None):
    """The CSV a forecast continues from, read the way the run's data was (one series or many).

    Example:
    >>> read_like_the_run(tsconv.load("runs/macro"), "newer.csv", None).layout
    'long'
    """
    data = forecaster.data_
    if not forecaster.many_series:
        return load_csv(
            path,
            target=data["target"],
            features=[*data["features"], *forecaster.future_features_],
            time_column=data["time_column"],
            fill=fill,
        )
    long = data["layout"] == "long"
    return load_panel_csv(
        path,
        id_column=data["id_column"] if long else None,
        wide=not long,
        target=data["target"] if long else None,
        features=[*data["features"], *forecaster.future_features_] or None,
        time_column=data["time_column"],
        fill=fill,
    )


# An --input whose recent level differs from the run's by more than this factor is said
# (and refused for a run in levels, whose scaler would put it far outside anything seen).
LEVEL_RATIO = 10.0


def check_like_the_run(forecaster: Forecaster, data: Series | Panel) -> None:
    """Refuses an `--input` at another frequency; says (or refuses) a level far from the run's.

    A file at another frequency used to roll out at the run's, skipping dates;
    a level 40× off went through silently. The level is the median absolute
    target over the input's last `window` rows against the run's last rows.

    Raises:
        InputError: for another frequency, or a level more than `LEVEL_RATIO`×
            off for a run modelled in levels (`transform="none"`).
    """
    freqs, window = forecaster.data_["freq"], forecaster.window_
    for sid, series in as_panel(data).series.items():
        if sid not in forecaster.scalers_:
            continue  # not a series of the run: refused where the rows are chosen
        expected = freqs.get(sid) if isinstance(freqs, dict) else freqs
        label = f"series {sid!r} of --input" if forecaster.many_series else "--input"
        if series.freq != expected:
            raise InputError(
                f"{label} has frequency {series.freq or 'step numbers'} but the run was fitted "
                f"on {expected or 'step numbers'}; give rows at the run's frequency, or fit a "
                "run on this file."
            )
        seen = forecaster.context_
        if forecaster.many_series:
            seen = seen[seen[forecaster.data_["id_column"]].astype(str) == sid]
        before = float(np.median(np.abs(seen[forecaster.data_["target"]].to_numpy())))
        now = float(np.median(np.abs(series.values[-window:, 0])))
        if before == 0 or now == 0:
            continue
        ratio = now / before
        if 1 / LEVEL_RATIO <= ratio <= LEVEL_RATIO:
            continue
        message = (
            f"{label} is at a level {ratio:.3g}× the run's (median {now:,.4g} over its last "
            f"{window} rows, against {before:,.4g})"
        )
        if forecaster.transform_ == "none":
            raise InputError(
                f"{message}; the run models levels, so this is far outside what it learned. "
                "Is it another series or unit? Fit a run on this file."
            )
        logger.warning(
            "%s; the run models %s, so it may still hold", message, forecaster.transform_
        )


def read_future(forecaster: Forecaster, path: str | os.PathLike) -> pd.DataFrame | dict:
    """The `--future` CSV: the run's future features by time (by id too, for many series).

    Raises:
        InputError: when the run has no future features, the file lacks a column,
            or a value is missing (with the line).

    Example:
    >>> read_future(tsconv.load("runs/sales"), "plan.csv").columns.tolist()
    ['promo']
    """
    names = forecaster.future_features_
    if not names:
        raise InputError(
            "this run takes no future features (known in advance); leave out --future, or "
            "fit with --future-features."
        )
    data = forecaster.data_
    first, rest = names[0], names[1:] or None
    if not forecaster.many_series:
        return load_csv(path, target=first, features=rest, time_column=data["time_column"]).frame
    if data["layout"] != "long":
        raise InputError("--future needs a long-format file (an id column) for a many-series run.")
    panel = load_panel_csv(path, data["id_column"], False, first, rest, data["time_column"], None)
    return {sid: s.frame for sid, s in panel.series.items()}


# Series drawn in a many-series forecast plot (one panel each).
PLOTTED_SERIES = 6


def _plotted(forecaster: Forecaster, data, table: pd.DataFrame):
    """`({id: history}, {id: forecast})` of the series to draw (the first few for many)."""
    target = forecaster.data_["target"]
    if not forecaster.many_series:
        history = (forecaster.context_ if data is None else data.frame)[target]
        return {target: history}, {target: table}
    id_column = forecaster.data_["id_column"]
    ids = list(dict.fromkeys(table[id_column]))[:PLOTTED_SERIES]
    if data is None:
        context = forecaster.context_
        histories = {sid: context.loc[context[id_column] == sid, target] for sid in ids}
    else:
        histories = {sid: data.series[sid].frame[target] for sid in ids}
    time_column = table.columns[1]
    forecasts = {
        sid: table[table[id_column] == sid].drop(columns=[id_column]).set_index(time_column)
        for sid in ids
    }
    return histories, forecasts


def preview(table: pd.DataFrame, rows: int = PREVIEW_ROWS) -> str:
    """The first `rows` of a long forecast table, and how many more there are.

    Example:
    >>> print(preview(report.table, rows=2))
    """
    text = table.head(rows).to_string(index=False, float_format=lambda v: f"{v:.4f}")
    more = len(table) - rows
    if more <= 0:
        return text
    return f"{text}\n… {more} more rows ({table.iloc[:, 0].nunique()} series in all)"
