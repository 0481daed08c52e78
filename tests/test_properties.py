"""Property tests over generated data: round trips, window counts, finite forecasts."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import tsconv
from conftest import price_frame
from tsconv.preprocessing import transforms
from tsconv.preprocessing.scaling import StandardScaler
from tsconv.preprocessing.windowing import count_windows, make_windows

PROPERTY = settings(max_examples=300, deadline=None, derandomize=True)

COLUMNS = st.integers(1, 3).flatmap(
    lambda channels: arrays(
        np.float64,
        st.tuples(st.integers(1, 60), st.just(channels)),
        elements=st.floats(-1e6, 1e6, allow_nan=False),
    )
)


@PROPERTY
@given(x=COLUMNS)
def test_scaler_inverse_of_transform_is_the_identity(x):
    scaler = StandardScaler().fit(x)
    assert scaler is not None and np.all(scaler.scale_ > 0) and np.isfinite(scaler.scale_).all()
    z = scaler.transform(x)
    assert np.isfinite(z).all()
    np.testing.assert_allclose(scaler.inverse_transform(z), x, rtol=1e-9, atol=1e-6)
    again = StandardScaler.from_dict(scaler.to_dict())  # through JSON numbers
    np.testing.assert_array_equal(again.transform(x), z)


LEVELS = arrays(np.float64, st.integers(2, 80), elements=st.floats(0.01, 1e6))


@PROPERTY
@given(levels=LEVELS, name=st.sampled_from(["none", "diff", "log-return"]))
def test_series_transforms_invert_exactly_enough(levels, name):
    changes = transforms.forward(name, levels)
    assert changes.shape == (len(levels) - 1,)
    np.testing.assert_allclose(transforms.inverse(name, changes, levels[:-1]), levels[1:], 1e-9)
    path = transforms.integrate(name, changes[None], levels[:1])  # (1, rows - 1)
    np.testing.assert_allclose(path[0], levels[1:], rtol=1e-7)


@PROPERTY
@given(
    rows=st.integers(0, 300),
    window=st.integers(1, 120),
    horizon=st.integers(1, 40),
    channels=st.integers(1, 3),
)
def test_the_number_of_windows_is_n_minus_window_minus_horizon_plus_one(
    rows, window, horizon, channels
):
    values = np.arange(rows * channels, dtype=np.float64).reshape(rows, channels)
    expected = max(0, rows - window - horizon + 1)
    assert count_windows(rows, window, horizon) == expected
    if expected == 0:
        return
    windows = make_windows(values, window, horizon)
    assert len(windows) == expected
    last = expected - 1  # the last window's target ends on the last row
    assert windows.targets[last, -1] == values[-1, 0]
    assert windows.inputs[last, -1, 0] == values[rows - horizon - 1, 0]


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "prices.csv"
    price_frame().to_csv(path, index=False)
    options = {"window": 20, "epochs": 1, "model_options": {"filters": 4}}
    return {
        transform: tsconv.Forecaster(**options, transform=transform).fit(tsconv.load_csv(path))
        for transform in ("log-return", "none")
    }


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    horizon=st.integers(1, 60),
    samples=st.sampled_from([0, 0, 5]),
    transform=st.sampled_from(["log-return", "none"]),
)
def test_a_forecast_has_exactly_horizon_finite_values(fitted, horizon, samples, transform):
    table = fitted[transform].forecast(horizon, samples=samples, seed=0)
    assert len(table) == horizon and table.index.is_monotonic_increasing
    assert np.isfinite(table.to_numpy()).all()
    assert isinstance(table.index, pd.DatetimeIndex) and table.index.is_unique
