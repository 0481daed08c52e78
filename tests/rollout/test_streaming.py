"""`ForecastStream`: one observation at a time, the same forecasts as the window model."""

import dataclasses

import numpy as np
import pytest

import tsconv
from conftest import TINY


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    from conftest import price_frame

    path = tmp_path_factory.mktemp("data") / "prices.csv"
    price_frame().to_csv(path, index=False)
    return tsconv.load_csv(path, features=["Volume"])


@pytest.mark.parametrize(("model", "cached"), [("tcn", True), ("transformer", False)])
def test_stream_updates_equal_forecasts_from_the_latest_window(series, model, cached):
    options = {"model_dim": 8, "num_heads": 2} if model == "transformer" else {"filters": 8}
    fc = tsconv.Forecaster(model=model, **{**TINY, "model_options": options}).fit(series)
    start = len(series.frame) - 10

    def upto(rows):
        return dataclasses.replace(series, frame=series.frame.iloc[:rows])

    stream = fc.stream(upto(start))
    assert stream.cached is cached
    np.testing.assert_allclose(
        stream.forecast, fc.forecast(1, upto(start))["Close"].iloc[0], rtol=1e-5
    )
    for rows in range(start + 1, len(series.frame) + 1):
        observed = series.frame.iloc[rows - 1][["Close", "Volume"]].to_numpy()
        got = stream.update(observed)
        assert got == stream.forecast
        np.testing.assert_allclose(got, fc.forecast(1, upto(rows))["Close"].iloc[0], rtol=1e-5)


def test_stream_errors(series):
    fc = tsconv.Forecaster(model="naive", window=20).fit(series)
    stream = fc.stream()
    with pytest.raises(tsconv.InputError, match=r"needs 2 value\(s\) \(target first"):
        stream.update(50.0)
    with pytest.raises(tsconv.InputError, match="must be finite numbers"):
        stream.update([np.nan, 1.0])
    with pytest.raises(tsconv.InputError, match="needs values > 0"):
        stream.update([-1.0, 1.0])
    before = stream.forecast
    assert stream.update([before, 1500.0]) == stream.forecast  # a good one still works
    with pytest.raises(tsconv.InputError, match="not fitted yet"):
        tsconv.Forecaster().stream()
