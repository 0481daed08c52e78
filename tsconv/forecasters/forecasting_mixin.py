"""What a fitted `Forecaster` does with its model: forecast, sample trajectories, stream.

The data path, for one series or every series of a panel at once: the
observed levels → transform and scale (each series with its own scaler) →
the last windows → one compiled rollout of the whole batch (cached where the
model allows; noise for sampled trajectories) → unscale → integrate back to
levels → guard → future dates. `ForecastingMixin` is the half of `Forecaster`
that needs only the fitted attributes (`model_`, `scalers_`, `transform_`,
`data_`, `context_`, `residuals_`).

Which series: every method starts from the end of the data the model was
fitted on, or of `series` (a `Series`, or a `Panel` of series the model
knows). A model fitted on many series forecasts all of them in long format;
the per-series methods take `series_id` and, without it, return one result
per series (a dict by id); `series_selection` finds those rows.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from tsconv.arguments import check_horizon
from tsconv.data.calendar import future_index
from tsconv.data.known_inputs import known_inputs
from tsconv.data.panel import Panel, long_format
from tsconv.data.series import Series
from tsconv.errors import InputError
from tsconv.forecasters.series_selection import SeriesSelectionMixin
from tsconv.preprocessing import transforms
from tsconv.preprocessing.preparation import encode, scale_known
from tsconv.preprocessing.windowing import last_window, lead_known
from tsconv.rollout.guard import guard, runaway_bound
from tsconv.rollout.loops import compiled_rollout, uses_cache
from tsconv.rollout.sampling import (
    centre_on_point,
    check_sampling,
    draw_noise,
    noise_source,
    quantile_columns,
    resolve_lower,
    resolve_samples,
)
from tsconv.rollout.streaming import ForecastStream

logger = logging.getLogger(__name__)


class ForecastingMixin(SeriesSelectionMixin):
    """Forecasting, sampling and streaming for a fitted `Forecaster` (see there)."""

    # --- what the data says ------------------------------------------------------

    @property
    def many_series(self) -> bool:
        """Whether the forecaster was fitted on a many-series panel (its forecasts are long)."""
        self._check_fitted()
        return self.data_.get("layout", "single") != "single"

    @property
    def series_ids_(self) -> list[str]:
        """The ids of the series the model forecasts (one series: its target's name)."""
        self._check_fitted()
        return list(self.scalers_)

    # --- public methods ----------------------------------------------------------

    def forecast(
        self,
        horizon: int,
        series: Series | Panel | None = None,
        samples: int | None = None,
        quantiles: Sequence[float] | None = None,
        temperature: float = 1.0,
        seed: int | None = None,
        jit_compile: bool = True,
        cached: bool | None = None,
        series_id: str | None = None,
        future: pd.DataFrame | dict | None = None,
        lower: float | str | None = "auto",
    ) -> pd.DataFrame:
        """Forecasts `horizon` steps after the end of the observed data.

        Args:
            horizon: steps to forecast, at least 1.
            series: continue from the end of this `Series` (it must have the
                columns the model was trained on) or of these series (a `Panel`).
            samples: with N > 0, also draw N sampled trajectories (see
                `sample_paths`) and add their per-step quantiles. Default: 200
                when `quantiles` are given, else none. The samples are centred
                on the point path (`tsconv.rollout.sampling.centre_on_point`):
                the `q0.5` column is the point forecast, and the point lies
                inside every central band.
            quantiles: which quantiles; default 0.05, 0.5, 0.95.
            temperature, seed: as `sample_paths`.
            jit_compile: compile the rollout with XLA: slower to compile, faster
                to run again (see `tsconv.rollout.compiled_rollout`).
            cached: use the model's stream cache (default: when it has one).
                The point path and the samples roll out as one batch.
            series_id: forecast only this series (of a many-series forecaster).
            future: the values of the `future_features` (known in advance) at
                the forecast steps: a `DataFrame` indexed by time holding every
                step (or, for step numbers, `horizon` rows); for many series, a
                dict of them by id, or one long frame with the id column.
            lower: the floor of every forecast and quantile: a number, None (no
                floor), or `"auto"` (default): 0 for a series that reached 0 and
                never went below in the data the model was fitted on (counts,
                sales), else none.

        Returns:
            For one series, a `DataFrame` indexed by the future timestamps (at
            the series' frequency; fewer than `horizon` rows when the rollout
            ran away, with a warning naming the step): a column named after
            the target with the point path (each step's forecast fed back; for
            a distribution head, its location), and with `samples` a column
            per quantile (`q0.05`, …). For many series, the same in long
            format: the id column, the time column (or `step`), the point
            forecast and the quantiles, one row per series and step; every
            series rolls out in the same batch.

        Raises:
            InputError: for a bad horizon or sampling option, too short a
                series, other columns, a series the model has not seen, or
                missing or short `future` values.
            ForecastDivergedError: when the very first step runs away.

        Example:
        >>> fc.forecast(30, samples=200).columns.tolist()
        ['Close', 'q0.05', 'q0.5', 'q0.95']
        """
        samples = resolve_samples(samples, quantiles)
        quantiles = check_sampling(samples, temperature, quantiles)
        paths = self._paths(
            horizon,
            series,
            series_id,
            samples,
            temperature,
            seed,
            jit_compile,
            cached,
            future,
            lower=lower,
        )
        tables = {}
        for sid, (index, levels) in paths.items():
            columns = {self.data_["target"]: levels[0]}
            if samples:
                columns.update(quantile_columns(levels[1:], quantiles))
            tables[sid] = pd.DataFrame(columns, index=index)
        if not self.many_series:
            (table,) = tables.values()
            return table
        table = long_format(tables, self.data_["id_column"]).reset_index()
        first = [self.data_["id_column"], table.columns[0]]  # id, time
        return table[[*first, *[c for c in table.columns if c not in first]]]

    def trajectories(
        self,
        horizon: int,
        series: Series | Panel | None = None,
        samples: int = 0,
        temperature: float = 1.0,
        seed: int | None = None,
        jit_compile: bool = True,
        cached: bool | None = None,
        series_id: str | None = None,
        future: pd.DataFrame | dict | None = None,
        lower: float | str | None = "auto",
        centred: bool = True,
    ) -> tuple[pd.Index, np.ndarray] | dict[str, tuple[pd.Index, np.ndarray]]:
        """The point path and `samples` sampled trajectories, rolled out as one batch.

        Args:
            horizon, series, samples, temperature, seed, jit_compile, cached, future, lower:
                as `forecast`.
            series_id: the series (of a many-series forecaster) to roll out.
            centred: move the samples, step by step, so their median is the point
                path (default; as `forecast` reports them). False gives the raw
                draws, whose median drifts from the point path.

        Returns:
            `(index, paths)`: the future timestamps and `(1 + samples, horizon)`
            levels, row 0 the point path and rows 1… the samples. For a
            many-series forecaster without `series_id`, a dict of them by id
            (every series in one batch).

        Example:
        >>> index, paths = fc.trajectories(30, samples=100, seed=0)
        >>> paths.shape
        (101, 30)
        """
        check_sampling(samples, temperature, None)
        paths = self._paths(
            horizon,
            series,
            series_id,
            samples,
            temperature,
            seed,
            jit_compile,
            cached,
            future,
            lower=lower,
            centred=centred,
        )
        return self._one_or_all(paths, series_id)

    def sample_paths(
        self,
        horizon: int,
        samples: int = 200,
        temperature: float = 1.0,
        seed: int | None = None,
        series: Series | Panel | None = None,
        jit_compile: bool = True,
        cached: bool | None = None,
        series_id: str | None = None,
        future: pd.DataFrame | dict | None = None,
        lower: float | str | None = "auto",
        centred: bool = True,
    ) -> np.ndarray | dict[str, np.ndarray]:
        """Draws sampled trajectories: each step samples a value and feeds it back.

        A distribution head samples `loc + scale * noise`; a point head adds
        one of its own held-out one-step residuals (a bootstrap), so every
        run gives intervals without refitting. All samples (of every series)
        roll out as one batch.

        Args:
            horizon: steps per trajectory.
            samples: trajectories to draw, at least 1.
            temperature: multiplies the sampled noise: 1 the fitted spread,
                below 1 sharper, above 1 wider; 0 gives the point path every time.
            seed: the same seed gives the same trajectories.
            series, jit_compile, cached, future, lower: as `forecast`.
            series_id: the series (of a many-series forecaster) to sample.
            centred: as `trajectories` (the point path is rolled out beside the
                samples to centre them on).

        Returns:
            `(samples, horizon)` in levels (fewer steps when a path ran away; see
            `tsconv.rollout.guard`); for a many-series forecaster without
            `series_id`, a dict of them by id.

        Example:
        >>> fc.sample_paths(30, samples=200, seed=0).shape
        (200, 30)
        """
        check_sampling(samples, temperature, None)
        if samples < 1:
            raise InputError(f"samples must be at least 1. Received: samples={samples}")
        paths = self._paths(
            horizon,
            series,
            series_id,
            samples,
            temperature,
            seed,
            jit_compile,
            cached,
            future,
            lower=lower,
            centred=centred,
        )
        return self._one_or_all({sid: p[1:] for sid, (_, p) in paths.items()}, series_id)

    def stream(
        self, series: Series | Panel | None = None, series_id: str | None = None
    ) -> ForecastStream | dict[str, ForecastStream]:
        """A `ForecastStream` that starts after the observed data (or `series`).

        Feed it each new observation with `update(value)`; it returns the
        forecast of the step after, without recomputing the window where the
        model has a stream cache.

        Args:
            series: start after the end of this series (or these series) instead.
            series_id: the series (of a many-series forecaster) to stream.

        Returns:
            A `ForecastStream`; for a many-series forecaster without
            `series_id`, a dict of them by id.

        Example:
        >>> stream = fc.stream()
        >>> stream.update(84.9)  # the next close arrives: forecast the one after
        84.95
        """
        self._check_fitted()
        if self.calendar_ or self.future_features_ or self.holidays_:
            raise InputError(
                "streaming does not carry inputs known in advance (calendar, holidays, future "
                "features) yet; use forecast(), or fit without them."
            )
        streams = {
            sid: ForecastStream(
                self.model_, self.window_, self.transform_, self.scalers_[sid], levels
            )
            for sid, (levels, _) in self._observed(series, series_id).items()
        }
        return self._one_or_all(streams, series_id)

    # --- the one rollout path ----------------------------------------------------

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
