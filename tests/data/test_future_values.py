"""Known-in-advance inputs: the user's columns, their future values, holiday flags."""

import re

import numpy as np
import pandas as pd
import pytest

from tsconv.data.calendar import future_index
from tsconv.data.known_inputs import (
    check_country,
    check_future_features,
    holiday_flags,
    known_inputs,
    past_only,
    with_future_features,
)
from tsconv.data.panel import as_panel
from tsconv.data.series import Series
from tsconv.errors import InputError


def daily(rows: int = 10) -> pd.DataFrame:
    index = pd.date_range("2024-01-01", periods=rows, freq="D", name="date")
    return pd.DataFrame({"y": np.arange(rows, dtype=float), "price": 100 + np.arange(rows)}, index)


def plan(frame: pd.DataFrame, horizon: int, start: float = 500.0) -> pd.DataFrame:
    steps = future_index(frame.index[-1], "D", horizon)
    return pd.DataFrame({"price": start + np.arange(horizon)}, index=steps)


def test_fit_time_rows_are_the_observed_values_and_a_repeat_of_the_last():
    frame = daily(5)
    known = known_inputs(frame, "D", ["price"])
    assert known.shape == (6, 1)
    assert known[:, 0].tolist() == [100, 101, 102, 103, 104, 104]


def test_forecast_rows_are_the_observed_then_the_future_values():
    frame = daily(5)
    known = known_inputs(frame, "D", ["price"], horizon=3, future=plan(frame, 3))
    assert known[:, 0].tolist() == [100, 101, 102, 103, 104, 500, 501, 502, 502]


def test_user_columns_come_before_the_calendar_and_the_holidays():
    frame = daily(5)
    known = known_inputs(frame, "D", ["price"], (7,), "US", horizon=2, future=plan(frame, 2))
    assert known.shape == (5 + 2 + 1, 1 + 6 + 1)
    assert known[0, -1] == 1.0  # 2024-01-01, New Year's Day
    assert known[:, 0].tolist()[:5] == [100, 101, 102, 103, 104]


def test_rows_of_the_future_file_around_the_steps_are_ignored():
    frame = daily(5)
    wider = pd.concat([frame[["price"]], plan(frame, 6)])  # the history too, and more steps
    known = known_inputs(frame, "D", ["price"], horizon=3, future=wider)
    assert known[5:8, 0].tolist() == [500, 501, 502]


def test_step_numbers_take_the_first_horizon_rows():
    frame = daily(5).reset_index(drop=True)
    future = pd.DataFrame({"price": [7.0, 8.0, 9.0]})
    assert known_inputs(frame, None, ["price"], horizon=2, future=future)[5:7, 0].tolist() == [
        7.0,
        8.0,
    ]


@pytest.mark.parametrize(
    "future, match",
    [
        (None, "takes ['price'] as known in advance: give their values for the 3 forecast"),
        ("short", "cover 2 of the 3 forecast steps (first missing: 2024-01-08)"),
        ("other", "lack column(s) ['price']"),
        ("nan", "future value of 'price' at 2024-01-07 is missing or not finite"),
        ("steps", "need timestamps like the data's"),
        ("repeat", "repeat the timestamp 2024-01-06"),
        ("text", "must be numbers"),
        ([1, 2, 3], "must be a pandas DataFrame"),
    ],
)
def test_missing_or_short_future_values_are_one_line_errors(future, match):
    frame = daily(5)
    full = plan(frame, 3)
    made = {
        "short": full.iloc[:2],
        "other": full.rename(columns={"price": "cost"}),
        "nan": full.assign(price=[1.0, np.nan, 3.0]),
        "steps": full.reset_index(drop=True),
        "repeat": pd.concat([full.iloc[:1], full]),
        "text": full.assign(price=["a", "b", "c"]),
    }
    if isinstance(future, str):
        future = made[future]
    with pytest.raises(InputError, match=re.escape(match)):
        known_inputs(frame, "D", ["price"], horizon=3, future=future)


def test_step_numbers_need_a_row_per_step():
    frame = daily(5).reset_index(drop=True)
    with pytest.raises(InputError, match=r"have 1 row\(s\); the forecast needs 3, one per step"):
        known_inputs(frame, None, ["price"], horizon=3, future=pd.DataFrame({"price": [1.0]}))


def test_holiday_flags_mark_the_dates_of_sub_daily_steps():
    index = pd.date_range("2024-07-03 12:00", periods=4, freq="12h")
    assert holiday_flags(index, "12h", "US")[:, 0].tolist() == [0.0, 1.0, 1.0, 0.0]


@pytest.mark.parametrize("freq", ["MS", "W-SUN", None])
def test_holiday_flags_need_daily_or_finer_steps(freq):
    index = pd.RangeIndex(5) if freq is None else pd.date_range("2024-01-01", periods=5, freq=freq)
    with pytest.raises(InputError, match="holiday flags need daily or finer timestamps"):
        holiday_flags(index, freq, "US")


def test_an_unknown_holiday_country_is_refused():
    assert check_country("us") == "US" and check_country(None) is None
    with pytest.raises(InputError, match="unknown holiday country 'Atlantis'"):
        check_country("Atlantis")


def test_future_features_must_be_features_listed_once():
    assert check_future_features(["price"], ["price", "volume"]) == ["price"]
    with pytest.raises(InputError, match=r"future feature\(s\) \['cost'\] are not columns"):
        check_future_features(["cost"], ["price"])
    with pytest.raises(InputError, match="listed twice"):
        check_future_features(["price", "price"], ["price"])
    with pytest.raises(InputError, match="must be a list of column names"):
        check_future_features("price", ["price"])


def test_the_known_columns_are_loaded_and_then_kept_out_of_the_past_features():
    assert with_future_features(["volume"], ["price", "volume"]) == ["volume", "price"]
    assert with_future_features(None, None) is None
    frame = daily(5).assign(volume=1.0)
    series = Series(frame, "y", ["volume", "price"], "date", "D")
    past = past_only(as_panel(series), ["price"])
    (only,) = past.series.values()
    assert past.features == ["volume"] and only.columns == ["y", "volume"]
    assert "price" in only.frame.columns  # the known values stay at hand
