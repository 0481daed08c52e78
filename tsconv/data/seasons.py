"""The seasons of a series: what its calendar suggests, confirmed (or found) in its values.

A frequency suggests seasons — a day and a week of half-hours (48, 336), a
week of days (7) and a year of them (365), a year of weeks (52) or months
(12) — but the data decide: hourly temperatures have a daily rhythm and no
weekly one, a monthly series may cycle every 10 months, and a random walk has
none. A season is *supported* when its seasonal strength (below) reaches
`MIN_STRENGTH` over at least three seasons of history.

Seasonal strength of a season `m` (as in Wang, Smith & Hyndman 2006, "the
seasonal strength" of an additive decomposition): remove the trend with a
centred moving average of `m` steps, average what is left by phase (the step
within the season), and take the share of the detrended variance those phase
means explain — cross-validated between the even and the odd seasons, so that
noise, whose phase means explain some variance by chance, scores 0.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import numpy as np

from tsconv.errors import InputError

# Seasons below this strength are not supported by the data. Measured on the embedded
# datasets (tests/data/test_seasons.py): MSFT's 5 business days 0.00, CO2's 52 weeks 0.97,
# the airline's 12 months 0.93, synthetic noise ~0.00.
MIN_STRENGTH = 0.3
# Periods per year of anchored frequencies (a frequency `nX` has `per_year / n`).
PER_YEAR = {"W": 52, "MS": 12, "ME": 12, "M": 12, "BMS": 12, "BME": 12, "SMS": 24, "SME": 24}
PER_YEAR.update({"QS": 4, "QE": 4, "Q": 4, "BQS": 4, "BQE": 4})
# Seconds per step of fixed frequencies.
TICKS = {"h": 3600, "H": 3600, "min": 60, "T": 60, "s": 1, "S": 1}
DAY, WEEK = 86_400, 7 * 86_400
# Series longer than this many seasons are measured on their latest ones: a season of
# 52 weeks drifts against the true year (52.18 weeks) by a week every 5.5 years.
MAX_SEASONS_MEASURED = 20
# Candidate seasons found from the data: this many autocorrelation peaks are measured.
CANDIDATE_PEAKS = 5
# The source of a season the frequency suggests and the data do not show (MSFT's 5 days).
UNCONFIRMED = "calendar, unconfirmed"


@dataclasses.dataclass(frozen=True)
class Seasons:
    """The seasons a series is modelled and referenced with.

    Attributes:
        lengths: the seasons, in steps (the primary first, then the others shortest first).
        primary: the season of seasonal naive, or None when the series has none.
        source: `"given"`, `"calendar"` (suggested by the frequency, confirmed
            by the data), `"data"` (found in the values), `"calendar, unconfirmed"`
            (the frequency's, which the data do not support) or `"none"`.
        strength: the seasonal strength measured for each candidate season.
    """

    lengths: tuple[int, ...]
    primary: int | None
    source: str
    strength: dict[int, float]

    def to_dict(self) -> dict:
        """For JSON: `lengths`, `seasonal_naive` (the primary), `source`, `strength`."""
        return {
            "lengths": list(self.lengths),
            "seasonal_naive": self.primary,
            "source": self.source,
            "strength": {str(m): round(s, 4) for m, s in self.strength.items()},
        }

    def describe(self) -> str:
        """One line for the log and the run.

        Example:
        >>> Seasons((24,), 24, "calendar", {24: 0.91, 168: 0.02}).describe()
        'seasons 24 (calendar, confirmed by the data; strength 24: 0.91, 168: 0.02)'
        """
        measured = ", ".join(f"{m}: {s:.2f}" for m, s in sorted(self.strength.items()))
        measured = f"; strength {measured}" if measured else ""
        if not self.lengths:
            return f"no season (none suggested by the frequency or found in the data{measured})"
        said = {
            "given": "given",
            "calendar": "calendar, confirmed by the data",
            "data": "found in the data",
            "calendar, unconfirmed": "the frequency's, not confirmed by the data",
        }[self.source]
        return f"seasons {','.join(map(str, self.lengths))} ({said}{measured})"


def calendar_seasons(freq: str | None) -> tuple[int, ...]:
    """The seasons a frequency suggests, shortest first (none for step numbers).

    Sub-daily steps: a day and a week of them; days: 7 and 365; business days: 5;
    weeks: 52; months: 12; quarters: 4. A multiple keeps the seasons it divides
    (`"2W"` → 26, `"2D"` → none).

    Example:
    >>> calendar_seasons("30min"), calendar_seasons("W-SUN"), calendar_seasons("D")
    ((48, 336), (52,), (7, 365))
    """
    if freq is None:
        return ()
    match = re.fullmatch(r"(\d*)([A-Za-z]+)(-\w+)?", freq)
    if match is None:
        return ()
    n, base = int(match[1] or 1), match[2]
    if base in PER_YEAR:
        per_year = PER_YEAR[base]
        return (per_year // n,) if per_year % n == 0 and per_year > n else ()
    if base == "B":
        return (5,) if n == 1 else ()
    if base == "D":
        return (7, 365) if n == 1 else ((7 // n,) if 7 % n == 0 and n < 7 else ())
    if base in TICKS:
        step = n * TICKS[base]
        return tuple(p // step for p in (DAY, WEEK) if p % step == 0 and p // step > 1)
    return ()


def seasonal_strength(values: np.ndarray, season: int, within: Sequence[int] = ()) -> float:
    """The share of the detrended variance a fixed pattern of `season` steps explains.

    See the module docstring. Cross-validated: the values of each season are
    explained by the pattern of the seasons of the other parity (even seasons by
    odd ones and back), so a pattern made of noise — even of autocorrelated
    noise, like a week of weather — explains nothing (clipped to 0).

    Args:
        values: the series, `(rows,)`.
        season: the season length in steps, at least 2.
        within: shorter seasons already kept: their patterns are removed first (in
            the same rows), so the strength is what `season` adds to them.

    Returns:
        A number in [0, 1]: about 0 for noise or a random walk, near 1 for a
        clean cycle; NaN for fewer than three seasons of history (the moving
        average eats half a season at each end).

    Example:
    >>> t = np.arange(240)
    >>> round(seasonal_strength(np.sin(2 * np.pi * t / 12) + 0.01 * t, 12), 2)
    1.0
    """
    y = np.asarray(values, dtype=np.float64)
    m = season
    offset = max(len(y) - (MAX_SEASONS_MEASURED + 1) * m, 0)  # measure the latest seasons
    y = y[offset:]
    if m < 2 or len(y) < 3 * m or not np.all(np.isfinite(y)):
        return float("nan")
    sums = np.concatenate([[0.0], np.cumsum(y)])
    trend = (sums[m:] - sums[:-m]) / m  # mean of y[i : i + m], centred at i + (m - 1) / 2
    if m % 2 == 0:
        trend = (trend[:-1] + trend[1:]) / 2  # 2 x m average, centred at i + m / 2
    start = m // 2  # trend[i] is centred on row start + i (odd and even m alike)
    detrended = y[start : start + len(trend)] - trend
    rows = offset + np.arange(start, start + len(trend))  # row numbers in `values`
    for k in within:
        detrended = detrended - _phase_means(detrended, rows % k, k)[rows % k]
    total = float(np.sum((detrended - detrended.mean()) ** 2))
    if total <= 0:
        return 0.0
    phase, odd = rows % m, (rows // m) % 2 == 1
    unexplained = 0.0
    for part in (odd, ~odd):
        other = _phase_means(detrended[~part], phase[~part], m)
        unexplained += float(np.sum((detrended[part] - other[phase[part]]) ** 2))
    return float(np.clip(1.0 - unexplained / total, 0.0, 1.0))


def _phase_means(values: np.ndarray, phase: np.ndarray, m: int) -> np.ndarray:
    """The mean of `values` at each phase `0 .. m - 1` (0 where none), centred to mean 0."""
    counts = np.bincount(phase, minlength=m)
    means = np.bincount(phase, weights=values, minlength=m) / np.maximum(counts, 1)
    return np.where(counts > 0, means - means[counts > 0].mean(), 0.0)


def supported_seasons(values: np.ndarray, candidates) -> tuple[list[int], dict[int, float]]:
    """The candidates the data support, shortest first, and the strength of each.

    Each candidate is measured beyond the shorter supported ones (`within`), so
    a week of half-hours counts only for what it adds to the day, and a multiple
    of a supported season (20 beside 10) adds nothing.
    """
    kept, strength = [], {}
    for m in sorted(set(candidates)):
        strength[m] = seasonal_strength(values, m, within=tuple(kept))
        if strength[m] >= MIN_STRENGTH:
            kept.append(m)
    return kept, strength


def autocorrelation_peaks(values: np.ndarray, max_lag: int, count: int) -> list[int]:
    """Lags of the `count` highest local peaks of the first differences' autocorrelation.

    Differences, so that a trend does not make every lag correlated; only peaks above
    the white-noise band (2.58 / sqrt(n)) and at lags of at least 2.
    """
    changes = np.diff(np.asarray(values, dtype=np.float64))
    changes = changes[np.isfinite(changes)]
    n = len(changes)
    max_lag = min(max_lag, n // 3)
    if max_lag < 3 or np.std(changes) == 0:
        return []
    centred = changes - changes.mean()
    size = 1 << int(np.ceil(np.log2(2 * n)))
    spectrum = np.fft.rfft(centred, size)
    acf = np.fft.irfft(spectrum * np.conj(spectrum), size)[: max_lag + 2]
    acf /= acf[0]
    inner = acf[1:-1]  # lags 1 .. max_lag
    lags = np.arange(1, len(inner) + 1)
    peak = (inner > acf[:-2]) & (inner >= acf[2:]) & (inner > 2.58 / np.sqrt(n)) & (lags >= 2)
    best = lags[peak][np.argsort(-inner[peak])]
    return [int(lag) for lag in best[:count]]


def check_seasons(season: int | Sequence[int] | None) -> tuple[int, ...]:
    """`season` as a tuple of positive integers (`()` for None); `InputError` otherwise.

    Example:
    >>> check_seasons(12), check_seasons([48, 336]), check_seasons(None)
    ((12,), (48, 336), ())
    """
    if season is None:
        return ()
    given = (season,) if isinstance(season, (int, np.integer)) else season
    try:
        lengths = tuple(given)
    except TypeError:
        lengths = (season,)
    if not lengths or any(
        isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1 for m in lengths
    ):
        raise InputError(
            f"season must be a positive integer or a list of them (e.g. --season 48,336). "
            f"Received: season={season!r}"
        )
    return tuple(int(m) for m in lengths)


def parse_seasons(text: str | None) -> tuple[int, ...] | None:
    """The seasons of a command line's `--season` (`"48,336"`), or None when not given.

    Example:
    >>> parse_seasons("48, 336")
    (48, 336)
    """
    if text is None or not str(text).strip():
        return None
    try:
        lengths = tuple(int(part) for part in str(text).split(","))
    except ValueError:
        raise InputError(
            f"--season takes season lengths in steps, separated by commas (e.g. --season "
            f"48,336). Received: {text!r}"
        ) from None
    return check_seasons(lengths)


def find_seasons(
    values: np.ndarray, freq: str | None, given: int | Sequence[int] | None = None
) -> Seasons:
    """The seasons of a series: given, or the calendar's the data support, or the data's own.

    1. Given seasons are used as they are (the first is seasonal naive's); one
       longer than the history is an error.
    2. Otherwise each season the frequency suggests (`calendar_seasons`) is kept
       when its strength reaches `MIN_STRENGTH`.
    3. When none is kept, the peaks of the changes' autocorrelation are measured
       and the strongest supported one is the season (`"data"`).
    4. When the data support none, the frequency's shortest season is kept for
       seasonal naive (`"calendar, unconfirmed"`: MSFT's 5 business days), or
       there is no season.

    Each season is measured beyond the shorter supported ones (`supported_seasons`).
    The primary season (seasonal naive's) is the longest one that holds the
    others whole, else the shortest (given: the first); the others follow
    shortest first.

    Args:
        values: the history, `(rows,)` (only rows before a backtest's first origin).
        freq: its pandas frequency, or None for step numbers.
        given: the user's season(s), or None.

    Returns:
        `Seasons`.

    Raises:
        InputError: for a given season that is not a positive integer, or longer
            than the history.

    Example:
    >>> t = np.arange(24 * 60)
    >>> find_seasons(np.sin(2 * np.pi * t / 24), "h").lengths
    (24,)
    """
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    lengths = check_seasons(given)
    if lengths:
        longest = max(lengths)
        if longest >= len(values):
            raise InputError(
                f"season {longest} is longer than the history ({len(values)} rows); "
                "give a shorter --season or more rows."
            )
        return Seasons(lengths, lengths[0], "given", {})
    suggested = [m for m in calendar_seasons(freq) if m < len(values)]
    kept, strength = supported_seasons(values, suggested)
    source = "calendar"
    if not kept:
        peaks = autocorrelation_peaks(values, len(values) // 3, CANDIDATE_PEAKS)
        found, measured = supported_seasons(values, peaks)
        strength.update({m: s for m, s in measured.items() if m not in strength})
        kept, source = found, "data"
    strength = {m: s for m, s in strength.items() if np.isfinite(s)}
    if not kept:
        if suggested:
            return Seasons((suggested[0],), suggested[0], UNCONFIRMED, strength)
        return Seasons((), None, "none", strength)
    # Seasonal naive repeats one season: the longest that holds the others whole (a week
    # of half-hours holds 7 days), else the shortest (a week of days, not 365 of them).
    whole = [m for m in kept if all(m % k == 0 for k in kept)]
    primary = max(whole) if whole else kept[0]
    return Seasons((primary, *[m for m in kept if m != primary]), primary, source, strength)
