"""tsconv's Keras models, registered serializable under the package name `tsconv`."""

from __future__ import annotations

import keras

from tsconv.models.conv import CausalConvForecaster

MODELS = {"conv": CausalConvForecaster}


def build_model(name: str, window: int, num_features: int, **options) -> keras.Model:
    """Builds the forecaster called `name` (see `MODELS`) for `window` steps of `num_features`.

    Raises:
        ValueError: for an unknown name or an invalid option, in the Keras style.
    """
    if name not in MODELS:
        raise ValueError(f"unknown model; use one of {sorted(MODELS)}. Received: model={name!r}")
    return MODELS[name](window=window, num_features=num_features, **options)


__all__ = ["MODELS", "CausalConvForecaster", "build_model"]
