"""Calendar features known in advance: Fourier pairs of each season, from the timestamps.

A season of `m` steps becomes `harmonics` sine/cosine pairs of its phase,
the fraction of the season elapsed at each timestamp. The phase comes from
the calendar, not from the row number, so the same timestamp has the same
features in training, in a forecast from other data, and in the future:

- a season that spans about a year (52 weeks, 12 months, 365 days, 4
  quarters) is the fraction of the calendar year (leap years included), so a
  weekly series does not drift by a day and a quarter each year;
- month-based frequencies count months (a season of 12 monthly steps is the
  month of the year);
- business days with a season of 5 are the day of the week;
- any other fixed step (minutes, hours, days, weeks) is the time elapsed
  since 1970-01-01 modulo the season's length (48 half-hours: the time of
  day; 336: the time of the week);
- step numbers (no time column) are the step modulo the season.

Nothing here reads a target value: the features are known for any future
timestamp, which is what lets a forecast use them at every step.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from tsconv.data.calendar import future_index
from tsconv.data.dates import local_index
from tsconv.data.seasons import calendar_seasons, check_seasons
from tsconv.errors import InputError

# Sine/cosine pairs per season (at most half the season): 3 pairs and the
# constant are every pattern of a 7-day week.
HARMONICS = 3
YEAR_DAYS = 365.2425
_MONTHLY = ("M", "MS", "ME", "SM", "SMS", "BM", "BMS", "BME", "CBM", "CBMS")


def check_regular(index: pd.Index, freq: str | None) -> None:
    """Raises `InputError` for timestamps without a regular frequency (no calendar to follow)."""
    if isinstance(index, pd.DatetimeIndex) and freq is None:
        raise InputError(
            "calendar features need a regular frequency; this series has none (irregular "
            "timestamps). Give --calendar none, or fill the gaps (--fill)."
        )


def season_phase(index: pd.Index, freq: str | None, season: int) -> np.ndarray:
    """The fraction of the season elapsed at each timestamp, in `[0, 1)`.

    Args:
        index: a `DatetimeIndex`, or step numbers (any integer index).
        freq: the series' pandas frequency (`"30min"`, `"MS"`, …), or None.
        season: the season's length in steps.

    Returns:
        `(len(index),)` float64 phases.

    Example:
    >>> index = pd.date_range("2024-01-01", periods=4, freq="6h")
    >>> season_phase(index, "6h", 4).tolist()  # the time of day
    [0.0, 0.25, 0.5, 0.75]
    """
    (season,) = check_seasons(season)
    if not isinstance(index, pd.DatetimeIndex):
        steps = np.asarray(index, dtype=np.int64)
        return (steps % season) / season
    check_regular(index, freq)
    if index.tz is not None:  # the local wall-clock time is what the calendar means
        index = index.tz_localize(None)
    index = index.as_unit("ns")  # asi8 in nanoseconds, whatever the parsed unit
    offset = to_offset(freq)
    base = offset.rule_code.split("-")[0]  # "W-SUN" -> "W", "QS-JAN" -> "QS"
    step_days = _nominal_days(offset, base)
    if base in _MONTHLY or base.startswith(("Q", "BQ", "A", "Y", "BA", "BY")):
        months = index.year.to_numpy() * 12 + index.month.to_numpy() - 1
        return (months // max(1, round(step_days / 30.436875)) % season) / season
    if abs(season * step_days / YEAR_DAYS - 1) < 0.05:
        return _year_fraction(index)
    if base in ("B", "C") and season == 5:
        return index.day_of_week.to_numpy() / 5.0
    period = pd.Timedelta(days=step_days * season).value  # nanoseconds
    return (index.asi8 % period) / period


def fourier_terms(
    index: pd.Index, freq: str | None, season: int, harmonics: int = HARMONICS
) -> pd.DataFrame:
    """`harmonics` sine/cosine pairs of the season's phase (fewer for a short season).

    Columns `sin{season}_{h}`, `cos{season}_{h}` for `h = 1 … min(harmonics, season // 2)`
    (the cosine of `season / 2`, which is the sine's only non-zero partner, only).

    Example:
    >>> fourier_terms(pd.RangeIndex(4), None, 4).round(3).columns.tolist()
    ['sin4_1', 'cos4_1', 'cos4_2']
    """
    phase = season_phase(index, freq, season)
    columns = {}
    for h in range(1, min(harmonics, season // 2) + 1):
        angle = 2 * np.pi * h * phase
        if 2 * h != season:  # sin(pi * step) is 0 at every step: no information
            columns[f"sin{season}_{h}"] = np.sin(angle)
        columns[f"cos{season}_{h}"] = np.cos(angle)
    return pd.DataFrame(columns, index=index)


def calendar_features(
    index: pd.Index, freq: str | None, seasons: Sequence[int], harmonics: int = HARMONICS
) -> pd.DataFrame:
    """The Fourier terms of every season, side by side, in the order of `seasons`.

    Args:
        index: the timestamps (or step numbers) the features are for.
        freq: the series' frequency.
        seasons: season lengths in steps (e.g. `(48, 336)`).
        harmonics: sine/cosine pairs per season.

    Returns:
        `(len(index), columns)` float64 features indexed like `index`.

    Raises:
        InputError: for a bad season, or timestamps without a regular frequency.

    Example:
    >>> index = pd.date_range("2024-01-01", periods=96, freq="30min")
    >>> calendar_features(index, "30min", (48, 336)).shape
    (96, 12)
    """
    if isinstance(harmonics, bool) or not isinstance(harmonics, int) or harmonics < 1:
        raise InputError(f"harmonics must be a positive integer. Received: harmonics={harmonics!r}")
    frames = [fourier_terms(index, freq, m, harmonics) for m in check_seasons(tuple(seasons))]
    if not frames:
        return pd.DataFrame(index=index)
    return pd.concat(frames, axis=1)


def resolve_calendar(
    calendar: str | Sequence[int] | None,
    season,
    freq: str | None,
    rows: int,
    window: int | None = None,
    confirmed: Sequence[int] = (),
) -> tuple[int, ...]:
    """The seasons that get calendar features.

    - `"none"`: none.
    - `None` (the default): the `confirmed` seasons (given, or confirmed by the
      training rows) when the longest is longer than the `window`, else none. A
      window of 100 half-hours cannot see last week: the calendar tells the model
      where in the week each step falls. Measured on the half-hourly load
      (`benchmarks/results/seasonal_targets_halfhourly.md`); a season the window
      spans gains little and cost the conv model on hourly temperatures
      (`benchmarks/results/calendar_features.md`).
    - `"auto"`: the given `season`(s), else the frequency's calendar seasons seen
      at least twice in `rows`.
    - season lengths: those.

    Raises:
        InputError: for an unknown setting or a bad season.

    Example:
    >>> resolve_calendar("auto", None, "30min", 2000)
    (48, 336)
    >>> resolve_calendar(None, None, "30min", 2000, window=100, confirmed=(48, 336))
    (48, 336)
    >>> resolve_calendar(None, None, "h", 8760, window=100, confirmed=(24,))
    ()
    """
    if calendar is None:
        seasons = tuple(m for m in confirmed if 2 * m <= rows)
        if window is not None and seasons and max(seasons) > window:
            return seasons
        return ()
    if calendar == "none":
        return ()
    if calendar == "auto":
        given = check_seasons(season)
        if given:
            return given
        return tuple(m for m in calendar_seasons(freq) if 2 * m <= rows)
    if isinstance(calendar, str):
        raise InputError(
            "calendar must be 'auto', 'none' or season lengths (e.g. --calendar 48,336). "
            f"Received: calendar={calendar!r}"
        )
    seasons = check_seasons(tuple(calendar))
    longer = [m for m in seasons if rows and m > rows]
    if longer:
        raise InputError(
            f"calendar season {longer[0]} is longer than the history ({rows} rows); give "
            "shorter seasons to --calendar, or use more data."
        )
    return seasons


def calendar_known(
    index: pd.Index,
    freq: str | None,
    seasons: Sequence[int],
    horizon: int = 0,
    zone: str | None = None,
) -> np.ndarray:
    """Calendar features of `index` and the `horizon + 1` steps after it: the known values
    `tsconv.preprocessing.windowing.lead_known` takes (`(rows + 1, k)` for `horizon=0`).
    With `zone`, a UTC index is read as that zone's wall clock (`dates.local_index`):
    noon is noon on both sides of a daylight-saving change.

    Example:
    >>> calendar_known(pd.RangeIndex(10), None, (4,), horizon=5).shape
    (16, 3)
    """
    check_regular(index, freq)
    after = future_index(index[-1], freq, horizon + 1)
    stamps = local_index(index.append(after), zone)
    return calendar_features(stamps, freq, seasons).to_numpy(np.float64)


def _nominal_days(offset, base: str) -> float:
    """A step's length in days: exact for fixed steps, the average month for month-based ones."""
    try:
        return pd.Timedelta(offset).total_seconds() / 86400
    except ValueError:  # not a fixed duration
        pass
    n = offset.n
    if base in ("W",):
        return 7.0 * n
    if base in ("B", "C"):
        return 1.0 * n
    if base in _MONTHLY:
        return 30.436875 * n
    if base.startswith(("Q", "BQ")):
        return 91.310625 * n
    if base.startswith(("A", "Y", "BA", "BY")):
        return YEAR_DAYS * n
    raise InputError(f"calendar features do not know the frequency {offset.freqstr!r}.")


def _year_fraction(index: pd.DatetimeIndex) -> np.ndarray:
    """Time elapsed in the calendar year, as a fraction of that year's length."""
    start = pd.DatetimeIndex(pd.to_datetime({"year": index.year, "month": 1, "day": 1}))
    start = start.as_unit("ns")
    days = np.where(index.is_leap_year, 366.0, 365.0)
    elapsed = (index.asi8 - start.asi8) / pd.Timedelta(days=1).value
    return np.clip(elapsed / days, 0.0, np.nextafter(1.0, 0.0))
