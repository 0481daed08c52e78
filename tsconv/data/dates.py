"""The time column: found by name or by parsing, and read with one format for every row.

A column that shows it is day-first is read day-first throughout, one whose
dates read both ways is refused until told, and one that changes format part
way is refused naming both lines (see `parse_times`).
"""

from __future__ import annotations

import datetime
import logging
import re
import warnings
import zoneinfo

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

from tsconv.data.columns import file_line, is_numeric
from tsconv.data.reading import CSVFormat
from tsconv.errors import InputError, listed, quoted

TIME_COLUMN_NAMES = ("date", "datetime", "time", "timestamp", "ds")
# A UTC offset at the end of a date-time: `Z`, `+02:00`, `-0500`.
OFFSET = r"(Z|[+-]\d{2}:?\d{2})$"

logger = logging.getLogger(__name__)


YEAR_NAMES = ("year", "yr")
PART_NAMES = {"month": ("month", "mon"), "quarter": ("quarter", "qtr")}


def combine_time_parts(raw: pd.DataFrame, requested: str | None) -> pd.DataFrame:
    """Rows whose time is a year column (`1700`, `1700.0`), alone or with a month or a
    quarter column, get one `date` column in their place (year, month or quarter starts).

    Left as they are when `requested` names another time column, when no column is
    requested and one is named like one (`date`, `time`, …), or when the years are not
    whole numbers. A requested year column keeps its name.

    Example:
    >>> rows = pd.DataFrame({"year": [1959, 1959], "quarter": [1, 2], "gdp": [1.0, 2.0]})
    >>> combine_time_parts(rows, None)["date"].dt.strftime("%Y-%m-%d").tolist()
    ['1959-01-01', '1959-04-01']
    """
    lower = {name.lower(): name for name in raw.columns}
    year = next((lower[n] for n in YEAR_NAMES if n in lower), None)
    named = any(n in lower for n in TIME_COLUMN_NAMES)
    if year is None or (requested not in (None, year)) or (requested is None and named):
        return raw
    years = pd.to_numeric(raw[year], errors="coerce")
    if (
        years.isna().any()
        or not np.all(years == np.round(years))
        or not years.between(1, 9999).all()
    ):
        return raw
    parts = {"year": years.astype(int)}
    used = [year]
    for part, names in PART_NAMES.items():
        column = next((lower[n] for n in names if n in lower), None)
        values = pd.to_numeric(raw[column], errors="coerce") if column else None
        top = 12 if part == "month" else 4
        if values is not None and values.notna().all() and values.between(1, top).all():
            parts[part] = values.astype(int)
            used.append(column)
            break
    if "month" in parts:
        stamps = pd.to_datetime(pd.DataFrame({**parts, "day": 1}))
    elif "quarter" in parts:
        stamps = pd.to_datetime(
            pd.DataFrame({"year": parts["year"], "month": 3 * parts["quarter"] - 2, "day": 1})
        )
    else:
        stamps = pd.to_datetime(pd.DataFrame({"year": parts["year"], "month": 1, "day": 1}))
    label = requested or "date"
    logger.info("read column(s) %s as the time column %r", ", ".join(map(repr, used)), label)
    rows = raw.drop(columns=used)
    rows.insert(0, label, stamps.to_numpy())
    return rows


def find_time_column(raw: pd.DataFrame, requested: str | None) -> str | None:
    if requested is not None:
        if requested not in raw.columns:
            raise InputError(
                f"time column {quoted(requested)} not found; the file has columns "
                f"{listed(raw.columns)}."
            )
        return requested
    for name in raw.columns:
        if name.lower() in TIME_COLUMN_NAMES:
            return name
    for name in raw.columns:
        column = raw[name]
        if is_numeric(column):
            continue
        parsed = try_dates(column)
        if parsed is not None and parsed.notna().all():
            return name
    return None


def try_dates(column: pd.Series) -> pd.Series | None:
    """The column as dates where each value reads as one (offsets such as `+02:00` and
    `+01:00` across a daylight-saving change, to UTC), or None when it does not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return pd.to_datetime(column, errors="coerce", format="mixed", utc=True)
    except (ValueError, TypeError, OverflowError):
        return None


def unused_dates(raw: pd.DataFrame, time_column: str | None) -> list[str]:
    """Text columns other than the time column whose every value reads as a date.

    A file whose dates sit in a column not named like one used to be read as step
    numbers without a word; the loader warns with these names.
    """
    found = []
    for name in raw.columns:
        column = raw[name]
        if name == time_column or is_numeric(column) or column.isna().all():
            continue
        parsed = try_dates(column.dropna().head(200))
        if parsed is not None and parsed.notna().all():
            found.append(name)
    return found


def parse_times(raw: pd.DataFrame, name: str, csv_format: CSVFormat | None = None) -> pd.Series:
    """The time column as timestamps, every row read with one format.

    The format is `csv_format.date_format`, else the one pandas infers from the
    first date (day-first when `csv_format.dayfirst` says so or the column shows
    it); a column whose rows follow different formats, or whose day and month
    read either way round, is refused with the line and the fix. Offsets such as
    `+02:00` are converted to UTC.

    Raises:
        InputError: for a value that is not a date, mixed formats, ambiguous
            day/month order, or rows that do not match `date_format`.
    """
    csv_format = csv_format or CSVFormat()
    column = raw[name]
    if pd.api.types.is_datetime64_any_dtype(column):  # a DataFrame's dates, or year columns
        if column.isna().any():
            row = int(np.flatnonzero(column.isna().to_numpy())[0])
            raise InputError(
                f"time column {name!r} has a missing time (NaT) in row {row}; give every row "
                "its time, or drop those rows."
            )
        tz = getattr(column.dt, "tz", None)
        return column.dt.tz_convert(None) if tz is not None else column
    text = column.astype("string") if is_numeric(column) else column
    present = text.dropna()
    fmt = csv_format.date_format
    if fmt is None and len(present):
        fmt = _inferred_format(str(present.iloc[0]), csv_format.dayfirst)
    if fmt is None:  # no single format (month names, …): each value as pandas reads it
        parsed = try_dates(text)
        if parsed is None:
            raise InputError(f"time column {name!r} could not be parsed as dates.")
    else:
        parsed = _with_format(text, fmt)
        swapped = _day_month_swapped(fmt)
        if csv_format.date_format is None and _unparsed(parsed, text).any():
            if swapped and csv_format.dayfirst is None:
                other = _with_format(text, swapped)  # 29/03 after 05/04: the column is day-first
                if not _unparsed(other, text).any():
                    fmt, parsed, swapped = swapped, other, None
            if fmt.startswith("%Y-") and _unparsed(parsed, text).any():
                iso = _with_format(text, "ISO8601")  # dates and date-times, all ISO
                if not _unparsed(iso, text).any():
                    parsed = iso
            bad = _unparsed(parsed, text)
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                first = int(np.flatnonzero(text.notna().to_numpy())[0])
                value = text.iloc[row]
                if _date_shape(value) != _date_shape(text.iloc[first]) and _is_a_date(value):
                    raise InputError(
                        f"time column {name!r} mixes date formats: line "
                        f"{file_line(column, first)} has {quoted(text.iloc[first])} but line "
                        f"{file_line(column, row)} has {quoted(text.iloc[row])}. Write every date "
                        "one way, or give --date-format."
                    )
        free = csv_format.dayfirst is None and csv_format.date_format is None
        if swapped and free and not _unparsed(_with_format(text, swapped), text).any():
            raise InputError(
                f"time column {name!r} has dates like {quoted(present.iloc[0])} that read "
                "day-first or month-first alike; give --dayfirst or --monthfirst "
                "(or --date-format)."
            )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    blank = text.isna()
    if blank.any():  # a row without a time would sort to the end as NaT
        row = int(np.flatnonzero(blank.to_numpy())[0])
        raise InputError(
            f"time column {name!r} is blank at line {file_line(column, row)}"
            f"{f' and {int(blank.sum()) - 1} more row(s)' if blank.sum() > 1 else ''}; "
            "give every row its date, or remove those rows."
        )
    bad = _unparsed(parsed, text)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        expected = f" (--date-format {fmt})" if csv_format.date_format else ""
        value = _cell(column.iloc[row])
        if bad.all():  # no row to fix: the column is not dates (or not in this format)
            advice = (
                "give the format its dates follow, e.g. --date-format %d.%m.%Y"
                if csv_format.date_format
                else "name the time column with --time-column, or give --date-format"
            )
            raise InputError(
                f"time column {name!r} holds no dates{expected} (line {file_line(column, row)}: "
                f"{value!r}); {advice}."
            )
        raise InputError(
            f"time column {name!r} has a value that is not a date{expected} at line "
            f"{file_line(column, row)}: {value!r}. Fix or remove that row."
        )
    return parsed


def _inferred_format(first: str, dayfirst: bool | None) -> str | None:
    with warnings.catch_warnings():  # "Parsing dates in %d/%m/%Y format when dayfirst=False"
        warnings.simplefilter("ignore", UserWarning)
        fmt = guess_datetime_format(first)
    if fmt is not None and dayfirst and _day_month_swapped(fmt) and fmt.startswith("%m"):
        fmt = _day_month_swapped(fmt)
    if fmt is not None and dayfirst is False and fmt.startswith("%d"):
        fmt = _day_month_swapped(fmt)  # May 4 even where 04 could not be a month
    return fmt


def _day_month_swapped(fmt: str) -> str | None:
    """The format with day and month exchanged, when it starts with one of them."""
    if not (fmt.startswith("%d") or fmt.startswith("%m")) or "%d" not in fmt or "%m" not in fmt:
        return None
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def _with_format(text: pd.Series, fmt: str) -> pd.Series:
    utc = "%z" in fmt or fmt == "ISO8601"
    try:
        return pd.to_datetime(text, format=fmt, errors="coerce", utc=utc)
    except (ValueError, TypeError, OverflowError):
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")


def _is_a_date(value) -> bool:
    with warnings.catch_warnings():  # dateutil's guesses on a single value
        warnings.simplefilter("ignore", UserWarning)
        return pd.notna(pd.to_datetime(str(value), errors="coerce", format="mixed"))


def time_zone(raw: pd.DataFrame, name: str, csv_format: CSVFormat | None = None) -> str | None:
    """The zone whose local time the time column's offsets (`+02:00`, `Z`) stand for, or None.

    The index is UTC whenever dates carry offsets (`parse_times`); this names the
    wall clock that calendar features and holiday dates use: `csv_format.timezone`
    (`--timezone Europe/Paris`), else the offset itself when it never changes
    (`+02:00`), else None — UTC, said in the log, since offsets alone do not say
    when the next daylight-saving change falls.

    Example:
    >>> rows = pd.DataFrame({"t": ["2021-03-01T00:00:00+01:00", "2021-03-01T01:00:00+01:00"]})
    >>> time_zone(rows, "t")
    '+01:00'
    """
    given = (csv_format or CSVFormat()).timezone
    column = raw[name]
    if pd.api.types.is_datetime64_any_dtype(column):  # a DataFrame's own zone, if any
        zone = getattr(column.dt, "tz", None)
        return given or (_zone_name(zone) if zone is not None else None)
    text = column.dropna().astype(str).str.strip()
    # One format per column (`parse_times`): the first rows say whether there are offsets,
    # and only then is every row scanned for them (not on each load of a plain file).
    offsets = text.head(100).str.extract(OFFSET)[0]
    if not offsets.isna().all():
        offsets = text.str.extract(OFFSET)[0]
    if len(text) == 0 or offsets.isna().all():
        if given:
            logger.warning(
                "--timezone %s is for times written with offsets (+02:00); column %r has none, "
                "so its times are read as written",
                given,
                name,
            )
        return None
    if given:
        return given
    seen = set(
        offsets.dropna()
        .str.replace("Z", "+00:00")
        .str.replace(r"(\d{2})(\d{2})$", r"\1:\2", regex=True)
    )
    if len(seen) == 1:
        return seen.pop()
    logger.info(
        "column %r changes offset (%s: daylight saving?); times are UTC, and so are calendar "
        "features: --timezone NAME (e.g. Europe/Paris) uses its local time",
        name,
        ", ".join(sorted(seen)[:4]),
    )
    return None


def _zone_name(zone) -> str:
    """A tz object's name as `local_index` reads it: `Europe/Paris`, `UTC` or `+02:00`."""
    key = getattr(zone, "key", None) or getattr(zone, "zone", None)  # zoneinfo, pytz
    if isinstance(key, str):
        return key
    minutes = int(pd.Timestamp("2000-01-01", tz=zone).utcoffset().total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def local_index(index: pd.Index, zone: str | None) -> pd.Index:
    """A UTC index as `zone`'s wall clock (tz-aware), for calendar features; as it is
    when `zone` is None or the index holds step numbers.

    Example:
    >>> utc = pd.DatetimeIndex(["2021-10-31 00:00", "2021-10-31 01:00"])
    >>> local_index(utc, "Europe/Paris").hour.tolist()  # the clock went back at 01:00 UTC
    [2, 2]
    """
    if zone is None or not isinstance(index, pd.DatetimeIndex):
        return index
    fixed = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", zone)
    if fixed:
        minutes = int(fixed[2]) * 60 + int(fixed[3])
        zone = datetime.timezone(
            datetime.timedelta(minutes=-minutes if fixed[1] == "-" else minutes)
        )
    else:
        zone = zoneinfo.ZoneInfo(zone)
    return index.tz_localize("UTC").tz_convert(zone)


def _cell(value) -> str:
    """A cell as the file most likely wrote it (`0`, not `0.0`), at most 80 characters."""
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and value == int(value):
        return str(int(value))[:80]
    return str(value)[:80]


def _unparsed(parsed: pd.Series, text: pd.Series) -> pd.Series:
    return parsed.isna() & text.notna()


def _date_shape(value) -> str:
    """`1958-03-29` → `Y-n-n`, `05.04.1983` → `n.n.Y`: how a date is written."""
    date = re.split(r"[ T](?=\d)", str(value).strip(), maxsplit=1)[0]
    shape = re.sub(r"\d{4}", "Y", date)
    return re.sub(r"[A-Za-z]+", "a", re.sub(r"\d+", "n", shape))
