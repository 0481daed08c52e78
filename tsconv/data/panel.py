"""CSV → `Panel`: many series in one file, long format (an id column) or wide.

Long format has a time column, an id column and a value column (plus
optional feature columns): `timestamp, series_id, value`. Wide format has a
time column and one numeric column per series. Each series becomes a
`Series` of its own, with its own start, end and frequency.

Errors name the file line (header = line 1), as `tsconv.data` does: checks
run on the whole file before it is split into series.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tsconv.data.columns import (
    check_features,
    file_line,
    handle_missing,
    pick_target,
    stamp,
    to_numbers,
)
from tsconv.data.dates import combine_time_parts, find_time_column, parse_times, time_zone
from tsconv.data.gaps import settle_frequency
from tsconv.data.reading import CSVFormat, read_rows, sniff_format
from tsconv.data.series import Series, load_csv
from tsconv.errors import InputError, listed, quoted

logger = logging.getLogger(__name__)

ID_COLUMN_NAMES = ("series_id", "unique_id", "id", "symbol", "ticker")


@dataclass
class Panel:
    """Several series of one kind (or one series on its own): what a `Forecaster` fits.

    Attributes:
        series: `Series` by id (as text), in the order of first appearance.
        id_column: the column that names the series (long format), the name
            the forecast file gives it (wide format: `"series_id"`), or None
            for one series on its own.
        target: name of the value column every series shares.
        features: feature columns every series shares.
        time_column: the time column, or None for numbered steps.
        layout: `"long"` or `"wide"` (a many-series file), or `"single"`
            (one series, see `as_panel`).
        source: the file.

    Example:
    >>> panel = load_panel_csv("datasets/us_macro_long.csv")
    >>> len(panel), panel.id_column
    (10, 'series_id')
    """

    series: dict[str, Series]
    id_column: str | None
    target: str
    features: list[str]
    time_column: str | None
    layout: str
    source: str

    def __len__(self) -> int:
        return len(self.series)

    @property
    def many(self) -> bool:
        """Whether this is a many-series panel (long or wide), not one series on its own."""
        return self.layout != SINGLE

    def label(self, sid: str) -> str:
        """How messages name series `sid`: `"series 'cpi'"`, or `"the series"` for one alone."""
        return f"series {sid!r}" if self.many else "the series"

    def replace(self, series: dict[str, Series]) -> Panel:
        """The same panel holding `series` instead (e.g. each cut at a backtest origin)."""
        return dataclasses.replace(self, series=series)


# The layout of a `Panel` that wraps one `Series` (see `as_panel`).
SINGLE = "single"


def as_panel(data: Series | Panel) -> Panel:
    """`data` as a `Panel`: a panel as it is, a `Series` as a panel of one (`layout="single"`).

    Its id is the target's name.

    Raises:
        InputError: for anything else.

    Example:
    >>> as_panel(load_csv("datasets/msft.csv")).layout, list(_.series)
    ('single', ['Close'])
    """
    if isinstance(data, Panel):
        return data
    if isinstance(data, Series):
        return Panel(
            {data.target: data},
            None,
            data.target,
            list(data.features),
            data.time_column,
            SINGLE,
            data.source,
        )
    raise InputError(
        "give a tsconv.Series (tsconv.load_csv) or a tsconv.Panel (tsconv.load_panel_csv). "
        f"Received: {type(data).__name__}"
    )


def long_format(frames: dict[str, pd.DataFrame], id_column: str) -> pd.DataFrame:
    """Per-series frames → one long frame, the id as its first column (the index kept).

    Example:
    >>> long_format({"a": a_frame, "b": b_frame}, "series_id").columns[0]
    'series_id'
    """
    parts = [frame.assign(**{id_column: sid}) for sid, frame in frames.items()]
    joined = pd.concat(parts)
    return joined[[id_column, *[c for c in joined.columns if c != id_column]]]


def find_id_column(columns: list[str], requested: str | None = None) -> str | None:
    """The id column: `requested`, else the first named like one of `ID_COLUMN_NAMES`.

    Raises:
        InputError: when `requested` is not a column.
    """
    if requested is not None:
        if requested not in columns:
            raise InputError(
                f"id column {quoted(requested)} not found; the file has columns {listed(columns)}. "
                "Choose one with --id-column."
            )
        return requested
    by_lower = {c.lower(): c for c in columns}
    for name in ID_COLUMN_NAMES:
        if name in by_lower:
            return by_lower[name]
    return None


def has_id_column(path, csv_format: CSVFormat | None = None) -> bool:
    """Whether the CSV's header has a column named like an id (a long-format panel)."""
    if isinstance(path, pd.DataFrame):
        return find_id_column([str(c).strip() for c in path.columns]) is not None
    if not isinstance(path, (str, os.PathLike)):
        return False  # a Series, an array or a file object: one series
    try:
        sep, _ = sniff_format(path, csv_format or CSVFormat())
        header = pd.read_csv(path, sep=sep, nrows=0, skipinitialspace=True)
    except (OSError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError, InputError):
        return False  # load_csv reports the problem
    return find_id_column([str(c).strip() for c in header.columns]) is not None


def load_series_or_panel(
    path: str | os.PathLike,
    id_column: str | None = None,
    wide: bool = False,
    target: str | None = None,
    features: list[str] | None = None,
    time_column: str | None = None,
    fill: str | None = None,
    csv_format: CSVFormat | None = None,
) -> Series | Panel:
    """A CSV of one series (`load_csv`) or of many (`load_panel_csv`), whichever it holds.

    Many series: `wide=True`, an `id_column` given, or a column named like an id.

    Example:
    >>> type(load_series_or_panel("datasets/us_macro_long.csv")).__name__
    'Panel'
    """
    if wide or id_column is not None or has_id_column(path, csv_format):
        return load_panel_csv(
            path, id_column, wide, target, features, time_column, fill, csv_format
        )
    return load_csv(path, target, features, time_column, fill, csv_format)


def load_panel_csv(
    path: str | os.PathLike,
    id_column: str | None = None,
    wide: bool = False,
    target: str | None = None,
    features: list[str] | None = None,
    time_column: str | None = None,
    fill: str | None = None,
    csv_format: CSVFormat | None = None,
) -> Panel:
    """Reads a long-format or wide CSV of many series into a `Panel`.

    Args:
        path: CSV file with a header row.
        id_column: long format: the column naming each row's series. Default:
            found by name (`series_id`, `unique_id`, `id`, `symbol`, `ticker`).
        wide: the file has one numeric column per series instead (leading
            and trailing blanks are a series' later start or earlier end).
        target: long format: the value column (default: the only numeric
            column besides the id and features).
        features: long format: extra input columns.
        time_column, fill, csv_format: as `tsconv.load_csv`; `fill` applies within
            each series.

    Returns:
        A `Panel`.

    Raises:
        InputError: for a missing id column, duplicate (id, time) rows, text
            in number columns, missing values without `fill`, and the other
            problems `tsconv.load_csv` reports.

    Example:
    >>> panel = load_panel_csv("datasets/us_macro_long.csv")
    >>> len(panel), panel.id_column, panel.target, len(panel.series["cpi"])
    (10, 'series_id', 'value', 203)
    """
    raw, path = read_rows(path, csv_format)  # `path` names the source in messages from here
    raw = combine_time_parts(raw, time_column)
    if wide:
        return _wide(raw, path, time_column, fill, csv_format)
    id_column = find_id_column(list(raw.columns), id_column)
    if id_column is None:
        raise InputError(
            f"{path} has no id column (named like {', '.join(ID_COLUMN_NAMES)}); name it "
            "with --id-column, or use --wide for one column per series."
        )
    if raw[id_column].isna().any():
        row = int(np.flatnonzero(raw[id_column].isna().to_numpy())[0])
        raise InputError(
            f"id column {id_column!r} is empty at line {file_line(raw, row)}; fill it in."
        )
    ids = raw[id_column].astype(str)
    rest = raw.drop(columns=[id_column])
    time_column = find_time_column(rest, time_column)
    stamps = parse_times(rest, time_column, csv_format) if time_column else None
    zone = time_zone(rest, time_column, csv_format) if time_column else None
    target = pick_target(rest, target, time_column, features or ())
    features = check_features(rest, features or [], target, time_column)
    used = [target, *features]
    numbers = pd.DataFrame({name: to_numbers(rest[name], name) for name in used})
    if fill is None:
        handle_missing(numbers, stamps, None)  # raises, naming the file lines
    if stamps is not None:
        _reject_duplicate_pairs(ids, stamps, id_column)
    series = {}
    for sid, rows in ids.groupby(ids, sort=False).groups.items():
        frame = numbers.loc[rows]
        when = stamps.loc[rows] if stamps is not None else None
        series[str(sid)] = _one_series(
            frame, when, target, features, time_column, fill, path, sid, zone
        )
    _log(path, series, "long")
    return Panel(series, id_column, target, features, time_column, "long", str(path))


def _wide(raw: pd.DataFrame, path, time_column, fill, csv_format) -> Panel:
    time_column = find_time_column(raw, time_column)
    stamps = parse_times(raw, time_column, csv_format) if time_column else None
    zone = time_zone(raw, time_column, csv_format) if time_column else None
    names = [c for c in raw.columns if c != time_column]
    if not names:
        raise InputError(f"{path} has no series columns besides the time column.")
    if stamps is not None:
        duplicated = stamps.duplicated()
        if duplicated.any():
            row = int(np.flatnonzero(duplicated.to_numpy())[0])
            raise InputError(
                f"time column {time_column!r} has duplicate timestamp "
                f"{stamp(stamps.iloc[row])} at line {file_line(stamps, row)}; a wide file has one "
                "row per timestamp."
            )
    series = {}
    for name in names:
        values = to_numbers(raw[name], name)
        present = np.flatnonzero(np.isfinite(values.to_numpy()))
        if len(present) == 0:
            raise InputError(f"series column {name!r} has no numbers; remove it.")
        # A later start or an earlier end is not missing data: trim the blank ends.
        span = values.index[present[0] : present[-1] + 1]
        frame = pd.DataFrame({"value": values.loc[span]})  # one target name for all
        when = stamps.loc[span] if stamps is not None else None
        if fill is None:
            bad = ~np.isfinite(frame["value"].to_numpy())
            if bad.any():
                line = int(span[np.flatnonzero(bad)[0]])  # rows are labelled by file line
                raise InputError(
                    f"series column {name!r} has a missing value at line {line} "
                    f"({int(bad.sum())} in all). Choose --fill ffill, --fill interpolate or "
                    "--fill drop."
                )
        series[str(name)] = _one_series(
            frame, when, "value", [], time_column, fill, path, name, zone
        )
    _log(path, series, "wide")
    return Panel(series, "series_id", "value", [], time_column, "wide", str(path))


def _one_series(frame, when, target, features, time_column, fill, path, name, zone=None) -> Series:
    """One series' rows (file order) → a `Series` sorted by time, gaps filled."""
    frame = handle_missing(frame, when, fill)
    if when is not None:
        frame.index = pd.DatetimeIndex(when.loc[frame.index].to_numpy(), name=time_column)
        frame = frame.sort_index(kind="stable")
    else:
        frame = frame.reset_index(drop=True)
        frame.index.name = "step"
    if len(frame) >= 2:
        frame, freq, regular = settle_frequency(frame, fill, f"{path}, series {name!r}")
    else:
        freq, regular = None, True
    return Series(frame, target, list(features), time_column, freq, regular, str(path), zone)


def _reject_duplicate_pairs(ids: pd.Series, stamps: pd.Series, id_column: str) -> None:
    duplicated = pd.DataFrame({"id": ids, "t": stamps}).duplicated()
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise InputError(
            f"duplicate row for {id_column} {ids.iloc[row]!r} at {stamp(stamps.iloc[row])} "
            f"(line {file_line(ids, row)}); keep one row per series and timestamp."
        )


def _log(path, series: dict[str, Series], layout: str) -> None:
    lengths = [len(s) for s in series.values()]
    logger.info(
        "loaded %s (%s format): %d series, %d to %d rows each",
        path,
        layout,
        len(series),
        min(lengths),
        max(lengths),
    )
