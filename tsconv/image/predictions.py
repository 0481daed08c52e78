"""`predict_images`: classify image files with a saved image run."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tsconv.errors import InputError
from tsconv.image.folders import load_images
from tsconv.image.image_runs import DEFAULT_RUNS_DIR, read_image_run

CHUNK = 256  # images loaded and classified at a time: bounded memory, progress per chunk


@dataclass
class ImagePredictionReport:
    """Predictions of an image run for some files: one row per file."""

    run_dir: Path
    table: pd.DataFrame  # file, class, probability, top

    def summary(self) -> str:
        return self.table.to_string(index=False)

    def to_json(self) -> dict:
        return {"run": str(self.run_dir), "predictions": self.table.to_dict(orient="records")}


def predict_images(
    files: list[str | os.PathLike],
    run: str | os.PathLike | None = None,
    runs_dir: str | os.PathLike = DEFAULT_RUNS_DIR,
    top: int = 5,
    progress: Callable[[str], None] | None = None,
) -> ImagePredictionReport:
    """Classifies image files with a saved image run.

    Args:
        files: image files; each is resized and converted as the run's training images were.
        run: run directory or name [default: `runs_dir/latest`].
        runs_dir: the folder of image runs.
        top: how many most probable classes to list per image.
        progress: called with a line ("classified 256/1000 images") after each chunk
            of 256 images.

    Returns:
        An `ImagePredictionReport` whose table has `file`, `class`,
        `probability` and `top` (`"7 0.91, 1 0.05, …"`).

    Raises:
        InputError: for no files or an unreadable image.
        RunError: for a missing, foreign, incomplete or corrupt run.
    """
    if not files:
        raise InputError("no image files given; e.g. `tsconv image predict img.png`.")
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise InputError(f"top must be a positive integer. Received: top={top!r}")
    for file in files:
        if not Path(file).is_file():
            raise InputError(f"image file {file} not found.")
    path, config, model = read_image_run(run, runs_dir)
    size, mode = tuple(config["image_size"]), config["color_mode"]
    chunks = []
    for start in range(0, len(files), CHUNK):
        images = load_images(files[start : start + CHUNK], size, mode)  # (chunk, h, w, c)
        chunks.append(model.predict(images, batch_size=CHUNK, verbose=0))
        if progress is not None:
            progress(f"classified {start + len(images)}/{len(files)} images")
    probabilities = np.concatenate(chunks)  # (files, classes)
    names = config["class_names"]
    order = np.argsort(-probabilities, axis=1, kind="stable")[:, :top]
    rows = []
    for file, p, best in zip(files, probabilities, order, strict=True):
        rows.append(
            {
                "file": str(file),
                "class": names[best[0]],
                "probability": round(float(p[best[0]]), 4),
                "top": ", ".join(f"{names[k]} {p[k]:.3f}" for k in best),
            }
        )
    return ImagePredictionReport(path, pd.DataFrame(rows))
