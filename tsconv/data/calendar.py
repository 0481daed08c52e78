"""Frequency of a time index, the timestamps missing from it, and those that follow it."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd

from tsconv.arguments import check_horizon
from tsconv.data.seasons import calendar_seasons

# Business-daily data misses holidays; below this share of business days present
# the data is treated as irregular rather than as business days with gaps.
BUSINESS_DAY_COVERAGE = 0.9


def infer_frequency(index: pd.Index) -> tuple[str | None, bool, str]:
    """Infers the frequency of a sorted time index (`frequency_and_gaps` without the gaps).

    Example:
    >>> infer_frequency(pd.date_range("2024-01-01", periods=5, freq="MS"))
    ('MS', True, '')
    """
    return frequency_and_gaps(index)[:3]


def frequency_and_gaps(index: pd.Index) -> tuple[str | None, bool, str, Gaps | None]:
    """Infers the frequency of a sorted time index, and the timestamps missing from it.

    Args:
        index: a sorted `DatetimeIndex`, or a `RangeIndex` of step numbers.

    Returns:
        `(freq, regular, note, gaps)`: a pandas frequency string (None for step
        numbers), whether the spacing is regular at that frequency, a sentence
        for the log (empty when there is nothing to say), and the missing
        timestamps (`find_gaps`) or None. Daily weekday-only data with holidays
        missing is business-daily (`"B"`), regular, with the gaps counted in the
        note. Timestamps on a calendar grid with some missing get that grid's
        frequency (40 months left out stay `"MS"`) and `regular=False`; other
        uneven spacing the most common step.

    Example:
    >>> months = pd.date_range("2024-01-01", periods=9, freq="MS").delete([3])
    >>> frequency_and_gaps(months)[:2], len(frequency_and_gaps(months)[3].missing)
    (('MS', False), 1)
    """
    if not isinstance(index, pd.DatetimeIndex):
        return None, True, "", None
    if len(index) < 3:
        step = index[-1] - index[0] if len(index) == 2 else pd.Timedelta(days=1)
        return _offset_string(step), False, "too few rows to infer a frequency", None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3 warns that infer_freq will return an offset
        freq = pd.infer_freq(index)
    if freq is not None:
        return _offset_string(freq), True, "", None
    midnight = bool((index == index.normalize()).all())
    if midnight and bool((index.day_of_week < 5).all()):
        expected = len(pd.bdate_range(index[0], index[-1]))
        if len(index) >= BUSINESS_DAY_COVERAGE * expected:
            absent = expected - len(index)
            return "B", True, f"business-daily, {absent} business day(s) absent (holidays)", None
    gaps = find_gaps(index)
    if gaps is not None:
        return gaps.freq, False, gaps.describe(), gaps
    step = pd.Timedelta(index.to_series().diff().dropna().mode().iloc[0])
    note = (
        f"irregular timestamps: spacing varies; forecasts step by the most common spacing ({step})"
    )
    return _offset_string(step), False, note, None


@dataclasses.dataclass(frozen=True)
class Gaps:
    """Timestamps missing from an index that otherwise follows a regular frequency.

    Attributes:
        freq: the frequency the present timestamps follow (e.g. `"MS"`).
        grid: every timestamp at `freq` from the first to the last.
        missing: the timestamps of `grid` absent from the index.
        stretches: the number of runs of consecutive missing timestamps.
        largest: the length of the longest run, in steps.
        largest_from: the first missing timestamp of the longest run.
        largest_to: its last missing timestamp.
    """

    freq: str
    grid: pd.DatetimeIndex
    missing: pd.DatetimeIndex
    stretches: int
    largest: int
    largest_from: pd.Timestamp
    largest_to: pd.Timestamp

    def describe(self) -> str:
        """One sentence: how many are missing, and the largest gap with its dates."""
        span = _day(self.largest_from, self.grid)
        if self.largest > 1:
            span = f"{span} … {_day(self.largest_to, self.grid)}"
        return (
            f"{len(self.missing)} of {len(self.grid)} timestamps missing at frequency "
            f"{self.freq} in {self.stretches} gap(s); the largest, {self.largest} step(s): {span}"
        )


def find_gaps(index: pd.DatetimeIndex) -> Gaps | None:
    """The missing timestamps of a sorted index that follows a frequency with gaps.

    The frequency is the one its most common spacing suggests — month starts or
    ends, quarters, years or weeks anchored as the first timestamp is, else that
    spacing itself (days, hours, minutes) — when every timestamp lies on it.

    Returns:
        A `Gaps`, or None when no frequency holds every timestamp (or none is missing).

    Example:
    >>> months = pd.date_range("1950-01-01", periods=24, freq="MS")
    >>> gaps = find_gaps(months.delete([5, 6, 7]))
    >>> gaps.freq, len(gaps.missing), gaps.largest, str(gaps.largest_from.date())
    ('MS', 3, 3, '1950-06-01')
    """
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 3:
        return None
    for freq in _grid_candidates(index):
        try:
            grid = pd.date_range(index[0], index[-1], freq=freq)
        except (ValueError, OverflowError):
            continue
        if len(grid) > 100 * len(index) or grid[0] != index[0] or not index.isin(grid).all():
            continue
        missing = grid.difference(index)
        if len(missing) == 0:
            return None
        where = grid.get_indexer(missing)  # positions on the grid, sorted
        starts = np.flatnonzero(np.diff(where, prepend=-2) != 1)
        ends = np.r_[starts[1:], len(where)] - 1
        runs = where[ends] - where[starts] + 1
        big = int(np.argmax(runs))
        return Gaps(
            freq=freq,
            grid=grid,
            missing=missing,
            stretches=len(starts),
            largest=int(runs[big]),
            largest_from=missing[starts[big]],
            largest_to=missing[ends[big]],
        )
    return None


def _grid_candidates(index: pd.DatetimeIndex) -> list[str]:
    """Frequencies the most common spacing of `index` suggests, most specific first."""
    step = pd.Timedelta(index.to_series().diff().dropna().mode().iloc[0])
    first = index[0]
    month = first.strftime("%b").upper()
    days = step / pd.Timedelta(days=1)
    if 28 <= days <= 31:
        return ["MS", "ME"]
    if 89 <= days <= 92:
        return [f"QS-{month}", f"QE-{month}"]
    if 365 <= days <= 366:
        return [f"YS-{month}", f"YE-{month}"]
    candidates = []
    if step == pd.Timedelta(days=7):
        candidates.append(f"W-{first.strftime('%a').upper()}")
    if step > pd.Timedelta(0):
        candidates.append(_offset_string(step))
    return candidates


def _day(ts: pd.Timestamp, grid: pd.DatetimeIndex) -> str:
    return ts.strftime("%Y-%m-%d") if (grid == grid.normalize()).all() else str(ts)


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
