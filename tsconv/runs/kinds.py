"""The kinds of run directory tsconv writes, and the one place that knows each of them.

A run's `config.json` names its kind (`"kind"`; runs written before kinds
were recorded are forecasters). For each kind the registry says which
modules register the Keras classes its model uses, which function reads the
run back, where such runs live and which command uses them. `tsconv.load`,
`tsconv forecast`, `tsconv runs`, `show` and `plot` all ask here, so a new
kind is added in one place.

Readers and registering modules are named, not imported: this module is read
by `tsconv runs`, which must never start TensorFlow, and it sits below the
packages it names (`tsconv.forecasters`, `tsconv.image`).
"""

from __future__ import annotations

import functools
import importlib
import os
from dataclasses import dataclass
from pathlib import Path

from tsconv.errors import RunError
from tsconv.runs.run_dir import CONFIG, read_json


@dataclass(frozen=True)
class RunKind:
    """One kind of run directory.

    Attributes:
        name: the `"kind"` in its `config.json`.
        family: `"forecaster"` or `"image classifier"`: which commands can use it.
        registers: modules whose import registers the Keras classes of its model.
        reader: `"module:function"` (or `"module:Class.method"`) that reads such a run back.
        runs_dir: the default folder of such runs.
        command: the command that uses it, for messages.
        many_series: whether one model serves many series (a global forecaster).
    """

    name: str
    family: str
    registers: tuple[str, ...]
    reader: str
    runs_dir: str
    command: str
    many_series: bool = False

    def read(self, path: str | os.PathLike):
        """Reads the run at `path` with this kind's reader (the run is checked there)."""
        for module in self.registers:
            importlib.import_module(module)
        module, name = self.reader.split(":")
        reader = functools.reduce(getattr, name.split("."), importlib.import_module(module))
        return reader(path)


_FORECASTER_CLASSES = ("tsconv.layers", "tsconv.models")
FORECASTER = RunKind(
    "forecaster",
    "forecaster",
    _FORECASTER_CLASSES,
    "tsconv.forecasters.forecaster:Forecaster.load",
    "runs",
    "tsconv forecast",
)
GLOBAL_FORECASTER = RunKind(
    "global-forecaster",
    "forecaster",
    _FORECASTER_CLASSES,
    "tsconv.forecasters.forecaster:Forecaster.load",
    "runs",
    "tsconv forecast",
    many_series=True,
)
IMAGE_CLASSIFIER = RunKind(
    "image-classifier",
    "image classifier",
    ("tsconv.image.augmentation_layers", "tsconv.image.cnn", "tsconv.image.transfer"),
    "tsconv.image.runs:read_image_run",
    "image-runs",
    "tsconv image predict",
)
KINDS = {kind.name: kind for kind in (FORECASTER, GLOBAL_FORECASTER, IMAGE_CLASSIFIER)}


def kind_of(config: dict, path: str | os.PathLike | None = None) -> RunKind:
    """The kind of the run whose config is `config` (a forecaster when it names none).

    Raises:
        RunError: for a kind this tsconv does not know.

    Example:
    >>> kind_of({"kind": "image-classifier"}).command
    'tsconv image predict'
    """
    name = config.get("kind", FORECASTER.name)
    if name not in KINDS:
        where = f"run {path}" if path is not None else "the run"
        raise RunError(
            f"{where} is of kind {name!r}, which this tsconv does not know "
            f"({', '.join(KINDS)}); upgrade tsconv or fit it again."
        )
    return KINDS[name]


def kind_at(path: str | os.PathLike) -> RunKind:
    """The kind the run at `path` says it is, from its config, before any check.

    A run whose config cannot be read is taken for a forecaster: its reader's
    checks (manifest, checksums, format) then say what is wrong with it.

    Example:
    >>> kind_at("image-runs/latest").name
    'image-classifier'
    """
    try:
        config = read_json(Path(path) / CONFIG, Path(path))
    except RunError:
        return FORECASTER
    return kind_of(config, path)


def require(kind: RunKind, family: str, path: str | os.PathLike) -> None:
    """Raises `RunError` when a run of `kind` is not of `family`, naming the command that uses it.

    Example:
    >>> require(IMAGE_CLASSIFIER, "forecaster", "image-runs/cnn")
    Traceback (most recent call last):
    tsconv.errors.RunError: run image-runs/cnn is an image classifier, not a forecaster; ...
    """
    if kind.family != family:
        raise RunError(
            f"run {Path(path)} is {_a(kind.family)}, not {_a(family)}; use `{kind.command}`."
        )


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def registering_modules() -> tuple[str, ...]:
    """Every module whose import registers tsconv's Keras classes (all kinds), in order."""
    return tuple(dict.fromkeys(module for kind in KINDS.values() for module in kind.registers))
