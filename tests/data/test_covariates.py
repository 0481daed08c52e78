"""Calendar features: the phase of each season comes from the calendar, never the row number."""

import numpy as np
import pandas as pd
import pytest

from tsconv.data.covariates import calendar_features, fourier_terms, season_phase
from tsconv.errors import InputError
from tsconv.preprocessing.windowing import lead_known


@pytest.mark.parametrize(
    ("freq", "season", "start", "expected"),
    [
        ("30min", 48, "2024-03-05 12:00", 0.5),  # noon: half the day
        ("30min", 336, "1970-01-01 00:00", 0.0),  # the week's phase starts at the epoch
        ("h", 24, "2024-03-05 06:00", 0.25),
        ("D", 7, "1970-01-08", 0.0),  # a week after the epoch
        ("B", 5, "2024-03-06", 0.4),  # a Wednesday
        ("MS", 12, "2024-04-01", 0.25),  # April: three months in
        ("QS", 4, "2024-07-01", 0.5),
        ("W-SUN", 52, "2024-07-07", 188 / 366),  # weeks use the calendar year (2024: leap)
        ("D", 365, "2023-07-02", 182 / 365),
    ],
)
def test_phase_of_each_frequency(freq, season, start, expected):
    index = pd.date_range(start, periods=3, freq=freq)
    assert season_phase(index, freq, season)[0] == pytest.approx(expected, abs=1e-9)


def test_phase_is_the_same_for_the_same_timestamp_whatever_the_rows():
    """A forecast's future timestamps get the features training saw at that time of day."""
    index = pd.date_range("2024-01-01", periods=500, freq="30min")
    full = calendar_features(index, "30min", (48, 336))
    later = calendar_features(index[123:], "30min", (48, 336))
    pd.testing.assert_frame_equal(full.iloc[123:], later)
    # One day later, the daily terms repeat exactly; the weekly ones do not.
    day = full.to_numpy()[48:96] - full.to_numpy()[:48]
    daily = [c.endswith(tuple(f"48_{h}" for h in (1, 2, 3))) for c in full.columns]
    assert np.abs(day[:, daily]).max() < 1e-9 and np.abs(day[:, ~np.array(daily)]).max() > 0.1


def test_weekly_yearly_phase_does_not_drift_over_decades():
    index = pd.date_range("1980-01-06", "2020-12-31", freq="W-SUN")
    phase = season_phase(index, "W-SUN", 52)
    first_week_of_january = phase[(index.month == 1) & (index.day <= 7)]
    assert first_week_of_january.max() < 7 / 365  # a 52 × 7-day cycle would drift 10 days


def test_fourier_columns_and_step_numbers():
    terms = fourier_terms(pd.RangeIndex(8), None, 4)
    assert terms.columns.tolist() == ["sin4_1", "cos4_1", "cos4_2"]  # sin(pi t) is always 0
    np.testing.assert_allclose(terms["cos4_2"], [1, -1] * 4, atol=1e-12)
    np.testing.assert_allclose(terms["sin4_1"].to_numpy()[[1, 5]], [1, 1], atol=1e-12)
    assert calendar_features(pd.RangeIndex(8), None, (7,)).shape == (8, 6)  # 3 pairs


def test_calendar_feature_errors():
    index = pd.DatetimeIndex(["2024-01-01", "2024-01-03", "2024-01-04"])
    with pytest.raises(InputError, match=r"need a regular frequency.*--calendar none"):
        calendar_features(index, None, (7,))
    with pytest.raises(InputError, match=r"harmonics must be a positive integer"):
        calendar_features(pd.RangeIndex(4), None, (4,), harmonics=0)
    with pytest.raises(InputError, match=r"season"):
        calendar_features(pd.RangeIndex(4), None, (0,))


def test_lead_known_on_arange():
    """Row t of the inputs carries row t + 1's known value; the extra row is the next step."""
    known = np.arange(12.0).reshape(6, 2)  # rows 0 … 5 of a 5-row series plus its next step
    led = lead_known(known)
    assert led.shape == (5, 2) and led[:, 0].tolist() == [2.0, 4.0, 6.0, 8.0, 10.0]
    assert np.shares_memory(led, known)
    with pytest.raises(InputError, match=r"known values must be \(rows \+ 1, k\)"):
        lead_known(np.arange(3.0))
