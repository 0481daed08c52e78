import json
import os

import pytest

import tsconv
from conftest import TINY
from tsconv import runs


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "prices.csv"
    from conftest import price_frame

    price_frame().to_csv(path, index=False)
    return tsconv.Forecaster(**TINY).fit(tsconv.load_csv(path))


def test_run_holds_the_promised_files(fitted, tmp_path):
    run = fitted.save(tmp_path / "run")
    names = {p.name for p in run.iterdir()}
    assert names == {
        "model.keras",
        "config.json",
        "metrics.json",
        "history.csv",
        "predictions.csv",
        "context.csv",
        "residuals.json",
        "fit.png",
        "manifest.json",
    }
    config = json.loads((run / "config.json").read_text())
    assert config["window"] == 20 and config["transform"] == "log-return"
    assert config["data"]["freq"] == "B" and config["data"]["last"].startswith("2021-02-23")
    assert set(config["scaler"]) == {"mean", "scale"}
    # The first validation and test targets, as the metrics count them.
    predictions = fitted.predictions_
    assert config["data"]["split"]["train_end"] == str(predictions.index[0])
    first_test = predictions.index[predictions["split"] == "test"][0]
    assert config["data"]["split"]["validation_end"] == str(first_test)
    assert config["versions"]["keras"] and config["training"]["seed"] == 0
    manifest = json.loads((run / "manifest.json").read_text())
    assert set(manifest["files"]) == names - {"manifest.json"}


def test_publish_points_latest_at_the_new_run(fitted, tmp_path):
    runs.publish(tmp_path, "first", fitted.write_files)
    runs.publish(tmp_path, "second", fitted.write_files)
    assert runs.resolve_run(None, tmp_path).name == "second"
    with pytest.raises(tsconv.RunError, match="already exists"):
        runs.publish(tmp_path, "second", fitted.write_files)
    with pytest.raises(tsconv.InputError, match="run name must be"):
        runs.publish(tmp_path, "../escape", fitted.write_files)


def test_a_failing_write_leaves_nothing(tmp_path):
    def broken(folder):
        (folder / "model.keras").write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        runs.publish(tmp_path, "broken", broken)
    assert list(tmp_path.iterdir()) == []


def test_stale_temporary_folders_are_cleaned(fitted, tmp_path):
    stale = tmp_path / ".tmp-old-999999999"  # no such process
    stale.mkdir()
    (stale / "model.keras").write_bytes(b"partial")
    runs.publish(tmp_path, "new", fitted.write_files)
    assert not stale.exists()


def test_incomplete_run_is_refused(fitted, tmp_path):
    run = fitted.save(tmp_path / "run")
    os.remove(run / "manifest.json")
    with pytest.raises(tsconv.RunError, match=r"is incomplete \(no manifest.json\)"):
        tsconv.load(run)


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_corrupt_model_is_refused(fitted, tmp_path, damage):
    run = fitted.save(tmp_path / "run")
    data = bytearray((run / "model.keras").read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0xFF
    else:
        data = data[: len(data) // 2]
    (run / "model.keras").write_bytes(bytes(data))
    with pytest.raises(tsconv.RunError, match=r"corrupt \(checksum mismatch in model.keras\)"):
        tsconv.load(run)


def test_incompatible_version_is_refused(fitted, tmp_path):
    run = fitted.save(tmp_path / "run")
    config = json.loads((run / "config.json").read_text())
    config["format"] = 0
    (run / "config.json").write_text(json.dumps(config))
    runs.write_manifest(run)  # a consistent run, just from another format
    with pytest.raises(tsconv.RunError, match=r"run format 0; this tsconv reads format 1"):
        tsconv.load(run)


def test_non_zip_model_is_refused_before_keras_reads_it(fitted, tmp_path):
    run = fitted.save(tmp_path / "run")
    (run / "model.keras").write_bytes(b"\x80\x04\x95 pickle-like bytes")
    runs.write_manifest(run)
    with pytest.raises(tsconv.RunError, match="not a Keras archive"):
        tsconv.load(run)


def test_missing_run(tmp_path):
    with pytest.raises(tsconv.RunError, match=r"no run yet .*tsconv fit"):
        runs.resolve_run(None, tmp_path)
    with pytest.raises(tsconv.RunError, match=r"run 'ghost' not found"):
        runs.resolve_run("ghost", tmp_path)


def test_loading_a_folder_that_does_not_exist_says_so(tmp_path):
    with pytest.raises(tsconv.RunError, match=r"run .*ghost not found; give a run folder"):
        tsconv.load(tmp_path / "ghost")


def test_a_mistyped_run_name_suggests_the_close_ones(tmp_path):
    for name in ("msft-tcn", "msft-conv", "co2"):
        (tmp_path / name).mkdir()
    with pytest.raises(tsconv.RunError, match=r"did you mean 'msft-tcn', 'msft-conv'\?"):
        runs.resolve_run("msft-tnc", tmp_path)
    with pytest.raises(tsconv.RunError, match=r"`tsconv runs --runs-dir .*` lists the 3 run"):
        runs.resolve_run("zzz", tmp_path)
    with pytest.raises(tsconv.RunError, match="there are no runs in"):
        runs.resolve_run("zzz", tmp_path / "empty")
