"""Autoregressive rollout: append each prediction to the window and predict again."""

from __future__ import annotations

import keras
import numpy as np

from tsconv.errors import InputError


def recursive_rollout(model: keras.Model, context: np.ndarray, horizon: int) -> np.ndarray:
    """Forecasts `horizon` steps by feeding each one-step prediction back in.

    Channel 0 is the forecast target. Other channels (features) have no
    forecast of their own, so they are held at their last observed value.

    Args:
        model: maps `(batch, window, channels)` to `(batch, 1)` (scaled units).
        context: `(window, channels)` or `(batch, window, channels)` last observed windows.
        horizon: steps to forecast, at least 1.

    Returns:
        `(batch, horizon)` predictions of channel 0 (`(horizon,)` for a 2-D context).

    Example:
    >>> recursive_rollout(model, np.zeros((100, 1)), horizon=30).shape
    (30,)
    """
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise InputError(f"horizon must be a positive integer. Received: horizon={horizon}")
    single = context.ndim == 2
    x = np.array(context[None] if single else context, dtype=np.float32)  # (batch, window, ch)
    path = np.empty((len(x), horizon), dtype=np.float32)
    for step in range(horizon):
        y = keras.ops.convert_to_numpy(model(x, training=False))[:, 0]  # (batch,)
        path[:, step] = y
        nxt = x[:, -1:, :].copy()  # (batch, 1, channels): features persist
        nxt[:, 0, 0] = y
        x = np.concatenate([x[:, 1:], nxt], axis=1)  # slide by one step
    return path[0] if single else path
