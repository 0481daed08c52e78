"""`ForecastStream`: feed observations one at a time and get the next forecast each time.

For models with an exact stream cache (the TCN and the causal conv), each
new observation costs one column per convolution, not a pass over the
window; other models slide their window by one step. Either way the
forecast equals the window model's on the latest window (tested).
"""

from __future__ import annotations

import keras
import numpy as np

from tsconv.errors import InputError
from tsconv.preprocessing import transforms
from tsconv.preprocessing.preparation import encode
from tsconv.preprocessing.scaling import StandardScaler
from tsconv.preprocessing.windowing import last_window
from tsconv.rollout.loops import stream_start, stream_step, uses_cache


class ForecastStream:
    """The next-step forecast, in levels, kept current as observations arrive.

    Built by `Forecaster.stream()`; levels in, levels out.

    Args:
        model: a one-step forecaster (scaled, transformed units).
        window: the model's window.
        transform: the run's resolved transform.
        scaler: the run's fitted scaler.
        levels: `(rows, channels)` observed so far (target first), at least `window + 1` rows.

    Attributes:
        forecast: the forecast of the next value of the target.
        cached: whether updates use the model's stream cache.

    Example:
    >>> stream = fc.stream()
    >>> stream.forecast          # the next close after the data
    84.27
    >>> stream.update(84.9)      # observe it; the forecast for the step after
    84.95
    """

    def __init__(
        self,
        model: keras.Model,
        window: int,
        transform: str,
        scaler: StandardScaler,
        levels: np.ndarray,
    ):
        levels = np.asarray(levels, np.float64)
        self.model = model
        self.transform = transform
        self.scaler = scaler
        self.cached = uses_cache(model)
        scaled = encode(transform, scaler, levels)  # (rows - 1, channels)
        context = last_window(scaled, window)[None].astype(np.float32)  # (1, window, channels)
        output, self._state = stream_start(model, context)
        self._last = levels[-1]  # (channels,)
        self.forecast = self._to_level(output)

    def update(self, observation) -> float:
        """Takes the next observation and returns the forecast for the step after it.

        Args:
            observation: the target's new value, or `(channels,)` values
                (target first, then the features) for a model with features.

        Returns:
            The new next-step forecast (also in `forecast`).

        Raises:
            InputError: for the wrong number of values, a non-finite value, or
                a value a log-return model cannot take (≤ 0).
        """
        row = np.atleast_1d(np.asarray(observation, np.float64))
        if row.shape != self._last.shape:
            raise InputError(
                f"an observation needs {len(self._last)} value(s) (target first, then features); "
                f"got {row.size}."
            )
        if not np.isfinite(row).all():
            raise InputError(f"observations must be finite numbers; got {row.tolist()}.")
        if self.transform == "log-return" and row[0] <= 0:
            raise InputError(f"a log-return model needs values > 0; got {row[0]}.")
        column = encode(self.transform, self.scaler, np.stack([self._last, row]))  # (1, channels)
        output, self._state = stream_step(
            self.model, column[None].astype(np.float32), self._state
        )  # column: (1, 1, channels)
        self._last = row
        self.forecast = self._to_level(output)
        return self.forecast

    def _to_level(self, output) -> float:
        scaled = float(keras.ops.convert_to_numpy(output)[0, 0])  # location for distribution heads
        change = scaled * self.scaler.scale_[0] + self.scaler.mean_[0]
        return float(transforms.inverse(self.transform, change, self._last[0]))
