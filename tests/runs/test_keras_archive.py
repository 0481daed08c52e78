"""Hostile run files: each is a real file that would run code or mislead a loader."""

import json
import re
import zipfile
from pathlib import Path

import h5py
import keras
import numpy as np
import pytest

import tsconv
import tsconv.image
from conftest import ROOT, TINY, price_frame
from tsconv import runs
from tsconv.image.cnn import CNNClassifier
from tsconv.image.transfer import build_transfer_model, convolutional_base
from tsconv.models import MODELS, build_model
from tsconv.runs.keras_archive import check_keras_archive, load_keras_archive
from tsconv.training.engine import policy_scope


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "prices.csv"
    price_frame().to_csv(path, index=False)
    return tsconv.Forecaster(**TINY).fit(tsconv.load_csv(path))


def _reseal(run: Path) -> None:
    """Rewrites the manifest, as an attacker who edits a run would."""
    runs.write_manifest(run)


def _lambda_model(sentinel: Path) -> keras.Model:
    # A real lambda (Keras stores its bytecode), with the path in its code, not a closure;
    # it runs whenever Keras rebuilds the layer's graph.
    touch = eval(f"lambda x: (__import__('pathlib').Path({str(sentinel)!r}).touch(), x)[1]")
    inputs = keras.Input((20, 1))
    return keras.Model(inputs, keras.layers.Lambda(touch)(keras.layers.Flatten()(inputs)))


def test_a_lambda_that_would_write_a_file_is_refused_and_never_runs(fitted, tmp_path):
    sentinel = tmp_path / "sentinel"
    hostile = _lambda_model(sentinel)
    sentinel.unlink()  # building the model above ran it once
    run = fitted.save(tmp_path / "run")
    hostile.save(run / "model.keras")
    _reseal(run)

    with pytest.raises(tsconv.RunError, match=r"names keras.layers.Lambda .*refusing"):
        tsconv.load(run)
    assert not sentinel.exists()

    # The file is hostile for real: Keras without safe mode runs its code.
    keras.saving.load_model(run / "model.keras", compile=False, safe_mode=False)
    assert sentinel.exists()


def _pickle_payload(sentinel: Path) -> bytes:
    # Protocol-0 pickle of os.system("touch sentinel"), written by hand so that
    # nothing in this project imports pickle.
    return f"cos\nsystem\n(S'touch {sentinel}'\ntR.".encode()


def test_a_pickle_renamed_model_keras_is_refused_before_any_deserializer(fitted, tmp_path):
    sentinel = tmp_path / "sentinel"
    run = fitted.save(tmp_path / "run")
    (run / "model.keras").write_bytes(_pickle_payload(sentinel))
    _reseal(run)
    with pytest.raises(tsconv.RunError, match=r"model\.keras is not a Keras archive; refusing"):
        tsconv.load(run)
    assert not sentinel.exists()


def test_an_h5_renamed_model_keras_is_refused(fitted, tmp_path):
    run = fitted.save(tmp_path / "run")
    with h5py.File(run / "model.keras", "w") as f:  # a legacy-format Keras model file
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {}})
    _reseal(run)
    with pytest.raises(tsconv.RunError, match="not a Keras archive; refusing"):
        tsconv.load(run)


def test_a_zip_with_a_pickle_inside_is_refused(fitted, tmp_path):
    sentinel = tmp_path / "sentinel"
    run = fitted.save(tmp_path / "run")
    _rewrite_archive(run / "model.keras", extra={"data.pkl": _pickle_payload(sentinel)})
    _reseal(run)
    with pytest.raises(tsconv.RunError, match=r"holds \['data.pkl'\], not a tsconv Keras model"):
        tsconv.load(run)
    assert not sentinel.exists()


def test_weights_that_are_not_hdf5_are_refused(fitted, tmp_path):
    run = fitted.save(tmp_path / "run")
    _rewrite_archive(run / "model.keras", weights=b"\x80\x04 not hdf5")
    _reseal(run)
    with pytest.raises(tsconv.RunError, match=r"model\.weights\.h5 is not HDF5"):
        tsconv.load(run)


def _rewrite_archive(
    path: Path, config=None, weights: bytes | None = None, extra: dict | None = None
) -> None:
    """Rewrites a `.keras` zip with another config, weights or more entries."""
    with zipfile.ZipFile(path) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    entries.update(extra or {})
    if config is not None:
        entries["config.json"] = json.dumps(config).encode()
    if weights is not None:
        entries["model.weights.h5"] = weights
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)


PAYLOADS = {
    "os.system": {"module": "os", "class_name": "system", "config": "touch x"},
    "builtins exec": {
        "module": "builtins",
        "class_name": "function",
        "config": "exec",
        "registered_name": "exec",
    },
    # CVE-2025-1550 style: a Keras function that turns safe mode off.
    "keras.config": {
        "module": "keras.config",
        "class_name": "enable_unsafe_deserialization",
        "config": {},
    },
    # CVE-2025-9905/8747 style: a Keras utility that fetches and writes files.
    "keras.utils.get_file": {
        "module": "keras.utils",
        "class_name": "get_file",
        "config": {"origin": "http://example.invalid/x"},
    },
    "function outside activations": {
        "module": "keras.utils",
        "class_name": "function",
        "config": "get_file",
    },
    "unimported module": {"module": "keras.src.legacy.saving", "class_name": "X", "config": {}},
    "lambda marker": {"class_name": "__lambda__", "config": {"code": "YQ=="}},
    "unknown tsconv class": {
        "module": "tsconv.models",
        "class_name": "Evil",
        "registered_name": "tsconv>Evil",
        "config": {},
    },
}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_keras_config_naming_any_other_callable_is_refused(fitted, tmp_path, payload):
    run = fitted.save(tmp_path / "run")
    with zipfile.ZipFile(run / "model.keras") as archive:
        config = json.loads(archive.read("config.json"))
    config["config"]["kernel_initializer"] = payload  # nested where a layer argument would be
    _rewrite_archive(run / "model.keras", config=config)
    _reseal(run)
    with pytest.raises(tsconv.RunError, match=r"names .*\(at config\.config\.kernel_initializer"):
        tsconv.load(run)


def test_a_tsconv_config_naming_a_callable_is_refused(fitted, tmp_path):
    run = fitted.save(tmp_path / "run")
    config = json.loads((run / "config.json").read_text())
    config["model"] = "os.system"
    (run / "config.json").write_text(json.dumps(config))
    _reseal(run)
    with pytest.raises(tsconv.RunError, match=r"is malformed \(config.json: unknown model"):
        tsconv.load(run)


def test_a_transfer_base_file_gets_the_same_checks(tmp_path):
    sentinel = tmp_path / "sentinel"
    hostile = _lambda_model(sentinel)
    hostile.save(tmp_path / "base.keras")
    sentinel.unlink()
    with pytest.raises(tsconv.RunError, match="Lambda"):
        load_keras_archive(tmp_path / "base.keras")
    assert not sentinel.exists()


def _every_model_tsconv_writes():
    for name in MODELS:
        yield name, lambda name=name: build_model(name, 20, 2)
    yield "tcn mixed", lambda: _mixed_tcn()
    yield (
        "cnn",
        lambda: CNNClassifier(
            image_shape=(16, 16, 3),
            num_classes=3,
            filters=[4],
            batch_normalization=True,
            dropout=0.2,
        ),
    )
    yield (
        "transfer",
        lambda: build_transfer_model(
            convolutional_base(CNNClassifier(image_shape=(16, 16, 1), num_classes=2, filters=[4])),
            3,
        ),
    )


def _mixed_tcn():
    with policy_scope("mixed_float16"):
        model = build_model("tcn", 20, 1)
        model(np.zeros((1, 20, 1), "float32"))
    return model


@pytest.mark.parametrize("name, make", list(_every_model_tsconv_writes()))
def test_every_model_tsconv_writes_passes_the_check_and_loads(name, make, tmp_path):
    model = make()
    if not model.built:
        model(np.zeros((1, *model.inputs[0].shape[1:]), "float32"))
    model.save(tmp_path / "m.keras")
    check_keras_archive(tmp_path / "m.keras")
    loaded = load_keras_archive(tmp_path / "m.keras")
    assert type(loaded) is type(model)


def test_no_pickle_or_joblib_anywhere_in_the_project():
    pattern = re.compile(
        r"^\s*(import|from)\s+(pickle|cPickle|joblib|dill|cloudpickle|shelve)\b"
        r"|allow_pickle\s*=\s*True|torch\.load\(|safe_mode\s*=\s*False",
        re.MULTILINE,
    )
    offenders = []
    for folder in ("tsconv", "cli", "benchmarks", "datasets"):
        for file in (ROOT / folder).rglob("*.py"):
            if pattern.search(file.read_text(encoding="utf-8")):
                offenders.append(str(file.relative_to(ROOT)))
    assert offenders == []
    # And the pattern does find what it is looking for.
    assert pattern.search("import pickle\n") and pattern.search("load(p, safe_mode=False)")


@pytest.mark.parametrize(
    "layer",
    [
        lambda: keras.layers.StringLookup(vocabulary=["a", "b"]),
        lambda: keras.layers.IntegerLookup(vocabulary=[1, 2]),
        lambda: keras.layers.TextVectorization(vocabulary=["a", "b"]),
        lambda: keras.layers.Embedding(10, 2),
    ],
)
def test_keras_layers_tsconv_never_writes_are_refused(layer, tmp_path):
    """Issue 23, item 10: the lookup layers read vocabulary files; only layers tsconv's models,
    image side and offered applications are made of pass (any other, even harmless, does not)."""
    made = layer()
    dtype = "string" if "String" in type(made).__name__ or "Text" in type(made).__name__ else None
    inputs = keras.Input(
        (1,), dtype=dtype or ("int64" if "Integer" in type(made).__name__ else "float32")
    )
    keras.Model(inputs, made(inputs)).save(tmp_path / "m.keras")
    with pytest.raises(tsconv.RunError, match=rf"names keras.layers.{type(made).__name__} "):
        check_keras_archive(tmp_path / "m.keras")


@pytest.mark.parametrize("key", sorted(tsconv.image.transfer.APPLICATIONS))
def test_every_offered_application_passes_the_narrowed_allowlist(key, tmp_path):
    from tsconv.image.transfer import application_base

    model = build_transfer_model(application_base(key, (32, 32, 3), None), 3)
    model.save(tmp_path / "m.keras")
    check_keras_archive(tmp_path / "m.keras")
