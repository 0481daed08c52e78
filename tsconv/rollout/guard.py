"""Guarding a rollout: where a forecast stops being trustworthy.

A recursive rollout feeds each step back in, so one runaway step (an output
far outside anything seen in training, or not a number) poisons every later
one. The rollout runs compiled for the whole horizon; this module finds the
first bad step afterwards, and the forecast is cut there with a warning
rather than printing inf.
"""

from __future__ import annotations

import logging

import numpy as np

from tsconv.errors import ForecastDivergedError

logger = logging.getLogger(__name__)

# A step is a runaway when its scaled value exceeds this many times the largest
# scaled training target (itself at least 1): tens of standard deviations.
RUNAWAY_FACTOR = 10.0
# Runs written before the training range was recorded: scaled targets rarely pass 10.
DEFAULT_TRAINING_MAX = 10.0


def runaway_bound(training_max: float | None) -> float:
    """The largest trustworthy scaled value, from the largest scaled training target."""
    base = DEFAULT_TRAINING_MAX if training_max is None else max(float(training_max), 1.0)
    return RUNAWAY_FACTOR * base


def first_bad_step(scaled: np.ndarray, levels: np.ndarray, bound: float) -> int | None:
    """Index of the first step where any path is non-finite or beyond `bound`, or None.

    Args:
        scaled: `(paths, horizon)` the model's outputs in scaled units.
        levels: `(paths, horizon)` the same paths in the data's units.
        bound: the largest trustworthy absolute scaled value (see `runaway_bound`).

    Example:
    >>> first_bad_step(np.array([[0.1, 500.0, 1.0]]), np.ones((1, 3)), bound=100.0)
    1
    """
    bad = ~np.isfinite(scaled) | (np.abs(np.nan_to_num(scaled)) > bound) | ~np.isfinite(levels)
    steps = np.flatnonzero(bad.any(axis=0))
    return int(steps[0]) if len(steps) else None


def guard(scaled: np.ndarray, levels: np.ndarray, bound: float, label: str = "") -> int:
    """How many leading steps to keep; logs a warning naming the step that ran away.

    Args:
        scaled, levels, bound: as `first_bad_step`.
        label: what is forecast (`"series AAPL"`), for the messages; "" for one series.

    Returns:
        The horizon when every step is fine, else the 0-based index of the first bad step.

    Raises:
        ForecastDivergedError: when already the first step is bad (nothing to keep).
    """
    horizon = scaled.shape[1]
    step = first_bad_step(scaled, levels, bound)
    if step is None:
        return horizon
    value = scaled[:, step][~np.isfinite(scaled[:, step]) | (np.abs(scaled[:, step]) > bound)]
    what = f"{value[0]:.3g} in scaled units" if len(value) else "a non-finite level"
    prefix = f"{label}: " if label else ""
    if step == 0:
        raise ForecastDivergedError(
            f"{prefix}the forecast ran away at step 1 ({what}; training reached at most "
            f"{bound / RUNAWAY_FACTOR:.3g}); the model is unusable on this data, fit it again."
        )
    logger.warning(
        "%srollout stopped at step %d of %d: %s, far outside the training range (|z| <= %.3g); "
        "keeping the %d step(s) before it. Forecast a shorter horizon or fit again.",
        prefix,
        step + 1,
        horizon,
        what,
        bound / RUNAWAY_FACTOR,
        step,
    )
    return step
