"""Issue 23, items 1, 2 and 8: the bytes checked are the bytes loaded, and small files
cannot make tsconv allocate gigabytes. Every case is a real file or a real process."""

import io
import json
import os
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import h5py
import keras
import pytest

import tsconv
from conftest import TINY, price_frame
from tsconv import runs
from tsconv.image.cnn import CNNClassifier
from tsconv.runs.keras_archive import check_keras_archive, load_keras_archive
from tsconv.runs.model_size import declared_weight_bytes, estimated_parameters

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "prices.csv"
    price_frame().to_csv(path, index=False)
    return tsconv.Forecaster(**TINY).fit(tsconv.load_csv(path))


def _doubling_lambda_h5(path: Path) -> None:
    """A legacy HDF5 model whose graph holds a bytecode Lambda."""
    inputs = keras.Input((8, 8, 1))
    doubled = keras.layers.Lambda(lambda x: x * 2.0, name="evil")(inputs)
    outputs = keras.layers.Conv2D(2, 3, name="conv")(doubled)
    keras.Model(inputs, outputs).save(path)  # .h5: Keras's legacy writer


def _polyglot(benign: bytes, hdf5: Path, out: Path) -> None:
    """One file that is both `benign` (a zip) and the HDF5 model at `hdf5`.

    The zip's entries go in the HDF5 user block at the start of the file, its
    central directory after the HDF5 data at the end, where zip readers look.
    """
    (size_cd, offset_cd) = struct.unpack("<LL", benign[-22 + 12 : -22 + 20])
    local, directory = benign[:offset_cd], benign[offset_cd : offset_cd + size_cd]
    block = 512
    while block < len(local):
        block *= 2
    with h5py.File(hdf5, "r") as source, h5py.File(out, "w", userblock_size=block) as target:
        for key, value in source.attrs.items():
            target.attrs[key] = value
        for name in source:
            source.copy(source[name], target, name)
    data = bytearray(out.read_bytes())
    data[: len(local)] = local
    end = bytearray(benign[-22:])
    end[16:20] = struct.pack("<L", len(data))  # the directory now starts here
    out.write_bytes(bytes(data) + directory + bytes(end))


def test_a_zip_hdf5_polyglot_base_is_refused_by_its_name(tmp_path):
    """The polyglot passes the archive check as its benign zip while h5py reads a Lambda:
    a transfer base must be a .keras file, which Keras reads as that same zip."""
    benign_model = CNNClassifier(image_shape=(8, 8, 1), num_classes=2, filters=[4])
    benign_model.save(tmp_path / "benign.keras")
    _doubling_lambda_h5(tmp_path / "evil.h5")
    poly = tmp_path / "base.h5"
    _polyglot((tmp_path / "benign.keras").read_bytes(), tmp_path / "evil.h5", poly)
    check_keras_archive(poly)  # the zip view is benign: the old check passed it
    with h5py.File(poly, "r") as f:  # the HDF5 view is the Lambda model Keras's .h5 reader sees
        assert "Lambda" in str(f.attrs["model_config"])
    from tsconv.image.bases import resolve_base

    with pytest.raises(tsconv.InputError, match=r"base .*base.h5 is not a .keras archive"):
        resolve_base(poly, None, tmp_path, (8, 8))
    named = tmp_path / "base.keras"
    named.write_bytes(poly.read_bytes())
    model = load_keras_archive(named)  # as .keras, Keras reads the zip that was checked
    assert all(type(layer).__name__ != "Lambda" for layer in model.layers)
    assert model.count_params() == benign_model.count_params()


_SWAPPER = textwrap.dedent(
    """
    import os, sys, time
    target, benign, hostile = sys.argv[1:4]
    stop = time.monotonic() + float(sys.argv[4])
    k = 0
    while time.monotonic() < stop:
        tmp = f"{target}.swap"
        with open(tmp, "wb") as f:
            f.write(open(hostile if k % 2 else benign, "rb").read())
        os.replace(tmp, target)
        k += 1
    """
)


def test_swapping_model_keras_while_runs_load_never_yields_the_swapped_model(fitted, tmp_path):
    """A second process swaps model.keras between the real one and a Lambda model by atomic
    rename while this one loads the run 60 times: each load is the real model or a refusal."""
    run = fitted.save(tmp_path / "run")
    benign = tmp_path / "benign.keras"
    benign.write_bytes((run / "model.keras").read_bytes())
    inputs = keras.Input((20, 2))
    outputs = keras.layers.Lambda(lambda x: x[:, -1, :1])(inputs)
    keras.Model(inputs, outputs).save(tmp_path / "hostile.keras")
    files = [str(run / "model.keras"), str(benign), str(tmp_path / "hostile.keras")]
    swapper = subprocess.Popen([sys.executable, "-c", _SWAPPER, *files, "60"])
    loaded = refused = 0
    try:
        for _ in range(60):
            try:
                model = runs.load_model(run)
            except tsconv.RunError:
                refused += 1
                continue
            assert all(type(layer).__name__ != "Lambda" for layer in model.layers)
            loaded += 1
    finally:
        swapper.kill()
        swapper.wait()
    assert loaded + refused == 60 and loaded > 0 and refused > 0  # both bytes were met


# === Small files that would exhaust memory (item 2) ===

# Importing TensorFlow alone peaks at about 900 MiB of RSS here (its mapped libraries), so
# what the load adds is measured: the peak after it minus the peak once everything is imported.
_PEAK = textwrap.dedent(
    """
    import resource, sys
    import keras, tsconv
    from tsconv.runs.keras_archive import load_keras_archive
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        load_keras_archive(sys.argv[1])
        outcome = "loaded"
    except tsconv.RunError as exc:
        outcome = str(exc)
    print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)  # MiB added
    print(outcome)
    """
)


def _peak_and_outcome(path: Path) -> tuple[int, str]:
    """MiB the load added to the process's peak RSS, and its outcome, in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    peak, outcome = done.stdout.strip().splitlines()[-2:]
    return int(peak), outcome


def _with_weights(source: Path, out: Path, weights: bytes) -> None:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as archive:
        for name in ("metadata.json", "config.json"):
            archive.writestr(name, original.read(name))
        archive.writestr("model.weights.h5", weights, compress_type=zipfile.ZIP_DEFLATED)


def test_a_weights_member_padded_with_gigabytes_of_zeros_is_refused_small(fitted, tmp_path):
    """A 2 MiB archive whose weights are a real HDF5 file and 2 GiB of zeros (5.2 GB peak
    before): refused from the zip's own sizes, adding under 100 MiB to the peak RSS."""
    run = fitted.save(tmp_path / "run")
    with zipfile.ZipFile(run / "model.keras") as archive:
        real = archive.read("model.weights.h5")
    out = tmp_path / "padded.keras"
    deflated = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(run / "model.keras") as original, deflated as archive:
        for name in ("metadata.json", "config.json"):
            archive.writestr(name, original.read(name))
        with archive.open("model.weights.h5", "w", force_zip64=True) as member:
            member.write(real)
            zeros = bytes(1 << 24)
            for _ in range(128):  # 2 GiB, deflated to about 2 MiB
                member.write(zeros)
    assert out.stat().st_size < 4 << 20
    peak, outcome = _peak_and_outcome(out)
    assert "its weights (2,048.0 MiB) is over TSCONV_MAX_MODEL_BYTES" in outcome
    assert peak < 100, f"the refusal added {peak} MiB to the peak RSS"


def test_a_dataset_that_declares_a_gigabyte_is_refused_small(fitted, tmp_path):
    """A 15 KB archive whose kernel dataset declares 1 GiB (chunked, compressed, never
    written): refused from the declared shapes (5.2 GB before), adding under 100 MiB."""
    run = fitted.save(tmp_path / "run")
    buffer = io.BytesIO()
    with zipfile.ZipFile(run / "model.keras") as archive, h5py.File(buffer, "w") as weights:
        with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as real:
            for name in real:
                real.copy(real[name], weights, name)
        weights.create_dataset(
            "huge/kernel", shape=(1 << 14, 1 << 14), dtype="f4", chunks=(256, 256),
            compression="gzip", fillvalue=0.0,
        )  # fmt: skip
    out = tmp_path / "declared.keras"
    _with_weights(run / "model.keras", out, buffer.getvalue())
    assert out.stat().st_size < 200_000
    with zipfile.ZipFile(out) as archive, archive.open("model.weights.h5") as member:
        assert declared_weight_bytes(member) > 1 << 30
    peak, outcome = _peak_and_outcome(out)
    assert "the weights it declares (1,024" in outcome and "TSCONV_MAX_MODEL_BYTES" in outcome
    assert peak < 100, f"the refusal added {peak} MiB to the peak RSS"


def test_a_config_of_12000_filters_is_refused_before_building(fitted, tmp_path):
    """A few-KB archive whose config asks for 12,000 filters (6.0 GB before): its implied
    parameters are over the cap, and nothing is built."""
    run = fitted.save(tmp_path / "run")
    with zipfile.ZipFile(run / "model.keras") as archive:
        config = json.loads(archive.read("config.json"))
        weights = archive.read("model.weights.h5")
    config["config"]["filters"] = 12000
    out = tmp_path / "wide.keras"
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("metadata.json", "{}")
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("model.weights.h5", weights)
    assert estimated_parameters(config) > 400_000_000
    peak, outcome = _peak_and_outcome(out)
    assert "its config builds a model of about" in outcome and "refusing to build it" in outcome
    assert peak < 100, f"the refusal added {peak} MiB to the peak RSS"


def test_the_cap_is_an_environment_setting(fitted, tmp_path, monkeypatch):
    run = fitted.save(tmp_path / "run")
    monkeypatch.setenv("TSCONV_MAX_MODEL_BYTES", "1000")
    with pytest.raises(tsconv.RunError, match=r"over TSCONV_MAX_MODEL_BYTES=1,000"):
        runs.load_model(run)
    monkeypatch.setenv("TSCONV_MAX_MODEL_BYTES", "lots")
    with pytest.raises(tsconv.InputError, match="TSCONV_MAX_MODEL_BYTES must be a positive"):
        runs.load_model(run)


# === Crafted archives that used to escape as tracebacks (item 8) ===


def test_a_config_nested_5000_deep_is_refused_in_one_line(fitted, tmp_path):
    run = fitted.save(tmp_path / "run")
    nested = '{"a": ' * 5000 + "1" + "}" * 5000
    with zipfile.ZipFile(run / "model.keras") as archive:
        weights = archive.read("model.weights.h5")
    out = tmp_path / "deep.keras"
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("config.json", nested)
        archive.writestr("model.weights.h5", weights)
    with pytest.raises(tsconv.RunError, match="nested too deeply to be a model"):
        check_keras_archive(out)


def test_an_archive_holding_a_bare_layer_is_not_a_model(tmp_path):
    layer = keras.layers.Dense(3)
    layer.build((None, 4))
    layer_path = tmp_path / "layer.keras"
    keras.saving.save_model(keras.Sequential([keras.Input((4,)), layer]), layer_path)
    with zipfile.ZipFile(layer_path) as archive:
        config = json.loads(archive.read("config.json"))
        weights = archive.read("model.weights.h5")
    bare = config["config"]["layers"][-1]  # the Dense layer's own config, as a whole file
    out = tmp_path / "bare.keras"
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("config.json", json.dumps(bare))
        archive.writestr("model.weights.h5", weights)
    with pytest.raises(tsconv.RunError, match=r"holds a Dense, not a model|could not be loaded"):
        load_keras_archive(out)


def test_a_fifo_in_place_of_the_model_is_refused_not_waited_on(fitted, tmp_path):
    run = fitted.save(tmp_path / "run")
    (run / "model.keras").unlink()
    os.mkfifo(run / "model.keras")
    with pytest.raises(tsconv.RunError, match="is not a regular file"):
        load_keras_archive(run / "model.keras")


def test_a_checked_model_file_matches_its_manifest_byte_for_byte(fitted, tmp_path):
    run = fitted.save(tmp_path / "run")
    data = bytearray((run / "model.keras").read_bytes())
    data[-30] ^= 1  # one bit in the zip's directory
    (run / "model.keras").write_bytes(bytes(data))
    with pytest.raises(tsconv.RunError, match="does not match the run's manifest"):
        runs.load_model(run)
