"""The direct strategy end to end, and every way to ask for it wrongly."""

import numpy as np
import pytest

import tsconv
from conftest import TINY, price_frame
from tsconv.forecasters.options import resolve_strategy


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
        ({"strategy": "mimo"}, "unknown strategy 'mimo'; use auto, recursive or direct"),
        ({"output_steps": 0}, "Received: output_steps=0"),  # auto checks the count too
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
        (
            {"strategy": "recursive", "output_steps": 5},
            "the recursive strategy forecasts one step per call",
        ),
    ],
)
def test_strategy_errors(kwargs, match):
    """Each wrong way to ask for a strategy is one error naming the fix."""
    with pytest.raises(tsconv.InputError, match=match):
        tsconv.Forecaster(**kwargs)


def test_output_steps_is_the_one_name_for_steps_per_call():
    """Recursive means one step per call; direct defaults to 30; the model gets the same number.
    `auto` keeps what was given (None: decided at fit)."""
    assert tsconv.Forecaster(strategy="recursive").output_steps == 1
    assert tsconv.Forecaster().strategy == "auto" and tsconv.Forecaster().output_steps is None
    assert tsconv.Forecaster(model="tcn", strategy="direct").output_steps == 30
    assert tsconv.Forecaster(model="tcn", strategy="direct", output_steps=7).output_steps == 7


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("auto", None, "tcn", "last", {}), ("direct", 30, "auto: direct, 30 steps per call")),
        (("auto", 24, "conv", "last", {}), ("direct", 24, "auto: direct, 24 steps per call")),
        (("auto", 24, "linear", "last", {}), ("recursive", 1, "linear forecasts one step")),
        (("auto", 24, "tcn", "sequence", {}), ("recursive", 1, "the sequence objective")),
        (
            ("auto", 24, "tcn", "last", {"distribution": "gaussian"}),
            ("recursive", 1, "a gaussian head"),
        ),
        (("recursive", None, "tcn", "last", {}), ("recursive", 1, "given")),
        (("direct", 7, "tcn", "last", {}), ("direct", 7, "given")),
    ],
)
def test_resolve_strategy_picks_direct_only_where_it_can(args, expected):
    strategy, steps, reason = resolve_strategy(*args, 8760, 100, 0.1, 0.1)
    assert (strategy, steps) == expected[:2]
    assert expected[2] in reason


def test_auto_is_recursive_with_known_inputs_or_too_few_held_out_windows():
    _, steps, reason = resolve_strategy("auto", 24, "tcn", "last", {}, 8760, 100, 0.1, 0.1, True)
    assert steps == 1 and "known-in-advance inputs reach a direct block" in reason
    # 300 rows: 30 validation and 30 test rows hold one window of 30 steps, not 30 windows.
    _, steps, reason = resolve_strategy("auto", None, "tcn", "last", {}, 300, 20, 0.1, 0.1)
    assert steps == 1 and "leave 1 held-out windows in 30 rows; 30 are needed" in reason
    assert resolve_strategy("auto", 1, "tcn", "last", {}, 300, 20, 0.1, 0.1)[:2] == ("direct", 1)


def test_an_auto_fit_records_what_it_chose(tmp_path):
    price_frame(600).to_csv(tmp_path / "prices.csv", index=False)  # 60 validation rows
    series = tsconv.load_csv(tmp_path / "prices.csv")
    fc = tsconv.Forecaster(model="conv", output_steps=3, **TINY).fit(series)
    assert (fc.strategy_, fc.output_steps_, fc.keras_model.output_steps) == ("direct", 3, 3)
    assert fc.strategy == "auto" and fc.config()["strategy"] == "direct"
    assert fc.config()["strategy_reason"] == "auto: direct, 3 steps per call"
    again = tsconv.load(fc.save(tmp_path / "run"))
    assert (again.strategy_, again.output_steps_) == ("direct", 3)
    np.testing.assert_allclose(again.forecast(7).to_numpy(), fc.forecast(7).to_numpy(), rtol=1e-6)
    plain = tsconv.Forecaster(model="conv", **TINY).fit(series)  # 30 steps leave 31 windows
    assert (plain.strategy_, plain.output_steps_) == ("direct", 30)
    short = tsconv.Forecaster(model="conv", output_steps=40, **TINY).fit(series)  # 21 windows
    assert (short.strategy_, short.output_steps_) == ("recursive", 1)
    assert "leave 21 held-out windows" in short.strategy_reason_
