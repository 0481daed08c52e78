"""Levels → scaled windows: what every model sees, for training and for forecasting.

`transforms` (levels ↔ changes), `scaling` (the standard scaler fitted on
training rows), `windowing` (the one window index rule and the chronological
split), `stacked_windows` (many series' windows as one set, without copies)
and `preparation` (the steps in order: `prepare` for a fit, `encode` for a
forecast). NumPy only.
"""

from tsconv.preprocessing.preparation import Prepared, encode, prepare
from tsconv.preprocessing.scaling import StandardScaler
from tsconv.preprocessing.stacked_windows import StackedArray, stack_windows
from tsconv.preprocessing.windowing import Windows, count_windows, make_windows, split_rows

__all__ = [
    "Prepared",
    "StackedArray",
    "StandardScaler",
    "Windows",
    "count_windows",
    "encode",
    "make_windows",
    "prepare",
    "split_rows",
    "stack_windows",
]
