"""`TCNBlock`: the residual block of a temporal convolutional network."""

from __future__ import annotations

import keras

from tsconv.arguments import check_choice, check_positive_int, check_rate

NORMALIZATIONS = ("layer", "batch", "none")


@keras.saving.register_keras_serializable(package="tsconv")
class TCNBlock(keras.layers.Layer):
    """Two dilated causal convolutions with a residual connection (Bai et al., 2018).

    Each convolution is followed by normalization, ReLU and dropout; the input
    is added back (through a 1×1 convolution when the channel counts differ)
    and a ReLU closes the block. Causal padding means output step t depends
    only on input steps ≤ t; one block reaches `2 * (kernel_size - 1) *
    dilation_rate` steps further back.

    Args:
        filters: output channels of both convolutions.
        kernel_size: kernel length of both convolutions.
        dilation_rate: spacing of the kernel taps.
        dropout: dropout rate after each convolution, in `[0, 1)`.
        normalization: `"layer"` (per step, over channels; default),
            `"batch"` or `"none"`.
        **kwargs: passed to `keras.layers.Layer`.

    Example:
    >>> TCNBlock(16, dilation_rate=4)(np.zeros((2, 50, 3))).shape  # (batch, steps, filters)
    (2, 50, 16)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int = 3,
        dilation_rate: int = 1,
        dropout: float = 0.0,
        normalization: str = "layer",
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_positive_int("filters", filters)
        check_positive_int("kernel_size", kernel_size)
        check_positive_int("dilation_rate", dilation_rate)
        check_rate("dropout", dropout)
        check_choice("normalization", normalization, NORMALIZATIONS)
        self.filters = filters
        self.kernel_size = kernel_size
        self.dilation_rate = dilation_rate
        self.dropout = dropout
        self.normalization = normalization

        def conv(name):
            return keras.layers.Conv1D(
                filters, kernel_size, padding="causal", dilation_rate=dilation_rate, name=name
            )

        self.conv_1, self.conv_2 = conv("conv_1"), conv("conv_2")
        self.norm_1, self.norm_2 = self._norm("norm_1"), self._norm("norm_2")
        self.dropout_1 = keras.layers.Dropout(dropout, name="dropout_1")
        self.dropout_2 = keras.layers.Dropout(dropout, name="dropout_2")
        self.skip = None

    def _norm(self, name: str):
        if self.normalization == "layer":
            return keras.layers.LayerNormalization(name=name)
        if self.normalization == "batch":
            return keras.layers.BatchNormalization(name=name)
        return None

    def build(self, input_shape):
        self.conv_1.build(input_shape)
        inner = (*input_shape[:-1], self.filters)
        self.conv_2.build(inner)
        for norm in (self.norm_1, self.norm_2):
            if norm is not None:
                norm.build(inner)
        if input_shape[-1] != self.filters:
            self.skip = keras.layers.Conv1D(self.filters, 1, name="skip")
            self.skip.build(input_shape)

    def call(self, inputs, training=None):
        x = inputs
        for conv, norm, drop in (
            (self.conv_1, self.norm_1, self.dropout_1),
            (self.conv_2, self.norm_2, self.dropout_2),
        ):
            x = conv(x)  # (batch, steps, filters)
            if norm is not None:
                x = norm(x, training=training)
            x = keras.ops.relu(x)
            x = drop(x, training=training)
        residual = inputs if self.skip is None else self.skip(inputs)
        return keras.ops.relu(x + residual)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)

    @property
    def reach(self) -> int:
        """How many steps further back this block sees: `2 * (kernel_size - 1) * dilation_rate`."""
        return 2 * (self.kernel_size - 1) * self.dilation_rate

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "dilation_rate": self.dilation_rate,
                "dropout": self.dropout,
                "normalization": self.normalization,
            }
        )
        return config
