"""Checking a `.keras` archive before Keras reads it.

Keras's `safe_mode=True` alone has been bypassed repeatedly (CVE-2024-3660,
CVE-2025-1550, CVE-2025-9905): each exploit names, in the archive's
`config.json`, a module, function or layer that tsconv never writes — a
`Lambda`, `os.system`, `keras.utils.get_file`, `keras.config.enable_unsafe_
deserialization`. So tsconv reads the archive itself first, with `zipfile` and
`json` only (no deserializer runs), and allows only what its own models and
image runs contain: Keras layer, initializer, regularizer, constraint, loss,
metric, optimizer and dtype-policy *classes* from modules Keras has already
imported, Keras's named activations, and classes registered under `tsconv>`.
Anything else is refused with its location. Only then does Keras load it,
with `safe_mode=True` as a second wall.

We load the archive rather than rebuilding models from tsconv's JSON and
loading weights only because image runs hold functional graphs (transfer
heads on `keras.applications` bases) that tsconv's JSON does not describe;
the allowlist gives the same guarantee — no code named by the file runs.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import zipfile
from pathlib import Path

import keras

from tsconv.errors import RunError

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


def _allowed_bases() -> tuple[type, ...]:
    return (
        keras.layers.Layer,
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


def check_keras_archive(path: str | os.PathLike) -> None:
    """Refuses a `.keras` file unless it holds only what tsconv writes.

    Checks, reading bytes and JSON only: the zip magic; the entries
    (`config.json`, `metadata.json`, `model.weights.h5`, nothing else, no
    paths); the weights' HDF5 magic; and every object named in `config.json`
    (see the module docstring for what is allowed). tsconv's own classes are
    known because `import tsconv` registers them as soon as Keras is imported.

    Args:
        path: the `.keras` file.

    Raises:
        RunError: naming the file and what in it is refused.

    Example:
    >>> check_keras_archive("runs/latest/model.keras")  # None, or RunError
    """
    path = Path(path)
    with open(path, "rb") as f:
        if f.read(4) != ZIP_MAGIC:
            raise RunError(f"{path} is not a Keras archive; refusing to load it.")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            unexpected = sorted(set(infos) - ENTRIES)
            if unexpected or "config.json" not in infos or "model.weights.h5" not in infos:
                raise RunError(
                    f"{path} holds {unexpected or sorted(infos)}, not a tsconv Keras model "
                    f"({', '.join(sorted(ENTRIES))}); refusing to load it."
                )
            if infos["config.json"].file_size > MAX_CONFIG_BYTES:
                raise RunError(f"{path}: config.json is too large to be a model; refusing it.")
            with archive.open("model.weights.h5") as weights:
                if weights.read(8) != HDF5_MAGIC:
                    raise RunError(f"{path}: model.weights.h5 is not HDF5; refusing to load it.")
            config = json.loads(archive.read("config.json"))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        if isinstance(exc, RunError):
            raise
        raise RunError(f"{path} is not a readable Keras archive ({exc}); refusing it.") from None
    if isinstance(config, dict):
        # Keras drops the top-level compile config unread when loading with compile=False
        # (saving_lib._model_from_config), as `load_keras_archive` does; nested ones are
        # read, so they are checked like the rest.
        config = {k: v for k, v in config.items() if k != "compile_config"}
    reason = _refusal(config, "config")
    if reason:
        raise RunError(f"{path} names {reason}, which tsconv never writes; refusing to load it.")


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
    if inspect.isclass(cls) and issubclass(cls, _allowed_bases()):
        return None
    return f"{label} (at {where})"


def load_keras_archive(path: str | os.PathLike) -> keras.Model:
    """Checks `path` (see `check_keras_archive`), then loads it with `safe_mode=True`.

    Raises:
        RunError: for a refused file, or one Keras cannot load.
    """
    check_keras_archive(path)
    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types; all mean the same to a user.
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise RunError(f"{path}: the model could not be loaded safely ({first}).") from exc
