"""`tsconv image fit | transfer | predict` in-process on small trees of the embedded digits."""

import json
import re

import keras
import pytest
from typer.testing import CliRunner

from conftest import bad
from tsconv.image import write_digits_folder
from tsconv_cli.main import app

runner = CliRunner()
QUICK = ["--epochs", "2", "--filters", "8,16", "--dense-units", "16"]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    return {
        "six": write_digits_folder(root / "six", [0, 1, 2, 3, 4, 5], per_class=15),
        "new": write_digits_folder(root / "new", [6, 7, 8], per_class=10),
        "root": root,
    }


@pytest.fixture(scope="module")
def fitted(trees):
    runs = trees["root"] / "runs"
    result = invoke(
        "image",
        "fit",
        trees["six"],
        *QUICK,
        "--runs-dir",
        runs,
        "--name",
        "six",
        "--augment",
        "rotation_range=10,zoom_range=0.1",
        "--json",
    )
    assert result.exit_code == 0, result.output
    return runs, json.loads(result.stdout)


def test_fit_saves_a_complete_run(fitted):
    runs, report = fitted
    run = runs / "six"
    assert (runs / "latest").resolve() == run.resolve()
    for name in (
        "model.keras",
        "config.json",
        "metrics.json",
        "history.csv",
        "curves.png",
        "confusion.png",
        "manifest.json",
    ):
        assert (run / name).is_file(), name
    config = json.loads((run / "config.json").read_text())
    assert config["kind"] == "image-classifier" and config["class_names"] == list("012345")
    assert config["image_size"] == [8, 8] and config["color_mode"] == "grayscale"
    assert config["augmented"] and config["augmentation"]["rotation_range"] == 10
    metrics = report["metrics"]
    assert metrics["epochs_run"] == 2
    v = metrics["validation"]
    assert v["images"] == 18 and 0 <= v["top1"] <= v["top5"] <= 1  # six classes: top-5 too
    assert len(v["confusion"]) == 6 and sum(map(sum, v["confusion"])) == 18
    assert report["config"]["model_options"]["filters"] == [8, 16]


def test_fit_summary_shows_accuracy_beside_the_majority_class(trees, tmp_path):
    result = invoke("image", "fit", trees["new"], *QUICK, "--runs-dir", tmp_path)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "validation top-1 accuracy" in text and "commonest class: 0.333" in text
    assert "top-5" not in text  # three classes
    assert re.search(r"trained \d of at most \d+ epochs in", text)


def test_predict_classifies_files_with_the_latest_run(fitted, trees):
    runs, _ = fitted
    files = sorted((trees["six"] / "3").glob("*.png"))[:2]
    result = invoke("image", "predict", *files, "--runs-dir", runs, "--top", "3", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["predictions"]
    assert [row["file"] for row in rows] == [str(f) for f in files]
    for row in rows:
        assert row["class"] in list("012345") and 0 < row["probability"] <= 1
        assert len(row["top"]) == 3 and row["top"][0]["class"] == row["class"]
        probabilities = [entry["probability"] for entry in row["top"]]
        assert probabilities == sorted(probabilities, reverse=True)  # a list, not one string
    text = invoke("image", "predict", files[0], "--runs-dir", runs).stdout
    assert str(files[0]) in text and "probability" in text


def test_predict_shows_progress_per_chunk_on_stderr_and_chunks_agree(fitted, trees):
    runs, _ = fitted
    files = sorted(trees["six"].rglob("*.png"))  # 90 files
    many = (files * 4)[:300]  # more than one chunk of 256
    result = invoke("image", "predict", *many, "--runs-dir", runs, "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "classified 256/300 images",
        "classified 300/300 images",
    ]
    rows = json.loads(result.stdout)["predictions"]  # stdout holds only the JSON
    alone = json.loads(invoke("image", "predict", *files, "--runs-dir", runs, "--json").stdout)
    by_file = {row["file"]: row for row in alone["predictions"]}
    assert rows == [by_file[str(f)] for f in many]  # the chunk a file falls in changes nothing
    quiet = invoke("image", "predict", *many, "--runs-dir", runs, "--quiet")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_transfer_from_a_run_freezes_the_base_and_saves(fitted, trees):
    runs, _ = fitted
    result = invoke(
        "image",
        "transfer",
        trees["new"],
        "--base",
        runs / "six",
        "--epochs",
        "2",
        "--fine-tune",
        "1",
        "--fine-tune-epochs",
        "1",
        "--runs-dir",
        runs,
        "--name",
        "new",
    )
    assert result.exit_code == 0, result.output
    config = json.loads((runs / "new" / "config.json").read_text())
    assert config["model"] == "transfer" and config["class_names"] == ["6", "7", "8"]
    assert config["base"]["source"] == str(runs / "six") and config["base"]["layers_unfrozen"] == 1
    history = (runs / "new" / "history.csv").read_text()
    assert "head" in history and "fine-tune" in history
    # The stages' epochs are told apart: a total of 3 read like --epochs 2 was ignored.
    assert "2 of at most 2 epochs of the new head, then 1 of at most 1 of fine-tuning" in (
        result.stdout
    )
    base_file = keras.saving.load_model(runs / "six" / "model.keras")
    assert base_file.get_layer("block1_conv1") is not None
    again = invoke(
        "image",
        "transfer",
        trees["new"],
        "--base",
        runs / "six" / "model.keras",
        "--base-layer",
        "block1_pool",
        "--epochs",
        "1",
        "--runs-dir",
        runs,
        "--json",
    )
    assert again.exit_code == 0, again.output
    config = json.loads(again.stdout)["config"]
    assert config["base"]["layer"] == "block1_pool"
    assert config["model_options"]["pooling"] == "flatten"  # as the CNN's own top
    predicted = invoke(
        "image",
        "predict",
        next((trees["new"] / "7").glob("*.png")),
        "--run",
        "new",
        "--runs-dir",
        runs,
    )
    assert predicted.exit_code == 0 and predicted.stdout.split("\n")[1].split()[1] in "678"


def test_transfer_from_an_application_with_a_local_weights_file(trees, tmp_path):
    donor = keras.applications.MobileNetV3Small(
        include_top=False, weights=None, input_shape=(32, 32, 3)
    )
    donor.save_weights(tmp_path / "notop.weights.h5")
    result = invoke(
        "image",
        "transfer",
        trees["new"],
        "--base",
        "mobilenetv3small",
        "--weights",
        tmp_path / "notop.weights.h5",
        "--epochs",
        "1",
        "--runs-dir",
        tmp_path / "runs",
        "--name",
        "mobile",
    )
    assert result.exit_code == 0, result.output
    config = json.loads((tmp_path / "runs" / "mobile" / "config.json").read_text())
    assert config["image_size"] == [32, 32] and config["color_mode"] == "rgb"
    assert config["base"]["source"] == "mobilenetv3small"
    random = invoke(
        "image",
        "transfer",
        trees["new"],
        "--base",
        "mobilenet-v3-small",
        "--epochs",
        "1",
        "--runs-dir",
        tmp_path / "runs",
    )
    assert random.exit_code == 0, random.output
    assert "not transfer learning" in random.stderr


def test_errors_are_one_line(trees, tmp_path, fitted):
    runs, _ = fitted
    bad(invoke("image", "fit", tmp_path / "nope"), "image folder")
    bad(invoke("image", "fit", trees["new"], "--size", "big"), "--size takes HEIGHTxWIDTH")
    bad(
        invoke("image", "fit", trees["new"], "--augment", "spin=3"),
        "unknown augmentation option(s) spin",
    )
    bad(invoke("image", "fit", trees["new"], "--augment", "hue_range=0.1"), "needs RGB images")
    bad(invoke("image", "fit", trees["new"], "--validation-split", "0"), "validation split")
    bad(invoke("image", "fit", trees["new"], "--filters", "8,8,8,8"), "below one pixel")
    bad(invoke("image", "predict", trees["new"] / "6" / "x.png", "--runs-dir", runs), "not found")
    some = next((trees["new"] / "6").glob("*.png"))
    bad(invoke("image", "predict", some, "--runs-dir", tmp_path / "none"), "no image run yet")
    bad(invoke("forecast", "--run", runs / "six"), "is an image classifier")
    bad(invoke("image", "transfer", trees["new"], "--base", "alexnet"), "neither a .keras file")
    bad(
        invoke("image", "transfer", trees["new"], "--base", runs / "six", "--base-layer", "fc1"),
        "not a feature-map layer",
    )
    bad(
        invoke("image", "transfer", trees["new"], "--base", runs / "six", "--weights", "w.h5"),
        "--weights is for keras.applications",
    )
    fake = tmp_path / "fake.keras"
    fake.write_bytes(b"\x80\x04not a zip")
    bad(invoke("image", "transfer", trees["new"], "--base", fake), "not a Keras archive")
    bad(invoke("image", "fit", trees["new"], "--runs-dir", runs, "--name", "six"), "already exists")
