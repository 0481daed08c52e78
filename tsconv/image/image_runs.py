"""Image run directories: what an image fit writes, and reading one back safely.

The same run machinery as forecasters (`tsconv.runs`: written atomically,
sealed by a SHA-256 manifest, model loaded with `safe_mode=True`), with
`"kind": "image-classifier"` in the config so neither side loads the other's runs.
"""

from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path

import keras
import numpy as np
import pandas as pd

import tsconv.image  # noqa: F401  (registers the image layers before any load)
from tsconv import runs
from tsconv.errors import RunError
from tsconv.image.image_plots import plot_confusion, plot_training_curves

KIND = "image-classifier"
DEFAULT_RUNS_DIR = "image-runs"


def write_image_run(
    folder: Path, model: keras.Model, config: dict, metrics: dict, history: pd.DataFrame
) -> None:
    """Writes an image run's files into `folder` (inside `runs.publish`'s temporary folder)."""
    model.save(folder / runs.MODEL)
    runs.write_json(folder / runs.CONFIG, config)
    runs.write_json(folder / "metrics.json", metrics)
    history.to_csv(folder / "history.csv", index_label="epoch")
    plot_training_curves(history, folder / "curves.png")
    validation = metrics["validation"]
    plot_confusion(
        np.asarray(validation["confusion"]), config["class_names"], folder / "confusion.png"
    )


def image_run_config(**fields) -> dict:
    """The JSON config of an image run: format, kind and versions, then `fields`."""
    versions = {"keras": keras.__version__, "backend": keras.backend.backend()}
    for package in ("tsconv", "tensorflow", "numpy", "pillow"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "format": runs.FORMAT,
        "kind": KIND,
        "tsconv_version": versions["tsconv"],
        "versions": versions,
        **fields,
    }


def read_image_run(
    run: str | os.PathLike | None = None, runs_dir: str | os.PathLike = DEFAULT_RUNS_DIR
) -> tuple[Path, dict, keras.Model]:
    """Finds, checks and loads an image run.

    Args:
        run: a run directory, a run name under `runs_dir`, or None for `runs_dir/latest`.
        runs_dir: the folder of image runs.

    Returns:
        `(path, config, model)`.

    Raises:
        RunError: for no such run, a forecaster run, or an incomplete or corrupt one.
    """
    if run is None and not (Path(runs_dir) / runs.LATEST).exists():
        raise RunError(
            f"no image run yet in {runs_dir}/; train one with `tsconv image fit FOLDER`, "
            "or name one with --run."
        )
    path = runs.resolve_run(run, runs_dir)
    config = runs.read_run_dir(path)
    if config.get("kind") != KIND:
        raise RunError(
            f"run {path} is a forecaster run, not an image classifier; use `tsconv forecast`."
        )
    return path, config, runs.load_model(path)
