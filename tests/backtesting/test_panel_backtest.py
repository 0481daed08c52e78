"""Backtests of many series: one cutoff time per fold, one global model, per-series scores."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, TINY
from tsconv import load_panel_csv
from tsconv.backtesting import folds as fold_rule
from tsconv.backtesting.backtest import run_backtest
from tsconv.backtesting.folds import fold_origins, in_fold, panel_fold_origins
from tsconv.backtesting.references import classical_forecast
from tsconv.data.panel import as_panel
from tsconv.metrics import mase

MACRO = ROOT / "datasets" / "us_macro_long.csv"


def ragged_panel(tmp_path):
    """Three business-daily series: 'late' starts later, 'early' ends 10 days before the rest."""
    rng = np.random.default_rng(0)
    parts = []
    for sid, start, rows in (
        ("a", "2020-01-01", 200),
        ("late", "2020-02-03", 177),
        ("early", "2020-01-01", 190),
    ):
        dates = pd.bdate_range(start, periods=rows)
        value = 10 * np.exp(np.cumsum(rng.normal(0, 0.01, rows)))
        parts.append(pd.DataFrame({"date": dates, "id": sid, "value": value}))
    path = tmp_path / "ragged.csv"
    pd.concat(parts).to_csv(path, index=False)
    return load_panel_csv(path)


def test_one_series_gets_exactly_the_one_series_rule():
    panel = load_panel_csv(MACRO)
    alone = as_panel(panel.series["cpi"])
    (origins,) = panel_fold_origins(alone, 4, 3).values()
    assert origins.tolist() == fold_origins(203, 4, 3).tolist()


def test_every_series_is_cut_at_the_same_time(tmp_path):
    """No fold observes any series at or after its cutoff: one time for all series."""
    panel = ragged_panel(tmp_path)
    origins = panel_fold_origins(panel, horizon=5, folds=3)
    for k in range(3):
        cutoffs = {
            sid: s.index[origins[sid][k]]
            for sid, s in panel.series.items()
            if in_fold(s, origins[sid][k], 5)
        }
        last_seen = [s.index[origins[sid][k] - 1] for sid, s in panel.series.items()]
        assert len(set(cutoffs.values())) == 1  # the same first forecast time for every series
        assert max(last_seen) < min(cutoffs.values())
    # 'early' ends 10 business days before the others: it takes part in no fold's last 5 days.
    early = panel.series["early"]
    assert not in_fold(early, origins["early"][-1], 5) and in_fold(early, origins["early"][0], 5)


@pytest.fixture(scope="module")
def macro_result():
    return run_backtest(load_panel_csv(MACRO), ["conv"], horizon=4, folds=2, samples=10, **TINY)


def test_a_panel_backtest_scores_every_series_of_every_fold(macro_result):
    r = macro_result
    assert r.id_column == "series_id"
    assert set(r.scores["model"]) == {"naive", "seasonal-naive", "drift", "conv"}
    assert r.scores.groupby("model").size().eq(10 * 2).all()  # 10 series × 2 folds
    table = r.series_table()
    assert table.shape == (10, 4) and list(table.columns) == list(r.table().index)
    # The table's mean over series of each series' mean over folds.
    per_series = r.scores[r.scores["model"] == "conv"].groupby("series_id")["mase"].mean()
    assert r.table().loc["conv", ("mase", "mean")] == pytest.approx(per_series.mean())


def test_panel_references_are_each_series_textbook_forecast(macro_result):
    panel = load_panel_csv(MACRO)
    f, s = macro_result.forecasts, macro_result.scores
    for sid in ("cpi", "unemp"):
        target = panel.series[sid].values[:, 0]
        for k, origin in enumerate(fold_origins(203, 4, 2)):
            rows = f[
                (f["model"] == "seasonal-naive") & (f["fold"] == k + 1) & (f["series_id"] == sid)
            ]
            expected = classical_forecast("seasonal-naive", target[:origin], 4, season=4)
            np.testing.assert_allclose(rows["forecast"], expected)
            score = s[
                (s["model"] == "seasonal-naive") & (s["fold"] == k + 1) & (s["series_id"] == sid)
            ]
            assert score["mase"].item() == pytest.approx(
                mase(target[origin : origin + 4], expected, target[:origin])
            )


def test_the_audit_passes_on_a_panel_and_catches_a_leak_of_one_row(monkeypatch, tmp_path):
    panel = ragged_panel(tmp_path)
    options = {"window": 20, "samples": 0, "audit": True, "horizon": 5, "folds": 2}
    clean = run_backtest(panel, ["linear"], **options)
    assert clean.audit["passed"], clean.audit
    observed_until = fold_rule.observed_until

    def leaky(data, origin):  # every series sees its first true value after the cutoff
        return observed_until(data, {sid: o + 1 for sid, o in origin.items()})

    monkeypatch.setattr(fold_rule, "observed_until", leaky)
    leaked = run_backtest(panel, ["linear"], **options)
    assert not leaked.audit["passed"] and "linear fold 2" in leaked.audit["leaks"]


def test_a_series_too_short_for_the_model_is_left_out_of_that_fold_for_all(tmp_path, caplog):
    panel = ragged_panel(tmp_path)
    short = panel.series["late"]
    panel = panel.replace(
        {**panel.series, "late": dataclasses.replace(short, frame=short.frame.iloc[-60:])}
    )
    with caplog.at_level("WARNING", logger="tsconv"):
        result = run_backtest(panel, ["linear"], horizon=5, folds=2, samples=0, window=30)
    assert "late" not in set(result.scores["id"])  # 60 rows leave too few windows of 30
    assert result.scores.groupby("model").size().nunique() == 1  # every model on the same series
    assert "series ['late'] left out" in caplog.text
