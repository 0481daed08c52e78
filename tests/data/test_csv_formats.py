"""Files as people export them (issue 22, items 1-3): European separators and decimal commas,
day-first dates, and columns that mix date formats — read right, or refused with the fix."""

import numpy as np
import pandas as pd
import pytest

from tsconv.data.panel import load_panel_csv
from tsconv.data.reading import CSVFormat
from tsconv.data.series import load_csv
from tsconv.errors import InputError

VALUES = np.round(20 + np.sin(np.arange(60) / 3) * 4, 2)


def _lines(dates, fmt: str, sep: str = ",", decimal: str = ".") -> str:
    return "".join(
        f"{d:{fmt}}{sep}{str(v).replace('.', decimal)}\n"
        for d, v in zip(dates, VALUES, strict=False)
    )


@pytest.fixture
def european(write_csv):
    """`date;sst` / `1950-01-01;23,11`, as a spreadsheet in a comma-decimal locale saves it."""
    months = pd.date_range("1950-01-01", periods=60, freq="MS")
    return write_csv("date;sst\n" + _lines(months, "%Y-%m-%d", ";", ","))


def test_a_european_file_reads_its_separator_and_decimal_comma(european):
    series = load_csv(european)
    assert series.target == "sst" and series.freq == "MS"
    np.testing.assert_allclose(series.values[:, 0], VALUES)  # 23,11 -> 23.11, not 11


def test_a_european_file_read_with_the_wrong_separator_is_refused(european):
    # Before: the header became one column 'date;sst' and the digits after the comma its values.
    with pytest.raises(InputError, match="more fields separated by ',' than the header"):
        load_csv(european, csv_format=CSVFormat(sep=","))


def test_a_header_that_holds_another_separator_is_refused(write_csv):
    path = write_csv("date;sst\n1950-01-01;23\n1950-02-01;24\n1950-03-01;25\n")
    match = r"column 'date;sst' holds ';'.*give --sep ';' --decimal ,"
    with pytest.raises(InputError, match=match):
        load_csv(path, csv_format=CSVFormat(sep=","))


def test_tab_and_pipe_separators_and_given_options(write_csv):
    months = pd.date_range("1950-01-01", periods=60, freq="MS")
    tab = write_csv("date\tsst\n" + _lines(months, "%Y-%m-%d", "\t"), "tab.csv")
    np.testing.assert_allclose(load_csv(tab).values[:, 0], VALUES)
    pipe = write_csv("date|sst\n" + _lines(months, "%Y-%m-%d", "|", ","), "pipe.csv")
    given = load_csv(pipe, csv_format=CSVFormat(sep="|", decimal=","))
    np.testing.assert_allclose(given.values[:, 0], VALUES)


@pytest.mark.parametrize(
    "fields, match",
    [
        ({"sep": ":"}, "unknown separator ':'"),
        ({"decimal": ";"}, "unknown decimal mark ';'"),
        ({"sep": ",", "decimal": ","}, "separator and the decimal mark are both ','"),
        ({"date_format": "dd.mm.yyyy"}, "has no % field"),
    ],
)
def test_bad_format_options(european, fields, match):
    with pytest.raises(InputError, match=match):
        load_csv(european, csv_format=CSVFormat(**fields))


def test_a_long_panel_with_semicolons_finds_its_id_column(write_csv):
    months = pd.date_range("1950-01-01", periods=30, freq="MS")
    rows = "".join(
        f"{sid};{d:%Y-%m-%d};{str(v).replace('.', ',')}\n"
        for sid in ("a", "b")
        for d, v in zip(months, VALUES, strict=False)
    )
    panel = load_panel_csv(write_csv("series_id;date;value\n" + rows))
    assert sorted(panel.series) == ["a", "b"]
    np.testing.assert_allclose(panel.series["b"].values[:, 0], VALUES[:30])


# === Dates ===


def test_day_first_dates_are_read_day_first_throughout(write_csv):
    # 29/03/1958 shows the column is day-first, so 05/04/1958 is 5 April, not May 4.
    weeks = pd.date_range("1958-03-29", periods=60, freq="W-SAT")
    series = load_csv(write_csv("date,co2\n" + _lines(weeks, "%d/%m/%Y")))
    assert series.freq == "W-SAT" and series.frame.index[1] == pd.Timestamp("1958-04-05")
    assert (series.frame.index == weeks).all()
    np.testing.assert_allclose(series.values[:, 0], VALUES)  # in the file's order, unscrambled


def test_dates_that_read_both_ways_are_refused_unless_told(write_csv):
    months = pd.date_range("1958-01-01", periods=12, freq="MS")  # every day is 01
    path = write_csv("date,co2\n" + _lines(months, "%d/%m/%Y"))
    with pytest.raises(InputError, match="read day-first or month-first alike; give --dayfirst"):
        load_csv(path)
    assert (load_csv(path, csv_format=CSVFormat(dayfirst=True)).frame.index == months).all()
    january = load_csv(path, csv_format=CSVFormat(dayfirst=False)).frame.index
    assert (january == pd.date_range("1958-01-01", periods=12, freq="D")).all()


def test_a_column_that_changes_date_format_is_refused_by_line(write_csv):
    weeks = pd.date_range("1958-03-29", periods=60, freq="W-SAT")
    text = "date,co2\n" + _lines(weeks[:30], "%Y-%m-%d") + _lines(weeks[30:], "%d.%m.%Y")
    with pytest.raises(
        InputError, match=r"mixes date formats: line 2 has '1958-03-29' but line 32"
    ):
        load_csv(write_csv(text))


def test_date_format_reads_what_pandas_would_not_guess(write_csv):
    weeks = pd.date_range("1958-03-29", periods=60, freq="W-SAT")
    path = write_csv("date,co2\n" + _lines(weeks, "%d.%m.%Y"))
    series = load_csv(path, csv_format=CSVFormat(date_format="%d.%m.%Y"))
    assert (series.frame.index == weeks).all()
    with pytest.raises(InputError, match=r"not a date \(--date-format %Y-%m-%d\) at line 2"):
        load_csv(path, csv_format=CSVFormat(date_format="%Y-%m-%d"))


def test_iso_dates_with_and_without_times_and_offsets(write_csv):
    plain = write_csv("date,v\n2020-01-01,1\n2020-01-02 00:00:00,2\n2020-01-03,3\n", "iso.csv")
    assert load_csv(plain).freq == "D"
    # A daylight-saving change: +01:00 then +02:00, read as UTC (issue 23, item 7).
    dst = write_csv(
        "date,v\n2020-03-29T00:00:00+01:00,1\n2020-03-29T01:00:00+01:00,2\n"
        "2020-03-29T03:00:00+02:00,3\n2020-03-29T04:00:00+02:00,4\n",
        "dst.csv",
    )
    series = load_csv(dst)
    assert series.freq == "h" and series.frame.index[0] == pd.Timestamp("2020-03-28 23:00")
