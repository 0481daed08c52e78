"""One fit's training step: the loop (or the closed form), and the record of how it went.

`Forecaster.fit` prepares the data and builds (or, warm, keeps) the model;
`train_model` trains it with the forecaster's policy and returns the history
and the facts a run records (`training` in its config). `set_initial_weights`
and `can_continue` are the two ways a fit starts from earlier weights.
"""

from __future__ import annotations

import dataclasses
import logging
import time

import keras
import numpy as np
import pandas as pd

from tsconv.errors import InputError
from tsconv.training.engine import Engine
from tsconv.training.loop import LR_SCHEDULE, train

logger = logging.getLogger(__name__)


def can_continue(fc, channels: int, engine: Engine) -> bool:
    """Whether `fc`'s next fit can start from its previous fit's model (`warm_start`):
    the same channels, window and steps per call, one device, the same engine, and not a rule
    baseline (which holds the old scaler's numbers)."""
    model = getattr(fc, "model_", None)
    return (
        fc.warm_start
        and model is not None
        and not model.needs_scaler
        and model.num_features == channels
        and model.window == fc.window_
        and model.output_steps == fc.output_steps_
        and fc.distribute == "none"
        and fc.engine_ == dataclasses.replace(engine, replicas=1)
    )


def set_initial_weights(model: keras.Model, weights: list[np.ndarray], name: str) -> None:
    """Sets `weights` (as `get_weights()` gives them) on `model`, or raises `InputError`."""
    shapes = [tuple(w.shape) for w in model.get_weights()]
    given = [tuple(np.shape(w)) for w in weights]
    if given != shapes:
        raise InputError(
            f"initial_weights do not fit this {name} model: {len(given)} arrays, "
            f"expected {len(shapes)} shaped as model_.get_weights() of the same model and "
            "channels."
        )
    model.set_weights(weights)


def train_model(
    fc, splits: dict, distribution=None, backup_dir=None, warm: bool = False
) -> tuple[pd.DataFrame, dict]:
    """Trains `fc.model_` (or fits it in closed form) with `fc`'s policy.

    Args:
        fc: the `Forecaster` being fitted (its model built, its `engine_` set).
        splits: the stacked `Windows` per split.
        distribution: the tf.distribute strategy, or None.
        backup_dir: see `Forecaster.fit`.
        warm: the model's weights are a starting point (see `training.loop.train`).

    Returns:
        `(history, training)`: per-epoch losses (and learning rate) by epoch, and the
        facts of the fit (seconds, epochs, best epoch and loss, parameters, …).
    """
    model = fc.model_
    logger.info(
        "fitting %s (%d parameters) on %d windows, validating on %d",
        fc.model,
        model.count_params(),
        len(splits["train"]),
        len(splits["validation"]),
    )
    started = time.perf_counter()
    history: dict = {"loss": [], "val_loss": []}
    policy = {  # the training policy both loops share
        "loss": fc.training_loss,
        "epochs": fc.epochs,
        "batch_size": fc.batch_size,
        "patience": fc.patience,
        "learning_rate": fc.learning_rate,
        "seed": fc.seed,
        "objective": fc.objective,
    }
    if model.fits_closed_form:
        model.fit_closed_form(splits["train"])
    elif model.trainable_weights and fc.distribute == "multiworker":
        from tsconv.training.multiworker import train_multiworker  # TensorFlow only

        history = train_multiworker(
            model, splits["train"], splits["validation"], distribution, **policy
        ).history
    elif model.trainable_weights:
        history = train(
            model,
            splits["train"],
            splits["validation"],
            **policy,
            verbose=fc.verbose,
            jit=fc.engine_.jit,
            distribution_strategy=distribution,
            backup_dir=backup_dir,
            warm=warm,
        ).history
    frame = pd.DataFrame(history)
    frame.index.name = "epoch"
    val_loss = frame["val_loss"].to_numpy(dtype=float)
    trained = len(val_loss) > 0 and np.isfinite(val_loss).any()
    training = {
        "seconds": round(time.perf_counter() - started, 2),
        "epochs_run": len(frame),
        "best_epoch": int(np.nanargmin(val_loss)) + 1 if trained else None,
        "best_val_loss": float(np.nanmin(val_loss)) if trained else None,
        "parameters": int(model.count_params()),
        "receptive_field": model.receptive_field,
        "train_windows": len(splits["train"]),
        "warm_start": warm,
    }
    if "learning_rate" in frame:  # the schedule's rate at each epoch's end
        training["learning_rate_schedule"] = LR_SCHEDULE
        training["final_learning_rate"] = float(frame["learning_rate"].iloc[-1])
    return frame, training
