"""What a fitted `Forecaster` does with its model: forecast, sample trajectories, stream.

The data path, for one series or every series of a panel at once, is
`rollout_paths.RolloutPathsMixin._paths` (one rollout of the whole batch);
this module turns its paths into tables. `ForecastingMixin` is the half of `Forecaster`
that needs only the fitted attributes (`model_`, `scalers_`, `transform_`,
`data_`, `context_`, `residuals_`).

Which series: every method starts from the end of the data the model was
fitted on, or of `series` (a `Series`, or a `Panel` of series the model
knows). A model fitted on many series forecasts all of them in long format;
the per-series methods take `series_id` and, without it, return one result
per series (a dict by id); `series_selection` finds those rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from tsconv.data.panel import Panel, long_format
from tsconv.data.series import Series
from tsconv.errors import InputError
from tsconv.forecasters.rollout_paths import RolloutPathsMixin
from tsconv.rollout.sampling import (
    check_sampling,
    quantile_columns,
    resolve_samples,
)
from tsconv.rollout.streaming import ForecastStream


class ForecastingMixin(RolloutPathsMixin):
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
