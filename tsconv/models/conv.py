"""Causal Conv1D forecaster: stacked causal convolutions, then a dense head."""

from __future__ import annotations

import keras

from tsconv.arguments import check_positive_int, check_rate


@keras.saving.register_keras_serializable(package="tsconv")
class CausalConvForecaster(keras.Model):
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

        # === Layers ===
        convs = [
            keras.layers.Conv1D(
                filters, kernel_size, padding="causal", activation="relu", name=f"conv_{i}"
            )
            for i in range(num_layers)
        ]
        drops = [keras.layers.Dropout(dropout, name=f"dropout_{i}") for i in range(num_layers)]
        flatten = keras.layers.Flatten(name="flatten")
        head = keras.layers.Dense(1, name="head")

        # === Functional Model ===
        inputs = keras.Input(shape=(window, num_features), name="window")
        x = inputs
        for conv, drop in zip(convs, drops, strict=True):
            x = conv(x)  # (batch, window, filters)
            if dropout > 0:
                x = drop(x)
        x = flatten(x)  # (batch, window * filters)
        outputs = head(x)  # (batch, 1)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)

        # === Config ===
        self.window = window
        self.num_features = num_features
        self.filters = filters
        self.kernel_size = kernel_size
        self.num_layers = num_layers
        self.dropout = dropout

    @property
    def receptive_field(self) -> int:
        """Steps that influence the last convolution output: `num_layers * (kernel_size - 1) + 1`.

        The dense head reads every position, so the model as a whole sees the full window.
        """
        return self.num_layers * (self.kernel_size - 1) + 1

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
            }
        )
        return config
