"""Hostile image folders: bad files are skipped and reported up front, never mid-epoch."""

import json
import os

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from tsconv import InputError
from tsconv.image import ImageDataGenerator, load_image, scan_image_folder, write_digits_folder
from tsconv_cli.main import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """Digits 0 and 1, with one file of each bad kind added to class 0."""
    root = write_digits_folder(tmp_path / "tree", [0, 1], per_class=12)
    zero = root / "0"
    good = sorted(zero.glob("*.png"))[0]
    (zero / "truncated.png").write_bytes(good.read_bytes()[:40])
    (zero / "empty.png").write_bytes(b"")
    (zero / "text.png").write_text("not an image at all")
    (zero / "notes.txt").write_text("a stray file")
    Image.fromarray(np.zeros((64, 64), np.uint8)).save(zero / "huge.png")
    outside = tmp_path / "outside.png"
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(outside)
    os.symlink(outside, zero / "escape.png")
    os.symlink(zero / "loop_b.png", zero / "loop_a.png")  # a symlink loop (issue 23, item 6)
    os.symlink(zero / "loop_a.png", zero / "loop_b.png")
    # A cap of 1,000 pixels makes the 64x64 image "enormous" without writing a giant file.
    monkeypatch.setenv("TSCONV_MAX_IMAGE_PIXELS", "1000")
    return root


def test_every_bad_file_is_skipped_with_its_reason(hostile):
    folder = scan_image_folder(hostile)
    reasons = {path.name: why for path, why in folder.skipped}
    assert set(reasons) == {
        "truncated.png",
        "empty.png",
        "text.png",
        "notes.txt",
        "huge.png",
        "escape.png",
        "loop_a.png",
        "loop_b.png",
    }
    assert reasons["empty.png"] == "empty"
    assert reasons["loop_a.png"] == reasons["loop_b.png"] == "a link that loops"
    assert reasons["escape.png"] == "a link that leads outside the folder"
    assert "above the cap of 1,000 pixels" in reasons["huge.png"]
    assert reasons["truncated.png"].startswith("not a readable image")
    assert reasons["text.png"].startswith("not a readable image")
    assert len(folder.paths) == 24 and all(p.name[0].isdigit() for p in folder.paths)


def test_a_flow_over_the_folder_serves_every_batch(hostile):
    flow = ImageDataGenerator().flow_from_directory(
        hostile, target_size=(8, 8), color_mode="grayscale", batch_size=5
    )
    served = sum(len(flow[i][0]) for i in range(len(flow)))
    assert served == 24


def test_image_fit_on_the_folder_completes_and_reports_the_skips(hostile, tmp_path):
    result = invoke(
        "image",
        "fit",
        hostile,
        "--epochs",
        "1",
        "--filters",
        "4",
        "--dense-units",
        "8",
        "--runs-dir",
        tmp_path / "runs",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert "skipped 8 of 32 image file(s)" in result.stderr
    assert json.loads(result.stdout)


def test_a_class_with_only_bad_files_is_refused_up_front(tmp_path):
    root = write_digits_folder(tmp_path / "tree", [0, 1], per_class=3)
    for file in (root / "1").iterdir():
        file.write_bytes(b"")
    with pytest.raises(InputError, match=r"holds no readable image .*skipped 3 unusable"):
        scan_image_folder(root)


def test_a_class_folder_that_leads_outside_is_refused(tmp_path):
    root = write_digits_folder(tmp_path / "tree", [0, 1], per_class=3)
    elsewhere = write_digits_folder(tmp_path / "elsewhere", [2], per_class=3)
    os.symlink(elsewhere / "2", root / "2")
    with pytest.raises(InputError, match=r"class folder .*2 is a link that leads outside"):
        scan_image_folder(root)


def test_single_images_over_the_cap_or_corrupt_are_input_errors(tmp_path, monkeypatch):
    big = tmp_path / "big.png"
    Image.fromarray(np.zeros((64, 64), np.uint8)).save(big)
    monkeypatch.setenv("TSCONV_MAX_IMAGE_PIXELS", "1000")
    with pytest.raises(InputError, match=r"is 64x64, above the cap of 1,000 pixels"):
        load_image(big, (8, 8))
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    with pytest.raises(InputError, match=r"cannot read image .*corrupt\.png"):
        load_image(corrupt, (8, 8))


def test_a_diverging_image_fit_exits_2_and_writes_no_run(tmp_path):
    root = write_digits_folder(tmp_path / "tree", [0, 1], per_class=12)
    runs_dir = tmp_path / "runs"
    result = invoke(
        "image",
        "fit",
        root,
        "--epochs",
        "3",
        "--filters",
        "4",
        "--dense-units",
        "8",
        "--learning-rate",
        "1e300",  # float32 inf: the first update makes every weight non-finite
        "--runs-dir",
        runs_dir,
    )
    assert result.exit_code == 2, result.output
    assert "error: training diverged: the loss became" in result.stderr
    assert not runs_dir.exists() or not any(runs_dir.rglob("manifest.json"))
