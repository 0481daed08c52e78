"""The CSV loader under generated hostile files: only `InputError` may escape, in one line.

Thousands of files per run (bounded by `max_examples`, derandomized so CI is repeatable):
ragged rows, binary bytes, 1e400, inf, NA, thousands separators, mixed types,
unparseable and duplicated dates, empty and one-row files.
"""

import ast
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tsconv import InputError, load_csv
from tsconv.data.panel import load_panel_csv

FUZZ = settings(
    max_examples=3000,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

NUMBERS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["1e400", "-1e400", "inf", "-inf", "Infinity", "nan", "NaN", "NA", "N/A"]),
    st.sampled_from(["", " ", "null", "None", "-", "1,234.5", '"1,234.5"', '"12,345,678"']),
    st.sampled_from(["0x1F", "1_000", "١٢٣", "12.5%", "$3.50", "TRUE", "false", "1e-400"]),
)
DATES = st.one_of(
    st.dates(min_value=pd.Timestamp("1900-01-01").date()).map(str),
    st.sampled_from(
        ["2020-02-30", "2020-13-01", "yesterday", "", "NaT", "0", "99999-01-01", "1/2/3"]
    ),
    st.sampled_from(["2021-01-04", "2021-01-04 09:30", "2021-01-04T09:30:00+05:00"]),
)
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8).map(
    lambda s: s.replace("\n", " ").replace("\r", " ")
)
CELL = st.one_of(NUMBERS, DATES, TEXT)
HEADERS = st.lists(
    st.one_of(st.sampled_from(["Date", "Close", "Adj Close", "Volume", "value", "ds", ""]), TEXT),
    min_size=1,
    max_size=4,
)


@st.composite
def csv_text(draw) -> bytes:
    """A CSV-like file: mostly well-formed around the edges, hostile in its cells."""
    kind = draw(st.sampled_from(["table", "table", "table", "binary", "header-only", "blank"]))
    if kind == "binary":
        return draw(st.binary(max_size=300))
    if kind == "blank":
        return draw(st.sampled_from([b"", b"\n", b"\n\n\n", b" ", b",,,\n"]))
    header = draw(HEADERS)
    if kind == "header-only":
        return (",".join(header) + "\n").encode()
    rows = []
    rarity = draw(st.sampled_from([10_000, 100, 10, 3]))  # how rare a hostile cell is
    start = pd.Timestamp(draw(st.dates(min_value=pd.Timestamp("1990-01-01").date())))
    for i in range(draw(st.integers(0, 30))):
        cells = []
        for j, name in enumerate(header):
            if j == 0 and name in ("Date", "ds") and draw(st.booleans()):
                cells.append(str((start + pd.Timedelta(days=i)).date()))  # mostly valid dates
            elif draw(st.integers(0, rarity)) == 0:
                cells.append(draw(CELL))
            else:
                cells.append(repr(draw(st.floats(1, 1e6))))
        if draw(st.integers(0, 9)) == 0:  # ragged: drop or add cells
            cells = cells[:-1] if draw(st.booleans()) else [*cells, draw(CELL)]
        rows.append(",".join(cells))
    if rows and draw(st.integers(0, 9)) == 0:
        rows.append(rows[-1])  # a duplicated row (and date)
    text = "\n".join([",".join(header), *rows]) + "\n"
    encoded = text.encode("utf-8", errors="surrogatepass")
    if draw(st.integers(0, 19)) == 0:  # binary bytes spliced in
        at = draw(st.integers(0, len(encoded)))
        encoded = encoded[:at] + draw(st.binary(min_size=1, max_size=8)) + encoded[at:]
    return encoded


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder) / "fuzz.csv"


def _check_message(exc: InputError, data: bytes) -> None:
    message = str(exc)
    assert message and "\n" not in message and "Traceback" not in message, message
    lines = max(data.count(b"\n"), data.count(b"\r")) + 1  # pandas also ends lines at \r
    for line in re.findall(r"\bline (\d+)", message):
        assert 1 <= int(line) <= lines, message  # a line that exists in the file
    if re.search(r"\bat line \d+", message):  # a cell-level problem names its column
        assert re.search(r"column(s|\(s\))? ?['\"\[]|fields", message), message
    quoted = re.search(r"at line (\d+): ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")", message)
    if quoted:  # the value quoted is on the line named
        line = data.split(b"\n")[int(quoted.group(1)) - 1].decode("utf-8", "replace")
        assert ast.literal_eval(quoted.group(2)).strip() in line, (message, line)


@FUZZ
@given(data=csv_text(), fill=st.sampled_from([None, None, "ffill", "drop", "interpolate"]))
def test_only_input_errors_escape_the_csv_loader(scratch, data, fill):
    scratch.write_bytes(data)
    try:
        series = load_csv(scratch, fill=fill)
    except InputError as exc:
        event("refused")  # --hypothesis-show-statistics: how many loaded, how many refused
        _check_message(exc, data)
        return
    event("loaded")
    values = series.values
    assert values.dtype == np.float64 and np.isfinite(values).all()
    assert len(series) >= 2 and series.index.is_unique and series.index.is_monotonic_increasing


@settings(FUZZ, max_examples=1000)
@given(data=csv_text())
def test_only_input_errors_escape_the_panel_loader(scratch, data):
    scratch.write_bytes(data)
    try:
        load_panel_csv(scratch)
    except InputError as exc:
        _check_message(exc, data)


@pytest.mark.parametrize(
    "text, match",
    [
        ("Date,Close\n2020-01-01,1\n2020-01-02,1e400\n", r"infinite .* column\(s\) \['Close'\]"),
        ("Date,Close\n2020-01-01,1\n2020-01-02,NA\n", r"missing or infinite .* line 3"),
        ('Date,Close\n2020-01-01,1\n2020-01-02,"1,234"\n', r"column 'Close' holds text at line 3"),
        ("Date,Close\n2020-01-01,1\n2020-01-01,2\n", r"time column 'Date' has duplicate"),
        ("Date,Close\n2020-01-01,1\n2020-01-02,2,3\n", r"line 3"),
        ("Date,Close\n2020-01-01,1\n", r"at least 2 rows"),
        ("Date,Close\nnot a date,1\n2020-01-02,2\n", r"not a date at line 2"),
        ("Date,Close\n2020-01-01,1\n,2\n2020-01-03,3\n", r"'Date' is blank at line 3;"),
        ("Date,Close\n0,1\n2020-01-02,2\n2020-01-03,3\n", r"not a date at line 2: '0'\."),
    ],
)
def test_typical_hostile_cells_are_named(tmp_path, text, match):
    path = tmp_path / "f.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=match):
        load_csv(path)


def test_caps_on_bytes_and_rows_are_configurable(tmp_path, monkeypatch):
    path = tmp_path / "f.csv"
    pd.DataFrame({"v": np.arange(100.0)}).to_csv(path, index=False)
    monkeypatch.setenv("TSCONV_MAX_CSV_ROWS", "50")
    with pytest.raises(InputError, match=r"more than 50 data rows.*TSCONV_MAX_CSV_ROWS"):
        load_csv(path)
    monkeypatch.setenv("TSCONV_MAX_CSV_ROWS", "100")
    assert len(load_csv(path)) == 100
    monkeypatch.setenv("TSCONV_MAX_CSV_BYTES", "64")
    with pytest.raises(InputError, match=r"above the cap of 64; raise TSCONV_MAX_CSV_BYTES"):
        load_csv(path)
    monkeypatch.setenv("TSCONV_MAX_CSV_BYTES", "lots")
    with pytest.raises(InputError, match=r"TSCONV_MAX_CSV_BYTES must be a positive whole"):
        load_csv(path)
