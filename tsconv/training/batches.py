"""Batches of windows gathered on the fly: what training and prediction feed the model.

`WindowBatches` copies one batch at a time out of the `Windows` views, in the
shuffled order of `(seed, epoch)` (`window_order`), so a resumed fit and every
worker of a distributed one see the same batches. Training (`loop`,
`tf_input`, `multiworker`) and prediction (`predict_windows`) both use it.
"""

from __future__ import annotations

import math

import keras
import numpy as np

from tsconv.preprocessing.windowing import Windows


def window_order(num_windows: int, seed: int, epoch: int) -> np.ndarray:
    """The shuffled window order of `epoch`: a function of `(seed, epoch)` only.

    So a resumed fit, and every worker of a distributed one, see the same order.
    """
    return np.random.default_rng((seed, epoch)).permutation(num_windows)


class WindowBatches(keras.utils.PyDataset):
    """Batches of `(inputs, targets)` gathered on the fly from `Windows` views.

    Only one batch is ever copied out of the series, so memory grows with
    the series, not with series × window.

    Args:
        windows: the windows to serve.
        batch_size: windows per batch.
        shuffle: reshuffle the window order after every epoch.
        seed: seed of the shuffling.
        objective: `"last"` serves `(batch, output_steps)` targets; `"sequence"`
            serves `(batch, window)`, the next value after every step.
        epoch: the epoch served first. Epoch e's order depends only on
            `(seed, e)`, so training resumed at epoch e sees what it would have.
        drop_remainder: serve whole batches only (when there is at least one):
            the last few windows of an epoch's shuffled order wait for a later
            epoch. Every batch then has one shape, so an XLA-compiled training
            step compiles once, not once more for the last batch of each fit.
    """

    def __init__(
        self,
        windows: Windows,
        batch_size: int,
        shuffle: bool = False,
        seed: int = 0,
        objective: str = "last",
        epoch: int = 0,
        drop_remainder: bool = False,
    ):
        super().__init__()
        self.windows = windows
        self.objective = objective
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.seed = seed
        self.epoch = epoch
        self.drop_remainder = drop_remainder
        self._order = None  # made on first use: tf.data asks `batch` instead (one order less)

    def _epoch_order(self) -> np.ndarray:
        if not self.shuffle:
            return np.arange(len(self.windows))
        return window_order(len(self.windows), self.seed, self.epoch)

    def __len__(self) -> int:
        if self.drop_remainder and len(self.windows) >= self.batch_size:
            return len(self.windows) // self.batch_size
        return math.ceil(len(self.windows) / self.batch_size)

    def __getitem__(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        if self._order is None:
            self._order = self._epoch_order()
        return self._gather(self._order, i)

    def batch(self, epoch: int, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Batch `i` of epoch `epoch`, whatever epoch this dataset is at (for `tf.data`)."""
        if getattr(self, "_cached_epoch", None) != epoch:
            self._cached_epoch = epoch
            self._cached_order = (
                window_order(len(self.windows), self.seed, epoch)
                if self.shuffle
                else np.arange(len(self.windows))
            )
        return self._gather(self._cached_order, i)

    def _gather(self, order: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
        index = order[i * self.batch_size : (i + 1) * self.batch_size]
        # Fancy indexing copies just this batch out of the views.
        inputs = np.asarray(self.windows.inputs[index], np.float32)  # (batch, window, channels)
        source = (
            self.windows.sequence_targets if self.objective == "sequence" else self.windows.targets
        )
        targets = np.asarray(source[index], np.float32)  # (batch, output_steps) or (batch, window)
        return inputs, targets

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self._order = None


def predict_windows(model: keras.Model, windows: Windows, batch_size: int = 256) -> np.ndarray:
    """The model's predictions for every window, `(num_windows, output_steps)`."""
    if len(windows) == 0:
        return np.zeros((0, windows.output_steps), dtype=np.float32)
    return np.asarray(model.predict(WindowBatches(windows, batch_size), verbose=0))
