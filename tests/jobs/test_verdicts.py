"""Verdicts that say how sure they are (issue 22, item 11): a lower MAE over a few windows
is not "beats", and a backtest compares with the best reference, not only naive."""

import re

import numpy as np
import pandas as pd

from tsconv.backtesting.backtest import BacktestResult
from tsconv.jobs.backtest import BacktestReport
from tsconv.jobs.fit import naive_verdict
from tsconv.metrics import diebold_mariano


def test_diebold_mariano_on_known_losses():
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 1, 400)
    stat, p = diebold_mariano(np.abs(noise) * 0.8, np.abs(noise))  # always 20 % smaller
    assert stat < -5 and p < 1e-6
    same = rng.normal(0, 1, 400) ** 2
    assert diebold_mariano(same, same) == (0.0, 1.0)
    _, chance = diebold_mariano(rng.normal(0, 1, 14) ** 2, rng.normal(0, 1, 14) ** 2)
    assert chance > 0.05  # two equal forecasts on 14 windows: no verdict
    assert np.isnan(diebold_mariano(np.ones(2), np.zeros(2))[1])  # too few pairs
    # Overlapping h-step errors: the autocovariances widen the variance, so p grows.
    walk = np.cumsum(rng.normal(0.05, 1, 300))
    assert diebold_mariano(walk, np.zeros(300), 10)[1] > diebold_mariano(walk, np.zeros(300))[1]


def _test(mae, rmse, p, windows=14):
    return {
        "windows": windows,
        "model": {"mae": mae, "rmse": rmse},
        "naive": {"mae": 1.0, "rmse": 1.1},
        "vs_naive": {"p_value": p},
    }


def test_the_fit_verdict_says_how_sure_it_is():
    assert "the model beats the naive forecast (tomorrow = today) (Diebold–Mariano p = 0.001)" in (
        naive_verdict(_test(0.9, 1.0, 0.001, 5000))
    )
    unsure = naive_verdict(_test(0.9, 1.0, 0.3))
    assert "ahead of the naive forecast (tomorrow = today), but not surely" in unsure
    assert "over 14 windows can be chance" in unsure and "beats" not in unsure
    assert "RMSE is higher (1.2 against 1.1)" in naive_verdict(_test(0.9, 1.2, 0.01))
    assert "is worse than the naive forecast" in naive_verdict(_test(1.2, 1.3, 0.001))
    assert "does not beat the naive forecast" in naive_verdict(_test(1.05, 1.2, 0.4))
    assert "ties with" in naive_verdict(_test(1.001, 1.1, 0.9))
    older = {k: v for k, v in _test(0.9, 1.0, 0.01).items() if k != "vs_naive"}
    assert "the model beats the naive forecast (tomorrow = today)." in naive_verdict(older)


def _report(mase: dict[str, list[float]]) -> BacktestReport:
    rows = [
        {"model": model, "fold": k + 1, "origin": k, "mase": v}
        for model, values in mase.items()
        for k, v in enumerate(values)
    ]
    result = BacktestResult(
        scores=pd.DataFrame(rows),
        forecasts=pd.DataFrame(),
        horizon=12,
        folds=5,
        refit="warm",
        seconds={},
    )
    return BacktestReport(result, "data.csv", "y", None, None, None)


def test_a_backtest_verdict_compares_with_the_best_reference():
    report = _report(
        {
            "naive": [4.0, 4.2, 3.9, 4.1, 4.3],
            "seasonal-naive": [2.0, 2.1, 1.9, 2.2, 2.0],
            "drift": [4.1, 4.2, 4.0, 4.1, 4.4],
            "conv": [1.0, 1.3, 0.9, 1.2, 1.1],  # below seasonal naive in every fold
            "tcn": [2.5, 1.0, 2.6, 1.2, 2.1],  # ahead on average, not surely
            "transformer": [2.5, 2.7, 2.4, 2.6, 2.5],
        }
    )
    lines = {line.split(":")[0]: line for line in report._verdicts(report.result.table())}
    assert set(lines) == {"conv", "tcn", "transformer"}  # the references get no verdict
    assert (
        "beats seasonal-naive by 46.1% (better in 5 of 5 folds, paired p = 1.9e-05)"
        in lines["conv"]
    )
    assert "not surely" not in lines["conv"] and "; 0.268× naive." in lines["conv"]
    assert "beats seasonal-naive" in lines["tcn"] and "but not surely: over so few" in lines["tcn"]
    assert re.search(
        r"is 2\d.\d% worse than seasonal-naive \(better in 0 of 5 folds", lines["transformer"]
    )
