"""`TCNBlock`: the residual block of a temporal convolutional network."""

from __future__ import annotations

import keras

from tsconv.arguments import check_choice, check_positive_int, check_rate
from tsconv.layers.conv_step import conv_queue, conv_step

NORMALIZATIONS = ("layer", "batch", "none")


@keras.saving.register_keras_serializable(package="tsconv")
class TCNBlock(keras.layers.Layer):
    """Two dilated causal convolutions with a residual connection (Bai et al., 2018).

    Each convolution is followed by normalization, ReLU and dropout (of whole
    channels, `SpatialDropout1D`); the input
    is added back (through a 1×1 convolution when the channel counts differ)
    and a ReLU closes the block. Causal padding means output step t depends
    only on input steps ≤ t; one block reaches `2 * (kernel_size - 1) *
    dilation_rate` steps further back.

    Args:
        filters: output channels of both convolutions.
        kernel_size: kernel length of both convolutions.
        dilation_rate: spacing of the kernel taps.
        dropout: rate at which whole channels are dropped after each
            convolution (the same channels at every step of a window), in `[0, 1)`.
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
                filters,
                kernel_size,
                padding="causal",
                dilation_rate=dilation_rate,
                name=name,
                dtype=self.dtype_policy,
            )

        self.conv_1, self.conv_2 = conv("conv_1"), conv("conv_2")
        self.norm_1, self.norm_2 = self._norm("norm_1"), self._norm("norm_2")
        # Whole channels per window (SpatialDropout1D, as keras-tcn does), not single
        # values: `window` times fewer random numbers. Measured on MSFT (default TCN,
        # 2 CPU cores): 1.95x the training windows/s of element-wise dropout, the same
        # one-step error (benchmarks/results/tcn_profile.md, msft_one_step.md).
        self.dropout_1 = keras.layers.SpatialDropout1D(dropout, name="dropout_1")
        self.dropout_2 = keras.layers.SpatialDropout1D(dropout, name="dropout_2")
        self.skip = None

    def _norm(self, name: str):
        if self.normalization == "layer":
            return keras.layers.LayerNormalization(name=name, dtype=self.dtype_policy)
        if self.normalization == "batch":
            return keras.layers.BatchNormalization(name=name, dtype=self.dtype_policy)
        return None

    def build(self, input_shape):
        self.conv_1.build(input_shape)
        inner = (*input_shape[:-1], self.filters)
        self.conv_2.build(inner)
        for norm in (self.norm_1, self.norm_2):
            if norm is not None:
                norm.build(inner)
        if input_shape[-1] != self.filters:
            self.skip = keras.layers.Conv1D(self.filters, 1, name="skip", dtype=self.dtype_policy)
            self.skip.build(input_shape)

    def call(self, inputs, training=None):
        return self._forward(inputs, training)[0]

    def _stages(self):
        return (
            (self.conv_1, self.norm_1, self.dropout_1),
            (self.conv_2, self.norm_2, self.dropout_2),
        )

    def _after_conv(self, x, norm, drop, training):
        if norm is not None:
            x = norm(x, training=training)
        return drop(keras.ops.relu(x), training=training)

    def _merge(self, inputs, x):
        residual = inputs if self.skip is None else self.skip(inputs)
        return keras.ops.relu(x + residual)

    def _forward(self, inputs, training=None):
        """The block's output and the input of each convolution (for `stream_start`)."""
        x, conv_inputs = inputs, []
        for conv, norm, drop in self._stages():
            conv_inputs.append(x)
            x = self._after_conv(conv(x), norm, drop, training)  # (batch, steps, filters)
        return self._merge(inputs, x), conv_inputs

    def stream_start(self, inputs):
        """Runs the block over `inputs` and keeps what `stream_step` needs next (inference).

        Args:
            inputs: `(batch, steps, channels)`.

        Returns:
            `(outputs, state)`: `(batch, steps, filters)` and a tuple of the
            convolutions' input queues (see `tsconv.layers.conv_step`).
        """
        outputs, conv_inputs = self._forward(inputs, training=False)
        convs = (self.conv_1, self.conv_2)
        return outputs, tuple(conv_queue(c, x) for c, x in zip(convs, conv_inputs, strict=True))

    def stream_step(self, column, state):
        """The block's output at one new step from its input there and the queues.

        Equal to the last step of `block(concatenate([inputs, column]))`
        when `state` comes from `stream_start(inputs)` (or earlier steps).

        Args:
            column: `(batch, 1, channels)`.
            state: as returned by `stream_start` or `stream_step`.

        Returns:
            `(output, state)`: `(batch, 1, filters)` and the next state.
        """
        x, queues = column, []
        for (conv, norm, drop), queue in zip(self._stages(), state, strict=True):
            x, queue = conv_step(conv, queue, x)  # (batch, 1, filters)
            queues.append(queue)
            x = self._after_conv(x, norm, drop, training=False)
        return self._merge(column, x), tuple(queues)

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
