"""The callbacks of tsconv's training loops: a non-finite loss stops training; epochs are logged.

A NaN or infinite loss never recovers: every later weight update is NaN too.
Keras's own `TerminateOnNaN` stops quietly and keeps the broken weights; here
training stops at the batch it happened, and `train` raises `TrainingDivergedError`
so that no run, and no backup to resume from, is written.
"""

from __future__ import annotations

import logging
import math

import keras

from tsconv.errors import TrainingDivergedError

logger = logging.getLogger(__name__)

ADVICE = "lower --learning-rate, look for extreme values in the data, or use --loss huber"


def diverged_message(value: float, epoch: int, batch: int | None = None) -> str:
    """The one-line explanation of a non-finite loss at `epoch` (1-based) and `batch`."""
    where = f"epoch {epoch}" if batch is None else f"epoch {epoch}, batch {batch}"
    return f"training diverged: the loss became {value} at {where}; {ADVICE}."


class StopOnNonFiniteLoss(keras.callbacks.Callback):
    """Stops `fit` at the first batch whose loss is NaN or infinite, and says where.

    After `fit`, `failure` holds the message (None when training stayed finite);
    `raise_if_failed()` raises it as `TrainingDivergedError`.
    """

    # Checked on Keras's callback thread, so the training loop never waits for it.
    async_safe = True

    def __init__(self):
        super().__init__()
        self.failure: str | None = None
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if self.failure is None and loss is not None and not math.isfinite(float(loss)):
            self.failure = diverged_message(float(loss), self.epoch, batch + 1)
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        for key in ("loss", "val_loss"):
            value = (logs or {}).get(key)
            if self.failure is None and value is not None and not math.isfinite(float(value)):
                self.failure = diverged_message(float(value), epoch + 1)
                self.model.stop_training = True

    def raise_if_failed(self) -> None:
        if self.failure is not None:
            raise TrainingDivergedError(self.failure)


class EpochLogger(keras.callbacks.Callback):
    """Logs each epoch's metrics, so quiet or piped runs still leave a record."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        text = ", ".join(f"{k} {v:.5g}" for k, v in (logs or {}).items())
        logger.info("epoch %d: %s", epoch + 1, text)
