"""Dilated temporal convolutional network (TCN) forecaster."""

from __future__ import annotations

import logging

import keras

from tsconv.arguments import check_bool, check_positive_int, check_rate
from tsconv.layers.distribution_head import head_parameters, make_head
from tsconv.layers.instance_norm import WindowDenormalization, WindowNormalization
from tsconv.layers.last_step import LastStep
from tsconv.layers.tcn import TCNBlock
from tsconv.models.base import ForecasterModel

logger = logging.getLogger(__name__)


def tcn_receptive_field(kernel_size: int, dilations: list[int], stacks: int = 1) -> int:
    """Input steps that reach one output step: `1 + stacks * Σ 2 (kernel_size - 1) d`.

    Each residual block holds two causal convolutions of dilation `d`, each
    reaching `(kernel_size - 1) * d` steps further back.

    Example:
    >>> tcn_receptive_field(3, [1, 2, 4, 8, 16])
    125
    """
    return 1 + stacks * sum(2 * (kernel_size - 1) * d for d in dilations)


def default_dilations(window: int, kernel_size: int = 3, stacks: int = 1) -> list[int]:
    """Dilations `1, 2, 4, …` with the widest receptive field that fits in `window`.

    Where the next doubling would overshoot, one last block takes the
    dilation that still fits (when it is wider than the previous one). A
    receptive field no wider than the window means no forecast depends on the
    zero padding before the window: the model sees exactly the last
    `receptive_field` steps, which is also what makes the cached rollout exact.

    Example:
    >>> default_dilations(100)  # receptive field 1 + 2 * 2 * (1 + 2 + 4 + 8 + 9) = 97
    [1, 2, 4, 8, 9]
    """
    per_dilation = 2 * (kernel_size - 1) * stacks  # receptive field per unit of dilation
    if per_dilation == 0:
        return [1]
    budget = (window - 1) // per_dilation  # the largest sum of dilations that fits
    dilations = [1]
    while sum(dilations) + 2 * dilations[-1] <= budget:
        dilations.append(2 * dilations[-1])
    rest = budget - sum(dilations)
    if rest > dilations[-1]:
        dilations.append(rest)
    return dilations


@keras.saving.register_keras_serializable(package="tsconv")
class TCNForecaster(ForecasterModel, keras.Model):
    """Residual blocks of dilated causal convolutions, then a dense head per step.

    Output step i depends only on input steps ≤ i, so the head's output at
    every position is a one-step forecast; the model returns the last one.
    The same per-position head supports the sequence objective (every
    position i predicts step i + 1; see `Forecaster(objective="sequence")`).

    Args:
        window: observed steps (the input length).
        num_features: channels per step (the target plus extra features).
        filters: channels of every block.
        kernel_size: kernel length of every convolution.
        dilations: dilation of each block, e.g. `[1, 2, 4, 8]`. Default: the
            widest doubling sequence whose receptive field fits in `window`
            (see `default_dilations`).
        stacks: how many times the dilation sequence repeats.
        dropout: rate of whole channels dropped inside the blocks. The default 0.2
            was measured on `datasets/msft.csv` (window 100): test MAE 1.004x the
            naive forecast's, against 1.089x without dropout
            (`benchmarks/results/msft_one_step.md`).
        normalization: `"layer"`, `"batch"` or `"none"`.
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
        **kwargs: passed to `keras.Model`.

    Raises:
        ValueError: for a non-positive size, an empty or non-positive
            dilation, or an unknown normalization.

    Example:
    >>> model = TCNForecaster(window=100)
    >>> model.dilations, model.receptive_field
    ([1, 2, 4, 8, 9], 97)
    >>> model(np.zeros((8, 100, 1), "float32")).shape  # (batch, 1)
    (8, 1)
    """

    supports_sequence_objective = True
    supports_direct = True

    def __init__(
        self,
        window: int,
        num_features: int = 1,
        filters: int = 32,
        kernel_size: int = 3,
        dilations: list[int] | None = None,
        stacks: int = 1,
        dropout: float = 0.2,
        normalization: str = "layer",
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
            ("stacks", stacks),
        ):
            check_positive_int(arg, value)
        check_rate("dropout", dropout)
        check_bool("revin", revin)
        if dilations is None:
            dilations = default_dilations(window, kernel_size, stacks)
        if not isinstance(dilations, (list, tuple)) or not dilations:
            raise ValueError(
                f"`dilations` must be a non-empty list of positive integers. "
                f"Received: dilations={dilations!r}"
            )
        for d in dilations:
            check_positive_int("dilations", d)
        dilations = [int(d) for d in dilations]

        # === Layers ===
        blocks = [
            TCNBlock(filters, kernel_size, d, dropout, normalization, name=f"block_{s}_{i}")
            for s in range(stacks)
            for i, d in enumerate(dilations)
        ]
        head = make_head(distribution, output_steps)

        # === Functional Model ===
        inputs = keras.Input(shape=(window, num_features), name="window")
        x = inputs
        if revin:
            x, stats = WindowNormalization(name="revin", dtype="float32")(inputs)
        for block in blocks:
            x = block(x)  # (batch, window, filters)
        per_step = head(x)  # (batch, window, outputs): a forecast at every position
        outputs = LastStep(name="last_step", dtype="float32")(per_step)  # (batch, outputs)
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
        self.dilations = dilations
        self.stacks = stacks
        self.dropout = dropout
        self.normalization = normalization
        self.distribution = distribution
        self.output_steps = output_steps
        self.revin = revin
        if revin:  # each position's forecast depends on the whole window's statistics
            self.supports_sequence_objective = False

        if self.receptive_field < window // 2:
            logger.warning(
                "the model can see only the last %d of the %d steps (receptive field %d); "
                "add dilations or stacks, or shorten the window",
                self.receptive_field,
                window,
                self.receptive_field,
            )
        elif not self.supports_cache:
            logger.info(
                "receptive field %d exceeds the window %d: the oldest steps see zero padding, "
                "so forecasts use the uncached rollout",
                self.receptive_field,
                window,
            )

    @classmethod
    def estimated_parameters(cls, config: dict) -> int:
        """The parameters `cls(**config)` builds, without building it (`tsconv.runs.model_size`).

        Example:
        >>> TCNForecaster.estimated_parameters({"window": 100, "num_features": 1})
        28801
        """
        f, k = config.get("filters", 32), config.get("kernel_size", 3)
        stacks = config.get("stacks", 1)
        dilations = config.get("dilations") or default_dilations(config["window"], k, stacks)
        norm = {"layer": 2, "batch": 4}.get(config.get("normalization", "layer"), 0) * f
        channels, total = config.get("num_features", 1), 0
        for _ in range(stacks * len(dilations)):
            total += (k * channels * f + f) + (k * f * f + f) + 2 * norm
            if channels != f:
                total += channels * f + f  # the 1x1 skip convolution
            channels = f
        return total + head_parameters(
            f, config.get("distribution", "point"), config.get("output_steps", 1)
        )

    @property
    def receptive_field(self) -> int:
        """Input steps that can move the forecast (see `tcn_receptive_field`)."""
        return tcn_receptive_field(self.kernel_size, self.dilations, self.stacks)

    @property
    def supports_cache(self) -> bool:
        """Whether `stream_step` reproduces the window model exactly: receptive field ≤ window.

        A wider field reaches the zero padding in front of the window, which a
        stream that remembers real history cannot reproduce; with `revin` the
        window's statistics move every forecast.
        """
        return self.receptive_field <= self.window and not self.revin

    def _blocks(self) -> list[TCNBlock]:
        return [layer for layer in self.layers if isinstance(layer, TCNBlock)]

    def stream_start(self, inputs):
        """The forecast after `inputs` and the state for `stream_step` (inference).

        Args:
            inputs: `(batch, window, num_features)`.

        Returns:
            `(forecast, state)`: `(batch, outputs)` — equal to `model(inputs)` — and
            a tuple of every convolution's queue of past inputs.
        """
        blocks = self._blocks()
        # Only the last `needed[i]` outputs of block i feed the forecast and the
        # queues; a block needs `reach` more steps of input than of output, so
        # each block runs on just the steps it needs (38% fewer for window 100).
        needed = [1]
        for block in reversed(blocks[1:]):
            needed.insert(0, needed[0] + block.reach)
        x, state = inputs[:, -(needed[0] + blocks[0].reach) :], []
        for block, keep in zip(blocks, needed, strict=True):
            x, queues = block.stream_start(x)  # (batch, steps, filters)
            x = x[:, -keep:]  # earlier outputs saw zero padding, and nothing needs them
            state.extend(queues)
        forecast = self.get_layer("head")(x[:, -1, :])  # (batch, outputs)
        return forecast, tuple(state)

    def stream_step(self, column, state):
        """The next forecast after one more step, from the queues: one column per layer.

        Equal to `model(window)` for the window that ends with `column` when
        `supports_cache` (tested against it for every model).

        Args:
            column: `(batch, 1, num_features)`, the newest step.
            state: from `stream_start` or the previous `stream_step`.

        Returns:
            `(forecast, state)`: `(batch, outputs)` and the next state.
        """
        x, new_state, at = column, [], 0
        for block in self._blocks():
            x, queues = block.stream_step(x, state[at : at + 2])  # (batch, 1, filters)
            new_state.extend(queues)
            at += 2
        return self.get_layer("head")(x[:, 0, :]), tuple(new_state)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "window": self.window,
                "num_features": self.num_features,
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "dilations": list(self.dilations),
                "stacks": self.stacks,
                "dropout": self.dropout,
                "normalization": self.normalization,
                "distribution": self.distribution,
                "output_steps": self.output_steps,
                "revin": self.revin,
            }
        )
        return config
