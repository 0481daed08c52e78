"""The training loop: Adam, the loss, early stopping with the best weights, backups, seeds.

`train` compiles the model (or its per-step view for the sequence objective),
feeds `WindowBatches` (through `tf.data` on TensorFlow), stops early on the
validation loss and on a non-finite loss, and backs up every epoch.
"""

from __future__ import annotations

import logging
import math
import os
import weakref

import keras
import numpy as np

from tsconv.errors import InputError
from tsconv.layers.distribution_head import gaussian_nll, student_t_nll
from tsconv.models.base import capabilities_of
from tsconv.preprocessing.windowing import Windows
from tsconv.training.batches import WindowBatches
from tsconv.training.callbacks import EpochLogger, StopOnNonFiniteLoss
from tsconv.training.engine import distribution_scope
from tsconv.training.resume import EpochBackup, latest_backup, restore

logger = logging.getLogger(__name__)

LOSSES = {
    "mse": "mse",
    "mae": "mae",
    "huber": "huber",
    "gaussian-nll": gaussian_nll,  # for distribution heads
    "student-t-nll": student_t_nll,
}
OBJECTIVES = ("last", "sequence")
# The learning-rate schedule: halve Adam's rate after 2 epochs without a better validation
# loss. Measured with the default TCN (a one-off comparison, issue 20's note): on MSFT
# 16 epochs instead of 18 to the same best validation loss (0.33976 against 0.33972);
# on CO2 it never triggered in 30 epochs (still improving), the same fit. Halving after
# 1 epoch (with patience 3) stopped MSFT at 14 epochs but 0.3% worse, and CO2 5% worse.
LR_FACTOR = 0.5
LR_PATIENCE = 2
LR_SCHEDULE = f"halved after {LR_PATIENCE} epochs without a better validation loss"

# Each model `train` compiled, with the settings it compiled for and its sequence view
# (None when the model itself was compiled: a value must not hold its key, or the model
# would never be freed): a warm fit with the same settings reuses the compiled training
# step instead of tracing (and XLA-compiling) it again.
_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def check_training_options(
    loss: str,
    epochs: int,
    batch_size: int,
    patience: int,
    learning_rate: float,
    objective: str = "last",
) -> None:
    """Raises `InputError` for an option that cannot train."""
    if objective not in OBJECTIVES:
        raise InputError(f"unknown objective {objective!r}; use one of {list(OBJECTIVES)}.")
    if loss not in LOSSES:
        raise InputError(f"unknown loss {loss!r}; use one of {sorted(LOSSES)}.")
    for name, value in (("epochs", epochs), ("batch_size", batch_size), ("patience", patience)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"{name} must be a positive integer. Received: {name}={value}")
    if not (learning_rate > 0 and math.isfinite(learning_rate)):
        raise InputError(f"learning rate must be positive. Received: learning_rate={learning_rate}")


def compile_for_training(
    model: keras.Model,
    loss: str = "mse",
    learning_rate: float = 1e-3,
    jit: bool | None = None,
) -> None:
    """Compiles `model` the way `train` does: Adam, the loss, XLA unless `jit=False`.

    Args:
        model: the model to compile.
        loss: a name of `LOSSES`.
        learning_rate: Adam's learning rate.
        jit: XLA compilation of the training step; None means on (measured faster here).
    """
    # XLA: see `tsconv.training.engine.default_jit` (`train`'s callers pick it; None: on).
    # Likelihood losses: a heavy-tailed day (10 sigma at the initial scale) gives a huge
    # gradient that pushes the scale far up, where the location barely learns (its
    # gradient shrinks as 1 / scale^2). Measured on MSFT with a Gaussian TCN: unclipped,
    # scale 5.0 for targets of std 0.58 and a 30-step MAE 6.3x naive; clipped to norm 1,
    # 92% of test targets inside the 90% band and MAE 1.00x naive.
    clipnorm = 1.0 if loss.endswith("-nll") else None
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate, clipnorm=clipnorm),
        loss=LOSSES[loss],
        jit_compile=True if jit is None else jit,
    )


def sequence_view(model: keras.Model) -> keras.Model:
    """The model's per-step head as outputs, `(batch, window)`: the sequence objective's model.

    Shares the model's weights. Raises `InputError` for a model without a per-step head.
    """
    if not capabilities_of(model).supports_sequence_objective:
        raise InputError(
            f"the sequence objective needs a causal model with a per-step head "
            f"(tcn, transformer); {type(model).__name__} has none. Use objective 'last'."
        )
    per_step = model.get_layer("head").output  # (batch, window, 1 or [loc, scale])
    if per_step.shape[-1] == 1:
        per_step = keras.layers.Reshape((per_step.shape[1],), dtype="float32")(per_step)
        # (batch, window)
    return keras.Model(model.input, per_step)


# A warm start restarts at the full learning rate with the full patience. Measured on
# 5-fold TCN backtests (issue 20's note, 2026-12-02): continuing at the rate the previous
# fold ended with (or had at its best epoch) gave MSFT MASE 7.36 (7.35) against 6.47 and
# was not reliably faster; patience 2 for warm folds saved ~25% on MSFT at MASE 6.98.
def restart_state(fitted: keras.Model, learning_rate: float, seed: int) -> None:
    """Resets what a fit carries besides the weights: the optimizer and the dropout seeds.

    Adam's moments and step count go to zero and its learning rate to `learning_rate`
    (as a freshly compiled optimizer has them), and every seed generator of the model
    (its dropout layers') restarts from a state made of `seed` and its position. So a
    fit that starts from given weights depends on those weights, the data and the seed
    only — whether its training step was compiled just now or by an earlier fit.
    """
    optimizer = fitted.optimizer
    if optimizer is not None and optimizer.built:
        for variable in optimizer.variables:
            variable.assign(np.zeros(variable.shape, variable.dtype))
        optimizer.learning_rate.assign(learning_rate)
    generators = [v for v in fitted.variables if v.path.endswith("seed_generator_state")]
    for position, state in enumerate(generators):
        start = np.zeros(state.shape, state.dtype)
        start[0] = seed * 1_000 + position + 1  # distinct per layer, a function of the seed
        state.assign(start)


def train(
    model: keras.Model,
    train_windows: Windows,
    val_windows: Windows,
    *,
    loss: str = "mse",
    epochs: int = 30,
    batch_size: int = 64,
    patience: int = 5,
    learning_rate: float = 1e-3,
    seed: int = 0,
    objective: str = "last",
    verbose: int = 0,
    jit: bool | None = None,
    distribution_strategy=None,
    backup_dir: str | os.PathLike | None = None,
    callbacks: list[keras.callbacks.Callback] | None = None,
    steps_per_epoch: int | None = None,
    validation_steps: int | None = None,
    warm: bool = False,
) -> keras.callbacks.History:
    """Trains `model` with Adam and early stopping on the validation windows.

    The weights of the epoch with the lowest validation loss are restored; the
    learning rate halves after `LR_PATIENCE` epochs without a better one.
    With `objective="sequence"`, a view of the model that outputs its
    per-step head (layer `"head"`, `(batch, window, 1)`) is trained instead:
    every position i learns to predict step i + 1, so a window gives `window`
    targets. The view shares the model's weights.

    Args:
        model: a compiled-or-not Keras model mapping windows to `(batch, output_steps)`
            (built in `distribution_strategy`'s scope when there is one).
        train_windows: training windows (shuffled every epoch).
        val_windows: validation windows, later in time than the training ones.
        loss: `"mse"`, `"mae"` or `"huber"`; `"gaussian-nll"` or `"student-t-nll"`
            for a distribution head.
        epochs: most epochs to run.
        batch_size: windows per step (over all replicas with a distribution strategy).
        patience: epochs without validation improvement before stopping.
        learning_rate: Adam's learning rate.
        seed: seeds the shuffling; set Keras's global seed before building the model.
        objective: `"last"` or `"sequence"` (models with `supports_sequence_objective`).
        verbose: Keras's progress display (0 silent, 1 bar, 2 one line per epoch).
        jit: XLA compilation of the training step (see `compile_for_training`).
        distribution_strategy: a `tf.distribute` strategy (see `tsconv.training.engine`),
            or None for one device.
        backup_dir: where to back up after every epoch and resume from (see
            `tsconv.training.resume`); None for no backups.
        callbacks: more Keras callbacks, called after tsconv's own.
        steps_per_epoch, validation_steps: batches per epoch and per validation
            pass, for series too long for whole epochs; None: every window.
        warm: the model's weights are a starting point (a warm start): the
            optimizer and the dropout seeds restart (`restart_state`), and when
            this model was trained before with the same loss, learning rate, XLA
            and objective, its compiled training step is reused (no tracing or
            XLA compile again). On one device only.

    Returns:
        The Keras `History` (with a backup: of every epoch, resumed ones included).

    Raises:
        InputError: for an option that cannot train.
        TrainingDivergedError: when the loss becomes NaN or infinite (training stops at that batch).
    """
    check_training_options(loss, epochs, batch_size, patience, learning_rate, objective)
    scope = distribution_scope(distribution_strategy)
    settings = (loss, jit, objective)  # the learning rate is a variable, set at each start
    compiled = _COMPILED.get(model) if warm and distribution_strategy is None else None
    with scope:
        if compiled is not None and compiled[0] == settings:
            fitted = compiled[1] or model
        else:
            fitted = sequence_view(model) if objective == "sequence" else model
            compile_for_training(fitted, loss, learning_rate, jit)
            if distribution_strategy is None:
                _COMPILED[model] = (settings, None if fitted is model else fitted)
                if fitted.jit_compile and keras.backend.backend() == "tensorflow":
                    # XLA for the training step only: the validation pass is a few batches
                    # of another shape, whose XLA compile cost more than it ever saved
                    # (benchmarks/results/tcn_profile.md). Keras fixes XLA when it makes
                    # each step function, so make the training one first.
                    fitted.make_train_function()
                    fitted.jit_compile = False
        if warm:
            restart_state(fitted, learning_rate, seed)
        stop = keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=patience, restore_best_weights=True
        )
        plateau = keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss", factor=LR_FACTOR, patience=LR_PATIENCE
        )
        diverged = StopOnNonFiniteLoss()
        own: list[keras.callbacks.Callback] = [diverged, stop, plateau]
        resumed = latest_backup(backup_dir)
        if resumed is not None:
            restore(fitted, resumed, stop)
        if backup_dir is not None:
            own.append(EpochBackup(backup_dir, stop, resumed, plateau))
    first = _first_epoch(resumed, epochs)
    train_data = WindowBatches(
        train_windows,
        batch_size,
        shuffle=True,
        seed=seed,
        objective=objective,
        epoch=first,
        drop_remainder=True,
    )
    val_data = WindowBatches(val_windows, max(batch_size, 256), objective=objective)
    if keras.backend.backend() == "tensorflow" and distribution_strategy is None and first < epochs:
        # tf.data prefetches while the step runs: 2.8x the windows/s of Keras's PyDataset
        # adapter here (tsconv.training.tf_input). Strategies keep PyDataset (tested that way).
        from tsconv.training.tf_input import window_dataset

        steps = len(train_data)
        steps_per_epoch = steps_per_epoch or steps
        # Keras keeps one iterator across epochs when steps_per_epoch is given.
        train_data = window_dataset(train_data, -(-(epochs - first) * steps_per_epoch // steps))
        # A fresh pass every epoch (Keras would keep the iterator of a given validation_steps).
        val_data = window_dataset(val_data).take(validation_steps or len(val_data))
        validation_steps = None
    history = fitted.fit(
        train_data,
        validation_data=val_data,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        validation_steps=validation_steps,
        initial_epoch=first,
        shuffle=False,  # WindowBatches shuffles windows by (seed, epoch); Keras's own batch
        # shuffle draws from a global RNG, so a resumed fit would see other batches.
        callbacks=[*own, EpochLogger(), *(callbacks or [])],
        verbose=verbose,
    )
    diverged.raise_if_failed()
    if backup_dir is not None:
        history.history = own[-1].history  # every epoch, before and after a resume
    # Predict as a reloaded model does (without XLA), so that predictions before and
    # after save/load are identical, not merely close. (A prediction function made
    # without XLA, by an earlier fit of this model, stays: no tracing again.)
    if model.jit_compile:
        model.jit_compile = False
        model.predict_function = None
    return history


def _first_epoch(resumed, epochs: int) -> int:
    """Where `fit` starts: after the backup's epochs, or at the end when it had stopped."""
    if resumed is None:
        return 0
    return epochs if resumed.stopped else min(resumed.epochs, epochs)
