"""Checking a `.keras` archive before Keras reads it.

Keras's `safe_mode=True` alone has been bypassed repeatedly (CVE-2024-3660,
CVE-2025-1550, CVE-2025-9905): each exploit names, in the archive's
`config.json`, a module, function or layer that tsconv never writes — a
`Lambda`, `os.system`, `keras.utils.get_file`, `keras.config.enable_unsafe_
deserialization`. So tsconv reads the archive itself first, with `zipfile` and
`json` only (no deserializer runs), and allows only what its own models and
image runs contain: Keras layer, initializer, regularizer, constraint, loss,
metric, optimizer and dtype-policy *classes* from modules Keras has already
imported (layers only from `KERAS_LAYERS`, the ones tsconv's models, image side and
offered `keras.applications` bases are made of), Keras's named activations, and
classes registered under `tsconv>`.
Anything else is refused with its location. Only then does Keras load it,
with `safe_mode=True` as a second wall.

We load the archive rather than rebuilding models from tsconv's JSON and
loading weights only because image runs hold functional graphs (transfer
heads on `keras.applications` bases) that tsconv's JSON does not describe;
the allowlist gives the same guarantee — no code named by the file runs.

The bytes checked are the bytes loaded: the file is read once (a regular
file, within `TSCONV_MAX_MODEL_BYTES`), its SHA-256 compared with the run's
manifest, checked, and Keras is handed a private copy of exactly those bytes
named `model.keras` — so neither a file swapped between check and load nor a
name ending `.h5` (Keras's legacy reader, which a zip/HDF5 polyglot fools)
reaches Keras. Sizes are capped before anything is built: the archive, its
weights member, the datasets the weights file declares, and the parameters
its config implies (`tsconv.runs.model_size`).
"""

from __future__ import annotations

import hashlib
import inspect
import io
import json
import os
import stat
import sys
import tempfile
import zipfile
from pathlib import Path

import keras

from tsconv.data.limits import limit
from tsconv.errors import RunError
from tsconv.runs.model_size import declared_weight_bytes, estimated_parameters

ZIP_MAGIC = b"PK\x03\x04"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
ENTRIES = {"config.json", "metadata.json", "model.weights.h5"}
MAX_CONFIG_BYTES = 16 << 20  # a tsconv model's config is a few KiB; this stops a zip bomb
# Keras's own markers for plain values inside a config (data, not code).
VALUE_MARKERS = {
    "__keras_tensor__",
    "__tuple__",
    "__numpy__",
    "__tensor__",
    "__bytes__",
    "__slice__",
    "__ellipsis__",
}
# Layers that run code, unpickle, or read other files when they are built.
REFUSED_CLASSES = {
    "Lambda",
    "TFSMLayer",
    "TorchModuleWrapper",  # unpickles a torch module
    "JaxLayer",
    "FlaxLayer",
    "__lambda__",
}
# Modules whose *named functions* Keras writes for activations, losses and metrics.
FUNCTION_MODULES = {"keras.activations", "keras.losses", "keras.metrics"}


# The Keras layers a file may name: those tsconv's models, its image side (CNNs,
# augmentation, transfer heads) and the `keras.applications` bases it offers are made of
# (`tests/runs/test_keras_archive.py` saves each of them and checks this covers them).
# Any other layer is refused, even a harmless one: `StringLookup`, `IntegerLookup` and
# `TextVectorization` read vocabulary files, and only Keras's safe mode stopped them.
KERAS_LAYERS = {
    "InputLayer", "Dense", "Conv1D", "Conv2D", "DepthwiseConv2D", "SeparableConv2D",
    "BatchNormalization", "LayerNormalization", "Normalization", "Rescaling",
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "Flatten", "Reshape", "Activation",
    "ReLU", "Softmax", "Add", "Multiply", "Concatenate", "Identity", "ZeroPadding2D",
    "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
    "GlobalMaxPooling2D", "Resizing", "RandomFlip", "RandomRotation", "RandomTranslation",
    "RandomZoom", "RandomShear", "RandomContrast", "RandomBrightness", "RandomCrop",
    "GaussianNoise",
}  # fmt: skip
# Graph containers a functional or sequential model is saved as.
KERAS_MODELS = {"Functional", "Sequential", "Model"}


def _allowed_bases() -> tuple[type, ...]:
    return (
        keras.initializers.Initializer,
        keras.regularizers.Regularizer,
        keras.constraints.Constraint,
        keras.losses.Loss,
        keras.metrics.Metric,
        keras.optimizers.Optimizer,
        keras.optimizers.schedules.LearningRateSchedule,
        keras.DTypePolicy,
        keras.Operation,
    )


def read_archive(path: str | os.PathLike, sha256: str | None = None) -> bytes:
    """The bytes of a model file, read once: a regular file within the size cap.

    Args:
        path: the file.
        sha256: the digest the run's manifest records, or None.

    Raises:
        RunError: for a missing file, one that is not a regular file (a FIFO
            would hang), one over `TSCONV_MAX_MODEL_BYTES`, or bytes that do
            not match `sha256`.
    """
    path = Path(path)
    cap = limit("TSCONV_MAX_MODEL_BYTES")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise RunError(f"{path} could not be read ({exc.strerror}).") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise RunError(f"{path} is not a regular file; refusing to load it.")
        if info.st_size > cap:
            raise RunError(_too_large(path, "the file", info.st_size, cap))
        data = f.read(cap + 1)
    if len(data) > cap:
        raise RunError(_too_large(path, "the file", len(data), cap))
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise RunError(f"{path} does not match the run's manifest (checksum); fit it again.")
    return data


def check_keras_archive(path: str | os.PathLike, data: bytes | None = None) -> dict:
    """Refuses a `.keras` file unless it holds only what tsconv writes, at a size it can load.

    Checks, reading bytes and JSON only: the zip magic; the entries
    (`config.json`, `metadata.json`, `model.weights.h5`, nothing else, no
    paths); the weights' HDF5 magic and size, and the bytes of the datasets
    it declares; every object named in `config.json` (see the module
    docstring for what is allowed) and the parameters it implies. tsconv's own
    classes are known because `import tsconv` registers them as soon as Keras
    is imported.

    Args:
        path: the `.keras` file (names it in messages).
        data: its bytes, when already read (`read_archive`); else read here.

    Returns:
        The archive's model config.

    Raises:
        RunError: naming the file and what in it is refused.

    Example:
    >>> check_keras_archive("runs/latest/model.keras")["class_name"]
    'TCNForecaster'
    """
    path = Path(path)
    data = read_archive(path) if data is None else data
    cap = limit("TSCONV_MAX_MODEL_BYTES")
    if data[:4] != ZIP_MAGIC:
        raise RunError(f"{path} is not a Keras archive; refusing to load it.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            unexpected = sorted(set(infos) - ENTRIES)
            if unexpected or "config.json" not in infos or "model.weights.h5" not in infos:
                raise RunError(
                    f"{path} holds {_names(unexpected or sorted(infos))}, not a tsconv Keras "
                    f"model ({', '.join(sorted(ENTRIES))}); refusing to load it."
                )
            if infos["config.json"].file_size > MAX_CONFIG_BYTES:
                raise RunError(f"{path}: config.json is too large to be a model; refusing it.")
            weights = infos["model.weights.h5"]
            if weights.file_size > cap:
                raise RunError(_too_large(path, "its weights", weights.file_size, cap))
            with archive.open(weights) as member:
                if member.read(8) != HDF5_MAGIC:
                    raise RunError(f"{path}: model.weights.h5 is not HDF5; refusing to load it.")
            config = json.loads(archive.read("config.json"))
            with archive.open(weights) as member:
                declared = declared_weight_bytes(member)
    except RecursionError:
        raise RunError(
            f"{path}: config.json is nested too deeply to be a model; refusing it."
        ) from None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        if isinstance(exc, RunError):
            raise
        text = str(exc)[:200]
        raise RunError(f"{path} is not a readable Keras archive ({text}); refusing it.") from None
    if declared > cap:
        raise RunError(_too_large(path, "the weights it declares", declared, cap))
    if not isinstance(config, dict):
        raise RunError(f"{path}: config.json is not a model config; refusing to load it.")
    # Keras drops the top-level compile config unread when loading with compile=False
    # (saving_lib._model_from_config), as `load_keras_archive` does; nested ones are
    # read, so they are checked like the rest.
    config = {k: v for k, v in config.items() if k != "compile_config"}
    try:
        reason = _refusal(config, "config")
    except RecursionError:
        raise RunError(
            f"{path}: config.json is nested too deeply to be a model; refusing it."
        ) from None
    if reason:
        raise RunError(f"{path} names {reason}, which tsconv never writes; refusing to load it.")
    try:
        parameters = estimated_parameters(config)
    except (ValueError, TypeError, KeyError) as exc:
        raise RunError(f"{path}: config.json is malformed ({exc}); refusing to build it.") from None
    if 4 * parameters > cap:
        raise RunError(
            f"{path}: its config builds a model of about {parameters:,} parameters "
            f"({_size(4 * parameters)}), over TSCONV_MAX_MODEL_BYTES={cap:,}; refusing to build "
            "it (raise the cap if this model is meant)."
        )
    return config


def _too_large(path: Path, what: str, size: int, cap: int) -> str:
    return (
        f"{path}: {what} ({_size(size)}) is over TSCONV_MAX_MODEL_BYTES={cap:,}; refusing to "
        "load it (raise the cap if this model is meant)."
    )


def _size(size: int) -> str:
    return f"{size / (1 << 20):,.1f} MiB"


def _names(names: list[str], shown: int = 10) -> str:
    more = f" … {len(names) - shown} more" if len(names) > shown else ""
    return "[" + ", ".join(repr(n[:80]) for n in names[:shown]) + more + "]"


def _refusal(node, where: str) -> str | None:
    """The first disallowed object in a Keras config, described, or None."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            found = _refusal(item, f"{where}[{i}]")
            if found:
                return found
        return None
    if not isinstance(node, dict):
        return None
    if "class_name" in node:
        found = _object_refusal(node, where)
        if found:
            return found
    for key, value in node.items():
        found = _refusal(value, f"{where}.{key}")
        if found:
            return found
    return None


def _object_refusal(node: dict, where: str) -> str | None:
    class_name = node.get("class_name")
    module = node.get("module")
    registered = node.get("registered_name")
    label = f"{module}.{class_name}" if module else str(class_name)
    if not isinstance(class_name, str) or class_name in REFUSED_CLASSES:
        return f"{label} (at {where})"
    if module is None and registered is None:
        return None if class_name in VALUE_MARKERS else f"{label} (at {where})"
    if isinstance(registered, str) and registered.startswith("tsconv>"):
        cls = keras.saving.get_custom_objects().get(registered)
        if inspect.isclass(cls) and cls.__module__.startswith("tsconv."):
            return None
        return f"unknown tsconv class {registered} (at {where})"
    if not isinstance(module, str) or not (module == "keras" or module.startswith("keras.")):
        return f"{label} (at {where})"
    loaded = sys.modules.get(module)  # never import a module the file names
    if loaded is None:
        return f"{label} (at {where})"
    if class_name == "function":
        name = node.get("config")
        func = getattr(loaded, name, None) if isinstance(name, str) else None
        if module in FUNCTION_MODULES and callable(func) and not name.startswith("_"):
            return None
        return f"function {module}.{name} (at {where})"
    cls = getattr(loaded, class_name, None)
    if not inspect.isclass(cls):
        return f"{label} (at {where})"
    if issubclass(cls, keras.Model):
        return None if class_name in KERAS_MODELS else f"{label} (at {where})"
    if issubclass(cls, keras.layers.Layer):
        return None if class_name in KERAS_LAYERS else f"{label} (at {where})"
    if issubclass(cls, _allowed_bases()):
        return None  # initializers, regularizers, constraints, losses, metrics, ops: data
    return f"{label} (at {where})"


def load_keras_archive(path: str | os.PathLike, sha256: str | None = None) -> keras.Model:
    """Reads `path` once, checks those bytes (see `check_keras_archive`), and loads exactly
    them with `safe_mode=True` from a private copy named `model.keras`.

    Args:
        path: a `.keras` file.
        sha256: the digest the run's manifest records for it, or None.

    Returns:
        The model (a `keras.Model`: an archive holding a bare layer is refused).

    Raises:
        RunError: for a refused file, one Keras cannot load, or one that is not a model.
    """
    path = Path(path)
    data = read_archive(path, sha256)
    check_keras_archive(path, data)
    with tempfile.TemporaryDirectory(prefix="tsconv-model-") as private:  # mode 0700
        copy = Path(private) / "model.keras"
        with open(copy, "xb") as f:
            f.write(data)
        del data
        try:
            model = keras.saving.load_model(copy, compile=False, safe_mode=True)
        except Exception as exc:  # Keras raises many types; all mean the same to a user.
            text = str(exc).strip()
            first = text.splitlines()[0][:200] if text else type(exc).__name__
            raise RunError(f"{path}: the model could not be loaded safely ({first}).") from exc
    if not isinstance(model, keras.Model):
        raise RunError(
            f"{path} holds a {type(model).__name__}, not a model; refusing it. Fit it again."
        )
    return model
