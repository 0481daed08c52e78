"""Which series a fitted `Forecaster` forecasts, from which rows, with which future values.

Every forecasting method starts from `_observed`: the rows of the data the
model was fitted on (the kept context), or of the `Series` or `Panel` given,
checked against what the model was trained on (columns, series ids, enough
rows for the window, positive values for a log-return model), by series id.
`_futures` sorts the known-in-advance future values the same way.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from tsconv.data.panel import Panel
from tsconv.data.series import Series
from tsconv.errors import InputError

logger = logging.getLogger(__name__)


class SeriesSelectionMixin:
    """The series and rows a fitted `Forecaster`'s forecasts start from (see `ForecastingMixin`)."""

    def _futures(self, future, observed: dict) -> dict[str, pd.DataFrame]:
        """`future` (one frame, a dict by id, or a long frame with the id column) by series id."""
        if future is None:
            return {}
        if not self.future_features_:
            logger.warning("future values given, but the model takes no future features: unused")
            return {}
        if isinstance(future, dict):
            return {str(sid): frame for sid, frame in future.items()}
        id_column, time_column = self.data_.get("id_column"), self.data_.get("time_column")
        if self.many_series and isinstance(future, pd.DataFrame) and id_column in future:
            by_id = {}
            for sid, rows in future.groupby(id_column, sort=False):
                rows = rows.drop(columns=[id_column])
                if time_column in rows.columns:  # a long frame with the time as a column
                    rows = rows.set_index(pd.DatetimeIndex(rows[time_column]))
                by_id[str(sid)] = rows
            return by_id
        if self.many_series and len(observed) > 1:
            raise InputError(
                f"future values of many series need the id column {id_column!r} (or a dict of "
                "frames by series id)."
            )
        return dict.fromkeys(observed, future)

    def _observed(
        self, series: Series | Panel | None, series_id: str | None
    ) -> dict[str, tuple[np.ndarray, pd.DataFrame]]:
        """`{id: (levels, frame)}` each forecast starts from: `(rows, channels)` and the rows."""
        self._check_fitted()
        frames = self._frames(series, series_id)
        if series_id is not None:
            if series_id not in frames:
                raise InputError(
                    f"no series {series_id!r} here; the model forecasts {_names(self.series_ids_)}."
                )
            frames = {series_id: frames[series_id]}
        columns = [self.data_["target"], *self.data_["features"]]
        observed = {}
        for sid, frame in frames.items():
            where = f"series {sid!r} has" if self.many_series else "got"
            levels = frame[columns].to_numpy(np.float64)
            if len(levels) < self.window_ + 1:
                raise InputError(
                    f"need at least {self.window_ + 1} rows to forecast with window "
                    f"{self.window_}; {where} {len(levels)}."
                )
            if self.transform_ == "log-return" and np.any(levels[:, 0] <= 0):
                what = f"series {sid!r}" if self.many_series else "the target"
                raise InputError(f"{what} has values <= 0, which a log-return model cannot use.")
            observed[sid] = (levels, frame)
        return observed

    def _frames(self, series: Series | Panel | None, series_id: str | None) -> dict:
        """The observed rows of every series a forecast may start from, by id."""
        if series is None:
            if not self.many_series:
                return {self.series_ids_[0]: self.context_}
            id_column = self.data_["id_column"]
            return {
                str(sid): rows.drop(columns=[id_column])
                for sid, rows in self.context_.groupby(id_column, sort=False)
            }
        if isinstance(series, Panel) and not series.many:
            (series,) = series.series.values()  # one series, wrapped (`as_panel`)
        if isinstance(series, Series):
            if self.many_series and series_id is None:
                raise InputError(
                    "this model forecasts many series; give the Series its series_id= (one of "
                    f"{_names(self.series_ids_)}), or a Panel."
                )
            sid = self.series_ids_[0] if series_id is None else series_id
            return {sid: self._check_columns(series.frame)}
        if isinstance(series, Panel):
            if not self.many_series:
                raise InputError(
                    "this model was fitted on one series; give it a Series (tsconv.load_csv)."
                )
            unknown = [sid for sid in series.series if sid not in self.scalers_]
            if unknown:
                raise InputError(
                    f"the model has not seen series {unknown[:5]}; a global model forecasts "
                    "the series it was trained on (fit again to add series)."
                )
            return {sid: self._check_columns(s.frame) for sid, s in series.series.items()}
        raise InputError(
            f"series must be a tsconv.Series or Panel. Received: {type(series).__name__}"
        )

    def _check_columns(self, frame: pd.DataFrame) -> pd.DataFrame:
        needed = [self.data_["target"], *self.data_["features"], *self.future_features_]
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise InputError(
                f"the input lacks column(s) {missing} that the model was trained on; it has "
                f"{list(frame.columns)}."
            )
        return frame

    def _freq(self, sid: str) -> str | None:
        freq = self.data_["freq"]
        return freq.get(sid) if isinstance(freq, dict) else freq

    def _one_or_all(self, by_series: dict, series_id: str | None):
        """One series' result (one-series forecaster, or `series_id` given), else all by id."""
        if self.many_series and series_id is None:
            return by_series
        (only,) = by_series.values()
        return only

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise InputError("this Forecaster is not fitted yet; call fit(data) or load(path).")


def _names(ids: list[str], shown: int = 10) -> str:
    listed = ", ".join(repr(i) for i in ids[:shown])
    return listed + (f" … and {len(ids) - shown} more" if len(ids) > shown else "")
