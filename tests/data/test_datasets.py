"""Every embedded dataset is listed in datasets/README.md with its source and SHA-256."""

import hashlib
from pathlib import Path

import pytest

import tsconv

DATASETS = Path(__file__).resolve().parents[2] / "datasets"
README = (DATASETS / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted(DATASETS.glob("*.csv")), ids=lambda p: p.name)
def test_each_dataset_has_its_provenance_and_checksum(path):
    rows = [line for line in README.splitlines() if line.startswith(f"| `{path.name}` |")]
    assert len(rows) == 1, f"{path.name} is not in datasets/README.md's table"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert f"`{digest}`" in rows[0], f"{path.name}: the README's SHA-256 is not the file's"


def test_the_half_hourly_generator_writes_the_committed_file(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_halfhourly", DATASETS / "make_halfhourly.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "halfhourly_load.csv"
    module.load().to_csv(out, index=False)
    assert out.read_bytes() == (DATASETS / "halfhourly_load.csv").read_bytes()
    assert tsconv.load_csv(out).freq == "30min"
