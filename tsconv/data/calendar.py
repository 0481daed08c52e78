"""Frequency of a time index and the timestamps that follow it."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from tsconv.arguments import check_horizon
from tsconv.data.seasons import calendar_seasons

# Business-daily data misses holidays; below this share of business days present
# the data is treated as irregular rather than as business days with gaps.
BUSINESS_DAY_COVERAGE = 0.9


def infer_frequency(index: pd.Index) -> tuple[str | None, bool, str]:
    """Infers the frequency of a sorted time index.

    Args:
        index: a sorted `DatetimeIndex`, or a `RangeIndex` of step numbers.

    Returns:
        `(freq, regular, note)`: a pandas frequency string (None for step
        numbers), whether the spacing is regular at that frequency, and a
        sentence for the log (empty when there is nothing to say). Daily
        weekday-only data with holidays missing is business-daily (`"B"`),
        regular, with the gaps counted in the note. Other uneven spacing
        gets the most common step as its frequency and `regular=False`.

    Example:
    >>> infer_frequency(pd.date_range("2024-01-01", periods=5, freq="MS"))
    ('MS', True, '')
    """
    if not isinstance(index, pd.DatetimeIndex):
        return None, True, ""
    if len(index) < 3:
        step = index[-1] - index[0] if len(index) == 2 else pd.Timedelta(days=1)
        return _offset_string(step), False, "too few rows to infer a frequency"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3 warns that infer_freq will return an offset
        freq = pd.infer_freq(index)
    if freq is not None:
        return _offset_string(freq), True, ""
    midnight = bool((index == index.normalize()).all())
    if midnight and bool((index.day_of_week < 5).all()):
        expected = len(pd.bdate_range(index[0], index[-1]))
        if len(index) >= BUSINESS_DAY_COVERAGE * expected:
            gaps = expected - len(index)
            return "B", True, f"business-daily, {gaps} business day(s) absent (holidays)"
    step = pd.Timedelta(index.to_series().diff().dropna().mode().iloc[0])
    return (
        _offset_string(step),
        False,
        (
            "irregular timestamps: spacing varies; forecasts step by the most common "
            f"spacing ({step})"
        ),
    )


def _offset_string(freq) -> str:
    if (
        isinstance(freq, pd.Timedelta)
        and freq > pd.Timedelta(0)
        and freq % pd.Timedelta(days=1) == pd.Timedelta(0)
    ):
        return f"{freq.days}D" if freq.days > 1 else "D"  # pandas 3 would say "24h"
    return pd.tseries.frequencies.to_offset(freq).freqstr


def future_index(last: object, freq: str | None, horizon: int) -> pd.Index:
    """The `horizon` timestamps after `last` at frequency `freq`.

    Args:
        last: the last observed timestamp, or the last step number when `freq` is None.
        freq: pandas frequency string, or None for integer steps.
        horizon: how many timestamps, at least 1.

    Returns:
        A `DatetimeIndex` (or integer `Index` of steps) of length `horizon`.

    Example:
    >>> future_index(pd.Timestamp("2017-11-10"), "B", 2)  # a Friday
    DatetimeIndex(['2017-11-13', '2017-11-14'], dtype='datetime64[ns]', freq='B')
    """
    check_horizon(horizon)
    if freq is None:
        start = int(last) + 1
        return pd.Index(np.arange(start, start + horizon), name="step")
    return pd.date_range(start=pd.Timestamp(last), periods=horizon + 1, freq=freq)[1:]


def infer_season(freq: str | None) -> int | None:
    """The shortest season a frequency suggests (`seasons.calendar_seasons`), or None.

    The data may disagree: `tsconv.data.seasons.find_seasons` checks them.

    Example:
    >>> infer_season("W-SAT"), infer_season("MS"), infer_season("30min"), infer_season(None)
    (52, 12, 48, None)
    """
    suggested = calendar_seasons(freq)
    return suggested[0] if suggested else None
