"""Inputs known in advance: the user's columns (a planned price, a promotion) and the calendar.

A forecaster's channels are the target, the past-only features (held at
their last value when forecasting), then the known-in-advance inputs: the
user's `future_features` columns, the calendar's Fourier terms
(`tsconv.data.covariates`) and, with a country, a public-holiday flag. Each
forecast step gets its own known values, so the future of a user column
must be given: `future_rows` reads it from a frame indexed by time (or, for
step numbers, its first `horizon` rows) and says what is missing.

`known_inputs` builds the `(rows + horizon + 1, k)` array that
`tsconv.preprocessing.windowing.lead_known` takes: the observed rows, the
`horizon` forecast steps, and one row after them (nothing reads it: the last
step is only ever forecast; a user column repeats its last value there).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from tsconv.data.calendar import future_index
from tsconv.data.covariates import calendar_known, check_regular
from tsconv.data.dates import local_index
from tsconv.data.panel import Panel
from tsconv.errors import InputError

logger = logging.getLogger(__name__)

# Frequencies whose steps are days or shorter: a step is on one date, which is a holiday or not.
_DAILY_OR_FINER = ("D", "B", "C", "h", "H", "min", "T", "s", "S", "ms", "L", "us", "U", "ns", "N")


def check_future_features(names: Sequence[str] | None, features: Sequence[str]) -> list[str]:
    """The known-in-advance columns, each one of the data's features.

    Raises:
        InputError: for a name listed twice or one that is not a feature of the data.

    Example:
    >>> check_future_features(["price"], ["price", "volume"])
    ['price']
    """
    if isinstance(names, str) or any(not isinstance(n, str) for n in names or []):
        raise InputError(f"future_features must be a list of column names. Received: {names!r}")
    names = list(names or [])
    if len(set(names)) != len(names):
        raise InputError(f"future features are listed twice: {names}.")
    missing = [n for n in names if n not in features]
    if missing:
        raise InputError(
            f"future feature(s) {missing} are not columns the data was loaded with (features: "
            f"{list(features)}); load them as features too (--future-features adds them)."
        )
    return names


def with_future_features(
    features: Sequence[str] | None, future_features: Sequence[str] | None
) -> list[str] | None:
    """The columns to load: `features` and the `future_features` not among them.

    Example:
    >>> with_future_features(["volume"], ["price"])
    ['volume', 'price']
    """
    loaded = list(features or [])
    loaded += [f for f in future_features or [] if f not in loaded]
    return loaded or None


def past_only(panel: Panel, names: Sequence[str]) -> Panel:
    """`panel` whose series' `features` are only the past-only ones (the known ones removed);
    the frames keep every column, so the known values stay at hand."""
    if not names:
        return panel
    past = [f for f in panel.features if f not in names]
    series = {
        sid: dataclasses.replace(s, features=[f for f in s.features if f not in names])
        for sid, s in panel.series.items()
    }
    return dataclasses.replace(panel, series=series, features=past)


def check_country(country: str | None) -> str | None:
    """The `holidays` country code (e.g. `"US"`, `"GB"`, `"DE"`), or None for none.

    Raises:
        InputError: for a country the `holidays` package does not know.

    Example:
    >>> check_country("us")
    'US'
    """
    if country is None or country == "none":
        return None
    import holidays  # only when asked: it reads its country tables on import

    code = str(country).upper()
    if code not in holidays.list_supported_countries():
        raise InputError(
            f"unknown holiday country {country!r}; give a country code the holidays package "
            "knows, such as US, GB, DE, FR or JP. Received: holidays="
            f"{_short(repr(country))}"
        )
    return code


def holiday_flags(index: pd.Index, freq: str | None, country: str) -> np.ndarray:
    """`(len(index), 1)`: 1.0 where the step's date is a public holiday of `country`, else 0.

    Raises:
        InputError: for step numbers or steps longer than a day (a week or a month is
            not one date).

    Example:
    >>> index = pd.date_range("2024-12-24", periods=3, freq="D")
    >>> holiday_flags(index, "D", "US")[:, 0].tolist()
    [0.0, 1.0, 0.0]
    """
    import holidays

    base = "".join(ch for ch in str(freq or "") if ch.isalpha())
    if not isinstance(index, pd.DatetimeIndex) or base not in _DAILY_OR_FINER:
        raise InputError(
            f"holiday flags need daily or finer timestamps; this series has frequency {freq!r}. "
            "Leave out --holidays."
        )
    local = index.tz_localize(None) if index.tz is not None else index
    dates = local.normalize()
    years = range(int(dates.year.min()), int(dates.year.max()) + 1)
    days = pd.DatetimeIndex(list(holidays.country_holidays(country, years=years)))
    return dates.isin(days).astype(np.float64)[:, None]


def future_rows(
    future: pd.DataFrame | None,
    names: Sequence[str],
    index: pd.Index,
    freq: str | None,
    horizon: int,
    label: str = "",
) -> np.ndarray:
    """The known columns' values at the `horizon` steps after `index`, `(horizon, k)`.

    With timestamps, `future` is indexed by time and must hold every forecast
    step (rows before or after them are ignored, so the full file with the
    future rows appended serves); with step numbers, its first `horizon` rows are used.

    Raises:
        InputError: when `future` is missing, lacks a column or a step, or holds a
            missing or non-finite value; the message says what to give.

    Example:
    >>> index = pd.date_range("2024-01-01", periods=3, freq="D")
    >>> plan = pd.DataFrame({"price": [1.0, 2.0]}, index=future_index(index[-1], "D", 2))
    >>> future_rows(plan, ["price"], index, "D", 2)[:, 0].tolist()
    [1.0, 2.0]
    """
    where = f" of {label}" if label else ""
    if future is None:
        raise InputError(
            f"the model takes {list(names)} as known in advance: give their values{where} for "
            f"the {horizon} forecast steps (--future FILE, or forecast(..., future=frame))."
        )
    if isinstance(future, pd.Series):
        future = future.to_frame()
    if not isinstance(future, pd.DataFrame):
        raise InputError(
            "future values must be a pandas DataFrame indexed by time. "
            f"Received: {type(future).__name__}"
        )
    missing = [n for n in names if n not in future.columns]
    if missing:
        raise InputError(
            f"the future values{where} lack column(s) {missing} that the model takes known in "
            f"advance; they have {_short(str(list(future.columns)))}."
        )
    if isinstance(index, pd.DatetimeIndex):
        if not isinstance(future.index, pd.DatetimeIndex):
            raise InputError(
                f"the future values{where} need timestamps like the data's (a time column); "
                f"they are indexed by {type(future.index).__name__}."
            )
        if future.index.has_duplicates:
            first = future.index[future.index.duplicated()][0]
            raise InputError(f"the future values{where} repeat the timestamp {first}.")
        steps = future_index(index[-1], freq, horizon)
        there = steps.isin(future.index)
        if not there.all():
            raise InputError(
                f"the future values{where} cover {int(there.sum())} of the {horizon} forecast "
                f"steps (first missing: {_stamp(steps[~there][0])}); give a row for every step "
                f"from {_stamp(steps[0])} to {_stamp(steps[-1])}."
            )
        rows = future.loc[steps, list(names)]
    else:
        if len(future) < horizon:
            raise InputError(
                f"the future values{where} have {len(future)} row(s); the forecast needs "
                f"{horizon}, one per step."
            )
        rows = future[list(names)].iloc[:horizon]
    try:
        values = rows.to_numpy(np.float64)
    except (TypeError, ValueError):
        raise InputError(f"the future values{where} of {list(names)} must be numbers.") from None
    bad = ~np.isfinite(values)
    if bad.any():
        step, column = np.argwhere(bad)[0]
        raise InputError(
            f"the future value{where} of {names[column]!r} at {_stamp(rows.index[step])} is "
            "missing or "
            "not finite; give a number for every step."
        )
    return values


def fit_known(
    panel: Panel, names: Sequence[str], calendar: Sequence[int], country: str | None
) -> dict[str, np.ndarray] | None:
    """`known_inputs` of every series of `panel` at fit time (`(rows + 1, k)` each), or None."""
    if not (names or calendar or country):
        return None
    return {
        sid: known_inputs(
            s.frame, s.freq, names, calendar, country, label=panel.label(sid), zone=s.timezone
        )
        for sid, s in panel.series.items()
    }


def known_inputs(
    frame: pd.DataFrame,
    freq: str | None,
    names: Sequence[str] = (),
    calendar: Sequence[int] = (),
    country: str | None = None,
    horizon: int = 0,
    future: pd.DataFrame | None = None,
    label: str = "",
    zone: str | None = None,
) -> np.ndarray | None:
    """The known-in-advance values of `frame`'s rows, the `horizon` steps after and one more:
    `(rows + horizon + 1, k)`, the user's columns `names`, then the calendar's Fourier terms
    of `calendar`'s seasons, then the holiday flag of `country`; None when there are none.

    Args:
        frame: the observed rows, indexed by time (or step numbers), holding `names`.
        freq: the series' frequency.
        names: the user's known-in-advance columns.
        calendar: seasons with calendar features (`tsconv.data.covariates`).
        country: the `holidays` country, or None.
        horizon: forecast steps (0 when fitting: only the step after the rows).
        future: the user columns' values at the forecast steps (see `future_rows`).
        label: the series, for messages.
        zone: the time zone whose wall clock the calendar and holiday dates follow
            when the index is UTC (`Series.timezone`), or None.

    Example:
    >>> frame = pd.DataFrame({"y": np.ones(5), "price": np.arange(5.0)})
    >>> known_inputs(frame, None, ["price"], (4,)).shape  # 5 rows + 1; price + 3 terms
    (6, 4)
    """
    parts = []
    if names:
        observed = frame[list(names)].to_numpy(np.float64)
        ahead = future_rows(future, names, frame.index, freq, horizon, label) if horizon else None
        tail = observed if ahead is None else np.vstack([observed, ahead])
        parts.append(np.vstack([tail, tail[-1:]]))  # the row after: never read
    if calendar:
        parts.append(calendar_known(frame.index, freq, calendar, horizon, zone))
    if country:
        check_regular(frame.index, freq)
        stamps = frame.index.append(future_index(frame.index[-1], freq, horizon + 1))
        parts.append(holiday_flags(local_index(stamps, zone), freq, country))
    return np.column_stack(parts) if parts else None


def _stamp(when) -> str:
    """A timestamp as a message shows it: the date alone at midnight."""
    if isinstance(when, pd.Timestamp) and when == when.normalize():
        return when.strftime("%Y-%m-%d")
    return str(when)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
