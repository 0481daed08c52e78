"""Causal Conv1D forecaster: stacked causal convolutions, then a dense head."""

from __future__ import annotations

import keras
from keras import ops

from tsconv.arguments import check_bool, check_positive_int, check_rate
from tsconv.layers.conv_step import conv_queue, conv_step
from tsconv.layers.distribution_head import head_parameters, make_head
from tsconv.layers.instance_norm import WindowDenormalization, WindowNormalization
from tsconv.models.base import ForecasterModel


@keras.saving.register_keras_serializable(package="tsconv")
class CausalConvForecaster(ForecasterModel, keras.Model):
    """Stacked causal `Conv1D` layers with ReLU, optional dropout, then a dense head.

    The classic conv → dense forecaster: each convolution sees only the
    current and earlier steps (`padding="causal"`), and the head reads the
    whole window of features to predict the next value of channel 0.

    Args:
        window: number of observed steps (the input length).
        num_features: channels per step (the target plus extra features).
        filters: output channels of each convolution.
        kernel_size: length of each convolution kernel.
        num_layers: number of stacked convolutions.
        dropout: dropout rate after each convolution, in `[0, 1)`.
        distribution: `"point"` (a `Dense(1)` head; default), `"gaussian"` or
            `"student-t"` (location and scale, trained by negative log-likelihood;
            see `tsconv.layers.DistributionHead`).
        output_steps: values the head forecasts at once: 1 (default) for the
            recursive strategy, K for the direct one (the next K steps; a
            point head only).
        revin: reversible instance normalization (`tsconv.layers.WindowNormalization`):
            each window's target is scaled by its own mean and standard
            deviation before the network and the forecast scaled back. The
            window then moves every forecast, so there is no stream cache and
            no sequence objective. Default False.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Raises:
        ValueError: for a non-positive size or a dropout outside `[0, 1)`.

    Example:
    >>> model = CausalConvForecaster(window=100, num_features=1)
    >>> model(np.zeros((8, 100, 1), "float32")).shape  # (batch, 1)
    (8, 1)
    """

    def __init__(
        self,
        window: int,
        num_features: int = 1,
        filters: int = 32,
        kernel_size: int = 3,
        num_layers: int = 2,
        dropout: float = 0.0,
        distribution: str = "point",
        output_steps: int = 1,
        revin: bool = False,
        **kwargs,
    ):
        for arg, value in (
            ("window", window),
            ("num_features", num_features),
            ("filters", filters),
            ("kernel_size", kernel_size),
            ("num_layers", num_layers),
        ):
            check_positive_int(arg, value)
        check_rate("dropout", dropout)
        check_bool("revin", revin)

        # === Layers ===
        convs = [
            keras.layers.Conv1D(
                filters, kernel_size, padding="causal", activation="relu", name=f"conv_{i}"
            )
            for i in range(num_layers)
        ]
        drops = [keras.layers.Dropout(dropout, name=f"dropout_{i}") for i in range(num_layers)]
        flatten = keras.layers.Flatten(name="flatten")
        head = make_head(distribution, output_steps)

        # === Functional Model ===
        inputs = keras.Input(shape=(window, num_features), name="window")
        x = inputs
        if revin:
            x, stats = WindowNormalization(name="revin", dtype="float32")(inputs)
        for conv, drop in zip(convs, drops, strict=True):
            x = conv(x)  # (batch, window, filters)
            if dropout > 0:
                x = drop(x)
        x = flatten(x)  # (batch, window * filters)
        outputs = head(x)  # (batch, output_steps), or (batch, [loc, scale])
        if revin:
            outputs = WindowDenormalization(distribution, name="revin_out", dtype="float32")(
                [outputs, stats]
            )
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)

        # === Config ===
        self.window = window
        self.num_features = num_features
        self.filters = filters
        self.kernel_size = kernel_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.distribution = distribution
        self.output_steps = output_steps
        self.revin = revin
        if revin:  # the window's statistics move every forecast: no exact stream
            self.supports_cache = False

    # Every step's forecast can be streamed exactly (see `stream_step`).
    supports_cache = True
    supports_direct = True

    @classmethod
    def estimated_parameters(cls, config: dict) -> int:
        """The parameters `cls(**config)` builds, without building it (`tsconv.runs.model_size`).

        Example:
        >>> CausalConvForecaster.estimated_parameters({"window": 100, "num_features": 1})
        6433
        """
        f, k = config.get("filters", 32), config.get("kernel_size", 3)
        channels, total = config.get("num_features", 1), 0
        for _ in range(config.get("num_layers", 2)):
            total += k * channels * f + f
            channels = f
        return total + head_parameters(
            config["window"] * f, config.get("distribution", "point"), config.get("output_steps", 1)
        )

    @property
    def receptive_field(self) -> int:
        """The dense head reads every position: the whole window can move the forecast."""
        return self.window

    @property
    def conv_receptive_field(self) -> int:
        """Steps that reach one convolution output: `num_layers * (kernel_size - 1) + 1`."""
        return self.num_layers * (self.kernel_size - 1) + 1

    def _convs(self) -> list[keras.layers.Conv1D]:
        return [self.get_layer(f"conv_{i}") for i in range(self.num_layers)]

    def _head(self, features):
        flat = ops.reshape(features, (-1, self.window * self.filters))  # (batch, window * filters)
        return self.get_layer("head")(flat)  # (batch, outputs)

    def stream_start(self, inputs):
        """The forecast after `inputs` and the state for `stream_step` (inference).

        Args:
            inputs: `(batch, window, num_features)`.

        Returns:
            `(forecast, state)`: `(batch, outputs)` — equal to `model(inputs)` — and the
            convolutions' input queues, the last convolution's output over the
            window, and the window itself.
        """
        x, queues = inputs, []
        for conv in self._convs():
            queues.append(conv_queue(conv, x))
            x = conv(x)  # (batch, window, filters)
        return self._head(x), (*queues, x, inputs)

    def stream_step(self, column, state):
        """The next forecast after one more step, computing one new column per convolution.

        The head reads every position of the window, so the last convolution's
        output is kept for the whole window and slid by one. Its oldest
        `conv_receptive_field - 1` columns see the zero padding in front of the
        window in the window model; they are recomputed from the window's
        first steps (a few columns), so the forecast equals `model(window)`.

        Args:
            column: `(batch, 1, num_features)`, the newest step.
            state: from `stream_start` or the previous `stream_step`.

        Returns:
            `(forecast, state)`: `(batch, outputs)` and the next state.
        """
        convs = self._convs()
        queues, features, window = state[: len(convs)], state[-2], state[-1]
        x, new_queues = column, []
        for conv, queue in zip(convs, queues, strict=True):
            x, queue = conv_step(conv, queue, x)  # (batch, 1, filters)
            new_queues.append(queue)
        features = ops.concatenate([features[:, 1:], x], axis=1)  # (batch, window, filters)
        window = ops.concatenate([window[:, 1:], column], axis=1)  # (batch, window, channels)
        padded = min(self.conv_receptive_field - 1, self.window)
        if padded > 0:
            prefix = window[:, :padded]
            for conv in convs:
                prefix = conv(prefix)  # (batch, padded, filters), zero-padded like the window
            features = ops.concatenate([prefix, features[:, padded:]], axis=1)
        return self._head(features), (*new_queues, features, window)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "window": self.window,
                "num_features": self.num_features,
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "num_layers": self.num_layers,
                "dropout": self.dropout,
                "distribution": self.distribution,
                "output_steps": self.output_steps,
                "revin": self.revin,
            }
        )
        return config
