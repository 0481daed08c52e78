"""`LastStep`: the last position of a sequence."""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="tsconv")
class LastStep(keras.layers.Layer):
    """Takes the last time step: `(batch, steps, channels)` → `(batch, channels)`.

    Example:
    >>> LastStep()(np.zeros((2, 10, 3))).shape
    (2, 3)
    """

    def call(self, inputs):
        return inputs[:, -1, :]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])
