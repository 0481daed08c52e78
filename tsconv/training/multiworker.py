"""Training across machines: a `tf.distribute` loop under `MultiWorkerMirroredStrategy`.

Keras 3's `fit` fails under `MultiWorkerMirroredStrategy` (keras-team/keras#20585:
its symbolic build and its per-replica reductions break with two workers; reproduced
with Keras 3.15 / TF 2.21), so multi-worker training uses TensorFlow's documented
custom-loop pattern instead: `distribute_datasets_from_function`, `strategy.run` and
`tf.nn.compute_average_loss`; the Keras optimizer all-reduces the gradients. The same
losses, Adam and early stopping as `tsconv.training.loop.train`. TensorFlow only.
"""

from __future__ import annotations

import logging
import math

import keras
import numpy as np
import tensorflow as tf

from tsconv.errors import InputError, TrainingDivergedError
from tsconv.preprocessing.windowing import Windows
from tsconv.training.batches import WindowBatches, window_order
from tsconv.training.callbacks import diverged_message
from tsconv.training.loop import LOSSES, check_training_options, sequence_view

logger = logging.getLogger(__name__)


class History:
    """What `train_multiworker` returns: per-epoch `loss` and `val_loss`, like Keras's."""

    def __init__(self):
        self.history: dict[str, list[float]] = {"loss": [], "val_loss": []}


def train_multiworker(
    model: keras.Model,
    train_windows: Windows,
    val_windows: Windows,
    distribution_strategy: tf.distribute.Strategy,
    *,
    loss: str = "mse",
    epochs: int = 30,
    batch_size: int = 64,
    patience: int = 5,
    learning_rate: float = 1e-3,
    seed: int = 0,
    objective: str = "last",
) -> History:
    """Trains `model` (built in the strategy's scope) data-parallel over the cluster's workers.

    Every epoch each worker trains on its own share of the same shuffled window
    order (`WindowBatches`'s `(seed, epoch)` rule), in `len(train) // batch_size`
    steps of `batch_size` windows over all replicas, so every worker takes the
    same number of steps. Each worker scores the validation windows itself (the
    weights are the same everywhere), so all take the same early-stopping
    decision; the best epoch's weights are restored.

    Args:
        model: the window model, built in `distribution_strategy.scope()`.
        train_windows, val_windows, loss, epochs, patience, learning_rate, seed,
            objective: as `tsconv.training.loop.train`.
        distribution_strategy: a `tf.distribute.MultiWorkerMirroredStrategy`.
        batch_size: windows per step over all replicas; a multiple of the replicas.

    Returns:
        A `History` with `loss` and `val_loss` per epoch.

    Raises:
        InputError: for a batch size that does not split over the replicas, or
            fewer training windows than one batch.
    """
    check_training_options(loss, epochs, batch_size, patience, learning_rate, objective)
    strategy = distribution_strategy
    replicas = strategy.num_replicas_in_sync
    if batch_size % replicas:
        raise InputError(
            f"--batch-size must be a multiple of the {replicas} replicas. "
            f"Received: batch_size={batch_size}"
        )
    steps = len(train_windows) // batch_size
    if steps == 0:
        raise InputError(
            f"{len(train_windows)} training windows make no batch of {batch_size}; use a "
            "smaller --batch-size."
        )
    with strategy.scope():
        fitted = sequence_view(model) if objective == "sequence" else model
        loss_fn = keras.losses.get(LOSSES[loss])
        clipnorm = 1.0 if loss.endswith("-nll") else None  # see compile_for_training
        optimizer = keras.optimizers.Adam(learning_rate, clipnorm=clipnorm)
        optimizer.build(fitted.trainable_variables)

    def replica_step(inputs, targets):
        with tf.GradientTape() as tape:
            per_example = loss_fn(targets, fitted(inputs, training=True))  # (replica batch, …)
            per_example = tf.reshape(per_example, (tf.shape(per_example)[0], -1))
            per_example = tf.reduce_mean(per_example, axis=1)  # (replica batch,)
            value = tf.nn.compute_average_loss(per_example, global_batch_size=batch_size)
        grads = tape.gradient(value, fitted.trainable_variables)
        optimizer.apply_gradients(zip(grads, fitted.trainable_variables, strict=True))
        return value

    @tf.function
    def train_step(iterator):
        inputs, targets = next(iterator)
        per_replica = strategy.run(replica_step, args=(inputs, targets))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

    history, best, best_weights, wait = History(), math.inf, None, 0
    validation = WindowBatches(val_windows, max(batch_size, 256), objective=objective)
    for epoch in range(epochs):
        dataset = strategy.distribute_datasets_from_function(
            _shard_fn(train_windows, batch_size, steps, seed, epoch, objective)
        )
        iterator = iter(dataset)
        total = 0.0
        for _ in range(steps):
            total += float(train_step(iterator))
        val_loss = _mean_loss(fitted, loss_fn, validation)
        history.history["loss"].append(total / steps)
        history.history["val_loss"].append(val_loss)
        logger.info("epoch %d: loss %.5g, val_loss %.5g", epoch + 1, total / steps, val_loss)
        for value in (total / steps, val_loss):
            if not math.isfinite(value):
                raise TrainingDivergedError(diverged_message(value, epoch + 1))
        if val_loss < best:
            best, best_weights, wait = val_loss, fitted.get_weights(), 0
        else:
            wait += 1
            if wait >= patience:
                break
    if best_weights is not None:
        fitted.set_weights(best_weights)
    return history


def _shard_fn(windows: Windows, batch_size: int, steps: int, seed: int, epoch: int, objective):
    """The dataset function of one epoch: this worker's batches of the epoch's window order."""

    def dataset_fn(context: tf.distribute.InputContext) -> tf.data.Dataset:
        per_replica = context.get_per_replica_batch_size(batch_size)
        shares = context.num_input_pipelines
        # The first steps * batch_size windows of the epoch's order, dealt out by worker.
        order = window_order(len(windows), seed, epoch)[: steps * batch_size]
        mine = order[context.input_pipeline_id :: shares]
        # (steps * per_replica,) indices: each worker's batches are consecutive slices.
        source = windows.sequence_targets if objective == "sequence" else windows.targets

        def batch(i: int):
            index = np.sort(mine[i * per_replica : (i + 1) * per_replica])
            inputs = np.asarray(windows.inputs[index], np.float32)  # (per_replica, window, ch)
            return inputs, np.asarray(source[index], np.float32)

        def generate():
            for i in range(len(mine) // per_replica):
                yield batch(i)

        x, y = batch(0)
        signature = (
            tf.TensorSpec((per_replica, *x.shape[1:]), tf.float32),
            tf.TensorSpec((per_replica, *y.shape[1:]), tf.float32),
        )
        dataset = tf.data.Dataset.from_generator(generate, output_signature=signature)
        options = tf.data.Options()
        # Sharded above, by window, so every worker gets its own equal share.
        options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
        return dataset.with_options(options).prefetch(tf.data.AUTOTUNE)

    return dataset_fn


def _mean_loss(model: keras.Model, loss_fn, batches: WindowBatches) -> float:
    """Mean per-window loss over every batch, computed locally on this worker."""
    total, count = 0.0, 0
    for i in range(len(batches)):
        inputs, targets = batches[i]
        per_example = np.asarray(loss_fn(targets, model(inputs, training=False)))
        per_example = per_example.reshape(len(inputs), -1).mean(axis=1)
        total, count = total + float(per_example.sum()), count + len(inputs)
    return total / max(count, 1)
