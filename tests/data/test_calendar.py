import pandas as pd
import pytest

from tsconv.data.calendar import future_index, infer_frequency
from tsconv.errors import InputError


def test_business_days_with_holidays_are_business_daily():
    days = pd.bdate_range("2024-01-01", periods=60).delete([10, 30])  # two holidays
    freq, regular, note = infer_frequency(days)
    assert (freq, regular) == ("B", True)
    assert "2 business day(s) absent" in note


@pytest.mark.parametrize("freq", ["MS", "W-SAT", "D", "h"])
def test_regular_frequencies(freq):
    assert infer_frequency(pd.date_range("2024-01-06", periods=20, freq=freq))[:2] == (freq, True)


def test_future_business_days_skip_the_weekend():
    index = future_index(pd.Timestamp("2017-11-10"), "B", 3)  # a Friday
    assert list(index.strftime("%Y-%m-%d")) == ["2017-11-13", "2017-11-14", "2017-11-15"]


def test_future_steps_without_dates():
    assert list(future_index(9, None, 3)) == [10, 11, 12]


def test_future_index_refuses_zero_horizon():
    with pytest.raises(InputError, match="Received: horizon=0"):
        future_index(pd.Timestamp("2020-01-01"), "D", 0)
