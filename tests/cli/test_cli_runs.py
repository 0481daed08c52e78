"""`tsconv runs`, `show`, `plot`, and `--help` without TensorFlow."""

import json
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import bad
from tsconv import runs
from tsconv.image import write_digits_folder
from tsconv_cli.main import app

runner = CliRunner()
FAST = ["--window", "20", "--epochs", "2", "--quiet"]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    csv = root / "prices.csv"
    from conftest import price_frame

    price_frame().to_csv(csv, index=False)
    folder = root / "runs"
    for name, model in (
        ("first", ["--model", "conv", "--filters", "8"]),
        ("second", ["--model", "naive"]),
    ):
        result = invoke("fit", csv, *FAST, *model, "--name", name, "--runs-dir", folder)
        assert result.exit_code == 0, result.output
    shutil.copytree(folder / "first", folder / "broken")
    (folder / "broken" / "manifest.json").unlink()  # as a fit killed before sealing would
    return folder


def test_runs_lists_every_run_with_its_score_against_naive(runs_dir):
    result = invoke("runs", "--runs-dir", runs_dir)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "run",
        "latest",
        "kind",
        "model",
        "window",
        "target",
        "data",
        "created",
        "score",
        "status",
    ]
    second = next(line for line in lines if line.startswith("second"))
    assert "*" in second and "naive" in second and "1.000" in second  # naive vs naive
    assert "prices.csv" in second  # the data it was fitted on
    assert "incomplete" in next(line for line in lines if line.startswith("broken"))
    rows = json.loads(invoke("runs", "--runs-dir", runs_dir, "--json").stdout)
    by_name = {row["run"]: row for row in rows}
    assert set(by_name) == {"first", "second", "broken"}
    assert by_name["first"]["model"] == "conv" and by_name["first"]["window"] == 20
    assert by_name["first"]["data"] == "prices.csv"
    assert by_name["first"]["score"] > 0 and by_name["second"]["latest"]
    assert by_name["broken"]["status"] == "incomplete" and by_name["broken"]["score"] is None


def test_show_prints_config_and_metrics(runs_dir):
    result = invoke("show", "first", "--runs-dir", runs_dir)
    assert result.exit_code == 0, result.output
    assert "forecaster conv, window 20" in result.stdout
    assert "test MAE" in result.stdout and "naive" in result.stdout
    record = json.loads(invoke("show", "--runs-dir", runs_dir, "--json").stdout)
    assert record["run"] == "second" and record["config"]["model"] == "naive"
    assert record["metrics"]["test"]["naive"]["mae"] > 0


def test_show_refuses_incomplete_and_missing_runs(runs_dir):
    bad(invoke("show", "broken", "--runs-dir", runs_dir), "is incomplete (no manifest.json)")
    bad(invoke("show", "ghost", "--runs-dir", runs_dir), "run 'ghost' not found")
    bad(invoke("runs", "--runs-dir", runs_dir / "nowhere"), "no runs folder")


def test_plot_draws_again_outside_the_sealed_run(runs_dir, tmp_path):
    result = invoke("plot", "first", "--runs-dir", runs_dir, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    png = tmp_path / "first-fit.png"
    assert result.stdout.strip() == str(png) and png.read_bytes()[:4] == b"\x89PNG"
    runs.read_run_dir(runs_dir / "first")  # the run's own files are untouched


def test_image_runs_are_listed_shown_and_plotted(tmp_path):
    tree = write_digits_folder(tmp_path / "tree", [0, 1], per_class=10)
    image_runs = tmp_path / "image-runs"
    result = invoke(
        "image",
        "fit",
        tree,
        "--epochs",
        "1",
        "--filters",
        "4",
        "--dense-units",
        "8",
        "--runs-dir",
        image_runs,
        "--name",
        "digits",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(invoke("runs", "--runs-dir", image_runs, "--json").stdout)
    assert rows[0]["kind"] == "image-classifier" and 0 <= rows[0]["score"] <= 1
    assert "validation accuracy" in invoke("show", "--runs-dir", image_runs).stdout
    # In a fresh process too, where nothing has imported tsconv.image before the archive check.
    fresh = subprocess.run(
        [sys.executable, "-m", "tsconv_cli.main", "show", "--runs-dir", str(image_runs)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert fresh.returncode == 0 and "validation accuracy" in fresh.stdout, fresh.stderr
    result = invoke("plot", "--runs-dir", image_runs, "--out", tmp_path / "plots")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        "digits-confusion.png",
        "digits-curves.png",
    ]


def _python(code: str) -> subprocess.CompletedProcess:
    """Runs `code` in a fresh interpreter, where nothing has been imported yet."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result


def test_help_never_imports_tensorflow():
    code = (
        "import re, sys\n"
        "from typer.testing import CliRunner\n"
        "from tsconv_cli.main import app\n"
        "commands = [[], ['fit'], ['forecast'], ['backtest'], ['compare'], ['runs'], ['show'],"
        " ['plot'], ['image'], ['image', 'fit'], ['image', 'transfer'], ['image', 'predict']]\n"
        "for args in commands:\n"
        "    result = CliRunner().invoke(app, [*args, '--help'])\n"
        "    assert result.exit_code == 0, (args, result.output)\n"
        # Issue 22, item 16: no '[default: …]' eaten as markup, no '<bool>' on flags.
        "    text = ' '.join(result.output.split())\n"
        "    assert not re.search(r'\\w \\.(\\s|$)', text), (args, result.output)\n"
        "    assert '<bool>' not in text, (args, result.output)\n"
        "loaded = [m for m in ('tensorflow', 'keras', 'jax', 'tsconv') if m in sys.modules]\n"
        "print(loaded)\n"
    )
    result = _python(code)
    assert result.stdout.strip() == "[]"


def test_listing_runs_never_imports_tensorflow(runs_dir):
    # Reading run JSON needs no model; `show` and `plot` do import Keras (they check the archive).
    code = (
        "import sys\n"
        "import tsconv\n"
        "after_import = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
        "from typer.testing import CliRunner\n"
        "from tsconv_cli.main import app\n"
        f"result = CliRunner().invoke(app, ['runs', '--runs-dir', {str(runs_dir)!r}, '--json'])\n"
        "assert result.exit_code == 0, result.output\n"
        "names = sorted(row['run'] for row in __import__('json').loads(result.stdout))\n"
        "print(after_import, names, [m for m in ('tensorflow', 'keras') if m in sys.modules])\n"
    )
    result = _python(code)
    assert result.stdout.strip() == "[] ['broken', 'first', 'second'] []"


def test_lazy_names_load_on_first_use():
    code = (
        "import sys, tsconv\n"
        "assert 'tsconv.models' not in sys.modules and 'keras' not in sys.modules\n"
        "print(tsconv.TCNForecaster.__module__, tsconv.layers.__name__, 'load' in dir(tsconv))\n"
        "try:\n"
        "    tsconv.no_such_name\n"
        "except AttributeError as exc:\n"
        "    print(exc)\n"
    )
    result = _python(code)
    assert result.stdout.splitlines() == [
        "tsconv.models.tcn tsconv.layers True",
        "module 'tsconv' has no attribute 'no_such_name'",
    ]


def test_input_errors_come_before_tensorflow(tmp_path):
    # Issue 22, item 14: a missing file, a mistyped column or a bad folder is answered
    # before Keras is imported (seconds), so the error comes back at once.
    (tmp_path / "one" / "a").mkdir(parents=True)
    csv = tmp_path / "prices.csv"
    csv.write_text("date,close\n" + "".join(f"2020-01-{d:02d},{d}\n" for d in range(1, 29)))
    commands = [
        ["fit", "missing.csv"],
        ["fit", "prices.csv", "--target", "nope"],
        ["fit", "prices.csv", "--window", "0"],
        ["backtest", "missing.csv"],
        ["compare", "prices.csv", "--target", "nope"],
        ["image", "fit", "missing"],
        ["image", "fit", "one"],
        ["image", "transfer", "missing", "--base", "mobilenet"],
    ]
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from tsconv_cli.main import app\n"
        f"for args in {commands!r}:\n"
        "    result = CliRunner().invoke(app, args)\n"
        "    print(result.exit_code, result.output.strip().splitlines()[-1][:60])\n"
        "print([m for m in ('tensorflow', 'keras') if m in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    *lines, loaded = result.stdout.strip().splitlines()
    assert loaded == "[]"
    assert [line.split()[0] for line in lines] == ["2"] * len(commands), lines
    assert "file not found: missing.csv" in lines[0]
    assert "target column 'nope' not found" in lines[1]
    assert "window must be a positive integer" in lines[2]
    assert "image folder missing not found" in lines[5]
    assert "1 class folder(s)" in lines[6]
