"""The textbook references, on `np.arange` and by hand."""

import numpy as np
import pytest

from tsconv.backtesting.references import classical_forecast
from tsconv.errors import InputError


def test_naive_repeats_the_last_value():
    assert classical_forecast("naive", np.arange(5.0), 3).tolist() == [4.0, 4.0, 4.0]


def test_seasonal_naive_repeats_the_last_season_beyond_one_season():
    history = np.arange(8.0)  # season 3: the last season is 5, 6, 7
    got = classical_forecast("seasonal-naive", history, 7, season=3)
    assert got.tolist() == [5.0, 6.0, 7.0, 5.0, 6.0, 7.0, 5.0]


def test_drift_extends_the_line_through_first_and_last():
    history = np.array([2.0, 7.0, 3.0, 8.0])  # slope (8 - 2) / 3 = 2
    assert classical_forecast("drift", history, 2).tolist() == [10.0, 12.0]


@pytest.mark.parametrize(
    "name, history, season, match",
    [
        ("seasonal-naive", np.arange(5.0), None, "needs a season length"),
        ("seasonal-naive", np.arange(3.0), 4, "needs a full season of history"),
        ("drift", np.arange(1.0), None, "drift needs at least 2"),
        ("prophet", np.arange(5.0), None, "unknown classical forecast 'prophet'"),
    ],
)
def test_errors(name, history, season, match):
    with pytest.raises(InputError, match=match):
        classical_forecast(name, history, 2, season=season)
