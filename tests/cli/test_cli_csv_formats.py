"""`--sep`, `--decimal`, `--dayfirst/--monthfirst`, `--date-format` on fit and compare.

Files that used to train on wrong data either read right or stop with one line, exit 2,
nothing written."""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import bad
from tsconv_cli.main import app

FAST = ["--window", "12", "--epochs", "1", "--quiet", "--no-jit"]


def _write(path, dates, fmt, sep=",", decimal="."):
    values = 20 + np.sin(np.arange(len(dates)) / 3) * 4 + np.arange(len(dates)) / 50
    pairs = zip(dates, values, strict=True)
    rows = "".join(f"{d:{fmt}}{sep}{f'{v:.2f}'.replace('.', decimal)}\n" for d, v in pairs)
    path.write_text(f"date{sep}sst\n" + rows)
    return path


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_fit_reads_a_european_file(tmp_path):
    csv = _write(tmp_path / "sst.csv", pd.date_range("1950-01-01", periods=120, freq="MS"),
                 "%Y-%m-%d", ";", ",")  # fmt: skip
    runs = tmp_path / "runs"
    result = invoke("fit", csv, *FAST, "--model", "linear", "--runs-dir", runs, "--json")
    assert result.exit_code == 0, result.output
    assert '"target": "sst"' in result.stdout  # not 'date;sst'


@pytest.mark.parametrize(
    "dates, fmt, options, match",
    [
        (pd.date_range("1950-01-01", periods=120, freq="MS"), "%Y-%m-%d", ["--sep", ","],
         "more fields separated by ',' than the header"),
        (pd.date_range("1958-01-01", periods=120, freq="MS"), "%d/%m/%Y", [],
         "read day-first or month-first alike; give --dayfirst"),
        (pd.date_range("1958-03-29", periods=120, freq="W-SAT"), "%d.%m.%Y",
         ["--date-format", "%Y-%m-%d"], "holds no dates (--date-format %Y-%m-%d) (line 2"),
        (pd.date_range("1950-01-01", periods=120, freq="MS"), "%Y-%m-%d", ["--sep", ":"],
         "unknown separator ':'"),
    ],
)  # fmt: skip
def test_fit_and_compare_refuse_with_one_line(tmp_path, dates, fmt, options, match):
    sep, decimal = (";", ",") if options[:2] == ["--sep", ","] else (",", ".")
    csv = _write(tmp_path / "data.csv", dates, fmt, sep, decimal)
    runs = tmp_path / "runs"
    bad(invoke("fit", csv, *FAST, *options, "--runs-dir", runs), match)
    out = tmp_path / "compare.csv"
    bad(invoke("compare", csv, "--models", "linear", "--horizon", "3", "--folds", "2",
               "--window", "12", *options, "--out", out), match)  # fmt: skip
    assert not runs.exists() and not out.exists()


def test_monthfirst_and_tab_given_on_the_command_line(tmp_path):
    csv = _write(tmp_path / "us.csv", pd.date_range("1958-01-01", periods=60, freq="MS"),
                 "%m/%d/%Y", "\t")  # fmt: skip
    out = tmp_path / "compare.csv"
    result = invoke("compare", csv, "--models", "linear", "--horizon", "3", "--folds", "2",
                    "--window", "12", "--sep", "tab", "--monthfirst", "--out", out, "--quiet",
                    "--no-plot")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out)["model"].eq("linear").any()


def test_a_latin1_file_is_named_then_read_with_encoding(tmp_path):
    months = pd.date_range("1950-01-01", periods=60, freq="MS")
    csv = tmp_path / "temperatures.csv"
    values = 20 + np.sin(np.arange(60) / 2)
    rows = "".join(f"{d:%Y-%m-%d},{v:.2f}\n" for d, v in zip(months, values, strict=True))
    csv.write_bytes(("date,température\n" + rows).encode("latin-1"))
    runs = tmp_path / "runs"
    bad(invoke("fit", csv, *FAST, "--model", "linear", "--runs-dir", runs), "--encoding latin-1")
    assert not runs.exists()
    result = invoke("fit", csv, *FAST, "--model", "linear", "--runs-dir", runs,
                    "--encoding", "latin-1", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["target"] == "température"


def test_an_excel_workbook_is_refused_before_training(tmp_path):
    book = tmp_path / "prices.xls"
    book.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    runs = tmp_path / "runs"
    bad(invoke("fit", book, "--runs-dir", runs), "Excel workbook (.xls), not CSV text; open it")
    assert not runs.exists()


def test_a_monthly_file_with_a_hole_is_refused_then_filled(tmp_path):
    months = pd.date_range("1950-01-01", periods=160, freq="MS").delete(range(60, 100))
    csv = _write(tmp_path / "gappy.csv", months, "%Y-%m-%d")
    runs = tmp_path / "runs"
    bad(invoke("fit", csv, *FAST, "--model", "linear", "--runs-dir", runs),
        "40 of 160 timestamps missing at frequency MS")  # fmt: skip
    assert not runs.exists()
    fitted = invoke("fit", csv, *FAST, "--model", "linear", "--runs-dir", runs,
                    "--fill", "interpolate")  # fmt: skip
    assert fitted.exit_code == 0, fitted.output
    out = tmp_path / "forecast.csv"
    result = invoke("forecast", "--runs-dir", runs, "--horizon", "3", "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    dates = pd.to_datetime(pd.read_csv(out).iloc[:, 0])
    assert list(dates) == list(pd.date_range("1963-05-01", periods=3, freq="MS"))
