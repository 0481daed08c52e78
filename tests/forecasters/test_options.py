"""The direct strategy end to end, and every way to ask for it wrongly."""

import numpy as np
import pytest

import tsconv
from conftest import TINY


def test_direct_strategy_trains_on_k_targets_and_forecasts_any_horizon(prices_csv, tmp_path):
    series = tsconv.load_csv(prices_csv)
    fc = tsconv.Forecaster(model="tcn", strategy="direct", output_steps=5, **TINY).fit(series)
    assert fc.output_steps == 5 and fc.keras_model.output_steps == 5
    assert tuple(fc.keras_model.output.shape) == (None, 5)
    table = fc.forecast(12, samples=20, seed=0)
    assert table.shape == (12, 4) and np.isfinite(table.to_numpy()).all()
    # The first five steps are one model call on the last window.
    direct = fc.forecast(5)["Close"].to_numpy()
    np.testing.assert_allclose(table["Close"].to_numpy()[:5], direct, rtol=1e-6)
    fc.save(tmp_path / "run")
    again = tsconv.load(tmp_path / "run")
    assert again.strategy == "direct" and again.output_steps == 5
    np.testing.assert_allclose(again.forecast(12)["Close"], table["Close"], rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"strategy": "mimo"}, "unknown strategy 'mimo'; use recursive or direct"),
        ({"strategy": "direct", "output_steps": 0}, "Received: output_steps=0"),
        ({"strategy": "direct", "model": "naive"}, "needs a neural model"),
        (
            {"strategy": "direct", "model": "tcn", "objective": "sequence"},
            "sequence objective trains one-step forecasts",
        ),
        (
            {"strategy": "direct", "model": "tcn", "model_options": {"distribution": "gaussian"}},
            "gaussian head forecasts one step at a time",
        ),
        ({"model": "tcn", "model_options": {"output_steps": 3}}, "takes no option output_steps"),
        ({"output_steps": 5}, "the recursive strategy forecasts one step per call"),
    ],
)
def test_strategy_errors(kwargs, match):
    """Each wrong way to ask for a strategy is one error naming the fix."""
    with pytest.raises(tsconv.InputError, match=match):
        tsconv.Forecaster(**kwargs)


def test_output_steps_is_the_one_name_for_steps_per_call():
    """Recursive means one step per call; direct defaults to 30; the model gets the same number."""
    assert tsconv.Forecaster().output_steps == 1
    assert tsconv.Forecaster(model="tcn", strategy="direct").output_steps == 30
    assert tsconv.Forecaster(model="tcn", strategy="direct", output_steps=7).output_steps == 7
