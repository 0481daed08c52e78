"""Runs written by tsconv before the issue-19 refactor (a16d854) load and give the same numbers.

The fixtures in tests/fixtures/legacy_runs/ (see its README) were written once
by that code: a run of every kind, their forecasts and predictions beside them.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tsconv

LEGACY = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_runs"
FORECASTERS = sorted(
    p.stem for p in (LEGACY / "expected").glob("*.json") if p.stem != "image-classifier"
)


def _frame(split: dict) -> pd.DataFrame:
    return pd.DataFrame(split["data"], columns=split["columns"])


def _assert_same(table: pd.DataFrame, expected: pd.DataFrame) -> None:
    table = table.reset_index()
    assert list(table.columns) == list(expected.columns)
    for column in expected.columns:
        if pd.api.types.is_numeric_dtype(expected[column]):
            np.testing.assert_allclose(table[column], expected[column], rtol=1e-5, err_msg=column)
        else:
            got = table[column].astype(str).str.slice(0, 10).tolist()
            assert got == expected[column].astype(str).str.slice(0, 10).tolist(), column


@pytest.mark.parametrize("name", FORECASTERS)
def test_legacy_forecaster_run_loads_and_forecasts_the_same(name):
    """Each pre-refactor forecaster run loads and forecasts its recorded point and sampled paths."""
    expected = json.loads((LEGACY / "expected" / f"{name}.json").read_text())
    fc = tsconv.load(LEGACY / "runs" / name)
    horizon = expected["horizon"]
    point = fc.forecast(horizon)
    _assert_same(point, _frame(expected["point"]))
    # The same draws as then: quantiles of the raw paths (forecast() now centres them on
    # the point path, so its q0.5 is the point).
    raw = fc.trajectories(horizon, samples=20, seed=3, centred=False)
    paths = {sid: p for sid, (_, p) in raw.items()} if fc.many_series else {None: raw[1]}
    sampled = fc.forecast(horizon, samples=20, seed=3, quantiles=[0.1, 0.5, 0.9])
    recorded = _frame(expected["sampled"])
    for sid, levels in paths.items():
        rows = recorded if sid is None else recorded[recorded[fc.data_["id_column"]] == sid]
        for q in ("q0.1", "q0.5", "q0.9"):
            np.testing.assert_allclose(
                np.quantile(levels[1:], float(q[1:]), axis=0), rows[q], rtol=1e-5, err_msg=q
            )
    np.testing.assert_allclose(sampled["q0.5"], sampled.iloc[:, -4], rtol=1e-6)


def test_legacy_image_run_predicts_the_same():
    """The pre-refactor image run classifies its recorded images with the same probabilities."""
    from tsconv.jobs.image import predict_images

    expected = json.loads((LEGACY / "expected" / "image-classifier.json").read_text())
    files = [LEGACY / "data" / "images" / name for name in expected["files"]]
    report = predict_images(files, run=LEGACY / "runs" / "image-classifier", top=3)
    assert report.table["class"].tolist() == expected["classes"]
    best = np.max(expected["probabilities"], axis=1)
    np.testing.assert_allclose(report.table["probability"], best, atol=1e-4)
