"""Flat and late forecasts are found; honest ones are not flagged."""

import numpy as np
import pytest

from tsconv.backtesting.diagnostics import best_lag, is_flat, one_step_notes


def test_is_flat_compares_the_range_with_a_one_step_move():
    assert is_flat(np.full(30, 5.0), step_scale=1.0)
    assert is_flat(5.0 + np.linspace(0, 0.09, 30), step_scale=1.0)
    assert not is_flat(5.0 + np.linspace(0, 0.2, 30), step_scale=1.0)
    assert not is_flat(np.full(30, 5.0), step_scale=float("nan"))


@pytest.mark.parametrize("late", [0, 1, 3, 5])
def test_best_lag_finds_a_shifted_copy_of_the_truth(late):
    truth = np.cumsum(np.random.default_rng(late).normal(size=5 + 40))
    forecast = truth[5 - late : 5 - late + 40]  # the truth `late` steps late
    assert best_lag(forecast, truth, 5) == (late, 1.0)


def test_best_lag_is_none_for_a_straight_line_and_checks_lengths():
    assert best_lag(np.linspace(0, 1, 10), np.arange(12.0), 2) is None
    with pytest.raises(ValueError, match="truth must hold max_lag"):
        best_lag(np.arange(10.0), np.arange(10.0), 2)


def test_one_step_notes_flag_the_naive_pattern_and_spare_a_good_forecast():
    rng = np.random.default_rng(0)
    truth = np.cumsum(rng.normal(size=300))
    actual, previous = truth[1:], truth[:-1]
    naive_notes = one_step_notes(actual, previous + 0.01, previous)  # naive plus a drift
    assert len(naive_notes) == 2
    assert "barely vary" in naive_notes[0] and "one step late" in naive_notes[1]
    # A forecast that knows most of the next move is neither flat nor late.
    good = actual + rng.normal(scale=0.2, size=len(actual))
    assert one_step_notes(actual, good, previous) == []
