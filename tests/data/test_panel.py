"""Many series in one CSV: long format (id column found or named) and wide format."""

import numpy as np
import pandas as pd
import pytest

from tsconv import InputError, load_panel_csv
from tsconv.data.panel import find_id_column, has_id_column

LONG = """date,symbol,close
2020-01-01,AAA,1.0
2020-01-01,BBB,10.0
2020-01-02,AAA,2.0
2020-01-03,AAA,3.0
2020-01-02,BBB,11.0
"""


def test_long_format_is_split_by_the_id_column(write_csv):
    panel = load_panel_csv(write_csv(LONG))
    assert panel.id_column == "symbol" and panel.target == "close" and panel.layout == "long"
    assert list(panel.series) == ["AAA", "BBB"]
    assert panel.series["AAA"].frame["close"].tolist() == [1.0, 2.0, 3.0]
    assert panel.series["BBB"].frame["close"].tolist() == [10.0, 11.0]
    assert str(panel.series["BBB"].index[-1].date()) == "2020-01-02"


@pytest.mark.parametrize("name", ["series_id", "unique_id", "ID", "Symbol", "ticker"])
def test_id_column_found_by_name(name):
    assert find_id_column(["date", name, "value"]) == name


def test_id_column_detection_reads_the_header_only(write_csv):
    assert has_id_column(write_csv(LONG))
    assert not has_id_column(write_csv("date,close\n2020-01-01,1\n", "one.csv"))


def test_id_column_chosen_by_flag(write_csv):
    text = "when,store,sales\n2020-01,a,5\n2020-01,b,6\n2020-02,a,7\n2020-02,b,8\n"
    panel = load_panel_csv(write_csv(text), id_column="store", time_column="when")
    assert list(panel.series) == ["a", "b"] and panel.target == "sales"


def test_series_of_different_starts_and_lengths(write_csv):
    rows = ["date,series_id,value"]
    for sid, start, n in (("x", "2020-01-01", 30), ("y", "2020-01-20", 10)):
        for k, day in enumerate(pd.date_range(start, periods=n)):
            rows.append(f"{day.date()},{sid},{k + 1}")
    panel = load_panel_csv(write_csv("\n".join(rows) + "\n"))
    assert [len(s) for s in panel.series.values()] == [30, 10]
    assert all(s.freq == "D" for s in panel.series.values())


def test_wide_format_trims_later_starts(write_csv):
    text = "date,a,b\n2020-01-01,1,\n2020-01-02,2,5\n2020-01-03,3,6\n2020-01-04,4,\n"
    panel = load_panel_csv(write_csv(text), wide=True)
    assert panel.layout == "wide" and list(panel.series) == ["a", "b"]
    assert panel.series["b"].frame["value"].tolist() == [5.0, 6.0]
    assert panel.series["a"].frame["value"].tolist() == [1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize(
    "text, kwargs, match",
    [
        ("date,close\n2020-01-01,1\n", {}, "no id column"),
        (LONG, {"id_column": "ticker"}, "id column 'ticker' not found"),
        (LONG + "2020-01-03,AAA,4.0\n", {}, "duplicate row for symbol 'AAA' at 2020-01-03"),
        (LONG.replace("3.0", "abc"), {}, "column 'close' holds text at line 5"),
        (LONG.replace("11.0", ""), {}, "missing or infinite values"),
        ("date,symbol,close\n2020-01-01,,1\n", {}, "id column 'symbol' is empty at line 2"),
        ("date,a\n2020-01-01,1\n2020-01-02,\n2020-01-03,3\n", {"wide": True}, "line 3"),
        ("date,a\n2020-01-01,\n2020-01-02,\n", {"wide": True}, "has no numbers"),
        ("date\n2020-01-01\n", {"wide": True}, "no series columns"),
    ],
)
def test_bad_panels_say_what_and_where(write_csv, text, kwargs, match):
    with pytest.raises(InputError, match=match):
        load_panel_csv(write_csv(text), **kwargs)


def test_fill_applies_within_each_series(write_csv):
    text = "date,symbol,close\n2020-01-01,A,1\n2020-01-02,A,\n2020-01-01,B,\n2020-01-02,B,7\n"
    panel = load_panel_csv(write_csv(text), fill="ffill")
    # A's gap takes A's last value; B's leading gap is not filled from A.
    assert panel.series["A"].frame["close"].tolist() == [1.0, 1.0]
    assert panel.series["B"].frame["close"].tolist() == [7.0]
    assert np.isfinite(panel.series["B"].values).all()
