"""Rolling-origin backtests: the origin rule, refitting, the references, and the leakage audit."""

import numpy as np
import pandas as pd
import pytest

from conftest import TINY, price_frame
from tsconv.backtesting import folds as fold_rule
from tsconv.backtesting.backtest import run_backtest
from tsconv.backtesting.folds import fold_origins, observed_until
from tsconv.backtesting.methods import ForecasterMethod, check_refit
from tsconv.backtesting.references import classical_forecast
from tsconv.data.panel import as_panel
from tsconv.data.series import Series
from tsconv.errors import InputError
from tsconv.forecasters.forecaster import Forecaster
from tsconv.metrics import mase


def price_series(rows: int = 300) -> Series:
    frame = price_frame(rows).set_index("Date")[["Close"]]
    frame.index = pd.DatetimeIndex(frame.index)
    return Series(frame=frame, target="Close", time_column="Date", freq="B", source="synthetic")


def test_fold_origins_tile_the_end_of_the_series():
    rows = np.arange(20)
    origins = fold_origins(len(rows), horizon=3, folds=4)
    assert origins.tolist() == [8, 11, 14, 17]
    forecast_rows = [rows[o : o + 3].tolist() for o in origins]
    assert forecast_rows == [[8, 9, 10], [11, 12, 13], [14, 15, 16], [17, 18, 19]]
    assert [rows[:o][-1] for o in origins] == [7, 10, 13, 16]  # each fold observes up to o - 1
    assert fold_origins(20, horizon=3, folds=3, step=1).tolist() == [15, 16, 17]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"folds": 0}, "folds must be a positive integer"),
        ({"folds": 2, "step": 0}, "step must be a positive integer"),
        ({"folds": 7}, "7 folds of 3 steps need more than 20 rows"),
        ({"folds": 2, "horizon": 0}, "horizon must be a positive integer"),
    ],
)
def test_fold_origin_errors(kwargs, match):
    with pytest.raises(InputError, match=match):
        fold_origins(20, **{"horizon": 3, **kwargs})


def test_observed_until_keeps_only_the_past():
    series = price_series(50)
    past = observed_until(series, 30)
    assert len(past) == 30 and past.index[-1] == series.index[29]
    assert past.freq == series.freq and past.target == series.target


@pytest.fixture(scope="module")
def result():
    return run_backtest(price_series(), ["conv"], horizon=5, folds=3, samples=20, **TINY)


def test_backtest_scores_every_fold_of_every_model(result):
    s = result.scores
    assert set(s["model"]) == {"naive", "seasonal-naive", "drift", "conv"}
    assert s.groupby("model")["fold"].apply(list).map([1, 2, 3].__eq__).all()
    assert np.isfinite(s[["mase", "smape", "mae", "rmse", "mape"]].to_numpy()).all()
    conv = s[s["model"] == "conv"]
    assert np.isfinite(conv[["crps", "pinball", "coverage"]].to_numpy()).all()
    assert s[s["model"] == "naive"]["crps"].isna().all()  # references are point forecasts
    assert len(result.forecasts) == 4 * 3 * 5
    assert result.forecasts.groupby(["model", "fold"])["step"].apply(list).map(len).eq(5).all()


def test_backtest_references_are_the_textbook_forecasts(result):
    series = price_series()
    target = series.values[:, 0]
    for k, origin in enumerate(fold_origins(len(series), 5, 3)):
        for name in ("naive", "seasonal-naive", "drift"):
            expected = classical_forecast(name, target[:origin], 5, season=5)
            f = result.forecasts
            rows = f[(f["model"] == name) & (f["fold"] == k + 1)]
            np.testing.assert_allclose(rows["forecast"], expected)
            np.testing.assert_allclose(rows["actual"], target[origin : origin + 5])
            s = result.scores
            score = s[(s["model"] == name) & (s["fold"] == k + 1)]["mase"].item()
            assert score == pytest.approx(
                mase(target[origin : origin + 5], expected, target[:origin])
            )


def test_backtest_table_ranks_by_mase_with_spread(result):
    table = result.table()
    assert table[("mase", "mean")].is_monotonic_increasing
    assert table.loc["naive", ("mase/naive", "")] == pytest.approx(1.0)
    folds = result.scores[result.scores["model"] == "conv"]["mase"]
    assert table.loc["conv", ("mase", "mean")] == pytest.approx(folds.mean())
    assert table.loc["conv", ("mase", "std")] == pytest.approx(folds.std(ddof=0))


def test_refit_fits_at_every_origin_on_the_past_only(monkeypatch):
    seen = []
    fit = Forecaster.fit

    def recording_fit(self, data, **kwargs):
        (series,) = data.series.values()  # one series, as a panel of one
        seen.append(series.index[-1])
        return fit(self, data, **kwargs)

    monkeypatch.setattr(Forecaster, "fit", recording_fit)
    series = price_series()
    origins = fold_origins(len(series), 5, 3)
    run_backtest(series, ["linear"], horizon=5, folds=3, samples=0, window=20)
    assert seen == [series.index[o - 1] for o in origins]
    seen.clear()
    run_backtest(series, ["linear"], horizon=5, folds=3, samples=0, refit=False, window=20)
    assert seen == [series.index[origins[0] - 1]]


@pytest.mark.parametrize("refit", ["warm", "cold"])
def test_leakage_audit_passes_for_the_backtest(refit):
    """Exactly equal forecasts (and, warm, weights) when the future changes: no leak."""
    result = run_backtest(
        price_series(), ["conv"], horizon=5, folds=3, samples=10, audit=True, refit=refit, **TINY
    )
    assert result.refit == refit
    assert result.audit["passed"] and result.audit["leaks"] == []
    assert result.audit["max_difference"] == 0.0
    assert result.audit["models"] == ["naive", "seasonal-naive", "drift", "conv"]


def test_warm_refits_start_each_fold_from_the_previous_folds_weights():
    """Fold k starts from fold k - 1's end, in the same model (its compiled step reused)."""
    series = price_series()
    origins = fold_origins(len(series), 5, 3)
    panel = as_panel(series)
    method = ForecasterMethod("conv", dict(TINY), refit="warm")
    method.fit(fold_rule.observed_until(panel, {"Close": int(origins[0])}), 0)
    model, step = method.forecaster.model_, method.forecaster.model_.train_function
    assert method.forecaster.training_["warm_start"] is False  # the first fit is cold
    means = [method.forecaster.scaler_.mean_.copy()]
    for k in (1, 2):
        method.fit(fold_rule.observed_until(panel, {"Close": int(origins[k])}), k)
        assert method.forecaster.training_["warm_start"] is True
        for started, ended in zip(method.starts[k], method.trained[k - 1], strict=True):
            np.testing.assert_array_equal(started, ended)
        assert method.forecaster.model_ is model and model.train_function is step
        means.append(method.forecaster.scaler_.mean_.copy())
        assert not np.array_equal(means[-1], means[-2])  # scaler refitted on this history
    # A copy refitting one fold alone from its recorded start ends exactly where it did.
    again = method.fresh()
    again.fit(fold_rule.observed_until(panel, {"Close": int(origins[2])}), 2)
    for a, b in zip(again.weights(2), method.weights(2), strict=True):
        np.testing.assert_array_equal(a, b)


def test_refit_modes():
    assert [check_refit(r) for r in ("warm", "cold", "none", True, False)] == [
        "warm",
        "cold",
        "none",
        "cold",
        "none",
    ]
    with pytest.raises(InputError, match=r"unknown refit 'hot'; use one of \['warm'"):
        check_refit("hot")


@pytest.mark.parametrize(
    ("refit", "model", "options"),
    [
        (True, "linear", {"window": 20}),
        (False, "linear", {"window": 20}),
        ("warm", "conv", TINY),
    ],
)
def test_leakage_audit_catches_a_fold_that_sees_one_future_row(monkeypatch, refit, model, options):
    observed_until = fold_rule.observed_until

    def leaky(data, origin):  # off by one: the forecast's first true value is observed
        return observed_until(data, {sid: o + 1 for sid, o in origin.items()})

    monkeypatch.setattr(fold_rule, "observed_until", leaky)
    result = run_backtest(
        price_series(),
        [model],
        horizon=5,
        folds=2,
        samples=10,
        audit=True,
        refit=refit,
        **options,
    )
    assert not result.audit["passed"]
    assert "naive fold 1" in result.audit["leaks"] and f"{model} fold 2" in result.audit["leaks"]


def test_backtest_errors():
    series = price_series()
    with pytest.raises(InputError, match=r"unknown model\(s\) \['prophet'\]"):
        run_backtest(series, ["prophet"], horizon=5)
    with pytest.raises(InputError, match="name at least one model"):
        run_backtest(series, [], horizon=5)
    with pytest.raises(InputError, match="samples must be a whole number"):
        run_backtest(series, ["conv"], horizon=5, samples=-1)
    with pytest.raises(InputError, match="Received: window=0"):
        run_backtest(series, ["conv"], horizon=5, window=0)
    # The first origin leaves 300 - 5 * 50 = 50 rows: too few for window 20.
    with pytest.raises(InputError, match=r"fold 1 of 5 observes 50 rows: series too short"):
        run_backtest(series, ["conv"], horizon=50, folds=5, **TINY)


@pytest.mark.parametrize(
    "stub, note",
    [
        (lambda past, h: np.full(h, past[-1]), "flat forecast in 2 of 2 folds"),
        (lambda past, h: past[-h:] + 100.0, "best matches the 7 observed steps before the origin"),
    ],
)
def test_diagnostics_flag_flat_and_late_forecasts(monkeypatch, stub, note):
    def forecast(self, history, horizon, samples, seed, future=None):
        return {sid: (stub(s.values[:, 0], horizon), None) for sid, s in history.series.items()}

    monkeypatch.setattr(ForecasterMethod, "fit", lambda self, history, fold: None)
    monkeypatch.setattr(ForecasterMethod, "forecast", forecast)
    result = run_backtest(price_series(), ["conv"], horizon=7, folds=2, samples=0)
    assert any(n.startswith("conv: ") and note in n for n in result.notes), result.notes


def test_a_forecast_that_repeats_whole_seasons_is_not_called_late(monkeypatch):
    def forecast(self, history, horizon, samples, seed, future=None):  # the last two weeks again
        return {sid: (s.values[-horizon:, 0] + 100.0, None) for sid, s in history.series.items()}

    monkeypatch.setattr(ForecasterMethod, "fit", lambda self, history, fold: None)
    monkeypatch.setattr(ForecasterMethod, "forecast", forecast)
    result = run_backtest(price_series(), ["conv"], horizon=10, folds=2, samples=0)  # season 5
    assert result.notes == []
