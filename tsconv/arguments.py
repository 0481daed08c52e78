"""Argument checks shared by every layer of tsconv.

Keras objects raise `ValueError("what is wrong. Received: arg=value")`
(`check_positive_int`, `check_rate`, `check_bool`, `check_choice`); the user-facing
`window` and `horizon` checks raise `InputError` with the CLI flag to fix.
"""

from __future__ import annotations

import numpy as np

from tsconv.errors import InputError


def check_positive_int(name: str, value) -> None:
    """Raises `ValueError` unless `value` is an int ≥ 1 (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")


def check_rate(name: str, value) -> None:
    """Raises `ValueError` unless `value` is a number in `[0, 1)`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise ValueError(f"`{name}` must be in [0, 1). Received: {name}={value!r}")


def check_bool(name: str, value) -> None:
    """Raises `ValueError` unless `value` is `True` or `False`."""
    if not isinstance(value, bool):
        raise ValueError(f"`{name}` must be True or False. Received: {name}={value!r}")


def check_choice(name: str, value, choices: tuple) -> None:
    """Raises `ValueError` unless `value` is one of `choices`."""
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {choices}. Received: {name}={value!r}")


def check_window(window: int) -> None:
    """Raises `InputError` unless `window` (observed steps per forecast) is a positive integer."""
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise InputError(
            f"window must be a positive integer (e.g. --window 100). Received: window={window}"
        )


# The longest forecast: a year of hours is 8,760 steps, 27 years of days 10,000.
MAX_HORIZON = 10_000


def check_horizon(horizon: int) -> None:
    """Raises `InputError` unless `horizon` (steps forecast) is an integer in 1…`MAX_HORIZON`."""
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise InputError(
            f"horizon must be a positive integer (e.g. --horizon 30). Received: horizon={horizon}"
        )
    if horizon > MAX_HORIZON:
        raise InputError(
            f"horizon {horizon:,} is over the limit of {MAX_HORIZON:,} steps: that far ahead a "
            "forecast means nothing. For long ranges, resample the data to a coarser "
            f"frequency (days to weeks or months) and forecast fewer steps. Received: "
            f"horizon={horizon}"
        )
