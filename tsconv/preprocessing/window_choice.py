"""`--window auto`: a look-back that sees the series' longest season twice.

A window of 100 half-hours cannot see last week, so a model cannot learn that
Monday follows Sunday's pattern of a week ago. `auto` takes two of the longest
season the training rows support (`tsconv.data.seasons.find_seasons`), never
less than the default 100 steps (five business days twice would be a shorter
window than prices are forecast from today), and never more than the series
allows (`largest_window`). A number given as the window is used as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tsconv.errors import InputError
from tsconv.preprocessing.windowing import largest_window

AUTO = "auto"
DEFAULT_WINDOW = 100
SEASONS_SEEN = 2  # two of the longest season: the model compares a season with the one before


def check_window_option(window: int | str) -> None:
    """Raises `InputError` unless `window` is a positive integer or `"auto"`."""
    if isinstance(window, str) and window == AUTO:
        return
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise InputError(
            "window must be a positive integer or auto (e.g. --window 100 or --window auto). "
            f"Received: window={window!r}"
        )


def choose_window(
    rows: int,
    seasons: Sequence[int],
    val_fraction: float = 0.1,
    test_fraction: float = 0.1,
) -> tuple[int, str]:
    """The `auto` window for a series of `rows` levels with the given seasons.

    Args:
        rows: level rows of the series (for many series, a typical one's).
        seasons: the season lengths the training rows support, in steps (may be empty).
        val_fraction, test_fraction: the fit's splits (they decide how long a window fits).

    Returns:
        `(window, reason)`: the window and one phrase saying why.

    Raises:
        InputError: when the series is too short for any window.

    Example:
    >>> choose_window(8736, (48, 336))
    (672, 'two of the longest season (336 steps)')
    >>> choose_window(7983, (5,))[0]  # business days: the default
    100
    """
    fits = largest_window(rows - 1, val_fraction, test_fraction)  # transformed rows
    if fits < 1:
        raise InputError(
            f"series too short: {rows} rows leave no training windows for any window. "
            "Use a longer series."
        )
    longest = max(seasons, default=0)
    wanted = max(DEFAULT_WINDOW, SEASONS_SEEN * longest)
    if wanted <= fits:
        if SEASONS_SEEN * longest >= DEFAULT_WINDOW:
            return wanted, f"two of the longest season ({longest} steps)"
        why = f"two of the longest season would be {2 * longest}" if longest else "no season"
        return wanted, f"the default {DEFAULT_WINDOW} steps ({why})"
    if longest and SEASONS_SEEN * longest <= fits:
        return SEASONS_SEEN * longest, (
            f"two of the longest season ({longest} steps); the default {DEFAULT_WINDOW} is "
            f"longer than the series allows ({fits})"
        )
    if longest and longest <= fits:
        return fits, (
            f"as long as the series allows ({fits} steps), short of two of the longest "
            f"season ({longest} steps)"
        )
    return fits, f"as long as the series allows ({fits} steps)"
