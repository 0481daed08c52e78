"""Forecast heads: a point (`Dense(1)`) or a distribution's location and scale."""

from __future__ import annotations

import math

import keras
from keras import ops

from tsconv.arguments import check_choice, check_positive_int

DISTRIBUTIONS = ("point", "gaussian", "student-t")
# Degrees of freedom of the Student-t head: heavy enough tails for daily returns,
# with a finite variance; fixed, so only the location and the scale are learned.
STUDENT_T_DF = 5.0


@keras.saving.register_keras_serializable(package="tsconv")
class DistributionHead(keras.layers.Layer):
    """Maps features to a location and a positive scale: `(..., features)` → `(..., 2)`.

    The scale is `softplus(raw) + min_scale`, so it is positive and its
    gradient never vanishes entirely. Trained with `gaussian_nll` or
    `student_t_nll`; the rollout samples `loc + scale * noise`.

    Args:
        distribution: `"gaussian"` or `"student-t"` (with `STUDENT_T_DF` degrees of freedom).
        min_scale: the smallest scale the head can output (scaled units).
        **kwargs: passed to `keras.layers.Layer`.

    Raises:
        ValueError: for another distribution or a non-positive `min_scale`.

    Example:
    >>> DistributionHead("gaussian")(np.zeros((8, 100, 32))).shape  # (batch, steps, [loc, scale])
    (8, 100, 2)
    """

    def __init__(self, distribution: str = "gaussian", min_scale: float = 1e-3, **kwargs):
        super().__init__(**kwargs)
        check_choice("distribution", distribution, DISTRIBUTIONS[1:])
        if not min_scale > 0:
            raise ValueError(f"`min_scale` must be positive. Received: min_scale={min_scale!r}")
        self.distribution = distribution
        self.min_scale = min_scale
        self.dense = keras.layers.Dense(2, name="location_scale", dtype=self.dtype_policy)

    def build(self, input_shape):
        self.dense.build(input_shape)

    def call(self, inputs):
        raw = self.dense(inputs)  # (..., 2)
        scale = ops.softplus(raw[..., 1:]) + self.min_scale
        return ops.concatenate([raw[..., :1], scale], axis=-1)  # (..., [loc, scale])

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 2)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"distribution": self.distribution, "min_scale": self.min_scale})
        return config


def head_parameters(inputs: int, distribution: str, output_steps: int) -> int:
    """The parameters of `make_head(distribution, output_steps)` on `inputs` features.

    Example:
    >>> head_parameters(32, "point", 30), head_parameters(32, "gaussian", 1)
    (990, 66)
    """
    outputs = output_steps if distribution == "point" else 2  # loc and scale
    return inputs * outputs + outputs


def make_head(distribution: str, output_steps: int = 1) -> keras.layers.Layer:
    """The layer named `"head"` of a forecaster: `Dense(output_steps)` or a `DistributionHead`.

    Raises:
        ValueError: for an unknown distribution, or a distribution head asked
            for more than one output step.
    """
    check_choice("distribution", distribution, DISTRIBUTIONS)
    check_positive_int("output_steps", output_steps)
    if distribution == "point":
        # float32 even under a mixed policy: forecasts and losses keep full precision.
        return keras.layers.Dense(output_steps, name="head", dtype="float32")
    if output_steps != 1:
        raise ValueError(
            f"a {distribution} head forecasts one step at a time; use output_steps=1 (the "
            f"recursive strategy) with it. Received: output_steps={output_steps}"
        )
    return DistributionHead(distribution, name="head", dtype="float32")


def _split(y_true, y_pred):
    """`(target, loc, scale)`, the target shaped like the location (last or per-step objective)."""
    loc, scale = y_pred[..., 0], y_pred[..., 1]
    return ops.reshape(ops.cast(y_true, loc.dtype), ops.shape(loc)), loc, scale


@keras.saving.register_keras_serializable(package="tsconv")
def gaussian_nll(y_true, y_pred):
    """Negative log-likelihood of `y_true` under `Normal(loc, scale)`, per example.

    Args:
        y_true: `(batch, 1)` or `(batch, steps)` targets.
        y_pred: `(batch, 2)` or `(batch, steps, 2)` location and scale.
    """
    y, loc, scale = _split(y_true, y_pred)
    z = (y - loc) / scale
    return ops.log(scale) + 0.5 * ops.square(z) + 0.5 * math.log(2 * math.pi)


@keras.saving.register_keras_serializable(package="tsconv")
def student_t_nll(y_true, y_pred):
    """Negative log-likelihood under a Student-t with `STUDENT_T_DF` degrees of freedom.

    Args:
        y_true, y_pred: as `gaussian_nll`.
    """
    y, loc, scale = _split(y_true, y_pred)
    df = STUDENT_T_DF
    z = (y - loc) / scale
    constant = math.lgamma(df / 2) - math.lgamma((df + 1) / 2) + 0.5 * math.log(df * math.pi)
    return constant + ops.log(scale) + 0.5 * (df + 1) * ops.log1p(ops.square(z) / df)


NLL_LOSSES = {"gaussian": "gaussian-nll", "student-t": "student-t-nll"}
