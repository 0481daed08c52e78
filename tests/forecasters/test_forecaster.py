"""The Python API as a notebook uses it, and the properties behind it."""

import keras
import numpy as np
import pandas as pd
import pytest

import tsconv
from conftest import TINY, price_frame


def test_notebook_style_api(prices_csv, tmp_path):
    series = tsconv.load_csv(prices_csv)
    fc = tsconv.Forecaster(**TINY).fit(series)

    table = fc.forecast(horizon=10)
    assert table.shape == (10, 1) and list(table.columns) == ["Close"]
    assert np.isfinite(table["Close"]).all()
    expected = pd.bdate_range(series.index[-1], periods=11)[1:]
    assert (table.index == expected).all()

    assert isinstance(fc.keras_model, keras.Model)
    test = fc.metrics_["test"]
    assert test["windows"] > 0 and set(test) >= {"model", "naive"}
    assert test["naive"]["mae"] > 0

    # Quantiles without a sample count draw the CLI's 200 paths (issue 22, item 5).
    fan = fc.forecast(10, quantiles=[0.1, 0.9], seed=0)
    assert list(fan.columns) == ["Close", "q0.1", "q0.9"]
    assert (fan["q0.1"] <= fan["q0.9"]).all() and (fan["q0.1"] < fan["q0.9"]).any()
    pd.testing.assert_frame_equal(fan, fc.forecast(10, samples=200, quantiles=[0.1, 0.9], seed=0))
    with pytest.raises(tsconv.InputError, match="quantiles need sampled trajectories"):
        fc.forecast(10, samples=0, quantiles=[0.5])

    fc.save(tmp_path / "run")
    again = tsconv.load(tmp_path / "run")
    pd.testing.assert_frame_equal(again.forecast(horizon=10), table)
    x = np.random.default_rng(0).normal(size=(4, 20, 1)).astype("float32")
    np.testing.assert_array_equal(
        fc.keras_model.predict(x, verbose=0), again.keras_model.predict(x, verbose=0)
    )


def test_saved_model_loads_with_safe_mode(prices_csv, tmp_path):
    fc = tsconv.Forecaster(**TINY).fit(tsconv.load_csv(prices_csv))
    fc.save(tmp_path / "run")
    model = keras.saving.load_model(tmp_path / "run" / "model.keras", safe_mode=True)
    assert isinstance(model, tsconv.CausalConvForecaster)


def test_scaler_sees_only_training_rows(tmp_path):
    frame = price_frame(rows=300)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    frame.to_csv(a, index=False)
    changed = frame.copy()
    changed.loc[280:, "Close"] *= 3.0  # the test period only
    changed.to_csv(b, index=False)
    fa = tsconv.Forecaster(**TINY).fit(tsconv.load_csv(a))
    fb = tsconv.Forecaster(**TINY).fit(tsconv.load_csv(b))
    assert fa.scaler_.to_dict() == fb.scaler_.to_dict()
    # Also the trained weights: validation and training rows were the same.
    for wa, wb in zip(fa.model_.get_weights(), fb.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    # ...while the test metrics do see the change, so the check could fail.
    assert fa.metrics_["test"]["naive"] != fb.metrics_["test"]["naive"]


def test_same_seed_same_forecast_and_other_seed_differs(prices_csv):
    series = tsconv.load_csv(prices_csv)
    one = tsconv.Forecaster(**TINY, seed=3).fit(series).forecast(5)
    two = tsconv.Forecaster(**TINY, seed=3).fit(series).forecast(5)
    other = tsconv.Forecaster(**TINY, seed=4).fit(series).forecast(5)
    pd.testing.assert_frame_equal(one, two)
    assert not np.allclose(one.to_numpy(), other.to_numpy())


def test_forecast_from_another_series(prices_csv, tmp_path):
    fc = tsconv.Forecaster(**TINY).fit(tsconv.load_csv(prices_csv))
    later = price_frame(rows=60, seed=5)
    later["Date"] = pd.bdate_range("2030-01-01", periods=60).strftime("%Y-%m-%d")
    path = tmp_path / "later.csv"
    later.to_csv(path, index=False)
    table = fc.forecast(3, tsconv.load_csv(path))
    assert table.index[0] == pd.Timestamp("2030-03-26")  # the business day after the last row


def test_features_are_inputs(prices_csv):
    series = tsconv.load_csv(prices_csv, features=["Volume"])
    fc = tsconv.Forecaster(**TINY).fit(series)
    assert fc.model_.input_shape == (None, 20, 2)
    assert np.isfinite(fc.forecast(3)["Close"]).all()


def test_constant_series_forecasts_the_constant(tmp_path):
    path = tmp_path / "flat.csv"
    pd.DataFrame(
        {"Date": pd.bdate_range("2020-01-01", periods=200).strftime("%Y-%m-%d"), "Close": 42.0}
    ).to_csv(path, index=False)
    fc = tsconv.Forecaster(**TINY).fit(tsconv.load_csv(path))
    np.testing.assert_allclose(fc.forecast(5)["Close"], 42.0, rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"window": 0}, "Received: window=0"),
        ({"model": "lstm"}, "unknown model 'lstm'"),
        ({"transform": "sqrt"}, "unknown transform 'sqrt'"),
        ({"loss": "l3"}, "unknown loss 'l3'"),
        ({"epochs": 0}, "Received: epochs=0"),
        ({"learning_rate": -1.0}, "Received: learning_rate=-1.0"),
    ],
)
def test_option_errors(kwargs, match):
    with pytest.raises(tsconv.InputError, match=match):
        tsconv.Forecaster(**kwargs)


def test_forecast_errors(prices_csv):
    with pytest.raises(tsconv.InputError, match="not fitted yet"):
        tsconv.Forecaster().forecast(3)
    fc = tsconv.Forecaster(**TINY).fit(tsconv.load_csv(prices_csv))
    with pytest.raises(tsconv.InputError, match="Received: horizon=0"):
        fc.forecast(0)


@pytest.mark.parametrize("transform", ["none", "diff", "log-return"])
def test_forecast_integrates_back_to_levels_exactly(transform):
    """Seasonal naive on an exactly periodic series must repeat the last season, in levels."""
    season = [10.0, 12.0, 11.0, 15.0, 9.0]
    frame = pd.DataFrame(
        {"v": np.tile(season, 60)},
        index=pd.date_range("2020-01-01", periods=300, freq="D", name="date"),
    )
    series = tsconv.Series(frame=frame, target="v", time_column="date", freq="D")
    fc = tsconv.Forecaster(window=20, model="seasonal-naive", season=5, transform=transform)
    table = fc.fit(series).forecast(12)
    # The series ends on season[4]; next come season[0], season[1], ...
    np.testing.assert_allclose(table["v"], [season[h % 5] for h in range(12)], rtol=1e-5)


def test_a_window_longer_than_the_kept_context_still_forecasts(tmp_path):
    """The run keeps at least window + 1 rows of the series, whatever the window."""
    path = tmp_path / "long.csv"
    price_frame(rows=900).to_csv(path, index=False)
    fc = tsconv.Forecaster(window=600, model="linear").fit(tsconv.load_csv(path))
    assert len(fc.context_) == 601
    fc.save(tmp_path / "run")
    assert len(tsconv.load(tmp_path / "run").forecast(3)) == 3
