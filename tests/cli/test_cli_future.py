"""`--future-features`, `--future FILE` and `--holidays` on the command line: fit → run →
forecast → backtest, and one-line errors (exit 2, nothing written)."""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import bad
from tsconv_cli.main import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def files(tmp_path):
    """sales.csv (daily sales that jump on promotion days) and plan.csv (the next 10 days'
    promotions), as a user would export them."""
    rng = np.random.default_rng(0)
    index = pd.date_range("2024-01-01", periods=300, freq="D")
    promo = (rng.random(300) < 0.2).astype(float)
    sales = 10 + np.sin(2 * np.pi * np.arange(300) / 7) + 3 * promo + rng.normal(0, 0.1, 300)
    days = index.strftime("%Y-%m-%d")
    pd.DataFrame({"date": days, "sales": sales, "promo": promo}).to_csv(
        tmp_path / "sales.csv", index=False
    )
    ahead = pd.date_range(index[-1] + pd.Timedelta(days=1), periods=10, freq="D")
    pd.DataFrame(
        {"date": ahead.strftime("%Y-%m-%d"), "promo": [1.0, 0, 0, 0, 1, 0, 0, 0, 0, 1]}
    ).to_csv(tmp_path / "plan.csv", index=False)
    return tmp_path


@pytest.fixture
def run(files):
    fit = invoke(
        "fit",
        files / "sales.csv",
        "--model",
        "linear",
        "--window",
        "14",
        "--future-features",
        "promo",
        "--holidays",
        "US",
        "--runs-dir",
        files / "runs",
        "--name",
        "plan",
        "--quiet",
    )
    assert fit.exit_code == 0, fit.output
    return files / "runs" / "plan"


def test_fit_with_future_features_then_forecast_with_the_plan(files, run):
    config = json.loads((run / "config.json").read_text())
    assert config["future_features"] == ["promo"] and config["holidays"] == "US"
    assert config["data"]["features"] == []  # promo is known in advance, not past-only
    out = files / "fc.csv"
    forecast = invoke(
        "forecast",
        "--run",
        run,
        "--horizon",
        10,
        "--future",
        files / "plan.csv",
        "--out",
        out,
        "--quiet",
    )
    assert forecast.exit_code == 0, forecast.output
    table = pd.read_csv(out, index_col=0)
    plan = pd.read_csv(files / "plan.csv", index_col=0)
    assert list(table.index) == list(plan.index)
    # Promotion days forecast about 3 above the days around them.
    lift = table["sales"][plan["promo"] == 1].mean() - table["sales"][plan["promo"] == 0].mean()
    assert 2 < lift < 4, table


@pytest.mark.parametrize(
    "make, match",
    [
        (None, "the model takes ['promo'] as known in advance: give their values for the 10"),
        ("short", "the future values cover 4 of the 10 forecast steps (first missing: 2024-10-31)"),
        ("gap", "the future values cover 9 of the 10 forecast steps (first missing: 2024-11-01)"),
        ("other", "column 'promo' not found"),
        ("blank", "missing"),
    ],
)
def test_missing_or_short_future_is_one_line_and_writes_nothing(files, run, make, match):
    plan = pd.read_csv(files / "plan.csv")
    args = []
    if make is not None:
        changed = {
            "short": plan.iloc[:4],
            "gap": plan.drop(index=5),
            "other": plan.rename(columns={"promo": "offer"}),
            "blank": plan.assign(promo=[1.0, np.nan, 0, 0, 1, 0, 0, 0, 0, 1]),
        }[make]
        changed.to_csv(files / "bad_plan.csv", index=False)
        args = ["--future", files / "bad_plan.csv"]
    out = files / "fc.csv"
    result = invoke("forecast", "--run", run, "--horizon", 10, *args, "--out", out)
    bad(result, match)
    assert not out.exists()


def test_future_for_a_run_without_future_features_is_refused(files):
    runs = files / "runs"
    fit = invoke(
        "fit",
        files / "sales.csv",
        "--target",
        "sales",
        "--model",
        "naive",
        "--runs-dir",
        runs,
        "--name",
        "plain",
        "--quiet",
    )
    assert fit.exit_code == 0, fit.output
    result = invoke(
        "forecast",
        "--run",
        runs / "plain",
        "--future",
        files / "plan.csv",
        "--out",
        files / "fc.csv",
    )
    bad(result, "this run takes no future features")


@pytest.mark.parametrize(
    "option, value, match",
    [
        ("--holidays", "Atlantis", "unknown holiday country 'Atlantis'"),
        ("--future-features", "price", "feature column(s) ['price'] not found"),
        ("--calendar", "5000", "calendar season 5000 is longer than the history (300 rows)"),
    ],
)
def test_bad_known_inputs_are_one_line_and_write_nothing(files, option, value, match):
    runs = files / "runs"
    result = invoke(
        "fit",
        files / "sales.csv",
        "--target",
        "sales",
        "--model",
        "linear",
        option,
        value,
        "--runs-dir",
        runs,
    )
    bad(result, match)
    assert not runs.exists() or not any(runs.iterdir())


def test_backtest_with_future_features_and_audit(files):
    out = files / "bt.csv"
    result = invoke(
        "backtest",
        files / "sales.csv",
        "--model",
        "linear",
        "--window",
        "14",
        "--horizon",
        "7",
        "--folds",
        "2",
        "--future-features",
        "promo",
        "--audit",
        "--samples",
        "0",
        "--no-plot",
        "--out",
        out,
        "--json",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["audit"]["passed"]
    scores = pd.read_csv(out)
    mase = scores.groupby("model")["mase"].mean()
    assert mase["linear"] < 0.3 * mase["seasonal-naive"], mase


def test_many_series_fit_and_forecast_with_a_long_plan(tmp_path):
    """A long CSV of two stores: the plan file names each row's store; a store missing
    from the plan is a one-line error and nothing is written."""
    rng = np.random.default_rng(1)
    index = pd.date_range("2024-01-01", periods=200, freq="D")
    rows, plans = [], []
    ahead = pd.date_range(index[-1] + pd.Timedelta(days=1), periods=6, freq="D")
    for store, offset in (("north", 10.0), ("south", 20.0)):
        promo = (rng.random(200) < 0.2).astype(float)
        sales = offset + np.sin(2 * np.pi * np.arange(200) / 7) + 3 * promo
        rows.append(pd.DataFrame({"store": store, "date": index, "sales": sales, "promo": promo}))
        plans.append(pd.DataFrame({"store": store, "date": ahead, "promo": [1.0, 0, 0, 1, 0, 0]}))
    pd.concat(rows).to_csv(tmp_path / "stores.csv", index=False)
    pd.concat(plans).to_csv(tmp_path / "plan.csv", index=False)
    pd.concat(plans[:1]).to_csv(tmp_path / "north_only.csv", index=False)
    runs = tmp_path / "runs"
    fit = invoke(
        "fit",
        tmp_path / "stores.csv",
        "--id-column",
        "store",
        "--model",
        "linear",
        "--window",
        "14",
        "--future-features",
        "promo",
        "--runs-dir",
        runs,
        "--name",
        "stores",
        "--quiet",
    )
    assert fit.exit_code == 0, fit.output
    out = tmp_path / "fc.csv"
    args = ["forecast", "--run", runs / "stores", "--horizon", 6, "--out", out, "--quiet"]
    forecast = invoke(*args, "--future", tmp_path / "plan.csv")
    assert forecast.exit_code == 0, forecast.output
    table = pd.read_csv(out)
    assert sorted(set(table["store"])) == ["north", "south"] and len(table) == 12
    for store, part in table.groupby("store"):
        lift = (
            part["sales"].to_numpy()[[0, 3]].mean() - part["sales"].to_numpy()[[1, 2, 4, 5]].mean()
        )
        assert 2 < lift < 4, (store, part)
    out.unlink()
    bad(
        invoke(*args, "--future", tmp_path / "north_only.csv"),
        "give their values of series 'south' for the 6 forecast steps",
    )
    assert not out.exists()
