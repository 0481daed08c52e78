"""The image jobs behind `tsconv image fit`, `tsconv image transfer` and `tsconv image predict`.

The first two train on a class-per-folder tree, publish a run and return an
`ImageFitReport` (`summary()` for the CLI, `to_json()` for `--json`);
`predict_images` classifies image files with such a run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tsconv import runs
from tsconv.errors import InputError
from tsconv.image.folders import class_folders
from tsconv.runs import kinds
from tsconv.runs.run_dir import check_runs_dir

if TYPE_CHECKING:  # importing it imports Keras (seconds): each job does, after the cheap checks
    from tsconv.image.training import ImageFitReport

DEFAULT_RUNS_DIR = kinds.IMAGE_CLASSIFIER.runs_dir

logger = logging.getLogger(__name__)

CHUNK = 256  # images loaded and classified at a time: bounded memory, progress per chunk


def fit_image_folder(
    directory: str | os.PathLike,
    *,
    image_size: tuple[int, int] | None = None,
    color_mode: str | None = None,
    validation_split: float = 0.2,
    augmentation: dict | None = None,
    model_options: dict | None = None,
    epochs: int = 30,
    batch_size: int = 32,
    learning_rate: float = 1e-3,
    patience: int = 10,
    seed: int = 0,
    runs_dir: str | os.PathLike = DEFAULT_RUNS_DIR,
    name: str | None = None,
    verbose: int = 0,
) -> ImageFitReport:
    """Trains a `CNNClassifier` on a class-per-folder image tree and publishes it as a run.

    Args:
        directory: a folder with one sub-folder of images per class.
        image_size: `(height, width)` to resize to [default: the first image's].
        color_mode: `"grayscale"` or `"rgb"` [default: the first image's].
        validation_split: fraction of each class held out for validation, in `(0, 1)`.
        augmentation: `ImageDataGenerator` arguments, e.g. `{"rotation_range": 10}`.
        model_options: `CNNClassifier` arguments, e.g. `{"filters": [32, 64], "dropout": 0.3}`.
        epochs: most epochs; training stops after `patience` epochs without a
            lower validation loss and keeps the best weights.
        batch_size: images per step.
        learning_rate: Adam's learning rate.
        patience: epochs without improvement before stopping.
        seed: seeds the split, the augmentation, the shuffling and the weights.
        runs_dir: the folder of image runs; `runs_dir/latest` points at the new one.
        name: run name [default: `cnn-` and the date and time].
        verbose: Keras's progress display (0 silent, 1 bar).

    Returns:
        An `ImageFitReport`.

    Raises:
        InputError: for a bad folder, image, option or model argument.
        RunError: when the run name is taken.
    """
    class_folders(directory)  # the folder first: Keras takes seconds to import
    check_runs_dir(runs_dir)  # a run that could not be published: said before training
    import keras

    from tsconv.image.cnn import CNNClassifier
    from tsconv.image.training import (
        TrainingSettings,
        folder_flows,
        make_generator,
        publish_image_run,
        train_stage,
    )

    settings = TrainingSettings(epochs, batch_size, learning_rate, patience, seed)
    settings.check(validation_split)
    name = name or runs.run_name(runs_dir, "cnn")
    generator = make_generator(augmentation, validation_split, seed)
    train, val = folder_flows(generator, directory, image_size, color_mode, batch_size)
    keras.utils.set_random_seed(seed)
    try:
        model = CNNClassifier(train.image_shape, train.num_classes, **(model_options or {}))
    except (TypeError, ValueError) as exc:
        raise InputError(f"model options: {exc}") from None
    history, seconds = train_stage(
        model, train, val, epochs, learning_rate, patience, verbose, "train"
    )
    fields = dict(
        model="cnn",
        # The constructor's own arguments (Keras adds name, trainable and dtype).
        model_options={
            k: v for k, v in model.get_config().items() if k not in ("name", "trainable", "dtype")
        },
        base=None,
    )
    return publish_image_run(
        model, train, val, generator, history, seconds, fields, runs_dir, name, settings
    )


def transfer_image_folder(
    directory: str | os.PathLike,
    base: str | os.PathLike,
    *,
    weights: str | os.PathLike | None = None,
    base_layer: str | None = None,
    fine_tune_layers: int = 0,
    fine_tune_epochs: int = 10,
    fine_tune_learning_rate: float = 1e-5,
    dropout: float = 0.2,
    image_size: tuple[int, int] | None = None,
    validation_split: float = 0.2,
    augmentation: dict | None = None,
    epochs: int = 30,
    batch_size: int = 32,
    learning_rate: float = 3e-3,
    patience: int = 10,
    seed: int = 0,
    runs_dir: str | os.PathLike = DEFAULT_RUNS_DIR,
    name: str | None = None,
    verbose: int = 0,
) -> ImageFitReport:
    """Reuses a trained convolutional base for new classes: a new head, then optional fine-tuning.

    The base is frozen (batch-norm statistics included) while the new head
    trains; with `fine_tune_layers`, the base's top layers are then unfrozen
    and trained on at `fine_tune_learning_rate`.

    Args:
        directory: a folder with one sub-folder of images per (new) class.
        base: a saved Keras model (`.keras` file, e.g. an image run's
            `model.keras`, or an image run directory), or a `keras.applications`
            name (`mobilenetv3small`, `mobilenetv3large`, `efficientnetb0`, `resnet50`, `vgg16`).
        weights: for an application: a local weights file or `"imagenet"`
            (downloads) [default: none, random weights — not transfer learning].
        base_layer: for a saved model, the layer to cut after [default: its last
            feature map; earlier layers are more generic].
        fine_tune_layers: base layers with weights to unfreeze after head
            training (0: no fine-tuning).
        fine_tune_epochs: most epochs of fine-tuning.
        fine_tune_learning_rate: Adam's learning rate while fine-tuning.
        dropout: dropout before the new softmax.
        image_size: `(height, width)` for an application base [default: the
            folder's image size, at least 32]; a saved model fixes its own.
        learning_rate: Adam's learning rate for the head (higher than a whole
            network's: few weights, and few steps when the images are few).
        validation_split, augmentation, epochs, batch_size, patience, seed,
        runs_dir, name, verbose: as in `fit_image_folder`.

    Returns:
        An `ImageFitReport`.

    Raises:
        InputError: for a bad folder, base, weights file or option.
    """
    class_folders(directory)  # the folder first: Keras takes seconds to import
    check_runs_dir(runs_dir)  # a run that could not be published: said before training
    import keras

    from tsconv.image.bases import resolve_base
    from tsconv.image.training import (
        TrainingSettings,
        check_training,
        folder_flows,
        make_generator,
        publish_image_run,
        train_stage,
    )
    from tsconv.image.transfer import build_transfer_model, unfreeze_top

    settings = TrainingSettings(epochs, batch_size, learning_rate, patience, seed)
    settings.check(validation_split)
    if fine_tune_layers:
        check_training(
            validation_split, fine_tune_epochs, batch_size, fine_tune_learning_rate, patience
        )
    if not isinstance(fine_tune_layers, int) or fine_tune_layers < 0:
        raise InputError(f"fine_tune_layers must be ≥ 0. Received: {fine_tune_layers!r}")
    name = name or runs.run_name(runs_dir, "transfer")
    keras.utils.set_random_seed(seed)
    chosen = resolve_base(base, weights, directory, image_size, base_layer)
    generator = make_generator(augmentation, validation_split, seed)
    train, val = folder_flows(
        generator, directory, chosen.target_size, chosen.color_mode, batch_size
    )
    try:
        model = build_transfer_model(
            chosen.model, train.num_classes, dropout=dropout, pooling=chosen.pooling
        )
    except ValueError as exc:
        raise InputError(str(exc)) from None
    history, seconds = train_stage(
        model, train, val, epochs, learning_rate, patience, verbose, "head"
    )
    unfrozen = 0
    if fine_tune_layers:
        unfrozen = unfreeze_top(model, fine_tune_layers)
        logger.info("fine-tuning the top %d layers of the base", unfrozen)
        more, more_seconds = train_stage(
            model,
            train,
            val,
            fine_tune_epochs,
            fine_tune_learning_rate,
            patience,
            verbose,
            "fine-tune",
        )
        history, seconds = pd.concat([history, more], ignore_index=True), seconds + more_seconds
    fields = dict(
        model="transfer",
        model_options={"dropout": dropout, "pooling": chosen.pooling},
        base={
            "source": chosen.source,
            "weights": None if weights is None else str(weights),
            "layer": chosen.model.layers[-1].name,
            "fine_tune_layers": fine_tune_layers,
            "layers_unfrozen": unfrozen,
            "fine_tune_epochs": fine_tune_epochs if fine_tune_layers else 0,
            "fine_tune_learning_rate": fine_tune_learning_rate,
        },
    )
    return publish_image_run(
        model, train, val, generator, history, seconds, fields, runs_dir, name, settings
    )


@dataclass
class ImagePredictionReport:
    """Predictions of an image run for some files: one row per file."""

    run_dir: Path
    table: pd.DataFrame  # file, class, probability, top (as text)
    ranked: list[list[dict]] = field(default_factory=list)  # per file: {class, probability}

    def summary(self) -> str:
        return self.table.to_string(index=False)

    def to_json(self) -> dict:
        """Each file's class and probability, and its top classes as a list of
        `{"class", "probability"}` (not the text of the table's `top` column)."""
        records = self.table.drop(columns="top").to_dict(orient="records")
        for record, ranked in zip(records, self.ranked, strict=False):
            record["top"] = ranked
        return {"run": str(self.run_dir), "predictions": records}


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
    from tsconv.image.folders import load_images
    from tsconv.image.runs import read_image_run  # imports Keras

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
    rows, ranked = [], []
    for file, p, best in zip(files, probabilities, order, strict=True):
        rows.append(
            {
                "file": str(file),
                "class": names[best[0]],
                "probability": round(float(p[best[0]]), 4),
                "top": ", ".join(f"{names[k]} {p[k]:.3f}" for k in best),
            }
        )
        ranked.append([{"class": names[k], "probability": round(float(p[k]), 4)} for k in best])
    return ImagePredictionReport(path, pd.DataFrame(rows), ranked)
