"""The columns of the rows read: the target, the features, numbers and missing values.

Shared by `load_csv` and `load_panel_csv`, after `tsconv.data.reading` has read
the rows and `tsconv.data.dates` the time column. Each check raises
`InputError` with a one-line message naming the column and the file line
(header = line 1) and saying what to do. Rows keep their file line as their
label from `read_rows` on, so messages stay right after blank lines,
selection and filling.
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from tsconv.errors import InputError, listed, quoted

logger = logging.getLogger(__name__)

PRICE_TARGETS = ("adj close", "adj_close", "adjclose", "adjusted close", "close")
FILL_METHODS = ("ffill", "interpolate", "drop")


def file_line(rows: pd.Series | pd.DataFrame | pd.Index, row: int) -> int:
    """File line (the header is line 1) of the data row at position `row` of `rows`.

    `read_rows` labels every row with its file line, and rows keep their labels
    through selection and filling, so blank lines in the file do not shift it.
    """
    index = rows if isinstance(rows, pd.Index) else rows.index
    return int(index[row])


def is_numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def pick_target(raw: pd.DataFrame, target: str | None, time_column: str | None, features=()) -> str:
    """The target: `target`, else a price column, else the only numeric column that is
    neither the time nor one of the `features`."""
    missing = [f for f in features if f not in raw.columns]
    if missing:  # before guessing a target among the rest: the typo is the problem
        raise InputError(
            f"feature column(s) {listed(missing)} not found; the file has columns "
            f"{listed(raw.columns)}."
        )
    candidates = [c for c in raw.columns if c != time_column and c not in features]
    if target is not None:
        if target not in raw.columns:
            raise InputError(
                f"target column {quoted(target)} not found; the file has columns "
                f"{listed(raw.columns)}. "
                "Choose one with --target."
            )
        if target == time_column:
            raise InputError(f"target column {target!r} is the time column; choose another.")
        return target
    by_lower = {c.lower(): c for c in candidates}
    for name in PRICE_TARGETS:
        if name in by_lower:
            return by_lower[name]
    numeric = [c for c in candidates if is_numeric(raw[c])]
    if not numeric:
        # A numeric column with a few bad cells reads as text; pick it so that the
        # error names the bad line instead of saying there is no numeric column.
        numeric = [c for c in candidates if mostly_numeric(raw[c])]
    if len(numeric) == 1:
        return numeric[0]
    if not numeric:
        raise InputError(
            f"no numeric column to forecast; the file has columns {listed(raw.columns)}. "
            "Give a CSV with a numeric column, or name it with --target."
        )
    raise InputError(
        f"several numeric columns could be the target: {numeric}. Choose one with --target."
    )


THOUSANDS = r"[-+]?\d{1,3}([,.' ]\d{3})+([.,]\d+)?"  # 1,234.5 · 1.234,5 · 1'234 · 12 345


def mostly_numeric(column: pd.Series) -> bool:
    """At least half the cells are numbers, or numbers written with thousands separators."""
    present = column.dropna()
    numbers = pd.to_numeric(present, errors="coerce").notna()
    grouped = present.astype(str).str.strip().str.fullmatch(THOUSANDS)
    return len(present) > 0 and (numbers | grouped).mean() >= 0.5


def check_features(
    raw: pd.DataFrame, features: list[str], target: str, time_column: str | None
) -> list[str]:
    missing = [f for f in features if f not in raw.columns]
    if missing:
        raise InputError(
            f"feature column(s) {listed(missing)} not found; the file has columns "
            f"{listed(raw.columns)}."
        )
    for name in features:
        if name in (target, time_column):
            raise InputError(f"feature {name!r} is the target or time column; list other columns.")
    if len(set(features)) != len(features):
        raise InputError(f"features are listed twice: {features}.")
    return list(features)


# Largest size a value may have: variances square it, and float64 overflows past ~1e308.
MAX_MAGNITUDE = 1e150


def to_numbers(column: pd.Series, name: str) -> pd.Series:
    """Converts a column to float64, naming the first row that holds text or a value too
    large to square (`MAX_MAGNITUDE`: near 1e300 the scaler's variance overflowed)."""
    if is_numeric(column):
        return _sized(column.astype(np.float64), name)
    numbers = pd.to_numeric(column, errors="coerce")
    text = numbers.isna() & column.notna()
    if text.any():
        row = int(np.flatnonzero(text.to_numpy())[0])
        value = str(column.iloc[row])
        cause = "are not numbers. Fix them or choose another column."
        if re.fullmatch(THOUSANDS, value.strip()):
            mark = re.search(r"\d([,.' ])\d{3}", value).group(1)
            cause = (
                f"are not numbers: {mark!r} looks like a thousands separator. Save the file "
                "without it (a plain number format), or give --decimal , when it is a decimal."
            )
        raise InputError(
            f"column {name!r} holds text at line {file_line(column, row)}: {value[:80]!r}; "
            f"{int(text.sum())} row(s) {cause}"
        )
    return _sized(numbers.astype(np.float64), name)


def _sized(numbers: pd.Series, name: str) -> pd.Series:
    values = numbers.to_numpy()
    huge = np.isfinite(values) & (np.abs(values) > MAX_MAGNITUDE)
    if huge.any():
        row = int(np.flatnonzero(huge)[0])
        raise InputError(
            f"column {name!r} holds {values[row]:.3g} at line {file_line(numbers, row)}, too large "
            f"to compute with (above {MAX_MAGNITUDE:.0e}); rescale the column (e.g. divide it by "
            f"{10 ** int(np.log10(np.abs(values[huge]).max())):.0e}) and fit again."
        )
    return numbers


def handle_missing(frame: pd.DataFrame, stamps: pd.Series | None, fill: str | None) -> pd.DataFrame:
    if fill is not None and fill not in FILL_METHODS:
        raise InputError(f"unknown fill method {fill!r}; use one of {list(FILL_METHODS)}.")
    values = frame.to_numpy()
    bad_rows = ~np.isfinite(values).all(axis=1)
    if not bad_rows.any():
        return frame
    count = int(bad_rows.sum())
    if fill is None:
        rows = np.flatnonzero(bad_rows)
        cols = [c for c in frame.columns if not np.isfinite(frame[c].to_numpy()).all()]
        where = ", ".join(describe_row(frame, r, stamps) for r in rows[:3])
        more = f" and {count - 3} more" if count > 3 else ""
        raise InputError(
            f"{count} row(s) have missing or infinite values in column(s) {listed(cols)} "
            f"(at {where}{more}). "
            "Choose --fill ffill, --fill interpolate or --fill drop."
        )
    frame = frame.replace([np.inf, -np.inf], np.nan)
    if fill == "drop":
        frame = frame.dropna()
    elif fill == "ffill":
        frame = frame.ffill().dropna()
    else:
        frame = frame.interpolate(method="linear", limit_direction="both")
    empty = [c for c in frame.columns if not np.isfinite(frame[c].to_numpy()).any()]
    if empty:
        raise InputError(
            f"column(s) {empty} have no finite value to fill from; give a column with numbers."
        )
    logger.info("filled %d row(s) with missing values using %r", count, fill)
    return frame


def describe_row(frame: pd.DataFrame, row: int, stamps: pd.Series | None) -> str:
    if stamps is None:
        return f"line {file_line(frame, row)}"
    return f"line {file_line(frame, row)}, {stamp(stamps.iloc[row])}"


def stamp(ts: pd.Timestamp) -> str:
    """`2020-01-02` for a date, `2020-01-02 09:30:00` when there is a time of day."""
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else str(ts)


def reject_duplicates(stamps: pd.Series) -> None:
    duplicated = stamps.duplicated()
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        count = int(duplicated.sum())
        raise InputError(
            f"time column {stamps.name!r} has duplicate timestamp {stamp(stamps.iloc[row])} "
            f"at line {file_line(stamps, row)} "
            f"({count} duplicate(s) in all); keep one row per timestamp."
        )
