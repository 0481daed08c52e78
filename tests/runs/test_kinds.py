"""The registry of run kinds: one owner of what each kind is, who reads it, who uses it."""

import importlib

import pytest

from tsconv.errors import RunError
from tsconv.runs import kinds, run_name, versions
from tsconv.runs.listing import score


def test_every_kind_names_a_reader_and_modules_that_exist():
    for kind in kinds.KINDS.values():
        module, name = kind.reader.split(":")
        target = importlib.import_module(module)
        for part in name.split("."):
            target = getattr(target, part)
        assert callable(target), kind.name
        for registering in kind.registers:
            importlib.import_module(registering)
    assert kinds.registering_modules()[:2] == ("tsconv.layers", "tsconv.models")


def test_kind_of_a_config():
    assert kinds.kind_of({}) is kinds.FORECASTER  # runs written before kinds were recorded
    assert kinds.kind_of({"kind": "global-forecaster"}).many_series
    assert kinds.kind_of({"kind": "image-classifier"}).command == "tsconv image predict"
    with pytest.raises(RunError, match=r"run r is of kind 'sound'.*upgrade tsconv"):
        kinds.kind_of({"kind": "sound"}, "r")


def test_a_kind_used_by_the_wrong_command_names_the_right_one():
    with pytest.raises(RunError, match=r"is an image classifier, not a forecaster; use `tsconv"):
        kinds.require(kinds.IMAGE_CLASSIFIER, "forecaster", "image-runs/x")
    with pytest.raises(RunError, match=r"is a forecaster, not an image classifier; use `tsconv"):
        kinds.require(kinds.GLOBAL_FORECASTER, "image classifier", "runs/x")
    kinds.require(kinds.GLOBAL_FORECASTER, "forecaster", "runs/x")  # no error


def test_the_listing_scores_each_kind_by_its_own_measure():
    forecaster = {"test": {"model": {"mae": 0.9}, "naive": {"mae": 1.0}}}
    assert score({}, forecaster) == pytest.approx(0.9)
    many = {"test": {"summary": {"mae_ratio_mean": 0.8}}}
    assert score({"kind": "global-forecaster"}, many) == pytest.approx(0.8)
    assert score({"kind": "image-classifier"}, {"validation": {"top1": 0.7}}) == 0.7
    assert score({"kind": "sound"}, forecaster) is None


def test_one_run_name_rule_for_every_kind(tmp_path):
    first = run_name(tmp_path)
    assert len(first) == len("20261202-101500") and first[8] == "-"
    (tmp_path / first).mkdir()
    second = run_name(tmp_path)  # `first-2` within the same second, else the next second
    assert second != first and not (tmp_path / second).exists()
    assert run_name(tmp_path, "cnn").startswith("cnn-")


def test_one_versions_record():
    found = versions("pillow")
    assert {"keras", "backend", "tsconv", "numpy", "pandas", "pillow"} <= set(found)
    assert found["keras"]
