"""Forecast errors on hand-checked numbers, and CRPS against its definition."""

import numpy as np
import pytest

from tsconv import metrics


def test_point_errors_by_hand():
    y, f = np.array([100.0, 200.0]), np.array([110.0, 180.0])
    assert metrics.mae(y, f) == 15.0
    assert metrics.rmse(y, f) == pytest.approx(np.sqrt((100 + 400) / 2))
    assert metrics.mape(y, f) == pytest.approx(10.0)
    assert metrics.smape(y, f) == pytest.approx(100 * (20 / 210 + 40 / 380) / 2)
    assert np.isnan(metrics.mape(np.array([0.0, 1.0]), np.array([1.0, 1.0])))


def test_smape_counts_zero_over_zero_as_no_error():
    assert metrics.smape(np.array([0.0, 0.0]), np.array([0.0, 0.0])) == 0.0
    assert metrics.smape(np.array([1.0]), np.array([-1.0])) == 200.0


def test_mase_scales_by_the_in_sample_naive_error():
    history = np.array([1.0, 3.0, 2.0, 6.0])  # one-step changes 2, 1, 4: scale 7/3
    assert metrics.naive_scale(history) == pytest.approx(7 / 3)
    assert metrics.mase(np.array([6.0, 6.0]), np.array([6.0, 13.0]), history) == pytest.approx(
        3.5 / (7 / 3)
    )
    # The naive forecast scored on its own history's pattern: MASE 1 when the future moves alike.
    walk = np.cumsum(np.ones(20))
    assert metrics.mase(walk[10:11], walk[9:10], walk[:10]) == pytest.approx(1.0)


def test_mase_with_a_season():
    history = np.tile([1.0, 5.0, 3.0], 4) + np.arange(12)  # seasonal changes all 3
    assert metrics.naive_scale(history, season=3) == pytest.approx(3.0)
    assert metrics.mase(np.array([20.0]), np.array([17.0]), history, season=3) == pytest.approx(1)


def test_naive_scale_is_nan_without_a_usable_history():
    assert np.isnan(metrics.naive_scale(np.array([5.0])))
    assert np.isnan(metrics.naive_scale(np.full(10, 2.0)))
    assert np.isnan(metrics.naive_scale(np.arange(4.0), season=4))
    with pytest.raises(ValueError, match="season must be a positive integer"):
        metrics.naive_scale(np.arange(4.0), season=0)


def test_coverage_and_pinball():
    y = np.array([1.0, 2.0, 3.0, 10.0])
    assert metrics.coverage(y, np.zeros(4), np.full(4, 3.0)) == 0.75
    # Under-forecasting costs q per unit, over-forecasting 1 - q.
    assert metrics.pinball(np.array([10.0]), np.array([8.0]), 0.9) == pytest.approx(1.8)
    assert metrics.pinball(np.array([10.0]), np.array([12.0]), 0.9) == pytest.approx(0.2)
    f = np.array([0.0, 5.0, 5.0, 5.0])
    assert metrics.pinball(y, f, 0.5) == pytest.approx(metrics.mae(y, f) / 2)
    with pytest.raises(ValueError, match="q must be between 0 and 1"):
        metrics.pinball(y, f, 1.0)


def test_mean_pinball_of_identical_samples_is_half_the_mae_at_the_median():
    y = np.array([1.0, 4.0])
    paths = np.tile([2.0, 2.0], (50, 1))
    assert metrics.mean_pinball(y, paths, [0.5]) == pytest.approx(metrics.mae(y, paths[0]) / 2)


def test_crps_matches_the_pairwise_definition():
    rng = np.random.default_rng(0)
    paths = rng.normal(size=(40, 3))
    y = np.array([0.3, -1.0, 2.0])
    # E|X - y| - E|X - X'| / 2 with all ordered pairs, step by step.
    brute = np.mean(
        [
            np.mean(np.abs(paths[:, j] - y[j]))
            - 0.5 * np.mean(np.abs(paths[:, j][:, None] - paths[:, j][None, :]))
            for j in range(3)
        ]
    )
    assert metrics.crps(y, paths) == pytest.approx(brute)


def test_crps_is_the_mae_for_a_point_forecast_and_the_known_value_for_a_normal():
    y = np.array([1.0, 3.0])
    assert metrics.crps(y, np.tile([2.0, 2.0], (10, 1))) == pytest.approx(1.0)
    # CRPS of N(0, 1) at 0 is (sqrt(2) - 1) / sqrt(pi) = 0.2337.
    samples = np.random.default_rng(1).normal(size=(20_000, 1))
    assert metrics.crps(np.zeros(1), samples) == pytest.approx(0.2337, abs=0.005)
