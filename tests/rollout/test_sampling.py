"""Sampled trajectories: reproducible, temperature-scaled, from the head or the residuals."""

import math

import numpy as np
import pandas as pd
import pytest

import tsconv
from conftest import TINY
from tsconv.rollout.sampling import (
    centre_on_point,
    check_sampling,
    draw_noise,
    interval_coverage,
    quantile_columns,
    resolve_lower,
)


def test_noise_is_reproducible_and_scaled_by_the_temperature():
    residuals = np.array([-1.0, 0.5, 2.0], np.float32)
    a = draw_noise("bootstrap", (50, 7), 1.0, seed=3, residuals=residuals)
    np.testing.assert_array_equal(a, draw_noise("bootstrap", (50, 7), 1.0, 3, residuals))
    assert not np.array_equal(a, draw_noise("bootstrap", (50, 7), 1.0, 4, residuals))
    assert set(np.unique(a)) == set(residuals.tolist())  # a bootstrap draws residuals only
    np.testing.assert_allclose(draw_noise("bootstrap", (50, 7), 0.5, 3, residuals), a / 2)
    np.testing.assert_array_equal(draw_noise("gaussian", (4, 3), 0.0, seed=1), np.zeros((4, 3)))
    for source in ("gaussian", "student-t"):
        z = draw_noise(source, (20_000, 1), 2.0, seed=0)
        assert z.dtype == np.float32 and abs(z.mean()) < 0.1
    # Student-t with 5 degrees of freedom: standard deviation sqrt(5/3), heavier tails.
    t = draw_noise("student-t", (200_000, 1), 1.0, seed=0)
    g = draw_noise("gaussian", (200_000, 1), 1.0, seed=0)
    assert abs(t.std() - math.sqrt(5 / 3)) < 0.05 and abs(g.std() - 1) < 0.01
    assert (np.abs(t) > 4).mean() > 10 * (np.abs(g) > 4).mean()


def test_bootstrap_without_residuals_is_an_input_error():
    with pytest.raises(tsconv.InputError, match="no held-out residuals"):
        draw_noise("bootstrap", (2, 2), residuals=np.zeros(0))


@pytest.mark.parametrize(
    ("samples", "temperature", "quantiles", "match"),
    [
        (-1, 1.0, None, "samples must be a whole number"),
        (2.5, 1.0, None, "samples must be a whole number"),
        (10, -0.1, None, "temperature must be a finite number"),
        (10, float("nan"), None, "temperature must be a finite number"),
        (10, 1.0, [0.5, 1.0], "quantiles must lie between 0 and 1"),
        (10, 1.0, [0.0], "quantiles must lie between 0 and 1"),
    ],
)
def test_sampling_option_errors(samples, temperature, quantiles, match):
    with pytest.raises(tsconv.InputError, match=match):
        check_sampling(samples, temperature, quantiles)


def test_quantiles_and_coverage_on_known_paths():
    paths = np.tile(np.arange(101, dtype=float)[:, None], (1, 3))  # samples 0..100 at each step
    columns = quantile_columns(paths, check_sampling(101, 1.0, [0.95, 0.05, 0.5]))
    assert list(columns) == ["q0.05", "q0.5", "q0.95"]
    np.testing.assert_allclose(columns["q0.05"], 5.0)
    np.testing.assert_allclose(columns["q0.95"], 95.0)
    covered = interval_coverage(paths, np.array([4.0, 50.0, 96.0]), level=0.9)
    assert covered.tolist() == [False, True, False]


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "prices.csv"
    from conftest import price_frame

    price_frame().to_csv(path, index=False)
    series = tsconv.load_csv(path)
    point = tsconv.Forecaster(model="tcn", **TINY).fit(series)
    options = {**TINY["model_options"], "distribution": "gaussian"}
    gaussian = tsconv.Forecaster(model="tcn", **{**TINY, "model_options": options}).fit(series)
    return point, gaussian


def test_point_runs_sample_their_residuals_reproducibly(fitted, tmp_path):
    point, _ = fitted
    assert point.residuals_.shape == (point.metrics_["validation"]["windows"],)
    a = point.sample_paths(12, samples=64, seed=7)
    assert a.shape == (64, 12) and np.isfinite(a).all()
    np.testing.assert_array_equal(a, point.sample_paths(12, samples=64, seed=7))
    assert not np.array_equal(a, point.sample_paths(12, samples=64, seed=8))
    # Temperature 0 is the point path; a higher temperature spreads the paths wider.
    mean_path = point.forecast(12)["Close"].to_numpy()
    np.testing.assert_allclose(
        point.sample_paths(12, 5, temperature=0.0), np.tile(mean_path, (5, 1))
    )
    narrow = point.sample_paths(12, 400, temperature=0.5, seed=1).std(axis=0)
    wide = point.sample_paths(12, 400, temperature=2.0, seed=1).std(axis=0)
    # The first step's noise is the same draws times 4 (exp of log-returns bends it a little);
    # later steps feed the noise back through the model, so only "wider" is asserted there.
    assert 3.8 < wide[0] / narrow[0] < 4.2
    assert (wide > 2 * narrow).all()
    # A saved run keeps its residuals: the same samples after loading.
    point.save(tmp_path / "run")
    again = tsconv.load(tmp_path / "run")
    np.testing.assert_array_equal(again.residuals_, point.residuals_)
    np.testing.assert_allclose(again.sample_paths(12, samples=64, seed=7), a, rtol=1e-6)


def test_forecast_with_samples_adds_ordered_quantiles(fitted):
    point, gaussian = fitted
    for fc in (point, gaussian):
        table = fc.forecast(10, samples=300, quantiles=[0.9, 0.1, 0.5], seed=0)
        assert list(table.columns) == ["Close", "q0.1", "q0.5", "q0.9"]
        assert (table["q0.1"] <= table["q0.5"]).all() and (table["q0.5"] <= table["q0.9"]).all()
        # Uncertainty grows along a rollout of a random-walk-like series.
        width = (table["q0.9"] - table["q0.1"]).to_numpy()
        assert width[-1] > width[0] > 0
        pd.testing.assert_frame_equal(
            table, fc.forecast(10, samples=300, quantiles=[0.1, 0.5, 0.9], seed=0)
        )


def test_distribution_head_trains_by_likelihood_and_samples_its_scale(fitted):
    _, gaussian = fitted
    assert gaussian.training_loss == "gaussian-nll"
    assert gaussian.keras_model.output.shape[-1] == 2
    np.testing.assert_allclose(
        gaussian.sample_paths(6, 3, temperature=0.0), np.tile(gaussian.forecast(6)["Close"], (3, 1))
    )


@pytest.mark.parametrize(
    ("options", "loss", "match"),
    [
        ({"distribution": "gaussian"}, "mae", "trained by its negative log-likelihood"),
        ({"distribution": "cauchy"}, None, "unknown distribution 'cauchy'"),
    ],
)
def test_distribution_option_errors(options, loss, match):
    with pytest.raises(tsconv.InputError, match=match):
        tsconv.Forecaster(model="tcn", loss=loss, model_options=options)


# === One distribution: the point, its quantiles and a floor (issue 22, item 5) ===


def test_centring_moves_each_step_so_the_median_is_the_point():
    rng = np.random.default_rng(0)
    paths = np.vstack([np.arange(5.0), rng.normal(3.0, 1.0, (101, 5))])  # samples drift by 3
    centred = centre_on_point(paths)
    np.testing.assert_array_equal(centred[0], paths[0])
    np.testing.assert_allclose(np.median(centred[1:], axis=0), paths[0])
    np.testing.assert_allclose(centred[1:].std(axis=0), paths[1:].std(axis=0))  # same spread
    assert centre_on_point(paths[:1]) is not None and len(centre_on_point(paths[:1])) == 1


@pytest.mark.parametrize("lower", ["zero", float("inf"), True, [0]])
def test_a_bad_floor_is_refused(lower):
    with pytest.raises(tsconv.InputError, match=r"lower must be a number, 'auto'"):
        resolve_lower(lower, None)


def test_the_point_is_the_median_and_inside_every_band(fitted):
    for fc in fitted:  # a point head (bootstrap) and a Gaussian head
        table = fc.forecast(12, quantiles=[0.05, 0.1, 0.5, 0.9, 0.95], seed=0)
        point = table["Close"].to_numpy()
        np.testing.assert_allclose(table["q0.5"], point, rtol=1e-9)
        assert (table["q0.05"] <= point).all() and (point <= table["q0.95"]).all()
        assert (table["q0.1"] <= point).all() and (point <= table["q0.9"]).all()
        # The raw draws are still there for whoever wants them.
        _, raw = fc.trajectories(12, samples=200, seed=0, centred=False)
        np.testing.assert_allclose(raw[0], point, rtol=1e-6)


def test_a_count_series_that_reaches_zero_is_floored_at_zero(tmp_path):
    rng = np.random.default_rng(0)
    t = np.arange(400)
    counts = np.maximum(0, 40 * np.sin(2 * np.pi * t / 11) + rng.normal(0, 12, 400)).round()
    frame = pd.DataFrame({"date": pd.date_range("1600", periods=400, freq="YS"), "n": counts})
    fc = tsconv.Forecaster(model="linear", window=22, seed=0).fit(tsconv.load_csv(frame))
    assert fc.data_["lower"] == {"n": 0.0}
    table = fc.forecast(22, samples=300, seed=0)
    assert (table.to_numpy() >= 0).all() and (table["q0.05"] == 0).any()
    free = fc.forecast(22, samples=300, seed=0, lower=None)
    assert (free["q0.05"] < 0).any()  # without the floor the band dips below zero
    floored = np.maximum(free.to_numpy(), 0)
    np.testing.assert_allclose(table.to_numpy(), floored)  # the floor is all that changed
    assert (fc.forecast(22, samples=100, seed=0, lower=5).to_numpy() >= 5).all()
    fc.save(tmp_path / "run")
    assert tsconv.load(tmp_path / "run").data_["lower"] == {"n": 0.0}
    prices = tsconv.Forecaster(model="linear", window=20).fit(tsconv.load_csv(
        pd.DataFrame({"date": frame["date"], "n": counts + 10})))  # fmt: skip
    assert prices.data_["lower"] == {"n": None}  # above zero without reaching it: no floor
