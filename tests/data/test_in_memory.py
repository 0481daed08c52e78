"""Data already in memory (issue 22, item 6): DataFrames, pandas Series, NumPy arrays and file
objects go through the same checks as a CSV path."""

import io

import numpy as np
import pandas as pd
import pytest

from conftest import TINY, price_frame
from tsconv import Forecaster, InputError, Series, load_csv, load_panel_csv
from tsconv.data.reading import read_rows

DATES = pd.bdate_range("2020-01-01", periods=300)


@pytest.fixture
def frame():
    return price_frame()  # Date (text), Close, Volume


def test_every_kind_reads_like_the_csv(frame, tmp_path):
    path = tmp_path / "prices.csv"
    frame.to_csv(path, index=False)
    expected = load_csv(path)
    dated = frame.assign(Date=pd.to_datetime(frame["Date"]))
    sources = {
        "DataFrame": frame,
        "DataFrame, dated": dated,
        "DataFrame indexed by date": dated.set_index("Date"),
        "Series with a DatetimeIndex": dated.set_index("Date")["Close"],
        "Series without freq": pd.Series(
            dated["Close"].to_numpy(), index=pd.DatetimeIndex(list(dated["Date"])), name="Close"
        ),
        "text file object": io.StringIO(path.read_text()),
        "binary file object": io.BytesIO(path.read_bytes()),
    }
    for name, source in sources.items():
        got = load_csv(source)
        assert got.target == "Close" and got.freq == "B", name
        np.testing.assert_array_equal(got.values[:, 0], expected.values[:, 0], err_msg=name)
        assert (got.index == expected.index).all(), name


def test_arrays_are_steps_with_the_first_column_the_target():
    values = np.sin(np.arange(50.0))
    one = load_csv(values)
    assert one.target == "value" and one.freq is None and one.index[0] == 0
    two = load_csv(np.c_[values, values**2])
    assert two.columns == ["value", "x1"]
    np.testing.assert_array_equal(two.values, np.c_[values, values**2])
    with pytest.raises(InputError, match=r"1-D \(one series\) or 2-D.*Received: shape=\(2, 2, 2\)"):
        load_csv(np.zeros((2, 2, 2)))


def test_in_memory_data_gets_the_same_checks(frame):
    shuffled = frame.sample(frac=1.0, random_state=0)
    assert (load_csv(shuffled).index == DATES).all()  # sorted by time, not forecast from the end
    holed = frame.copy()
    holed.loc[7, "Close"] = np.nan
    with pytest.raises(InputError, match=r"missing or infinite values in column\(s\) \['Close'\]"):
        load_csv(holed)
    timeless = frame.assign(Date=pd.to_datetime(frame["Date"]))
    timeless.loc[3, "Date"] = pd.NaT  # would sort to the end and be forecast from
    with pytest.raises(InputError, match=r"'Date' has a missing time \(NaT\) in row 3"):
        load_csv(timeless)
    with pytest.raises(InputError, match="target column 'close' not found"):
        load_csv(frame, target="close")
    with pytest.raises(InputError, match="duplicate"):
        load_csv(pd.concat([frame, frame.tail(1)]))
    with pytest.raises(InputError, match="Received: dict"):
        load_csv({"Close": [1, 2, 3]})
    with pytest.raises(InputError, match="not utf-8 text"):
        load_csv(io.BytesIO(b"date,v\n2020-01-01,\xff\xfe\n"))
    rows, name = read_rows(frame)
    assert name == "a DataFrame" and rows.index[0] == 2  # messages count lines as in a CSV


def test_a_long_dataframe_is_a_panel():
    long = pd.concat(
        [price_frame(seed=s).assign(series_id=f"s{s}") for s in range(3)], ignore_index=True
    )
    panel = load_panel_csv(long, target="Close")
    assert sorted(panel.series) == ["s0", "s1", "s2"] and panel.target == "Close"


def test_fit_takes_what_load_csv_takes(frame, tmp_path):
    path = tmp_path / "prices.csv"
    frame.to_csv(path, index=False)
    from_file = Forecaster(**TINY).fit(load_csv(path)).forecast(5)
    from_frame = Forecaster(**TINY).fit(frame).forecast(5)
    pd.testing.assert_frame_equal(from_frame, from_file)
    steps = Forecaster(**TINY).fit(frame["Close"].to_numpy()).forecast(3)
    assert list(steps.index) == [300, 301, 302]


def test_a_hand_made_series_is_checked_before_training(frame):
    good = load_csv(frame)
    backwards = Series(good.frame.iloc[::-1], "Close")
    with pytest.raises(InputError, match="not in time order"):
        Forecaster(**TINY).fit(backwards)
    holed = good.frame.copy()
    holed.iloc[4, 0] = np.nan
    with pytest.raises(InputError, match="missing or infinite values \\(first at row 4"):
        Forecaster(**TINY).fit(Series(holed, "Close", freq="B"))
