"""`--transform auto`: levels for stationary series, changes for random walks and trends."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tsconv
from tsconv.data.panel import as_panel
from tsconv.errors import InputError
from tsconv.preprocessing import stationarity as st
from tsconv.preprocessing.preparation import panel_transform, prepare
from tsconv.preprocessing.transforms import resolve_transform

DATASETS = Path(__file__).resolve().parents[2] / "datasets"


def seasonal_stationary(rows: int = 2000, seed: int = 0) -> np.ndarray:
    """A positive daily cycle around a fixed level with AR(1) noise: stationary."""
    rng = np.random.default_rng(seed)
    noise = np.zeros(rows)
    for t in range(1, rows):
        noise[t] = 0.7 * noise[t - 1] + rng.normal(0, 0.3)
    return 50 + 5 * np.sin(2 * np.pi * np.arange(rows) / 24) + noise


def random_walk(rows: int = 2000, seed: int = 0, start: float = 100.0) -> np.ndarray:
    return start + np.cumsum(np.random.default_rng(seed).normal(0, 1, rows))


def test_kpss_and_adf_separate_a_stationary_series_from_a_random_walk():
    calm, walk = seasonal_stationary(), random_walk()
    assert st.kpss_statistic(calm) < st.KPSS_CRITICAL_5 < st.kpss_statistic(walk)
    assert st.adf_statistic(calm) < st.adf_critical_5(len(calm)) < st.adf_statistic(walk)
    # A trend is not stationary either, though ADF with a constant may reject its unit root.
    trend = 0.01 * np.arange(2000) + np.random.default_rng(2).normal(0, 0.5, 2000)
    assert not st.stationarity(trend).stationary
    assert st.stationarity(np.ones(100)) is None and st.stationarity(np.arange(10.0)) is None


def test_auto_models_levels_of_a_stationary_seasonal_series():
    transform, reason = resolve_transform("auto", seasonal_stationary())
    assert transform == "none"
    assert reason.startswith("levels: the training rows look stationary (KPSS ")


@pytest.mark.parametrize(
    ("start", "expected", "sign"),
    [(1000.0, "log-return", "every value positive"), (0.0, "diff", "some values <= 0")],
)
def test_auto_models_changes_of_a_random_walk(start, expected, sign):
    transform, reason = resolve_transform("auto", random_walk(start=start))
    assert transform == expected
    assert "do not hold one level (a random walk, a trend or level shifts: KPSS" in reason
    assert reason.endswith(sign)


def test_auto_keeps_returns_for_msft():
    close = pd.read_csv(DATASETS / "msft.csv")["Close"].to_numpy()
    p = prepare(close[:, None], window=100)
    assert p.transform == "log-return" and "do not hold one level" in p.transform_reason


def test_the_choice_looks_only_at_training_rows():
    calm = seasonal_stationary(1000)
    wild = calm.copy()
    wild[850:] += np.cumsum(np.random.default_rng(3).normal(0, 5, 150))  # validation, test
    assert st.stationarity(wild).stationary is False  # all rows: not stationary
    a, b = prepare(calm[:, None], window=24), prepare(wild[:, None], window=24)
    assert a.transform == b.transform == "none"
    assert a.transform_reason == b.transform_reason
    assert a.scaler.to_dict() == b.scaler.to_dict()


def test_too_few_rows_to_test_keeps_changes_and_says_why():
    transform, reason = resolve_transform("auto", seasonal_stationary(200), training_rows=20)
    assert transform == "log-return" and "too few training rows" in reason


def test_a_named_transform_is_kept_and_checked():
    assert resolve_transform("diff", seasonal_stationary()) == ("diff", "given")
    with pytest.raises(InputError, match=r"log-return needs positive values.*--transform diff"):
        resolve_transform("log-return", np.array([1.0, 0.0]))
    with pytest.raises(InputError, match="unknown transform 'boxcox'"):
        resolve_transform("boxcox", np.array([1.0]))


def panel_frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    rows = len(next(iter(columns.values())))
    time = pd.date_range("2024-01-01", periods=rows, freq="h")
    frames = [pd.DataFrame({"time": time, "id": sid, "y": y}) for sid, y in columns.items()]
    return pd.concat(frames, ignore_index=True)


def test_a_panel_models_levels_only_when_every_series_is_stationary(tmp_path):
    calm = {"a": seasonal_stationary(seed=0), "b": seasonal_stationary(seed=1)}
    path = tmp_path / "calm.csv"
    panel_frame(calm).to_csv(path, index=False)
    panel = tsconv.load_panel_csv(path, id_column="id", target="y")
    assert panel_transform("auto", panel) == (
        "none",
        "levels: the training rows of all 2 series look stationary",
    )
    mixed = {**calm, "c": random_walk(start=1000.0)}
    path = tmp_path / "mixed.csv"
    panel_frame(mixed).to_csv(path, index=False)
    transform, reason = panel_transform(
        "auto", tsconv.load_panel_csv(path, id_column="id", target="y")
    )
    assert transform == "log-return"
    assert reason.startswith("log-return: 1 of 3 series wander") and "'c'" in reason


def test_the_choice_and_its_reason_are_recorded_in_the_run(tmp_path):
    frame = pd.DataFrame(
        {
            "time": pd.date_range("2024-01-01", periods=1500, freq="h"),
            "load": seasonal_stationary(1500),
        }
    )
    path = tmp_path / "load.csv"
    frame.to_csv(path, index=False)
    fc = tsconv.Forecaster(window=48, model="linear").fit(tsconv.load_csv(path))
    assert fc.transform_ == "none" and fc.transform_reason_.startswith("levels: ")
    fc.save(tmp_path / "run")
    again = tsconv.load(tmp_path / "run")
    assert again.transform_ == "none" and again.transform_reason_ == fc.transform_reason_
    assert tsconv.runs.read_run_dir(tmp_path / "run")["transform_reason"] == fc.transform_reason_
    np.testing.assert_allclose(again.forecast(horizon=5), fc.forecast(horizon=5))


def test_as_panel_wraps_one_series_with_the_same_choice(tmp_path):
    frame = pd.DataFrame(
        {"time": pd.date_range("2024-01-01", periods=600, freq="h"), "y": random_walk(600)}
    )
    path = tmp_path / "walk.csv"
    frame.to_csv(path, index=False)
    series = tsconv.load_csv(path)
    alone = prepare(series.values, window=24)
    assert panel_transform("auto", as_panel(series)) == (
        alone.transform,
        alone.transform_reason,
    )
