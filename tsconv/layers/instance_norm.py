"""Reversible instance normalization (RevIN): each window scaled by its own target statistics.

A forecaster trained on standard-scaled levels sees every window at the level
of the training rows; when the series drifts (a trend, a slow season, a
level shift), later windows sit where training never was. RevIN (Kim et al.,
ICLR 2022) subtracts each window's own mean of the target and divides by its
standard deviation on the way in, and undoes it on the forecast on the way
out, so the network models only the shape. Only the target channel (0) is
normalized: known-in-advance inputs (calendar terms, user columns) keep their
meaning. The affine weights of the paper are left out: the layers after it
learn any scale they need.
"""

from __future__ import annotations

import keras
from keras import ops

from tsconv.arguments import check_choice
from tsconv.layers.distribution_head import DISTRIBUTIONS

# Keeps a flat window (a constant series) from dividing by zero; in scaled units.
EPSILON = 1e-5


@keras.saving.register_keras_serializable(package="tsconv")
class WindowNormalization(keras.layers.Layer):
    """Scales channel 0 of each window by the window's own mean and standard deviation.

    Returns the normalized window and the statistics `WindowDenormalization` needs.

    Example:
    >>> x, stats = WindowNormalization()(np.arange(10.0).reshape(1, 10, 1))
    >>> x.shape, stats.shape  # (batch, window, channels), (batch, [mean, std])
    ((1, 10, 1), (1, 2))
    """

    def call(self, inputs):
        target = inputs[:, :, :1]  # (batch, window, 1)
        mean = ops.mean(target, axis=1, keepdims=True)  # (batch, 1, 1)
        std = ops.sqrt(ops.var(target, axis=1, keepdims=True) + EPSILON)  # (batch, 1, 1)
        normalized = ops.concatenate([(target - mean) / std, inputs[:, :, 1:]], axis=-1)
        stats = ops.concatenate([mean, std], axis=-1)[:, 0, :]  # (batch, 2)
        return normalized, stats

    def compute_output_shape(self, input_shape):
        return input_shape, (input_shape[0], 2)


@keras.saving.register_keras_serializable(package="tsconv")
class WindowDenormalization(keras.layers.Layer):
    """Undoes `WindowNormalization` on a forecast: `forecast * std + mean`.

    For a distribution head (`(batch, [loc, scale])`) the location is moved
    and scaled and the scale only scaled.

    Args:
        distribution: the head's (`"point"`, `"gaussian"`, `"student-t"`).
        **kwargs: passed to `keras.layers.Layer`.

    Raises:
        ValueError: for an unknown distribution.

    Example:
    >>> WindowDenormalization()([np.zeros((2, 3)), np.array([[1.0, 2.0], [0.0, 1.0]])])
    ... # (batch, output_steps): [[1, 1, 1], [0, 0, 0]]
    """

    def __init__(self, distribution: str = "point", **kwargs):
        super().__init__(**kwargs)
        check_choice("distribution", distribution, DISTRIBUTIONS)
        self.distribution = distribution

    def call(self, inputs):
        forecast, stats = inputs  # (batch, outputs), (batch, [mean, std])
        mean, std = stats[:, :1], stats[:, 1:]  # (batch, 1) each
        if self.distribution == "point":
            return forecast * std + mean
        loc, scale = forecast[:, :1], forecast[:, 1:]
        return ops.concatenate([loc * std + mean, scale * std], axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"distribution": self.distribution})
        return config
