"""Classical baselines as Keras models: naive, seasonal naive, drift and linear.

They work in the same scaled, transformed units as the neural models, so
they share windowing, rollout, metrics and saving. The rule models have no
weights; `LinearForecaster` is fitted in closed form. Rolled out step by
step, naive and seasonal naive reproduce their textbook multi-step forecasts
in levels exactly; drift matches the textbook one step ahead, and further out
re-estimates its slope from each new window.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from tsconv.arguments import check_choice, check_positive_int
from tsconv.models.base import ForecasterModel
from tsconv.preprocessing.windowing import Windows

RULES = ("naive", "seasonal-naive", "drift")
RULE_TRANSFORMS = ("none", "diff", "log-return")


@keras.saving.register_keras_serializable(package="tsconv")
class BaselineRule(keras.layers.Layer):
    """Next scaled change (or level) of channel 0 by a classical rule.

    Inputs are `(batch, window, channels)` in scaled units `s = (z - mean) / scale`,
    where `z` is the transformed target (changes for `"diff"`/`"log-return"`,
    levels for `"none"`). In levels, the rules forecast: naive `x[t+1] = x[t]`;
    seasonal naive `x[t+1] = x[t+1-season]`; drift `x[t+1] = x[t] + the mean
    step over the window`.

    Args:
        rule: `"naive"`, `"seasonal-naive"` or `"drift"`.
        season: season length in steps (seasonal naive only).
        transform: the transform of the target: `"none"`, `"diff"` or `"log-return"`.
        target_mean, target_scale: the scaler's parameters for channel 0.
        **kwargs: passed to `keras.layers.Layer`.
    """

    def __init__(
        self,
        rule: str,
        season: int = 1,
        transform: str = "diff",
        target_mean: float = 0.0,
        target_scale: float = 1.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_choice("rule", rule, RULES)
        check_positive_int("season", season)
        check_choice("transform", transform, RULE_TRANSFORMS)
        if not target_scale > 0:
            raise ValueError(
                f"`target_scale` must be positive. Received: target_scale={target_scale}"
            )
        self.rule = rule
        self.season = season
        self.transform = transform
        self.target_mean = float(target_mean)
        self.target_scale = float(target_scale)

    def call(self, inputs):
        s = inputs[:, :, 0]  # (batch, window): scaled target
        if self.transform == "none":  # s holds levels: affine rules commute with scaling
            if self.rule == "naive":
                out = s[:, -1]
            elif self.rule == "seasonal-naive":
                out = s[:, -self.season]
            else:
                steps = ops.cast(ops.shape(s)[1] - 1, s.dtype)
                out = s[:, -1] + (s[:, -1] - s[:, 0]) / ops.maximum(steps, 1.0)
            return out[:, None]  # (batch, 1)
        # s holds changes z = s * scale + mean; forecast a change, return it scaled.
        z = s * self.target_scale + self.target_mean
        if self.rule == "naive":
            change = ops.zeros_like(z[:, -1])
        elif self.rule == "seasonal-naive":
            # x[t+1] - x[t] = x[t+1-season] - x[t] = -(sum of the last season-1 changes)
            change = -ops.sum(z[:, z.shape[1] - self.season + 1 :], axis=1)
        else:
            change = ops.mean(z, axis=1)
        return ((change - self.target_mean) / self.target_scale)[:, None]  # (batch, 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "rule": self.rule,
                "season": self.season,
                "transform": self.transform,
                "target_mean": self.target_mean,
                "target_scale": self.target_scale,
            }
        )
        return config


class _RuleForecaster(ForecasterModel, keras.Model):
    """A `BaselineRule` over the window, as a model without weights."""

    rule = "naive"
    needs_scaler = True

    @classmethod
    def estimated_parameters(cls, config: dict) -> int:
        """A rule has no weights (`tsconv.runs.model_size`)."""
        return 0

    def __init__(
        self,
        window: int,
        num_features: int = 1,
        season: int = 1,
        transform: str = "diff",
        target_mean: float = 0.0,
        target_scale: float = 1.0,
        **kwargs,
    ):
        check_positive_int("window", window)
        check_positive_int("num_features", num_features)
        check_positive_int("season", season)
        if season > window:
            raise ValueError(
                f"`season` must not exceed `window`. Received: season={season}, window={window}"
            )
        # === Functional Model ===
        inputs = keras.Input(shape=(window, num_features), name="window")
        outputs = BaselineRule(
            self.rule, season, transform, target_mean, target_scale, name="rule"
        )(inputs)  # (batch, 1)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        # === Config ===
        self.window = window
        self.num_features = num_features
        self.season = season
        self.transform = transform
        self.target_mean = float(target_mean)
        self.target_scale = float(target_scale)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "window": self.window,
                "num_features": self.num_features,
                "season": self.season,
                "transform": self.transform,
                "target_mean": self.target_mean,
                "target_scale": self.target_scale,
            }
        )
        return config


@keras.saving.register_keras_serializable(package="tsconv")
class NaiveForecaster(_RuleForecaster):
    """Tomorrow = today: the last observed level. See `BaselineRule` for the arguments.

    Example:
    >>> NaiveForecaster(window=100, transform="diff")(np.zeros((2, 100, 1))).shape
    (2, 1)
    """

    rule = "naive"


@keras.saving.register_keras_serializable(package="tsconv")
class SeasonalNaiveForecaster(_RuleForecaster):
    """The level one season ago: `x[t+1] = x[t+1-season]`. See `BaselineRule`.

    Example:
    >>> model = SeasonalNaiveForecaster(window=100, season=5, transform="none",
    ...                                 target_mean=0.0, target_scale=1.0)
    >>> model(np.zeros((2, 100, 1))).shape
    (2, 1)
    """

    rule = "seasonal-naive"


@keras.saving.register_keras_serializable(package="tsconv")
class DriftForecaster(_RuleForecaster):
    """The last level plus the mean step over the window. See `BaselineRule`.

    Example:
    >>> model = DriftForecaster(window=100, transform="none", target_mean=0.0, target_scale=1.0)
    >>> model(np.zeros((2, 100, 1))).shape
    (2, 1)
    """

    rule = "drift"


@keras.saving.register_keras_serializable(package="tsconv")
class LinearForecaster(ForecasterModel, keras.Model):
    """A linear function of the whole window, fitted by ridge least squares.

    Args:
        window: observed steps.
        num_features: channels per step.
        ridge: L2 penalty of the closed-form fit (relative to the mean
            diagonal of XᵀX), which keeps it stable when inputs are collinear.
        **kwargs: passed to `keras.Model`.

    Example:
    >>> model = LinearForecaster(window=100)
    >>> model.fit_closed_form(windows)  # no training loop
    """

    fits_closed_form = True

    @classmethod
    def estimated_parameters(cls, config: dict) -> int:
        """The parameters `cls(**config)` builds, without building it (`tsconv.runs.model_size`).

        Example:
        >>> LinearForecaster.estimated_parameters({"window": 100, "num_features": 2})
        201
        """
        return config["window"] * config.get("num_features", 1) + 1

    def __init__(self, window: int, num_features: int = 1, ridge: float = 1e-3, **kwargs):
        check_positive_int("window", window)
        check_positive_int("num_features", num_features)
        if not ridge >= 0:
            raise ValueError(f"`ridge` must be >= 0. Received: ridge={ridge}")
        # === Functional Model ===
        inputs = keras.Input(shape=(window, num_features), name="window")
        x = keras.layers.Flatten(name="flatten")(inputs)  # (batch, window * num_features)
        outputs = keras.layers.Dense(1, name="head")(x)  # (batch, 1)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        # === Config ===
        self.window = window
        self.num_features = num_features
        self.ridge = float(ridge)

    def fit_closed_form(self, windows: Windows, batch_size: int = 4096) -> None:
        """Sets the weights to the ridge least-squares fit of the windows' first target.

        Accumulates XᵀX batch by batch, so memory stays independent of the number of windows.
        """
        features = self.window * self.num_features + 1  # + intercept
        xtx = np.zeros((features, features))
        xty = np.zeros(features)
        for start in range(0, len(windows), batch_size):
            x = np.asarray(windows.inputs[start : start + batch_size], np.float64)
            x = np.concatenate([x.reshape(len(x), -1), np.ones((len(x), 1))], axis=1)
            y = np.asarray(windows.targets[start : start + batch_size, 0], np.float64)
            xtx += x.T @ x
            xty += x.T @ y
        penalty = self.ridge * max(np.trace(xtx) / features, 1e-12) * np.eye(features)
        penalty[-1, -1] = 0.0  # the intercept is not shrunk
        coef = np.linalg.lstsq(xtx + penalty, xty, rcond=None)[0]
        head = self.get_layer("head")
        head.set_weights([coef[:-1, None].astype("float32"), coef[-1:].astype("float32")])

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {"window": self.window, "num_features": self.num_features, "ridge": self.ridge}
        )
        return config
