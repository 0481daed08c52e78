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
    match = r"holds no dates \(--date-format %Y-%m-%d\) \(line 2: '29.03.1958'\); give the"
    with pytest.raises(InputError, match=match):
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


# === Files that are not what they seem (issue 22, item 10) ===


def test_an_excel_workbook_is_told_to_be_saved_as_csv(tmp_path):
    import zipfile

    book = tmp_path / "prices.xlsx"  # the parts every .xlsx starts with
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    with pytest.raises(InputError, match=r"is an Excel workbook \(\.xlsx\).*save it as CSV"):
        load_csv(book)
    legacy = tmp_path / "prices.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(InputError, match=r"Excel workbook \(\.xls\)"):
        load_csv(legacy)


def test_a_latin1_file_names_its_encoding(tmp_path):
    path = tmp_path / "temperatures.csv"
    months = pd.date_range("1950-01-01", periods=30, freq="MS")
    text = "date;température\n" + _lines(months, "%Y-%m-%d", ";", ",")
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(InputError, match=r"not utf-8 text \(byte 0xE9 .*--encoding latin-1"):
        load_csv(path)
    series = load_csv(path, csv_format=CSVFormat(encoding="latin-1"))
    assert series.target == "température"
    np.testing.assert_allclose(series.values[:, 0], VALUES[:30])
    with pytest.raises(InputError, match="unknown encoding 'latin-9000'"):
        load_csv(path, csv_format=CSVFormat(encoding="latin-9000"))


def test_thousands_separators_are_named_as_the_cause(write_csv):
    path = write_csv('date,sales\n2020-01-01,"1,234.5"\n2020-01-02,"2,345.0"\n2020-01-03,900\n')
    match = r"column 'sales' holds text at line 2: '1,234.5'; 2 row\(s\) .*',' looks like a thous"
    with pytest.raises(InputError, match=match):
        load_csv(path)


# === Time written as year columns (issue 22, item 8) ===


def test_year_columns_are_time_not_a_target_or_a_series(write_csv):
    # statsmodels' sunspots: YEAR as 1700.0; macrodata: year and quarter; year and month.
    sunspots = "YEAR,SUNACTIVITY\n" + "".join(f"{1700 + i}.0,{i % 11 * 3.0}\n" for i in range(60))
    series = load_csv(write_csv(sunspots, "sunspots.csv"))
    assert series.target == "SUNACTIVITY" and series.freq.startswith("YS")
    assert series.index[0] == pd.Timestamp("1700-01-01") and series.time_column == "date"
    macro = "year,quarter,realgdp\n" + "".join(
        f"{1959 + i // 4},{i % 4 + 1},{100 + i}\n" for i in range(40)
    )
    gdp = load_csv(write_csv(macro, "macro.csv"))
    assert gdp.target == "realgdp" and gdp.freq.startswith("QS")
    assert gdp.index[5] == pd.Timestamp("1960-04-01")
    monthly = "year,month,co2\n" + "".join(
        f"{1958 + i // 12},{i % 12 + 1},{315 + i / 10}\n" for i in range(40)
    )
    assert load_csv(write_csv(monthly, "monthly.csv")).freq == "MS"
    wide = "year,a,b\n" + "".join(f"{2000 + i},{i},{2 * i}\n" for i in range(20))
    panel = load_panel_csv(write_csv(wide, "wide.csv"), wide=True)
    assert sorted(panel.series) == ["a", "b"]  # the year is not one of the series


def test_a_time_column_with_no_dates_gets_advice_that_fits(write_csv):
    years = write_csv("YEAR,v\n1700.0,1\n1701.0,2\n1702.0,3\n")
    named = load_csv(years, time_column="YEAR")  # named outright, still read as years
    assert named.time_column == "YEAR" and named.index[2] == pd.Timestamp("1702-01-01")
    labels = write_csv("when,v\nfirst,1\nsecond,2\nthird,3\n", "labels.csv")
    with pytest.raises(InputError, match=r"holds no dates \(line 2: 'first'\); name the time"):
        load_csv(labels, time_column="when")
    with pytest.raises(InputError, match=r"\(--date-format %Y-%m\) \(line 2: 'first'\); give "):
        load_csv(labels, time_column="when", csv_format=CSVFormat(date_format="%Y-%m"))


# === Time zones (issue 23, item 7) ===


def test_offsets_across_daylight_saving_in_any_column_are_the_time(write_csv, caplog):
    """`…T02:00:00+02:00` then `+01:00`: read as UTC, hourly, whatever the column's name
    (a column not named like time used to be dropped and the rows read as steps)."""
    before = "".join(f"2021-10-31T0{h}:00:00+02:00,{h}\n" for h in range(3))
    after = "".join(f"2021-10-31T0{h}:00:00+01:00,{h + 1}\n" for h in range(2, 8))
    series = load_csv(write_csv("when,load\n" + before + after, "dst.csv"))
    assert series.time_column == "when" and series.freq == "h" and series.regular
    assert series.index[0] == pd.Timestamp("2021-10-30 22:00")
    assert series.index[3] - series.index[2] == pd.Timedelta(hours=1)  # no hour lost
    text = "date,opened,v\n" + "".join(
        f"2020-01-{d:02d},2021-05-{d:02d},{d}\n" for d in range(1, 20)
    )
    with caplog.at_level("WARNING", logger="tsconv"):
        load_csv(write_csv(text, "two.csv"), target="v")
    assert "column 'opened' holds dates but is not the time column ('date')" in caplog.text


def _paris_hours(start: str, hours: int) -> str:
    """Hourly rows as a Paris logger writes them: local time with its offset, across DST."""
    utc = pd.date_range(start, periods=hours, freq="h", tz="UTC")
    local = utc.tz_convert("Europe/Paris")
    return "".join(f"{t.isoformat()},{t.hour}\n" for t in local)


def test_the_wall_clock_of_offset_times_for_calendar_features(write_csv, caplog):
    """Issue 23, item 7: the index is UTC, and with --timezone the calendar and holiday
    features follow the local clock: noon is noon on both sides of a daylight-saving change."""
    from tsconv.data.covariates import calendar_known
    from tsconv.data.dates import local_index

    path = write_csv("time,hour\n" + _paris_hours("2021-10-29 00:00", 120), "paris.csv")
    with caplog.at_level("INFO", logger="tsconv"):
        utc = load_csv(path)
    assert utc.timezone is None and "changes offset (+01:00, +02:00" in caplog.text
    paris = load_csv(path, csv_format=CSVFormat(timezone="Europe/Paris"))
    assert paris.timezone == "Europe/Paris" and paris.freq == "h" and paris.regular
    assert (paris.index == utc.index).all()  # UTC either way: only the clock differs
    hours = local_index(paris.index, paris.timezone).hour
    np.testing.assert_array_equal(hours, paris.values[:, 0])  # the logger's own hour column
    features = calendar_known(paris.index, "h", (24,), zone="Europe/Paris")[:-1]
    noon = features[np.flatnonzero(hours == 12)]
    np.testing.assert_allclose(noon, noon[:1].repeat(len(noon), axis=0), atol=1e-12)
    utc_noon = calendar_known(paris.index, "h", (24,))[:-1][np.flatnonzero(hours == 12)]
    assert not np.allclose(utc_noon[0], utc_noon[-1])  # in UTC, noon moved by an hour
    summer = write_csv("time,v\n" + _paris_hours("2021-07-01 00:00", 48), "summer.csv")
    assert load_csv(summer).timezone == "+02:00"  # one offset throughout: that clock
    with pytest.raises(InputError, match=r"unknown time zone 'Mars/Olympus'; give a name like"):
        load_csv(path, csv_format=CSVFormat(timezone="Mars/Olympus"))
