"""Target transforms: model changes, not levels, and integrate back to levels.

A model that predicts the raw level of a trending price with level scaling
forecasts worse than "tomorrow = today"; predicting the change from the last
value instead makes "no change" the natural starting point.

Every transform relates the level at row t to the level at row t-1, so the
transformed series is one row shorter than the levels: transformed row j
describes level row j + 1, with level row j as its `previous` level.
"""

from __future__ import annotations

import numpy as np

from tsconv.errors import InputError
from tsconv.preprocessing.stationarity import stationarity

TRANSFORMS = ("auto", "none", "diff", "log-return")


def resolve_transform(
    name: str, levels: np.ndarray, training_rows: int | None = None
) -> tuple[str, str]:
    """Resolves `"auto"` and checks that `levels` suit the transform.

    `"auto"` models levels (`"none"`) when the training rows look stationary
    (`tsconv.preprocessing.stationarity`: KPSS does not reject, ADF does), and
    changes for the rest — `"log-return"` when every level is positive
    (prices), else `"diff"` — since both make a random walk or trend stationary.

    Args:
        name: a name in `TRANSFORMS`.
        levels: `(rows,)` target levels.
        training_rows: how many of the first level rows are training rows, the only
            ones the test looks at (default: all).

    Returns:
        `(transform, reason)`: the transform and one phrase saying why.

    Raises:
        InputError: for an unknown name, or `"log-return"` with a level <= 0.

    Example:
    >>> resolve_transform("auto", np.exp(np.cumsum(np.full(200, 0.01))))[0]
    'log-return'
    """
    if name not in TRANSFORMS:
        raise InputError(f"unknown transform {name!r}; use one of {list(TRANSFORMS)}.")
    positive = bool(np.all(levels > 0))
    if name == "auto":
        verdict = stationarity(levels[:training_rows])
        if verdict is not None and verdict.stationary:
            return "none", f"levels: the training rows look stationary ({verdict.describe()})"
        changes = "log-return" if positive else "diff"
        why = (
            "too few training rows to test for stationarity"
            if verdict is None
            else "the training rows do not hold one level (a random walk, a trend or level "
            f"shifts: {verdict.describe()})"
        )
        sign = "every value positive" if positive else "some values <= 0"
        return changes, f"{changes}: {why}; {sign}"
    if name == "log-return" and not positive:
        row = int(np.flatnonzero(levels <= 0)[0])
        raise InputError(
            f"--transform log-return needs positive values, but row {row} of the target is "
            f"{levels[row]}. Use --transform diff."
        )
    return name, "given"


def forward(name: str, levels: np.ndarray) -> np.ndarray:
    """Transformed target, one row shorter than `levels` (see the module docstring).

    Example:
    >>> forward("diff", np.array([1.0, 3.0, 6.0]))
    array([2., 3.])
    """
    levels = np.asarray(levels, dtype=np.float64)
    if name == "none":
        return levels[1:].copy()
    if name == "diff":
        return np.diff(levels)
    if name == "log-return":
        return np.diff(np.log(levels))
    raise InputError(f"unknown transform {name!r}; use one of {list(TRANSFORMS[1:])}.")


def inverse(name: str, changes: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """Levels from one-step changes, each relative to its own previous level.

    Example:
    >>> inverse("diff", np.array([2.0, 3.0]), np.array([1.0, 3.0]))
    array([3., 6.])
    """
    changes = np.asarray(changes, dtype=np.float64)
    previous = np.asarray(previous, dtype=np.float64)
    if name == "none":
        return changes.copy()
    if name == "diff":
        return previous + changes
    if name == "log-return":
        return previous * np.exp(changes)
    raise InputError(f"unknown transform {name!r}; use one of {list(TRANSFORMS[1:])}.")


def integrate(name: str, changes: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Levels along a path of consecutive changes that starts after level `last`.

    Args:
        name: the transform.
        changes: `(batch, horizon)` predicted changes, in order.
        last: `(batch,)` last observed level of each series.

    Returns:
        `(batch, horizon)` levels.

    Example:
    >>> integrate("diff", np.array([[1.0, 2.0]]), np.array([10.0]))
    array([[11., 13.]])
    """
    changes = np.asarray(changes, dtype=np.float64)
    last = np.asarray(last, dtype=np.float64)[:, None]  # (batch, 1)
    if name == "none":
        return changes.copy()
    if name == "diff":
        return last + np.cumsum(changes, axis=1)
    if name == "log-return":
        return last * np.exp(np.cumsum(changes, axis=1))
    raise InputError(f"unknown transform {name!r}; use one of {list(TRANSFORMS[1:])}.")
