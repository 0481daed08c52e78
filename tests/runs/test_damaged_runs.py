"""Issue 23, item 8: crafted or damaged runs are one-line refusals ("run … is malformed"),
never tracebacks or hangs: each case is the real run folder, edited and resealed as an
attacker (or a bad disk) would."""

import json
import os

import pytest

import tsconv
from conftest import TINY, price_frame
from tsconv import runs


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("damaged")
    price_frame().to_csv(folder / "prices.csv", index=False)
    fc = tsconv.Forecaster(**TINY).fit(tsconv.load_csv(folder / "prices.csv"))
    return fc


def _run(saved, tmp_path, edit_config=None, reseal=True):
    run = saved.save(tmp_path / "run")
    if edit_config is not None:
        config = json.loads((run / "config.json").read_text())
        edit_config(config)
        (run / "config.json").write_text(json.dumps(config))
    if reseal:
        runs.write_manifest(run)
    return run


def _set(path, value):
    def edit(config):
        node = config
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


@pytest.mark.parametrize(
    ("path", "value", "match"),
    [
        (("data", "freq"), "fortnightly-ish", r"data.freq='fortnightly-ish' is not a frequency"),
        (("engine", "dtype_policy"), "float128", r"engine.dtype_policy='float128'"),
        (("data", "target"), None, r"data.target is missing"),
        (("data", "features"), "Volume", r"data.features=Volume"),
        (("data", "lower"), "zero", r"data.lower=zero"),
        (("scaler",), {"mean": [0.0], "scale": [-1.0]}, r"scaler parameters are malformed"),
    ],
)
def test_a_malformed_field_is_named(saved, tmp_path, path, value, match):
    run = _run(saved, tmp_path, _set(path, value))
    with pytest.raises(tsconv.RunError, match=rf"run .* is malformed \(config.json: {match}"):
        tsconv.load(run)


def test_a_missing_field_is_named(saved, tmp_path):
    run = _run(saved, tmp_path, lambda config: config["data"].pop("target"))
    with pytest.raises(tsconv.RunError, match=r"is malformed \(config.json: data.target is"):
        tsconv.load(run)


def test_a_config_nested_5000_deep_is_malformed(saved, tmp_path):
    run = saved.save(tmp_path / "run")
    (run / "config.json").write_text('{"a": ' * 5000 + "1" + "}" * 5000)
    runs.write_manifest(run)
    with pytest.raises(tsconv.RunError, match=r"config.json is nested too deeply"):
        tsconv.load(run)


def test_a_context_that_is_not_csv_is_malformed(saved, tmp_path):
    run = saved.save(tmp_path / "run")
    (run / "context.csv").write_bytes(bytes(range(256)) * 40)
    runs.write_manifest(run)
    with pytest.raises(tsconv.RunError, match=r"run .* is malformed \("):
        tsconv.load(run)
    (run / "context.csv").write_text("Date,Close\n2020-01-01,abc\n")
    runs.write_manifest(run)
    with pytest.raises(tsconv.RunError, match=r"column 'Close' is missing or not numbers"):
        tsconv.load(run)


def test_a_fifo_in_place_of_a_run_file_is_refused_not_waited_on(saved, tmp_path):
    run = saved.save(tmp_path / "run")
    (run / "context.csv").unlink()
    os.mkfifo(run / "context.csv")  # reading it would wait for a writer forever
    with pytest.raises(tsconv.RunError, match=r"is malformed \(context.csv is not a regular"):
        tsconv.load(run)


def test_every_file_in_a_run_must_be_in_its_manifest(saved, tmp_path):
    run = saved.save(tmp_path / "run")
    (run / "residuals.json").unlink()
    runs.write_manifest(run)  # sealed without residuals: older runs had none
    (run / "residuals.json").write_text(json.dumps({"values": [1e300] * 10}))  # added after
    with pytest.raises(tsconv.RunError, match=r"corrupt \(residuals.json is not in its manifest"):
        tsconv.load(run)


def test_a_huge_run_json_is_refused_by_its_size(saved, tmp_path, monkeypatch):
    run = saved.save(tmp_path / "run")
    monkeypatch.setattr(runs.run_dir, "MAX_JSON_BYTES", 1000)
    with pytest.raises(tsconv.RunError, match=r"config.json is over 1,000 bytes"):
        tsconv.load(run)
