"""tsconv's Keras models, registered serializable under the package name `tsconv`.

Every model is a `ForecasterModel` (`base.py`), which declares what it can do.
"""

from __future__ import annotations

import inspect

# Keras first: when this import is what loads Keras, tsconv registers its classes
# (see `tsconv/__init__.py`) before any model module here is half-imported.
import keras

from tsconv.models.base import ForecasterModel, capabilities_of
from tsconv.models.baselines import (
    DriftForecaster,
    LinearForecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
)
from tsconv.models.conv import CausalConvForecaster
from tsconv.models.tcn import TCNForecaster, default_dilations, tcn_receptive_field
from tsconv.models.transformer import TransformerForecaster

MODELS = {
    "conv": CausalConvForecaster,
    "tcn": TCNForecaster,
    "transformer": TransformerForecaster,
    "naive": NaiveForecaster,
    "seasonal-naive": SeasonalNaiveForecaster,
    "drift": DriftForecaster,
    "linear": LinearForecaster,
}
BASELINES = ("naive", "seasonal-naive", "drift", "linear")

# Constructor arguments that tsconv fills in itself (from the data, the scaler or the run).
_SUPPLIED = {
    "self",
    "window",
    "num_features",
    "season",
    "transform",
    "target_mean",
    "target_scale",
    "output_steps",  # set by the forecasting strategy
}


def model_options(name: str) -> list[str]:
    """The options a user may set for model `name` (its constructor's other arguments)."""
    params = inspect.signature(MODELS[name].__init__).parameters.values()
    return [p.name for p in params if p.name not in _SUPPLIED and p.kind is p.POSITIONAL_OR_KEYWORD]


def check_model_options(name: str, options: dict) -> None:
    """Raises `ValueError` for an unknown model or an option it does not take."""
    if name not in MODELS:
        raise ValueError(f"unknown model; use one of {sorted(MODELS)}. Received: model={name!r}")
    allowed = model_options(name)
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ValueError(
            f"model {name!r} takes no option {', '.join(unknown)}; its options are "
            f"{allowed or 'none'}. Received: {', '.join(f'{k}={options[k]!r}' for k in unknown)}"
        )


def build_model(name: str, window: int, num_features: int, **options) -> keras.Model:
    """Builds the forecaster called `name` (see `MODELS`) for `window` steps of `num_features`.

    Args:
        name: a key of `MODELS` (`"conv"`, `"tcn"`, `"transformer"`, or a baseline).
        window: observed steps per input.
        num_features: channels per step (the target first).
        **options: the model's constructor arguments (see `model_options(name)`).

    Returns:
        A Keras model mapping `(batch, window, num_features)` to `(batch, 1)`.

    Raises:
        ValueError: for an unknown name or an invalid option, in the Keras style.

    Example:
    >>> build_model("tcn", window=100, num_features=1, filters=32)(np.zeros((2, 100, 1))).shape
    (2, 1)
    """
    if name not in MODELS:
        raise ValueError(f"unknown model; use one of {sorted(MODELS)}. Received: model={name!r}")
    return MODELS[name](window=window, num_features=num_features, **options)


__all__ = [
    "BASELINES",
    "MODELS",
    "CausalConvForecaster",
    "DriftForecaster",
    "ForecasterModel",
    "LinearForecaster",
    "NaiveForecaster",
    "SeasonalNaiveForecaster",
    "TCNForecaster",
    "TransformerForecaster",
    "build_model",
    "capabilities_of",
    "check_model_options",
    "default_dilations",
    "model_options",
    "tcn_receptive_field",
]
