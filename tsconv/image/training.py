"""The steps every image job shares: checks, flows, one training stage, evaluation, publishing."""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from tsconv import runs
from tsconv.errors import InputError
from tsconv.image.data_generator import ImageDataGenerator
from tsconv.image.runs import image_run_config, write_image_run
from tsconv.image.scoring import classification_scores
from tsconv.training.callbacks import EpochLogger, StopOnNonFiniteLoss

logger = logging.getLogger(__name__)


@dataclass
class ImageFitReport:
    """What `fit_image_folder` or `transfer_image_folder` made: the run and its scores."""

    run_dir: Path
    config: dict
    metrics: dict

    def summary(self) -> str:
        """Run, model, training, and validation accuracy beside the majority class."""
        c, m = self.config, self.metrics
        v, t = m["validation"], m["training"]
        lines = [
            f"run: {self.run_dir}",
            f"model: {c['model']}, {m['parameters']:,} parameters ({m['trainable_parameters']:,} "
            f"trained), {len(c['class_names'])} classes, images {c['image_size'][0]}×"
            f"{c['image_size'][1]} {c['color_mode']}",
            f"trained {self._epochs()} in {m['seconds']:.1f}s on {t['images']} images "
            f"({'augmented' if c['augmented'] else 'not augmented'}); validated on {v['images']}",
            f"validation top-1 accuracy {v['top1']:.3f} (training {t['top1']:.3f}, gap "
            f"{t['top1'] - v['top1']:+.3f}); always guessing the commonest class: "
            f"{v['majority_class_accuracy']:.3f}",
        ]
        if v["top5"] is not None:
            lines.append(f"validation top-5 accuracy {v['top5']:.3f}")
        lines.append(f"files: curves.png, confusion.png, metrics.json in {self.run_dir}")
        return "\n".join(lines)

    def _epochs(self) -> str:
        """`12 of at most 30 epochs`, or per stage for a transfer: `5 of at most 5 epochs
        of the new head, then 3 of at most 10 of fine-tuning` (each stage stops early
        on its own, so the total is not `--epochs`)."""
        c, m = self.config, self.metrics
        stages = m.get("epochs_by_stage") or {"train": m["epochs_run"]}  # older runs
        cap = c.get("training", {}).get("epochs", "?")
        if "head" not in stages:
            return f"{m['epochs_run']} of at most {cap} epochs"
        text = f"{stages['head']} of at most {cap} epochs of the new head"
        if stages.get("fine-tune"):
            most = c.get("base", {}).get("fine_tune_epochs", "?")
            text += f", then {stages['fine-tune']} of at most {most} of fine-tuning"
        return text

    def to_json(self) -> dict:
        return {"run": str(self.run_dir), "config": self.config, "metrics": self.metrics}


def check_training(validation_split, epochs, batch_size, learning_rate, patience) -> None:
    """Raises `InputError` for a split outside (0, 1), a count below 1 or a rate ≤ 0."""
    if (
        isinstance(validation_split, bool)
        or not isinstance(validation_split, (int, float))
        or not (0 < validation_split < 1)
    ):
        raise InputError(
            "validation split must be in (0, 1): a run reports accuracy on held-out images. "
            f"Received: {validation_split!r}"
        )
    for option, value in (("epochs", epochs), ("batch size", batch_size), ("patience", patience)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"{option} must be a positive integer. Received: {value!r}")
    if not learning_rate > 0:
        raise InputError(f"learning rate must be > 0. Received: {learning_rate!r}")


def make_generator(
    augmentation: dict | None, validation_split: float, seed: int
) -> ImageDataGenerator:
    """The job's `ImageDataGenerator`; an unknown augmentation name is an `InputError`."""
    options = dict(augmentation or {})
    for reserved in ("validation_split", "seed"):
        if reserved in options:
            raise InputError(f"{reserved} is a training option, not an augmentation one.")
    try:
        return ImageDataGenerator(**options, validation_split=validation_split, seed=seed)
    except TypeError:
        known = sorted(ImageDataGenerator().get_config())
        unknown = sorted(set(options) - set(known))
        raise InputError(
            f"unknown augmentation option(s) {', '.join(unknown)}; known: {', '.join(known)}."
        ) from None


def folder_flows(generator, directory, target_size, color_mode, batch_size):
    """The training and validation `DirectoryFlow`s of a folder, the same size and colour mode."""
    train = generator.flow_from_directory(
        directory, target_size, color_mode, batch_size=batch_size, subset="training"
    )
    val = generator.flow_from_directory(
        directory, train.target_size, train.color_mode, batch_size=batch_size, subset="validation"
    )
    logger.info(
        "%d classes; %d training and %d validation images of %s",
        train.num_classes,
        train.samples,
        val.samples,
        train.image_shape,
    )
    return train, val


def train_stage(model, train, val, epochs, learning_rate, patience, verbose, stage):
    """Compiles and fits one stage (head, fine-tune, …) with early stopping on validation loss.

    Returns:
        `(history, seconds)`: per-epoch metrics with a `stage` column, and the wall time.

    Raises:
        TrainingDivergedError: when the loss becomes NaN or infinite.
    """
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    diverged = StopOnNonFiniteLoss()
    callbacks = [
        diverged,
        EpochLogger(),
        keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=patience, restore_best_weights=True
        ),
    ]
    start = time.perf_counter()
    fitted = model.fit(
        train, validation_data=val, epochs=epochs, verbose=verbose, callbacks=callbacks
    )
    seconds = time.perf_counter() - start
    diverged.raise_if_failed()
    history = pd.DataFrame(fitted.history)
    history.insert(0, "stage", stage)
    return history, seconds


@dataclass(frozen=True)
class TrainingSettings:
    """The training options a run records (the first stage's, for a transfer)."""

    epochs: int
    batch_size: int
    learning_rate: float
    patience: int
    seed: int

    def check(self, validation_split: float) -> None:
        """Raises `InputError` for an option out of range."""
        check_training(
            validation_split, self.epochs, self.batch_size, self.learning_rate, self.patience
        )


def publish_image_run(
    model, train, val, generator, history, seconds, fields, runs_dir, name, settings
) -> ImageFitReport:
    """Scores the trained model on both subsets and publishes the run; returns its report."""
    val_labels, val_probabilities = predict_flow(model, val)
    train_labels, train_probabilities = predict_flow(model, train)
    validation = classification_scores(val_labels, val_probabilities, train_labels)
    training = classification_scores(train_labels, train_probabilities, train_labels)
    training.pop("confusion")
    metrics = {
        "validation": validation,
        "training": training,
        "parameters": int(model.count_params()),
        "trainable_parameters": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
        "epochs_run": len(history),
        # per stage ("train"; "head" then "fine-tune" for a transfer): what each ran
        "epochs_by_stage": {
            str(k): int(v) for k, v in history["stage"].value_counts(sort=False).items()
        },
        "seconds": round(seconds, 2),
    }
    config = image_run_config(
        **fields,
        class_names=train.class_names,
        image_size=list(train.target_size),
        color_mode=train.color_mode,
        interpolation=train.interpolation,
        augmented=not generator.is_identity,
        augmentation=generator.get_config(),
        data={
            "directory": str(Path(train.directory).resolve()),
            "training_images": int(train.samples),
            "validation_images": int(val.samples),
        },
        training={
            **dataclasses.asdict(settings),
            "validation_split": generator.validation_split,
        },
    )
    run_dir = runs.publish(
        runs_dir, name, lambda folder: write_image_run(folder, model, config, metrics, history)
    )
    return ImageFitReport(run_dir, config, metrics)


def predict_flow(model: keras.Model, flow) -> tuple[np.ndarray, np.ndarray]:
    """`(labels, probabilities)` of a flow's subset, unaugmented, batch by batch."""
    labels, probabilities = [], []
    for images, batch_labels in flow.plain_batches():
        labels.append(batch_labels)
        probabilities.append(model.predict_on_batch(images))
    return np.concatenate(labels), np.concatenate([np.asarray(p) for p in probabilities])
