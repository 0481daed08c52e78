"""Small masked (causal) transformer forecaster."""

from __future__ import annotations

import keras

from tsconv.arguments import check_bool, check_choice, check_positive_int, check_rate
from tsconv.layers.attention import SinusoidalPositionEncoding
from tsconv.layers.distribution_head import head_parameters, make_head
from tsconv.layers.instance_norm import WindowDenormalization, WindowNormalization
from tsconv.layers.last_step import LastStep
from tsconv.layers.transformer import TransformerBlock
from tsconv.models.base import ForecasterModel

POSITIONALS = ("sinusoidal", "alibi")


@keras.saving.register_keras_serializable(package="tsconv")
class TransformerForecaster(ForecasterModel, keras.Model):
    """A linear projection of each step, pre-LayerNorm causal blocks, a dense head per step.

    Step i attends only to steps ≤ i, so the head's output at every position
    is a one-step forecast; the model returns the last one and supports the
    sequence objective like `TCNForecaster`.

    Args:
        window: observed steps (the input length).
        num_features: channels per step.
        model_dim: width of the projected steps (even, divisible by `num_heads`).
        num_heads: attention heads; each has `model_dim // num_heads` dimensions.
        num_layers: transformer blocks.
        mlp_dim: hidden units of each block's MLP.
        dropout: dropout on attention weights and residual branches.
        positional: `"sinusoidal"` (encodings added to the inputs; default) or
            `"alibi"` (linear attention biases by distance, no embedding).
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
        ValueError: for a non-positive size, `model_dim` not divisible by
            `num_heads` (or odd, with sinusoidal positions), or an unknown positional.

    Example:
    >>> model = TransformerForecaster(window=100)
    >>> model(np.zeros((8, 100, 1), "float32")).shape  # (batch, 1)
    (8, 1)
    """

    supports_sequence_objective = True
    supports_direct = True
    # No stream cache: with attention over the whole window, sliding the window
    # drops its oldest step from every position's attention, so every cached key
    # and value past the first layer (and, with sinusoidal positions, every
    # position) would change. The rollout recomputes the window, compiled.
    supports_cache = False

    def __init__(
        self,
        window: int,
        num_features: int = 1,
        model_dim: int = 32,
        num_heads: int = 4,
        num_layers: int = 2,
        mlp_dim: int = 64,
        dropout: float = 0.0,
        positional: str = "sinusoidal",
        distribution: str = "point",
        output_steps: int = 1,
        revin: bool = False,
        **kwargs,
    ):
        for arg, value in (
            ("window", window),
            ("num_features", num_features),
            ("model_dim", model_dim),
            ("num_heads", num_heads),
            ("num_layers", num_layers),
            ("mlp_dim", mlp_dim),
        ):
            check_positive_int(arg, value)
        check_rate("dropout", dropout)
        check_bool("revin", revin)
        check_choice("positional", positional, POSITIONALS)
        if model_dim % num_heads:
            raise ValueError(
                f"`model_dim` must be divisible by `num_heads`. "
                f"Received: model_dim={model_dim}, num_heads={num_heads}"
            )
        if positional == "sinusoidal" and model_dim % 2:
            raise ValueError(
                "`model_dim` must be even for sinusoidal positions. "
                f"Received: model_dim={model_dim}"
            )

        # === Layers ===
        projection = keras.layers.Dense(model_dim, name="input_projection")
        position = (
            SinusoidalPositionEncoding(name="position") if positional == "sinusoidal" else None
        )
        blocks = [
            TransformerBlock(
                num_heads,
                model_dim // num_heads,
                mlp_dim,
                dropout,
                alibi=positional == "alibi",
                name=f"block_{i}",
            )
            for i in range(num_layers)
        ]
        final_norm = keras.layers.LayerNormalization(name="final_norm")
        head = make_head(distribution, output_steps)

        # === Functional Model ===
        inputs = keras.Input(shape=(window, num_features), name="window")
        x = inputs
        if revin:
            x, stats = WindowNormalization(name="revin", dtype="float32")(inputs)
        x = projection(x)  # (batch, window, model_dim)
        if position is not None:
            x = position(x)
        for block in blocks:
            x = block(x)  # (batch, window, model_dim)
        per_step = head(final_norm(x))  # (batch, window, outputs)
        outputs = LastStep(name="last_step", dtype="float32")(per_step)  # (batch, outputs)
        if revin:
            outputs = WindowDenormalization(distribution, name="revin_out", dtype="float32")(
                [outputs, stats]
            )
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)

        # === Config ===
        self.window = window
        self.num_features = num_features
        self.model_dim = model_dim
        self.num_heads = num_heads
        self.num_layers = num_layers
        self.mlp_dim = mlp_dim
        self.dropout = dropout
        self.positional = positional
        self.distribution = distribution
        self.output_steps = output_steps
        self.revin = revin
        if revin:  # each position's forecast depends on the whole window's statistics
            self.supports_sequence_objective = False

    def attention_weights(self, window) -> list:
        """Each layer's attention weights for `window`, `(batch, num_heads, window, window)`.

        Entry `[layer][b, h, i, j]` is how much step i attends to step j (0 for j > i).

        Args:
            window: `(batch, window, num_features)` scaled inputs.

        Returns:
            A list of `num_layers` NumPy arrays.

        Example:
        >>> [w.shape for w in model.attention_weights(np.zeros((1, 100, 1)))]
        [(1, 4, 100, 100), (1, 4, 100, 100)]
        """
        if self.revin:
            window, _ = self.get_layer("revin")(window)
        x = self.get_layer("input_projection")(window)  # (batch, window, model_dim)
        if self.positional == "sinusoidal":
            x = self.get_layer("position")(x)
        weights = []
        for i in range(self.num_layers):
            block = self.get_layer(f"block_{i}")
            attention_input = block.attention_norm(x)
            weights.append(
                keras.ops.convert_to_numpy(block.attention.attention_weights(attention_input))
            )
            x = block(x)  # (batch, window, model_dim)
        return weights

    @classmethod
    def estimated_parameters(cls, config: dict) -> int:
        """The parameters `cls(**config)` builds, without building it (`tsconv.runs.model_size`).

        Example:
        >>> TransformerForecaster.estimated_parameters({"window": 100, "num_features": 1})
        17249
        """
        d, mlp = config.get("model_dim", 32), config.get("mlp_dim", 64)
        block = (
            2 * (2 * d)  # attention_norm, mlp_norm
            + (d * 3 * d + 3 * d)
            + (d * d + d)  # qkv and output (heads × key_dim = d)
            + (d * mlp + mlp)
            + (mlp * d + d)  # mlp_hidden, mlp_output
        )
        projection = config.get("num_features", 1) * d + d
        return (
            projection
            + config.get("num_layers", 2) * block
            + 2 * d  # final_norm
            + head_parameters(d, config.get("distribution", "point"), config.get("output_steps", 1))
        )

    @property
    def receptive_field(self) -> int:
        """Attention reaches every earlier step: the whole window."""
        return self.window

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "window": self.window,
                "num_features": self.num_features,
                "model_dim": self.model_dim,
                "num_heads": self.num_heads,
                "num_layers": self.num_layers,
                "mlp_dim": self.mlp_dim,
                "dropout": self.dropout,
                "positional": self.positional,
                "distribution": self.distribution,
                "output_steps": self.output_steps,
                "revin": self.revin,
            }
        )
        return config
