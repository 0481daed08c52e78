import numpy as np
import pandas as pd
import pytest

from conftest import MSFT
from tsconv.data.series import load_csv
from tsconv.errors import InputError


def test_loads_the_embedded_prices():
    s = load_csv(MSFT)
    assert s.target == "Close" and s.time_column == "Date"
    assert s.freq == "B" and s.regular
    assert len(s) == 7983 and s.values.shape == (7983, 1)
    assert s.index[-1] == pd.Timestamp("2017-11-10")
    assert s.index.is_monotonic_increasing


def test_prefers_adjusted_close(write_csv):
    path = write_csv(
        "date,Open,Close,Adj Close\n2020-01-01,1,2,3\n2020-01-02,1,2,4\n2020-01-03,1,2,5\n"
    )
    assert load_csv(path).target == "Adj Close"


def test_single_numeric_column_is_the_target(write_csv):
    path = write_csv("when,name,value\n2020-01-01,a,1\n2020-01-02,b,2\n2020-01-03,c,3\n")
    s = load_csv(path)
    assert (s.target, s.time_column) == ("value", "when")


def test_several_numeric_columns_need_a_target(write_csv):
    path = write_csv("date,a,b\n2020-01-01,1,2\n2020-01-02,1,2\n")
    with pytest.raises(InputError, match=r"several numeric columns.*\['a', 'b'\].*--target"):
        load_csv(path)
    assert load_csv(path, target="b", features=["a"]).columns == ["b", "a"]


def test_missing_target_lists_the_columns(write_csv):
    path = write_csv("date,a\n2020-01-01,1\n2020-01-02,2\n")
    with pytest.raises(InputError, match=r"target column 'Price' not found.*\['date', 'a'\]"):
        load_csv(path, target="Price")


def test_missing_feature_lists_the_columns(write_csv):
    path = write_csv("date,a,b\n2020-01-01,1,2\n2020-01-02,2,3\n")
    with pytest.raises(InputError, match=r"feature column\(s\) \['c'\] not found"):
        load_csv(path, target="a", features=["c"])


def test_text_in_target_names_the_line(write_csv):
    path = write_csv("date,price\n2020-01-01,1\n2020-01-02,2\n2020-01-03,oops\n2020-01-06,4\n")
    with pytest.raises(InputError, match=r"'price' holds text at line 4: 'oops'"):
        load_csv(path, target="price")


def test_no_numeric_column(write_csv):
    path = write_csv("date,name\n2020-01-01,a\n2020-01-02,b\n")
    with pytest.raises(InputError, match=r"no numeric column to forecast"):
        load_csv(path)


def test_missing_values_are_refused_with_the_fix(write_csv):
    path = write_csv("date,v\n2020-01-01,1\n2020-01-02,\n2020-01-03,inf\n2020-01-06,4\n")
    with pytest.raises(
        InputError,
        match=r"2 row\(s\) have missing or infinite values in column\(s\) \['v'\] \(at line 3, "
        r"2020-01-02, line 4, 2020-01-03\).*--fill ffill, --fill interpolate or --fill drop",
    ):
        load_csv(path)


@pytest.mark.parametrize(
    ("fill", "expected"),
    [("ffill", [1, 1, 1, 4]), ("interpolate", [1, 2, 3, 4]), ("drop", [1, 4])],
)
def test_fill_methods(write_csv, fill, expected):
    path = write_csv("date,v\n2020-01-01,1\n2020-01-02,\n2020-01-03,inf\n2020-01-06,4\n")
    np.testing.assert_array_equal(load_csv(path, fill=fill).values[:, 0], expected)


def test_unknown_fill(write_csv):
    path = write_csv("date,v\n2020-01-01,1\n2020-01-02,\n")
    with pytest.raises(InputError, match="unknown fill method 'zero'"):
        load_csv(path, fill="zero")


def test_duplicate_timestamps_name_the_first(write_csv):
    path = write_csv(
        "date,v\n2020-01-01,1\n2020-01-02,2\n2020-01-02,3\n2020-01-03,4\n2020-01-03,5\n"
    )
    with pytest.raises(InputError, match=r"duplicate timestamp 2020-01-02 at line 4 \(2 "):
        load_csv(path)


def test_unparseable_date_names_the_line(write_csv):
    path = write_csv("date,v\n2020-01-01,1\n2020-01-02,2\nyesterday,3\n")
    with pytest.raises(InputError, match=r"'date' has a value that is not a date at line 4"):
        load_csv(path)


def test_unsorted_rows_are_sorted(write_csv):
    path = write_csv("date,v\n2020-01-03,3\n2020-01-01,1\n2020-01-02,2\n")
    s = load_csv(path)
    np.testing.assert_array_equal(s.values[:, 0], [1, 2, 3])
    assert s.freq == "D"


def test_without_time_column_rows_are_steps(write_csv):
    path = write_csv("v\n1\n2\n3\n")
    s = load_csv(path)
    assert s.time_column is None and s.freq is None and list(s.index) == [0, 1, 2]


def test_irregular_spacing_is_said(write_csv, caplog):
    path = write_csv(
        "date,v\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n2020-01-09,4\n2020-01-10,5\n"
    )
    with caplog.at_level("WARNING", logger="tsconv"):
        s = load_csv(path)
    assert not s.regular and s.freq == "D"
    assert "5 of 10 timestamps missing at frequency D in 1 gap(s)" in caplog.text
    assert "bridged" in caplog.text
    uneven = "date,v\n2020-01-01 00:00,1\n2020-01-01 01:00,2\n2020-01-01 03:30,3\n"
    with caplog.at_level("WARNING", logger="tsconv"):
        assert not load_csv(write_csv(uneven + "2020-01-01 04:30,4\n", "uneven.csv")).regular
    assert "irregular timestamps: spacing varies" in caplog.text


@pytest.mark.parametrize(
    ("text", "match"),
    [("", r"is empty"), ("date,v\n", r"has a header but no data rows")],
)
def test_empty_files(write_csv, text, match):
    with pytest.raises(InputError, match=match):
        load_csv(write_csv(text))


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"file not found: .*nope.csv"):
        load_csv(tmp_path / "nope.csv")


def test_binary_file_is_an_input_error(tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError):
        load_csv(path)
