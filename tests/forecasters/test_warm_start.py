"""Warm starts: a refit continues from the previous weights, exactly as a fit from those weights."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

import tsconv
from conftest import TINY, price_frame
from tsconv.errors import InputError

WARM = {**TINY, "model": "tcn", "model_options": {"filters": 8, "dropout": 0.2}}


def series(rows: int = 260, features: bool = False) -> tsconv.Series:
    frame = price_frame(300).set_index("Date").iloc[:rows]
    frame.index = pd.DatetimeIndex(frame.index)
    columns = ["Close", "Volume"] if features else ["Close"]
    return tsconv.Series(
        frame=frame[columns].astype(float),
        target="Close",
        features=columns[1:],
        time_column="Date",
        freq="B",
        source="synthetic",
    )


def test_a_warm_refit_equals_a_fit_from_the_previous_weights():
    """The same model object (its compiled step reused), and bit for bit the fit that
    `initial_weights` gives: what the leakage audit relies on to refit one fold alone."""
    first, longer = series(240), series(300)
    warm = tsconv.Forecaster(**WARM, warm_start=True).fit(first)
    model, start = warm.model_, warm.model_.get_weights()
    assert warm.training_["warm_start"] is False  # nothing to start from yet
    warm.fit(longer)
    assert warm.model_ is model and warm.training_["warm_start"] is True
    alone = tsconv.Forecaster(**WARM).fit(longer, initial_weights=start)
    assert alone.training_["warm_start"] is True
    for a, b in zip(warm.model_.get_weights(), alone.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    pd.testing.assert_frame_equal(warm.forecast(5), alone.forecast(5))
    # ... and it did train from there: the weights moved, the scaler is the new history's.
    ended = alone.model_.get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(start, ended, strict=True))
    cold = tsconv.Forecaster(**WARM).fit(longer)
    np.testing.assert_allclose(warm.scaler_.mean_, cold.scaler_.mean_)


def test_warm_start_needs_the_same_channels_else_fits_cold():
    fc = tsconv.Forecaster(**WARM, warm_start=True).fit(series())
    model = fc.model_
    fc.fit(series(features=True))
    assert fc.model_ is not model and fc.training_["warm_start"] is False
    assert fc.model_.num_features == 2


def test_initial_weights_that_do_not_fit_are_refused():
    weights = tsconv.Forecaster(**WARM).fit(series()).model_.get_weights()
    with pytest.raises(InputError, match=r"initial_weights do not fit this tcn model: 19 arrays"):
        tsconv.Forecaster(**WARM).fit(series(), initial_weights=weights[:-1])
    with pytest.raises(InputError, match="initial_weights do not fit this conv model"):
        tsconv.Forecaster(**{**TINY, "model": "conv"}).fit(series(), initial_weights=weights)


def test_the_run_records_whether_the_fit_started_warm(tmp_path):
    fc = tsconv.Forecaster(**WARM, warm_start=True).fit(series(240))
    fc.fit(series())
    fc.save(tmp_path / "run")
    assert tsconv.load(tmp_path / "run").training_["warm_start"] is True
    config = tsconv.runs.read_run_dir(tmp_path / "run")
    assert config["training"]["warm_start"] is True
    assert dataclasses.asdict(fc.engine_) == config["engine"]
