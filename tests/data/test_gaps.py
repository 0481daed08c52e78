"""Missing timestamps (issue 22, item 4): the frequency of the rows present, the gaps
reported, filled with --fill, and a long hole refused instead of bridged."""

import numpy as np
import pandas as pd
import pytest

from tsconv import InputError, load_csv
from tsconv.data.calendar import find_gaps, future_index
from tsconv.data.gaps import max_bridged_steps
from tsconv.data.panel import load_panel_csv


def _monthly(path, drop):
    """A monthly file (statsmodels' CO2 shape) with the rows at `drop` left out."""
    months = pd.date_range("1958-03-01", periods=240, freq="MS")
    values = 315 + np.arange(240) / 10 + 3 * np.sin(2 * np.pi * np.arange(240) / 12)
    keep = np.setdiff1d(np.arange(240), drop)
    rows = "".join(f"{months[i]:%Y-%m-%d},{values[i]:.2f}\n" for i in keep)
    path.write_text("date,co2\n" + rows)
    return path, months, values


def test_forty_missing_months_keep_the_month_start_frequency(tmp_path):
    drop = np.arange(3, 240, 6)  # 40 single months, every half-year
    path, months, values = _monthly(tmp_path / "co2.csv", drop)
    bridged = load_csv(path)  # gaps of one step are bridged, with a warning
    assert bridged.freq == "MS" and not bridged.regular and len(bridged) == 200
    future = future_index(bridged.index[-1], bridged.freq, 3)
    assert (future == pd.date_range("1978-03-01", periods=3, freq="MS")).all()  # not 31D
    filled = load_csv(path, fill="interpolate")
    assert filled.regular and filled.freq == "MS" and (filled.index == months).all()
    np.testing.assert_allclose(filled.values[:, 0], values, atol=0.6)  # between neighbours
    held = load_csv(path, fill="ffill")
    assert held.values[3, 0] == held.values[2, 0]


def test_a_ten_year_hole_is_refused_with_its_dates(tmp_path):
    path, _, _ = _monthly(tmp_path / "co2.csv", np.arange(60, 180))
    match = (
        r"120 of 240 timestamps missing at frequency MS in 1 gap\(s\); the largest, 120 "
        r"step\(s\): 1963-03-01 … 1973-02-01; windows across a gap .*--fill interpolate"
    )
    with pytest.raises(InputError, match=match):
        load_csv(path)
    with pytest.raises(InputError, match=match):
        load_csv(path, fill="drop")  # drop removes rows; it does not fill timestamps
    assert len(load_csv(path, fill="interpolate")) == 240


def test_gaps_of_weeks_quarters_years_and_hours(tmp_path):
    for freq, bridged in (("W-SAT", 10), ("QS-JAN", 4), ("YS-JAN", 10), ("h", 10), ("D", 7)):
        stamps = pd.date_range("2000-01-01", periods=80, freq=freq).delete([5, 6, 40])
        gaps = find_gaps(stamps)
        assert gaps.freq == freq and len(gaps.missing) == 3 and gaps.largest == 2
        assert gaps.largest_from == pd.date_range("2000-01-01", periods=80, freq=freq)[5]
        assert max_bridged_steps(freq) == bridged  # 10 steps, or the shortest season
    assert find_gaps(pd.date_range("2000-01-01", periods=20, freq="D")) is None  # none missing
    uneven = pd.DatetimeIndex(["2000-01-01 00:00", "2000-01-01 01:00", "2000-01-01 03:30"])
    assert find_gaps(uneven) is None  # 3:30 is on no hourly grid


def test_each_series_of_a_panel_is_checked(tmp_path):
    months = pd.date_range("2000-01-01", periods=60, freq="MS")
    rows = [f"{m:%Y-%m-%d},a,{i}" for i, m in enumerate(months)]
    rows += [f"{m:%Y-%m-%d},b,{i}" for i, m in enumerate(months) if not 10 <= i < 40]
    path = tmp_path / "long.csv"
    path.write_text("date,series_id,sales\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError, match=r"series 'b': 30 of 60 timestamps missing"):
        load_panel_csv(path)
    panel = load_panel_csv(path, fill="interpolate")
    assert len(panel.series["b"]) == 60 and panel.series["b"].freq == "MS"
