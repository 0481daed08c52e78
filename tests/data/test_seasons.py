"""Seasons: the calendar's for every frequency, confirmed or found in the data, or given."""

from pathlib import Path

import numpy as np
import pytest

import tsconv
from tsconv.data.calendar import infer_season
from tsconv.data.seasons import (
    MIN_STRENGTH,
    calendar_seasons,
    check_seasons,
    find_seasons,
    parse_seasons,
    seasonal_strength,
)
from tsconv.errors import InputError

DATASETS = Path(__file__).resolve().parents[2] / "datasets"
RNG = np.random.default_rng(0)


@pytest.mark.parametrize(
    "freq, seasons",
    [
        ("15min", (96, 672)),
        ("30min", (48, 336)),
        ("h", (24, 168)),
        ("2h", (12, 84)),
        ("D", (7, 365)),
        ("B", (5,)),
        ("W-SUN", (52,)),
        ("2W-SUN", (26,)),
        ("MS", (12,)),
        ("ME", (12,)),
        ("QS-DEC", (4,)),
        ("QE-DEC", (4,)),
        ("YS-JAN", ()),
        ("2D", ()),
        ("7min", (1440,)),  # a week is 1,440 steps of 7 minutes, a day no whole number
        ("11min", ()),
        (None, ()),
    ],
)
def test_every_frequency_has_its_calendar_seasons(freq, seasons):
    assert calendar_seasons(freq) == seasons
    assert infer_season(freq) == (seasons[0] if seasons else None)


def daily_and_weekly(days: int, weekly: float = 3.0) -> np.ndarray:
    """Half-hours with a daily cycle, busier weekends (when `weekly`), level shifts, noise."""
    t = np.arange(48 * days)
    shifts = np.repeat(RNG.normal(0, 2, size=len(t) // 500 + 1), 500)[: len(t)]
    weekend = ((t // 48) % 7) >= 5
    return 10 * np.sin(2 * np.pi * t / 48) + weekly * weekend + shifts + RNG.normal(size=len(t))


def test_a_day_and_a_week_of_half_hours_are_both_found():
    found = find_seasons(daily_and_weekly(84), "30min")
    assert found.source == "calendar"
    assert set(found.lengths) == {48, 336}
    # The week holds seven whole days: seasonal naive repeats last week.
    assert found.primary == 336


def test_a_week_that_adds_nothing_to_the_day_is_not_kept():
    found = find_seasons(daily_and_weekly(84, weekly=0.0), "30min")
    assert found.lengths == (48,)
    assert found.strength[336] < MIN_STRENGTH <= found.strength[48]


def test_a_year_of_days_is_tested_only_with_enough_history():
    t = np.arange(500)
    yearly = 5 * np.sin(2 * np.pi * t / 365) + 0.2 * RNG.normal(size=len(t))
    assert 365 not in find_seasons(yearly, "D").strength  # under three years: not measured
    t = np.arange(4 * 365)
    yearly = 5 * np.sin(2 * np.pi * t / 365) + 0.2 * RNG.normal(size=len(t))
    assert find_seasons(yearly, "D").lengths == (365,)


def test_a_cycle_the_calendar_does_not_know_is_found_in_the_data():
    t = np.arange(300)
    monthly = 5 * np.sin(2 * np.pi * t / 10) + 0.05 * t + RNG.normal(size=len(t))
    found = find_seasons(monthly, "MS")
    assert found.strength[12] < MIN_STRENGTH
    assert (found.lengths, found.source) == ((10,), "data")  # not 20, 30, … (its multiples)
    steps = find_seasons(5 * np.sin(2 * np.pi * t / 10) + RNG.normal(size=len(t)), None)
    assert (steps.primary, steps.source) == (10, "data")


def test_noise_and_random_walks_have_no_season_of_their_own():
    noise = find_seasons(RNG.normal(size=2000), None)
    assert (noise.lengths, noise.primary, noise.source) == ((), None, "none")
    walk = find_seasons(np.cumsum(RNG.normal(size=2000)), "D")
    # The frequency's shortest season stays for seasonal naive, marked unconfirmed.
    assert (walk.lengths, walk.source) == ((7,), "calendar, unconfirmed")
    assert walk.strength[7] < 0.05
    assert "not confirmed by the data" in walk.describe()


@pytest.mark.parametrize(
    "name, options, season, least",
    [("co2_weekly", {"fill": "interpolate"}, 52, 0.9), ("airline", {}, 12, 0.7)],
)
def test_the_embedded_seasonal_datasets_confirm_their_calendar(name, options, season, least):
    series = tsconv.load_csv(DATASETS / f"{name}.csv", **options)
    found = find_seasons(series.values[:, 0], series.freq)
    assert (found.lengths, found.source) == ((season,), "calendar")
    assert found.strength[season] >= least


def test_hourly_temperatures_have_a_day_and_no_week():
    series = tsconv.load_csv(DATASETS / "seattle_temps.csv")
    found = find_seasons(series.values[:, 0], series.freq)
    assert series.freq == "h"
    assert found.lengths == (24,)
    assert found.strength[24] > 0.9 and found.strength[168] < 0.05  # temperatures have no week


def test_the_half_hourly_load_has_a_day_and_a_week():
    series = tsconv.load_csv(DATASETS / "halfhourly_load.csv")
    found = find_seasons(series.values[:, 0], series.freq)
    assert (found.primary, set(found.lengths), found.source) == (336, {48, 336}, "calendar")


def test_msft_business_days_are_not_a_season():
    series = tsconv.load_csv(DATASETS / "msft.csv")
    found = find_seasons(series.values[:, 0], series.freq)
    assert (found.primary, found.source) == (5, "calendar, unconfirmed")
    assert found.strength[5] < 0.05


def test_strength_is_about_zero_for_noise_and_one_for_a_clean_cycle():
    t = np.arange(600)
    assert seasonal_strength(RNG.normal(size=600), 12) < 0.05
    assert seasonal_strength(np.sin(2 * np.pi * t / 12) + 0.01 * t, 12) > 0.99
    assert np.isnan(seasonal_strength(np.ones(20), 12))  # under three seasons


def test_given_seasons_are_used_as_given():
    found = find_seasons(RNG.normal(size=1000), "h", [48, 336])
    assert (found.lengths, found.primary, found.source) == ((48, 336), 48, "given")
    assert parse_seasons("48, 336") == (48, 336)
    assert parse_seasons(None) is None
    assert check_seasons(12) == (12,)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, [], [12, 0], "12"])
def test_a_season_that_is_not_a_positive_integer_is_refused(bad):
    with pytest.raises(InputError, match="season must be a positive integer or a list"):
        check_seasons(bad)


def test_a_season_longer_than_the_history_is_refused():
    with pytest.raises(InputError, match="season 400 is longer than the history"):
        find_seasons(np.zeros(300), "D", [7, 400])


def test_a_season_list_that_is_not_numbers_is_refused():
    with pytest.raises(InputError, match="--season takes season lengths"):
        parse_seasons("48,week")
