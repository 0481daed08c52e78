"""Degenerate forecasts, found and said in words.

Two failures make deep forecasters look better on a plot than they are:
a forecast that collapses to a constant (it says nothing the last value did
not), and one that is the truth shifted by the horizon (it repeats the past
late). Both are measured here; the caller reports them.
"""

from __future__ import annotations

import numpy as np

# A forecast counts as flat when it moves less than this share of a typical one-step change.
FLAT_SHARE = 0.1
# A forecast "repeats the past late" only when its best match is this strong (noise matches weakly).
LATE_CORRELATION = 0.5


def is_flat(forecast: np.ndarray, step_scale: float) -> bool:
    """True when the forecast's range over the horizon is below `FLAT_SHARE * step_scale`.

    Args:
        forecast: `(horizon,)` levels.
        step_scale: a typical one-step change of the series (`metrics.naive_scale`).

    Example:
    >>> is_flat(np.array([10.0, 10.001, 10.002]), step_scale=0.5)
    True
    """
    forecast = np.asarray(forecast, dtype=np.float64)
    if len(forecast) < 2 or not np.isfinite(step_scale):
        return False
    return bool(np.ptp(forecast) < FLAT_SHARE * step_scale)


def best_lag(forecast: np.ndarray, truth: np.ndarray, max_lag: int) -> tuple[int, float] | None:
    """The lag at which the forecast's changes correlate best with the truth's.

    Compares the step-to-step changes of `forecast` with those of the truth
    `k` steps earlier, for `k = 0 … max_lag`. A forecast that repeats the
    truth `k` steps late correlates perfectly at lag `k`.

    Args:
        forecast: `(n,)` forecasts of consecutive steps.
        truth: `(max_lag + n,)` true values of the `max_lag` steps before the
            first forecast step and of the `n` forecast steps.
        max_lag: the largest lag tried.

    Returns:
        `(lag, correlation)`, or None when the forecast's changes do not vary
        (a straight line has no pattern to lag) or are too few.

    Example:
    >>> truth = np.array([0.0, 1.0, 3.0, 2.0, 5.0, 4.0, 7.0])
    >>> best_lag(truth[:-2], truth, 2)  # the truth, 2 steps late
    (2, 1.0)
    """
    forecast = np.asarray(forecast, dtype=np.float64)
    truth = np.asarray(truth, dtype=np.float64)
    n = len(forecast)
    if len(truth) != n + max_lag:
        raise ValueError(
            f"truth must hold max_lag + len(forecast) values. Received: {len(truth)} for "
            f"max_lag={max_lag} and {n} forecasts"
        )
    moves = np.diff(forecast)
    if len(moves) < 2 or np.std(moves) == 0:
        return None
    best = None
    for lag in range(max_lag + 1):
        shifted = np.diff(truth[max_lag - lag : max_lag - lag + n])  # truth `lag` steps earlier
        if np.std(shifted) == 0:
            continue
        r = float(np.corrcoef(moves, shifted)[0, 1])
        if best is None or r > best[1] + 1e-12:
            best = (lag, round(r, 6))
    return best


def one_step_notes(actual: np.ndarray, predicted: np.ndarray, previous: np.ndarray) -> list[str]:
    """Words for degenerate one-step forecasts (a fit's held-out predictions), or none.

    Two findings: the predicted changes barely vary (the network's output
    collapsed: in effect the last value plus a constant), and the forecasts
    follow the truth one step late (correlation of changes best at lag 1, at
    least `LATE_CORRELATION`): the naive forecast's pattern. On a random walk
    both are the best a model can do, and the words say so.

    Args:
        actual: `(n,)` true values of consecutive steps.
        predicted: `(n,)` one-step forecasts of them.
        previous: `(n,)` the value before each step (the naive forecast).

    Example:
    >>> truth = np.cumsum(np.random.default_rng(0).normal(size=200))
    >>> len(one_step_notes(truth[1:], truth[:-1], truth[:-1]))  # the naive forecast itself
    2
    """
    actual, predicted, previous = (
        np.asarray(a, dtype=np.float64) for a in (actual, predicted, previous)
    )
    notes = []
    predicted_moves, actual_moves = predicted - previous, actual - previous
    if np.std(predicted_moves) < FLAT_SHARE * np.std(actual_moves):
        notes.append(
            f"the model's one-step changes barely vary (std {np.std(predicted_moves):.3g} against "
            f"{np.std(actual_moves):.3g} for the actual changes): in effect it forecasts the last "
            "value plus a constant, the naive forecast with a drift."
        )
    truth = np.concatenate([previous[:1], actual])  # the step before the first target, then targets
    lag = best_lag(predicted, truth, 1)
    if lag is not None and lag[0] == 1 and lag[1] >= LATE_CORRELATION:
        notes.append(
            f"its one-step forecasts follow the truth one step late (correlation {lag[1]:.2f} at "
            "lag 1): the pattern of the naive forecast (tomorrow = today)."
        )
    return notes
