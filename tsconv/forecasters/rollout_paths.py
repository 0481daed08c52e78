"""The one rollout path of a fitted `Forecaster`: every series and sample in one batch.

The observed levels → known-in-advance inputs → transform and scale (each
series with its own scaler) → the last windows → one compiled rollout of the
whole batch (cached where the model allows; noise for sampled trajectories) →
unscale → integrate back to levels → guard → samples centred on the point
path → the floor → future dates. `ForecastingMixin` builds its public methods
(`forecast`, `trajectories`, `sample_paths`) on `RolloutPathsMixin._paths`.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from tsconv.arguments import check_horizon
from tsconv.data.calendar import future_index
from tsconv.data.known_inputs import known_inputs
from tsconv.forecasters.series_selection import SeriesSelectionMixin
from tsconv.preprocessing import transforms
from tsconv.preprocessing.preparation import encode, scale_known
from tsconv.preprocessing.windowing import last_window, lead_known
from tsconv.rollout.guard import guard, runaway_bound
from tsconv.rollout.loops import compiled_rollout, uses_cache
from tsconv.rollout.sampling import centre_on_point, draw_noise, noise_source, resolve_lower

logger = logging.getLogger(__name__)


class RolloutPathsMixin(SeriesSelectionMixin):
    """The rollout behind `forecast`, `trajectories` and `sample_paths` (see the module)."""

    def _paths(
        self,
        horizon,
        series,
        series_id,
        samples,
        temperature,
        seed,
        jit_compile,
        cached,
        future=None,
        lower="auto",
        centred=True,
    ) -> dict[str, tuple[pd.Index, np.ndarray]]:
        """`{id: (future index, (1 + samples, horizon) levels)}`: every series in one batch.

        Row 0 of each series' paths is the point path; the `samples` rows after
        it are sampled (the noise of all series drawn at once) and, when
        `centred`, moved to centre on it; then every row is held at or above
        the series' floor (`lower`).
        """
        check_horizon(horizon)
        observed = self._observed(series, series_id)  # checks that the model is fitted
        floors = self._floors(lower)
        self._say_if_beyond_history(horizon, observed)
        if self.data_["features"] and horizon > 1:
            logger.warning(
                "features %s have no forecast of their own; held at their last values",
                self.data_["features"],
            )
        ahead = self._futures(future, observed)
        windows, futures = [], []
        for sid, (levels, frame) in observed.items():
            # (rows + horizon + 1, k): the rows, the steps after and one more; or None
            known = known_inputs(
                frame,
                self._freq(sid),
                self.future_features_,
                self.calendar_,
                self.holidays_,
                horizon,
                ahead.get(sid),
                f"series {sid!r}" if self.many_series else "",
                self.data_.get("timezone"),  # runs before it: None, the index as it is
            )
            if known is not None:
                # The columns appended after each forecast step carry the next step's values.
                futures.append(scale_known(self.scalers_[sid], lead_known(known)[len(levels) :]))
                known = known[: len(levels) + 1]
            scaled = encode(self.transform_, self.scalers_[sid], levels, known)  # (rows - 1, ch)
            windows.append(last_window(scaled, self.window_))
        count, draws = len(observed), 1 + samples
        batch = np.repeat(np.stack(windows), draws, axis=0)  # (series * draws, window, channels)
        # (series * draws, horizon, k) known values of the steps, or None
        stepwise = np.repeat(np.stack(futures), draws, axis=0) if futures else None
        noise = np.zeros((count, draws, horizon), np.float32)
        if samples:
            drawn = self._noise(samples * count, horizon, temperature, seed)
            noise[:, 1:] = drawn.reshape(count, samples, horizon)
        scaled = compiled_rollout(
            self.model_,
            batch,
            horizon,
            cache=self._rollouts(),
            jit_compile=jit_compile,
            noise=noise.reshape(-1, horizon),
            cached=cached if cached is None else cached and uses_cache(self.model_),
            future=stepwise,
        ).reshape(count, draws, horizon)  # (series, draws, horizon)
        bound = runaway_bound(self.data_.get("scaled_target_max"))
        paths = {}
        for k, (sid, (levels, frame)) in enumerate(observed.items()):
            scaler = self.scalers_[sid]
            changes = scaled[k] * scaler.scale_[0] + scaler.mean_[0]
            start = np.repeat(levels[-1, 0], draws)  # (draws,)
            with np.errstate(over="ignore", invalid="ignore"):  # runaway steps are cut below
                path = transforms.integrate(self.transform_, changes, start)  # (draws, horizon)
            label = f"series {sid}" if self.many_series else ""
            keep = guard(scaled[k], path, bound, label=label)
            index = future_index(frame.index[-1], self._freq(sid), horizon)[:keep]
            index.name = frame.index.name
            path = centre_on_point(path[:, :keep]) if centred else path[:, :keep]
            if floors.get(sid) is not None:
                path = np.maximum(path, floors[sid])
            paths[sid] = (index, path)
        return paths

    def _say_if_beyond_history(self, horizon: int, observed: dict) -> None:
        """Warns when the horizon is longer than the history (500 steps after 100 years)."""
        fitted = self.data_.get("rows", 0)
        for sid, (levels, _) in observed.items():
            rows = max(len(levels), fitted.get(sid, 0) if isinstance(fitted, dict) else fitted)
            if horizon > rows:
                label = f"series {sid!r}: " if self.many_series else ""
                logger.warning(
                    "%sa %d-step forecast from %d rows of history reaches %.1f× further ahead "
                    "than the data goes back: read it as a scenario, not a forecast",
                    label,
                    horizon,
                    rows,
                    horizon / rows,
                )
                return

    def _floors(self, lower) -> dict[str, float | None]:
        """Each series' floor: `lower`, or for `"auto"` what the fit detected (see `forecast`)."""
        detected = self.data_.get("lower") or {}  # runs before the floor: none
        return {sid: resolve_lower(lower, detected.get(sid)) for sid in self.scalers_}

    def _noise(self, samples: int, horizon: int, temperature: float, seed: int | None):
        source = noise_source(self.model_)
        return draw_noise(source, (samples, horizon), temperature, seed, self.residuals_)

    def _rollouts(self) -> dict:
        """Compiled rollout loops of the current model, by horizon (see `compiled_rollout`)."""
        if getattr(self, "_rollout_model", None) is not self.model_:
            self._rollout_model, self._rollout_cache = self.model_, {}
        return self._rollout_cache
