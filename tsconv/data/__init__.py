"""CSV → `Series` | `Panel`: the data, validated, with its calendar.

`series` reads one series (`load_csv`), `panel` many in one file
(`load_panel_csv`): both start from `reading` (text → rows: separator,
decimal mark, caps, in-memory frames and arrays), then `dates` (the time
column, one format for every row) and the column checks of `columns`;
`calendar` infers frequencies and seasons and dates the future; `limits`
holds the size caps. NumPy and pandas only: nothing here starts a model.
"""

from tsconv.data.calendar import future_index, infer_frequency, infer_season
from tsconv.data.panel import Panel, load_panel_csv
from tsconv.data.series import Series, describe_span, load_csv

__all__ = [
    "Panel",
    "Series",
    "describe_span",
    "future_index",
    "infer_frequency",
    "infer_season",
    "load_csv",
    "load_panel_csv",
]
