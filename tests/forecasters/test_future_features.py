"""Columns known in advance (`future_features`) and holiday flags: fit → run files →
forecast → backtest → audit, for one series and many."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

import tsconv
from conftest import TINY
from tsconv.backtesting.backtest import run_backtest
from tsconv.data.calendar import future_index
from tsconv.errors import InputError
from tsconv.forecasters import rollout_paths


def promoted(rows: int = 400, seed: int = 0) -> tsconv.Series:
    """Daily sales: a weekly shape plus a jump on promotion days, which no window of past
    sales can foresee, but the promotion plan can."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2023-01-01", periods=rows, freq="D", name="date")
    promo = (rng.random(rows) < 0.2).astype(float)
    sales = 10 + np.sin(2 * np.pi * np.arange(rows) / 7) + 3 * promo + rng.normal(0, 0.1, rows)
    frame = pd.DataFrame({"sales": sales, "promo": promo, "temp": rng.normal(0, 1, rows)}, index)
    return tsconv.Series(frame, "sales", ["promo", "temp"], "date", "D")


def plan(series: tsconv.Series, horizon: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    steps = future_index(series.index[-1], series.freq, horizon)
    return pd.DataFrame({"promo": (rng.random(horizon) < 0.3).astype(float)}, index=steps)


def test_a_known_promotion_plan_is_what_makes_the_forecast_good():
    series = promoted()
    past = tsconv.Forecaster(window=14, model="linear", transform="none").fit(series)
    known = tsconv.Forecaster(
        window=14, model="linear", transform="none", future_features=["promo"]
    ).fit(series)
    assert known.future_features_ == ["promo"] and known.data_["features"] == ["temp"]
    assert known.model_.num_features == 3  # sales, temp (past only), promo (known)
    ratio = known.metrics_["test"]["model"]["mae"] / past.metrics_["test"]["model"]["mae"]
    assert ratio < 0.3, ratio
    # 14 days ahead: the plan moves each day's forecast by about the promotion's lift.
    cut = dataclasses.replace(series, frame=series.frame.iloc[:-14])
    truth = series.frame.iloc[-14:]
    forecast = known.forecast(14, series=cut, future=truth[["promo"]]).iloc[:, 0].to_numpy()
    error = np.abs(forecast - truth["sales"].to_numpy()).mean()
    held = np.abs(past.forecast(14, series=cut).iloc[:, 0].to_numpy() - truth["sales"]).mean()
    assert error < 0.5 * held, (error, held)


@pytest.mark.parametrize(
    "model, options",
    [
        ("linear", {}),
        ("conv", {}),
        ("tcn", {}),
        ("transformer", {"model_options": {"model_dim": 8, "num_heads": 2, "mlp_dim": 8}}),
        ("conv", {"strategy": "direct", "output_steps": 4}),
    ],
)
def test_a_known_value_at_step_k_changes_no_earlier_step(model, options):
    series = promoted(300)
    settings = {**TINY, **options}
    if model in ("linear", "transformer"):
        settings["model_options"] = options.get("model_options", {})
    fc = tsconv.Forecaster(model=model, future_features=["promo"], calendar=[7], **settings)
    fc.fit(series)
    future = plan(series, 12)
    base = fc.forecast(12, future=future).iloc[:, 0].to_numpy()
    for k in (3, 8):
        changed = future.copy()
        changed.iloc[k:, 0] = 5.0 - changed.iloc[k:, 0] * 3  # every value from step k differs
        again = fc.forecast(12, future=changed).iloc[:, 0].to_numpy()
        np.testing.assert_array_equal(again[:k], base[:k])
        assert not np.allclose(again[k:], base[k:]), (model, k)


@pytest.mark.parametrize("model", ["conv", "tcn"])
def test_a_future_features_run_saves_loads_and_forecasts_the_same(model, tmp_path):
    series = promoted(300)
    fc = tsconv.Forecaster(model=model, future_features=["promo"], holidays="US", **TINY)
    fc.fit(series)
    assert fc.model_.num_features == 1 + 1 + 1 + 1  # sales, temp, promo, holiday flag
    path = fc.save(tmp_path / "run")
    config = tsconv.runs.read_run_dir(path)
    assert config["future_features"] == ["promo"] and config["holidays"] == "US"
    loaded = tsconv.Forecaster.load(path)
    assert loaded.future_features_ == ["promo"] and loaded.holidays_ == "US"
    future = plan(series, 20)
    expected = fc.forecast(20, future=future)
    pd.testing.assert_frame_equal(loaded.forecast(20, future=future), expected)
    # The cached and the uncached rollouts carry the known columns alike.
    uncached = loaded.forecast(20, future=future, cached=False, jit_compile=False)
    np.testing.assert_allclose(uncached.to_numpy(), expected.to_numpy(), rtol=1e-4, atol=1e-5)
    samples = loaded.forecast(20, future=future, samples=8, seed=0)
    assert samples.shape == (20, 4) and np.isfinite(samples.to_numpy()).all()


def test_holiday_flags_follow_the_calendar_of_the_forecast_steps():
    """Sales drop on US holidays; with the flag the forecast of 2023-12-25 drops too."""
    index = pd.date_range("2021-01-01", "2023-12-20", freq="D", name="date")
    rng = np.random.default_rng(0)
    flags = tsconv.data.known_inputs.holiday_flags(index, "D", "US")[:, 0]
    sales = 20 - 8 * flags + rng.normal(0, 0.2, len(index))
    series = tsconv.Series(pd.DataFrame({"sales": sales}, index), "sales", [], "date", "D")
    fc = tsconv.Forecaster(window=7, model="linear", transform="none", holidays="US").fit(series)
    forecast = fc.forecast(10).iloc[:, 0]
    christmas = forecast.loc["2023-12-25"]
    assert christmas < forecast.drop(pd.Timestamp("2023-12-25")).min() - 4, forecast


def test_forecast_errors_with_future_features():
    series = promoted(200)
    fc = tsconv.Forecaster(window=14, model="linear", future_features=["promo"]).fit(series)
    with pytest.raises(InputError, match=r"takes \['promo'\] as known in advance"):
        fc.forecast(5)
    with pytest.raises(InputError, match="cover 3 of the 5 forecast steps"):
        fc.forecast(5, future=plan(series, 3))
    with pytest.raises(InputError, match="streaming does not carry inputs known in advance"):
        fc.stream()
    lacking = dataclasses.replace(series, frame=series.frame.drop(columns=["promo"]))
    with pytest.raises(InputError, match=r"lacks column\(s\) \['promo'\]"):
        fc.forecast(5, series=lacking, future=plan(series, 5))
    with pytest.raises(InputError, match=r"future feature\(s\) \['price'\] are not columns"):
        tsconv.Forecaster(window=14, model="linear", future_features=["price"]).fit(series)
    with pytest.raises(InputError, match="unknown holiday country 'XX'"):
        tsconv.Forecaster(holidays="XX")


def test_many_series_take_their_future_values_by_id():
    one, two = promoted(300, seed=1), promoted(300, seed=2)
    panel = tsconv.data.panel.Panel(
        {"a": one, "b": two}, "store", "sales", ["promo", "temp"], "date", "long", "test"
    )
    fc = tsconv.Forecaster(window=14, model="linear", future_features=["promo"]).fit(panel)
    futures = {"a": plan(one, 6, seed=3), "b": plan(two, 6, seed=4)}
    table = fc.forecast(6, future=futures)
    assert table.shape[0] == 12 and list(table.columns[:2]) == ["store", "date"]
    long = pd.concat(
        [f.assign(store=sid).rename_axis("date").reset_index() for sid, f in futures.items()]
    )
    pd.testing.assert_frame_equal(fc.forecast(6, future=long), table)
    with pytest.raises(InputError, match="future values of many series need the id column"):
        fc.forecast(6, future=futures["a"])


def test_a_backtest_with_future_features_passes_the_audit_and_it_catches_a_step_leak(
    monkeypatch,
):
    series = promoted(260)
    options = {"window": 14, "transform": "none", "future_features": ["promo"]}
    result = run_backtest(series, ["linear"], horizon=7, folds=2, audit=True, samples=4, **options)
    assert result.audit["passed"] and result.audit["max_difference"] == 0
    mase = result.table()[("mase", "mean")]
    assert mase["linear"] < 0.3 * mase["seasonal-naive"], mase

    # A rollout that gives each step the next step's known value (one step too early)
    # is a leak the audit's second check must catch.
    def one_too_early(known):
        return np.vstack([known[2:], known[-1:]])

    monkeypatch.setattr(rollout_paths, "lead_known", one_too_early)
    leaky = run_backtest(series, ["linear"], horizon=7, folds=2, audit=True, samples=0, **options)
    assert not leaky.audit["passed"] and leaky.audit["leaks"] == ["linear fold 1", "linear fold 2"]
