"""CSV → `Series`: find the time column, pick the target, validate, fill gaps.

Every problem a user can fix raises `InputError` with a one-line message that
names the column and the file line (header = line 1) and says what to do.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tsconv.data.columns import (
    MAX_MAGNITUDE,
    check_features,
    handle_missing,
    pick_target,
    reject_duplicates,
    to_numbers,
)
from tsconv.data.dates import (
    combine_time_parts,
    find_time_column,
    parse_times,
    time_zone,
    unused_dates,
)
from tsconv.data.gaps import settle_frequency
from tsconv.data.reading import CSVFormat, read_rows
from tsconv.errors import InputError

logger = logging.getLogger(__name__)


@dataclass
class Series:
    """A validated time series: a target column plus optional feature columns.

    Attributes:
        frame: `pd.DataFrame` indexed by time (a `DatetimeIndex`, or a
            `RangeIndex` of step numbers when the file has no time column),
            with the target first, then the features, all float64 and finite.
        target: name of the column to forecast.
        features: names of extra input columns.
        time_column: name of the time column, or None.
        freq: pandas frequency string (e.g. `"B"`, `"MS"`), or None for step numbers.
        regular: False when the spacing of timestamps varies beyond the frequency.
        source: where the data came from (a path), for the run's record.
        timezone: for times written with offsets (the index is then UTC), the zone
            whose wall clock calendar features and holiday dates use
            (`tsconv.data.dates.time_zone`); None: the index as it is.

    Example:
    >>> s = load_csv("datasets/msft.csv")
    >>> s.columns, s.values.shape
    (['Close'], (7983, 1))
    """

    frame: pd.DataFrame
    target: str
    features: list[str] = field(default_factory=list)
    time_column: str | None = None
    freq: str | None = None
    regular: bool = True
    source: str = ""
    timezone: str | None = None

    @property
    def columns(self) -> list[str]:
        """Target then features: the channel order the models see."""
        return [self.target, *self.features]

    @property
    def values(self) -> np.ndarray:
        """`(rows, channels)` float64 array in `columns` order."""
        return self.frame[self.columns].to_numpy(dtype=np.float64)

    @property
    def index(self) -> pd.Index:
        return self.frame.index

    def __len__(self) -> int:
        return len(self.frame)


def load_csv(
    path: str | os.PathLike | pd.DataFrame | pd.Series | np.ndarray,
    target: str | None = None,
    features: list[str] | None = None,
    time_column: str | None = None,
    fill: str | None = None,
    csv_format: CSVFormat | None = None,
) -> Series:
    """Reads a CSV file into a validated `Series`.

    Args:
        path: CSV file with a header row (or a file object); or the same data in
            memory: a pandas `DataFrame` (a `DatetimeIndex` is its time column), a
            `Series` with a `DatetimeIndex`, or a NumPy array of steps (see
            `tsconv.data.reading.read_rows`). All go through the same checks.
        target: column to forecast. Default: `Adj Close` or `Close` when
            present (price files), otherwise the only numeric column.
        features: extra numeric columns used as model inputs.
        time_column: name of the time column. Default: a column named like
            `date`/`time`/`timestamp`, else the first text column whose
            values all parse as dates. Without one, rows are numbered steps.
        fill: what to do with missing or non-finite values in the used
            columns: `"ffill"`, `"interpolate"` (linear) or `"drop"`.
            Default None: refuse them with an error that says where they are.
            `"ffill"` and `"interpolate"` also add the timestamps missing from
            a regular frequency and fill them; without them a gap longer than
            `tsconv.data.gaps.max_bridged_steps` is refused (see `tsconv.data.gaps`).
        csv_format: the separator, decimal mark and date order (`CSVFormat`);
            default: found in the file (`;` with `23,11`, day-first dates, …).

    Returns:
        A `Series`, sorted by time, with its frequency inferred.

    Raises:
        InputError: for a missing, empty or unreadable file, a missing or
            non-numeric column, unparseable or duplicate timestamps, or
            missing values without `fill`.

    Example:
    >>> s = load_csv("datasets/msft.csv")
    >>> s.target, s.freq, s.values.shape
    ('Close', 'B', (7983, 1))
    """
    if isinstance(path, np.ndarray) and target is None:  # the first column, then the rest
        target = "value"
        if features is None and path.ndim == 2:
            features = [f"x{i}" for i in range(1, path.shape[1])]
    raw, path = read_rows(path, csv_format)  # `path` names the source in messages from here
    raw = combine_time_parts(raw, time_column)
    columns = list(raw.columns)
    time_column = find_time_column(raw, time_column)
    stamps = parse_times(raw, time_column, csv_format) if time_column else None
    zone = time_zone(raw, time_column, csv_format) if time_column else None
    for name in unused_dates(raw, time_column)[:3]:
        logger.warning(
            "column %r holds dates but is not the time column (%s); --time-column %s uses it",
            name,
            repr(time_column) if time_column else "the rows are numbered steps",
            name,
        )
    target = pick_target(raw, target, time_column, features or ())
    features = check_features(raw, features or [], target, time_column)

    used = [target, *features]
    frame = pd.DataFrame({name: to_numbers(raw[name], name) for name in used})
    frame = handle_missing(frame, stamps, fill)
    if stamps is not None:
        stamps = stamps.loc[frame.index]
        reject_duplicates(stamps)
        frame.index = pd.DatetimeIndex(stamps.to_numpy(), name=time_column)
        if not frame.index.is_monotonic_increasing:
            logger.info("rows were not in time order; sorted them by %r", time_column)
            frame = frame.sort_index(kind="stable")
    else:
        frame = frame.reset_index(drop=True)
        frame.index.name = "step"
    if len(frame) < 2:
        raise InputError(f"{path}: needs at least 2 rows of data, found {len(frame)}.")

    frame, freq, regular = settle_frequency(frame, fill, str(path))
    logger.info(
        "loaded %s: %d rows, target %r, features %s, columns %s",
        path,
        len(frame),
        target,
        features,
        columns,
    )
    return Series(
        frame=frame,
        target=target,
        features=features,
        time_column=time_column,
        freq=freq,
        regular=regular,
        source=str(path),
        timezone=zone,
    )


def check_series(series: Series) -> Series:
    """Returns `series`; raises `InputError` when its rows are out of time order, repeat a
    timestamp, or hold missing or infinite values (a `Series` built by hand skips
    `load_csv`'s checks; these would forecast from the wrong end or stop the solver)."""
    index = series.frame.index
    if not (index.is_monotonic_increasing and index.is_unique):
        raise InputError(
            "the Series' rows are not in time order or repeat a timestamp; build it with "
            "tsconv.load_csv (which sorts them and refuses duplicates)."
        )
    values = series.values
    if np.any(np.abs(values[np.isfinite(values)]) > MAX_MAGNITUDE):
        raise InputError(
            f"the Series holds values above {MAX_MAGNITUDE:.0e}, too large to compute with; "
            "rescale it and fit again."
        )
    bad = ~np.isfinite(values).all(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"the Series holds missing or infinite values (first at row {row}, {index[row]}); "
            "fill them, or build it with tsconv.load_csv(..., fill='ffill')."
        )
    return series


def describe_span(index: pd.Index) -> str:
    """`"2014-09-19 … 2017-11-10"` for dates, `"step 10 … 99"` for step numbers."""
    if len(index) == 0:
        return "empty"
    first, last = index[0], index[-1]
    if isinstance(index, pd.DatetimeIndex):
        fmt = "%Y-%m-%d" if (index == index.normalize()).all() else "%Y-%m-%d %H:%M:%S"
        return f"{first.strftime(fmt)} … {last.strftime(fmt)}"
    return f"step {first} … {last}"
