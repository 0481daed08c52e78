"""Where a backtest's folds start, and the series as it was known there.

The two functions every backtest uses to decide what a fold may see:
`fold_origins` (the origin rule) and `observed_until` (the only truncation).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from tsconv.data import Series
from tsconv.errors import InputError
from tsconv.windowing import check_horizon


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


def observed_until(series: Series, origin: int) -> Series:
    """The series as it was known at `origin`: its rows `[0, origin)`."""
    return dataclasses.replace(series, frame=series.frame.iloc[:origin])
