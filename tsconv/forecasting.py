"""What a fitted `Forecaster` does with its model: forecast, sample trajectories, stream.

The data path: the observed levels → transform and scale → the last window →
compiled rollout (cached where the model allows; noise for sampled
trajectories) → unscale → integrate back to levels → future dates.
`ForecastingMixin` is the half of `Forecaster` that needs only the fitted
attributes (`model_`, `scaler_`, `transform_`, `data_`, `context_`, `residuals_`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from tsconv import transforms
from tsconv.calendar import future_index
from tsconv.data import Series
from tsconv.errors import InputError
from tsconv.preparation import encode
from tsconv.rollout import compiled_rollout, uses_cache
from tsconv.rollout_guard import guard, runaway_bound
from tsconv.sampling import check_sampling, draw_noise, noise_source, quantile_columns
from tsconv.streaming import ForecastStream
from tsconv.windowing import check_horizon, last_window

logger = logging.getLogger(__name__)


class ForecastingMixin:
    """Forecasting, sampling and streaming for a fitted `Forecaster` (see there)."""

    def forecast(
        self,
        horizon: int,
        series: Series | None = None,
        samples: int = 0,
        quantiles: Sequence[float] | None = None,
        temperature: float = 1.0,
        seed: int | None = None,
        jit_compile: bool = True,
        cached: bool | None = None,
    ) -> pd.DataFrame:
        """Forecasts `horizon` steps after the end of the observed data.

        Args:
            horizon: steps to forecast, at least 1.
            series: continue from the end of this series instead (it must
                have the columns the model was trained on).
            samples: with N > 0, also draw N sampled trajectories (see
                `sample_paths`) and add their per-step quantiles.
            quantiles: which quantiles; default 0.05, 0.5, 0.95.
            temperature, seed: as `sample_paths`.
            jit_compile: compile the rollout with XLA: slower to compile, faster
                to run again (see `tsconv.rollout.compiled_rollout`).
            cached: use the model's stream cache (default: when it has one).
                The point path and the samples roll out as one batch.

        Returns:
            A `DataFrame` indexed by the future timestamps (at the series'
            frequency; fewer than `horizon` rows when the rollout ran away,
            with a warning naming the step): a column named after the target with the point path
            (each step's forecast fed back; for a distribution head, its
            location), and with `samples` a column per quantile (`q0.05`, …).

        Raises:
            InputError: for a bad horizon or sampling option, too short a
                series, or other columns.
            ForecastDivergedError: when the very first step runs away.

        Example:
        >>> fc.forecast(30, samples=200).columns.tolist()
        ['Close', 'q0.05', 'q0.5', 'q0.95']
        """
        quantiles = check_sampling(samples, temperature, quantiles)
        index, paths = self.trajectories(
            horizon, series, samples, temperature, seed, jit_compile, cached
        )
        columns = {self.data_["target"]: paths[0]}
        if samples:
            columns.update(quantile_columns(paths[1:], quantiles))
        return pd.DataFrame(columns, index=index)

    def trajectories(
        self,
        horizon: int,
        series: Series | None = None,
        samples: int = 0,
        temperature: float = 1.0,
        seed: int | None = None,
        jit_compile: bool = True,
        cached: bool | None = None,
    ) -> tuple[pd.Index, np.ndarray]:
        """The point path and `samples` sampled trajectories, rolled out as one batch.

        Args:
            horizon, series, samples, temperature, seed, jit_compile, cached: as `forecast`.

        Returns:
            `(index, paths)`: the future timestamps and `(1 + samples, horizon)`
            levels, row 0 the point path and rows 1… the samples.

        Example:
        >>> index, paths = fc.trajectories(30, samples=100, seed=0)
        >>> paths.shape
        (101, 30)
        """
        check_sampling(samples, temperature, None)
        levels, context, index = self._forecast_start(horizon, series)
        noise = np.zeros((1, horizon), np.float32)  # row 0: the point path
        if samples:
            noise = np.concatenate([noise, self._noise(samples, horizon, temperature, seed)])
        batch = np.repeat(context[None], len(noise), axis=0)  # (1 + samples, window, channels)
        paths = self._guarded_levels(
            self._rollout(batch, horizon, noise, jit_compile, cached), levels
        )
        return index[: paths.shape[1]], paths

    def sample_paths(
        self,
        horizon: int,
        samples: int = 200,
        temperature: float = 1.0,
        seed: int | None = None,
        series: Series | None = None,
        jit_compile: bool = True,
        cached: bool | None = None,
    ) -> np.ndarray:
        """Draws sampled trajectories: each step samples a value and feeds it back.

        A distribution head samples `loc + scale * noise`; a point head adds
        one of its own held-out one-step residuals (a bootstrap), so every
        run gives intervals without refitting. All samples roll out as one
        batch.

        Args:
            horizon: steps per trajectory.
            samples: trajectories to draw, at least 1.
            temperature: multiplies the sampled noise: 1 the fitted spread,
                below 1 sharper, above 1 wider; 0 gives the point path every time.
            seed: the same seed gives the same trajectories.
            series, jit_compile, cached: as `forecast`.

        Returns:
            `(samples, horizon)` in levels (fewer steps when a path ran away; see
            `tsconv.rollout_guard`).

        Example:
        >>> fc.sample_paths(30, samples=200, seed=0).shape
        (200, 30)
        """
        check_sampling(samples, temperature, None)
        if samples < 1:
            raise InputError(f"samples must be at least 1. Received: samples={samples}")
        levels, context, _ = self._forecast_start(horizon, series)
        noise = self._noise(samples, horizon, temperature, seed)
        batch = np.repeat(context[None], samples, axis=0)  # (samples, window, channels)
        return self._guarded_levels(
            self._rollout(batch, horizon, noise, jit_compile, cached), levels
        )

    def _noise(self, samples: int, horizon: int, temperature: float, seed: int | None):
        source = noise_source(self.model_)
        residuals = getattr(self, "residuals_", None)
        return draw_noise(source, (samples, horizon), temperature, seed, residuals)

    def stream(self, series: Series | None = None) -> ForecastStream:
        """A `ForecastStream` that starts after the observed data (or `series`).

        Feed it each new observation with `update(value)`; it returns the
        forecast of the step after, without recomputing the window where the
        model has a stream cache.

        Example:
        >>> stream = fc.stream()
        >>> stream.update(84.9)  # the next close arrives: forecast the one after
        84.95
        """
        levels, _ = self._observed(series)
        return ForecastStream(self.model_, self.window, self.transform_, self.scaler_, levels)

    def _observed(self, series: Series | None) -> tuple[np.ndarray, pd.DataFrame]:
        """`(levels, frame)` a forecast starts from: `(rows, channels)` and the rows."""
        self._check_fitted()
        frame = self.context_ if series is None else self._check_series(series)
        columns = [self.data_["target"], *self.data_["features"]]
        levels = frame[columns].to_numpy(np.float64)
        if len(levels) < self.window + 1:
            raise InputError(
                f"need at least {self.window + 1} rows to forecast with window {self.window}; "
                f"got {len(levels)}."
            )
        if self.transform_ == "log-return" and np.any(levels[:, 0] <= 0):
            raise InputError("the target has values <= 0, which a log-return model cannot use.")
        return levels, frame

    def _forecast_start(
        self, horizon: int, series: Series | None
    ) -> tuple[np.ndarray, np.ndarray, pd.Index]:
        """The observed levels, the last scaled window and the future dates."""
        check_horizon(horizon)
        levels, frame = self._observed(series)
        scaled = encode(self.transform_, self.scaler_, levels)  # (rows - 1, channels)
        if self.data_["features"] and horizon > 1:
            logger.warning(
                "features %s have no forecast of their own; held at their last values",
                self.data_["features"],
            )
        index = future_index(frame.index[-1], self.data_["freq"], horizon)
        index.name = frame.index.name
        return levels, last_window(scaled, self.window), index

    def _rollout(self, context, horizon, noise, jit_compile, cached) -> np.ndarray:
        return compiled_rollout(
            self.model_,
            context,
            horizon,
            cache=self._rollouts(),
            jit_compile=jit_compile,
            noise=noise,
            cached=cached if cached is None else cached and uses_cache(self.model_),
        )

    def _guarded_levels(self, scaled: np.ndarray, levels: np.ndarray) -> np.ndarray:
        """Levels of the rolled-out paths, cut before the first runaway step (`rollout_guard`)."""
        with np.errstate(over="ignore", invalid="ignore"):  # runaway steps are cut below
            paths = self._to_levels(scaled, levels)
        keep = guard(scaled, paths, runaway_bound(self.data_.get("scaled_target_max")))
        return paths[:, :keep]

    def _to_levels(self, paths: np.ndarray, levels: np.ndarray) -> np.ndarray:
        """`(n, horizon)` scaled changes → levels continuing from the last observed one."""
        changes = paths * self.scaler_.scale_[0] + self.scaler_.mean_[0]
        start = np.repeat(levels[-1:, 0], len(paths))  # (n,)
        return transforms.integrate(self.transform_, changes, start)

    def _rollouts(self) -> dict:
        """Compiled rollout loops of the current model, by horizon (see `compiled_rollout`)."""
        if getattr(self, "_rollout_model", None) is not self.model_:
            self._rollout_model, self._rollout_cache = self.model_, {}
        return self._rollout_cache

    def _check_series(self, series: Series) -> pd.DataFrame:
        needed = [self.data_["target"], *self.data_["features"]]
        missing = [c for c in needed if c not in series.frame.columns]
        if missing:
            raise InputError(
                f"the input lacks column(s) {missing} that the model was trained on; it has "
                f"{list(series.frame.columns)}."
            )
        return series.frame

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise InputError("this Forecaster is not fitted yet; call fit(series) or load(path).")
