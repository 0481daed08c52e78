"""Image run directories: what an image fit writes, and reading one back safely.

The same run machinery as forecasters (`tsconv.runs`: written atomically,
sealed by a SHA-256 manifest, model loaded with `safe_mode=True`), with
their own kind in the config (`tsconv.runs.kinds`) so neither side loads the
other's runs.
"""

from __future__ import annotations

import os
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from tsconv import runs
from tsconv.errors import RunError
from tsconv.image.plots import plot_confusion, plot_training_curves
from tsconv.runs import kinds

DEFAULT_RUNS_DIR = kinds.IMAGE_CLASSIFIER.runs_dir


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
    versions = runs.versions("pillow")
    return {
        "format": runs.FORMAT,
        "kind": kinds.IMAGE_CLASSIFIER.name,
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
    kinds.require(kinds.kind_of(config, path), kinds.IMAGE_CLASSIFIER.family, path)
    return path, config, runs.load_model(path)
