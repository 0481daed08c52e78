"""Plain JSON values for `--json` output: no NaN, no NumPy or pandas types."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd


def plain(value):
    """`value` with every float finite or None, arrays as lists, times and paths as text.

    Example:
    >>> plain({"a": np.float32(1.5), "b": float("nan"), "c": [np.int64(2)]})
    {'a': 1.5, 'b': None, 'c': [2]}
    """
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, (pd.Timestamp, Path)):
        return str(value)
    return value


def table_records(table: pd.DataFrame) -> list[dict]:
    """A forecast table as records, its index (time or step) as the first field."""
    frame = table.reset_index() if not isinstance(table.index, pd.RangeIndex) else table
    return [plain(dict(row)) for row in frame.to_dict(orient="records")]
