"""Textbook naive, seasonal-naive and drift forecasts in NumPy: every backtest's references.

They forecast levels from the whole observed history, exactly as the
forecasting textbooks define them (Hyndman & Athanasopoulos, *Forecasting:
Principles and Practice*, 5.2), so a backtest compares tsconv's models with
the standard references rather than with tsconv's own versions of them.
"""

from __future__ import annotations

import numpy as np

from tsconv.errors import InputError

CLASSICAL = ("naive", "seasonal-naive", "drift")


def classical_forecast(
    name: str, history: np.ndarray, horizon: int, season: int | None = None
) -> np.ndarray:
    """Forecasts `horizon` steps after `history` by a textbook rule.

    - naive: the last value, `x[T]`, at every step.
    - seasonal-naive: the value one season earlier, `x[T + h - season * (1 + (h - 1) // season)]`.
    - drift: the line through the first and last values, `x[T] + h (x[T] - x[1]) / (T - 1)`.

    Args:
        name: one of `CLASSICAL`.
        history: `(rows,)` observed levels.
        horizon: steps to forecast.
        season: season length (seasonal-naive only).

    Returns:
        `(horizon,)` float64 forecast.

    Raises:
        InputError: for an unknown name, a missing season or too short a history.

    Example:
    >>> classical_forecast("seasonal-naive", np.arange(8.0), 3, season=4)
    array([4., 5., 6.])
    >>> classical_forecast("drift", np.array([1.0, 2.0, 3.0]), 2)
    array([4., 5.])
    """
    history = np.asarray(history, dtype=np.float64)
    steps = np.arange(1, horizon + 1)
    if name == "naive":
        return np.full(horizon, history[-1])
    if name == "seasonal-naive":
        if season is None or season < 1:
            raise InputError(
                f"seasonal-naive needs a season length (e.g. --season 12). Received: {season}"
            )
        if len(history) < season:
            raise InputError(
                f"seasonal-naive needs a full season of history: {len(history)} rows, season "
                f"{season}."
            )
        # Step h repeats the last observed value at the same position in the season.
        back = season * (1 + (steps - 1) // season)  # (horizon,)
        return history[len(history) + steps - 1 - back]
    if name == "drift":
        if len(history) < 2:
            raise InputError("drift needs at least 2 observed values.")
        slope = (history[-1] - history[0]) / (len(history) - 1)
        return history[-1] + steps * slope
    raise InputError(f"unknown classical forecast {name!r}; use one of {list(CLASSICAL)}.")
