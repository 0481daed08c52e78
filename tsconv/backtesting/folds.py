"""Where a backtest's folds start, and the data as it was known there.

The functions every backtest uses to decide what a fold may see:
`fold_origins` (the origin rule), `panel_fold_origins` (the same rule for
many series, by time), `observed_until` (the only truncation) and
`fold_future` (the known-in-advance columns of the steps a fold forecasts).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from tsconv.arguments import check_horizon
from tsconv.data.panel import Panel
from tsconv.data.series import Series
from tsconv.errors import InputError


def fold_origins(rows: int, horizon: int, folds: int, step: int | None = None) -> np.ndarray:
    """Where each fold's forecast starts: the rule every backtest uses.

    Fold `k` (0-based, oldest first) observes rows `[0, o_k)` and forecasts
    rows `[o_k, o_k + horizon)`, with `o_k = rows - horizon - (folds - 1 - k) * step`.
    The last fold ends at the last row; with `step = horizon` (the default)
    the folds tile the last `folds * horizon` rows without overlap.

    Args:
        rows: length of the series.
        horizon: steps forecast per fold.
        folds: number of origins.
        step: rows between consecutive origins (default `horizon`).

    Returns:
        `(folds,)` origins, increasing.

    Raises:
        InputError: for non-positive arguments or when the first origin would not be after row 1.

    Example:
    >>> fold_origins(rows=10, horizon=2, folds=3).tolist()  # forecasts rows 4-5, 6-7, 8-9
    [4, 6, 8]
    """
    check_horizon(horizon)
    for name, value in (("folds", folds), ("step", step if step is not None else 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise InputError(f"{name} must be a positive integer. Received: {name}={value!r}")
    step = horizon if step is None else step
    origins = rows - horizon - (folds - 1 - np.arange(folds)) * step
    if origins[0] < 2:
        raise InputError(
            f"{folds} folds of {horizon} steps need more than {rows} rows; use fewer --folds "
            "or a shorter --horizon."
        )
    return origins


def panel_fold_origins(
    panel: Panel, horizon: int, folds: int, step: int | None = None
) -> dict[str, np.ndarray]:
    """Each series' origin at each fold: how many of its rows come before the fold's cutoff.

    The cutoffs are one time per fold for every series: `fold_origins` applied
    to the sorted union of the series' times (their step numbers when there is
    no time column), so no fold trains on any series' rows from its cutoff on
    — a global model cannot learn a fold's future from another series. For one
    series this is exactly `fold_origins(len(series), ...)`. A series takes part
    in fold k (`in_fold`) when it has rows before the cutoff and `horizon` after it.

    Args:
        panel: the series (`tsconv.data.panel.as_panel` wraps one).
        horizon, folds, step: as `fold_origins`.

    Returns:
        `{id: (folds,) origins}`, each a row count of that series.

    Raises:
        InputError: as `fold_origins`, for the union of the times.

    Example:
    >>> panel_fold_origins(load_panel_csv("datasets/us_macro_long.csv"), 4, 2)["cpi"].tolist()
    [195, 199]
    """
    indexes = [s.index for s in panel.series.values()]
    times = indexes[0]
    for index in indexes[1:]:
        times = times.union(index)
    times = times.sort_values()
    cutoffs = times[fold_origins(len(times), horizon, folds, step)]  # (folds,)
    return {
        sid: np.searchsorted(series.index, cutoffs, side="left").astype(np.int64)
        for sid, series in panel.series.items()
    }


def in_fold(series: Series, origin: int, horizon: int) -> bool:
    """Whether `series` is forecast at a fold with this `origin`: 2 rows before it, `horizon` after.

    Example:
    >>> in_fold(series, origin=len(series) - 3, horizon=5)
    False
    """
    return origin >= 2 and origin + horizon <= len(series)


def observed_until(data: Series | Panel, origin: int | dict[str, int]) -> Series | Panel:
    """The data as it was known at the origin: each series' rows `[0, origin)`.

    Args:
        data: one `Series`, or a `Panel`.
        origin: the row count to keep; for a panel, per series id (a series
            with no row before its origin is left out).

    Example:
    >>> len(observed_until(series, 30))
    30
    """
    if isinstance(data, Series):
        return dataclasses.replace(data, frame=data.frame.iloc[:origin])
    return data.replace(
        {
            sid: dataclasses.replace(series, frame=series.frame.iloc[: origin[sid]])
            for sid, series in data.series.items()
            if origin.get(sid, 0) > 0
        }
    )


def fold_data(panel: Panel, origins: dict[str, int], horizon: int) -> tuple[Panel, Panel]:
    """`(fit on, forecast from)` at one fold: every series' rows before its origin, and
    of those the series forecast at this fold (`folds.in_fold`).

    Example:
    >>> fit_on, forecast_from = fold_data(panel, {"cpi": 195}, horizon=4)
    """
    history = observed_until(panel, origins)
    forecast_from = {
        sid: s
        for sid, s in history.series.items()
        if in_fold(panel.series[sid], origins[sid], horizon)
    }
    return history, history.replace(forecast_from)


def fold_future(
    panel: Panel, origins: dict[str, int], horizon: int, columns: list[str]
) -> dict[str, pd.DataFrame] | None:
    """The known-in-advance `columns` of the `horizon` rows each series forecasts from its
    origin, by id (None without such columns): what a user would give as `--future`.

    Example:
    >>> fold_future(panel, {"sales": 300}, 7, ["promo"])["sales"].shape
    (7, 1)
    """
    if not columns:
        return None
    return {
        sid: s.frame[columns].iloc[origins[sid] : origins[sid] + horizon]
        for sid, s in panel.series.items()
        if in_fold(s, origins[sid], horizon)
    }
