"""`GlobalForecaster`: one Keras model trained on many series at once.

The data path: each series → its own transform, chronological split and
scaler (fitted on its own training rows) → its windows (`make_windows`, the
one index rule) → all series' windows served as one set (`stack_windows`) →
one model. Forecasts roll out every series together, as one batch.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from tsconv import transforms
from tsconv.calendar import future_index
from tsconv.distribute import (
    make_strategy,
    policy_scope,
    replicas,
    set_determinism,
    strategy_scope,
)
from tsconv.errors import InputError
from tsconv.forecaster import Forecaster
from tsconv.metrics import point_errors
from tsconv.models import MODELS
from tsconv.panel import Panel
from tsconv.preparation import Prepared, encode, prepare
from tsconv.rollout import compiled_rollout, uses_cache
from tsconv.rollout_guard import guard, runaway_bound
from tsconv.sampling import check_sampling, heldout_residuals, quantile_columns
from tsconv.stacked_windows import stack_windows
from tsconv.training import predict_windows
from tsconv.windowing import check_horizon, last_window

logger = logging.getLogger(__name__)

SPLITS = ("validation", "test")


class GlobalForecaster(Forecaster):
    """A `Forecaster` whose one model learns from every series of a `Panel`.

    Takes the arguments of `Forecaster`. Every series is transformed and
    scaled with its own training statistics, so series of any level share
    the model; a series too short for the window and splits is skipped (the
    count is logged). The rule baselines (naive, seasonal-naive, drift) are
    per-series by nature and are not offered: every series is scored against
    the naive forecast anyway.

    Attributes (after `fit` or `load`):
        model_, transform_, history_, training_, engine_, residuals_: as `Forecaster`.
        scalers_: `StandardScaler` by series id.
        skipped_: ids of the series too short to train on.
        metrics_: per split, per-series errors of model and naive, and a
            summary (`mae_ratio_mean`, `mae_ratio_median`, `beats_naive`).
        predictions_: one-step validation and test predictions in levels,
            long format (id, time, split, actual, model, naive).
        context_: the last `window + 1` rows of every series, long format.

    Example:
    >>> panel = tsconv.load_panel_csv("datasets/us_macro_long.csv")
    >>> gf = GlobalForecaster(window=40, model="tcn", epochs=5).fit(panel)
    >>> gf.forecast(horizon=8).shape  # 10 series × 8 quarters; series_id, date, value
    (80, 3)
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(MODELS[self.model], "needs_scaler", False):
            raise InputError(
                f"a global model learns from all series; {self.model!r} is a per-series rule "
                "(every series is scored against the naive forecast anyway). Use conv, tcn, "
                f"transformer or linear. Received: model={self.model!r}"
            )
        if self.distribute == "multiworker":
            raise InputError(
                "global models train on one machine for now (--distribute none or mirrored)."
            )

    def fit(self, panel: Panel, backup_dir: str | os.PathLike | None = None) -> GlobalForecaster:
        """Trains one model on the windows of every series of `panel`.

        Args:
            panel: the series (see `tsconv.load_panel_csv`).
            backup_dir: as `Forecaster.fit`.

        Returns:
            `self`, fitted.

        Raises:
            InputError: when no series is long enough, or the transform does
                not suit every series.
        """
        self.transform_ = _panel_transform(self.transform, panel)
        prepared: dict[str, Prepared] = {}
        self.skipped_ = []
        for sid, series in panel.series.items():
            try:
                prepared[sid] = prepare(
                    series.values,
                    self.window,
                    self.transform_,
                    self.val_fraction,
                    self.test_fraction,
                    horizon=self.output_steps,
                )
            except InputError:
                self.skipped_.append(sid)
        if self.skipped_:
            logger.warning(
                "skipped %d of %d series too short for window %d (e.g. %s)",
                len(self.skipped_),
                len(panel),
                self.window,
                ", ".join(map(str, self.skipped_[:5])),
            )
        if not prepared:
            longest = max(len(s) for s in panel.series.values())
            raise InputError(
                f"every series is too short for window {self.window}: the longest has {longest} "
                "rows. Use a shorter --window."
            )
        self.scalers_ = {sid: p.scaler for sid, p in prepared.items()}
        self.season_ = self.season
        # (windows of all series, window, channels), gathered per batch from each series' views
        splits = {
            k: stack_windows([p.splits[k] for p in prepared.values()]) for k in ("train", *SPLITS)
        }
        channels = len(panel.features) + 1
        engine = self._engine()
        set_determinism(self.seed, self.deterministic)
        strategy = make_strategy(self.distribute)
        with strategy_scope(strategy), policy_scope(engine["dtype_policy"]):
            self.model_ = self._build(channels)
        engine["replicas"] = replicas(strategy)
        self.engine_ = engine
        self._train(splits, strategy, backup_dir)
        self.training_["series"] = len(prepared)
        self.training_["skipped_series"] = len(self.skipped_)
        if strategy is not None:
            with policy_scope(engine["dtype_policy"]):
                plain = self._build(channels)
            plain.set_weights(self.model_.get_weights())
            self.model_ = plain
        self.metrics_, self.predictions_ = _score(self.model_, prepared, splits, panel)
        self.residuals_ = heldout_residuals(self.model_, splits["validation"])
        self.data_ = {
            "source": panel.source,
            "layout": panel.layout,
            "id_column": panel.id_column,
            "time_column": panel.time_column,
            "target": panel.target,
            "features": list(panel.features),
            "freq": {sid: panel.series[sid].freq for sid in prepared},
            "rows": {sid: len(panel.series[sid]) for sid in prepared},
            # Where a rollout counts as running away (tsconv.rollout_guard).
            "scaled_target_max": max(
                float(np.abs(p.splits["train"].targets).max()) for p in prepared.values()
            ),
        }
        self.context_ = _long(
            {sid: panel.series[sid].frame.iloc[-(self.window + 1) :] for sid in prepared},
            panel.id_column,
        )
        logger.info(
            "test MAE model / naive: mean %.3f over %d series",
            self.metrics_["test"]["summary"]["mae_ratio_mean"],
            len(prepared),
        )
        return self

    # --- forecast ----------------------------------------------------------------

    def forecast(
        self,
        horizon: int,
        panel: Panel | None = None,
        samples: int = 0,
        quantiles: Sequence[float] | None = None,
        temperature: float = 1.0,
        seed: int | None = None,
        jit_compile: bool = True,
        cached: bool | None = None,
    ) -> pd.DataFrame:
        """Forecasts `horizon` steps after every series, all in one batch.

        Args:
            horizon: steps to forecast.
            panel: continue from the ends of these series instead (ids the
                model has not seen are refused).
            samples, quantiles, temperature, seed, jit_compile, cached: as
                `Forecaster.forecast`; the samples of all series roll out in
                the same batch.

        Returns:
            Long format: one row per series and step, with the id column, the
            time column (or `step`), the point forecast named after the
            target, and a column per quantile with `samples`.

        Raises:
            InputError: for a bad horizon or sampling option, an unknown
                series or one too short for the window.
        """
        check_horizon(horizon)
        quantiles = check_sampling(samples, temperature, quantiles)
        frames = self._frames(panel)
        columns = [self.data_["target"], *self.data_["features"]]
        contexts, lasts = [], []
        for sid, frame in frames.items():
            levels = frame[columns].to_numpy(np.float64)
            if len(levels) < self.window + 1:
                raise InputError(
                    f"series {sid!r} has {len(levels)} rows; forecasting with window "
                    f"{self.window} needs {self.window + 1}."
                )
            scaled = encode(self.transform_, self.scalers_[sid], levels)
            contexts.append(last_window(scaled, self.window))
            lasts.append(levels[-1, 0])
        draws = 1 + samples
        batch = np.repeat(np.stack(contexts), draws, axis=0)  # (series * draws, window, channels)
        noise = np.zeros((len(batch), horizon), np.float32)
        if samples:
            noise = noise.reshape(len(frames), draws, horizon)
            drawn = self._noise(samples * len(frames), horizon, temperature, seed)
            noise[:, 1:] = drawn.reshape(len(frames), samples, horizon)
            noise = noise.reshape(-1, horizon)
        paths = compiled_rollout(
            self.model_,
            batch,
            horizon,
            cache=self._rollouts(),
            jit_compile=jit_compile,
            noise=noise,
            cached=cached if cached is None else cached and uses_cache(self.model_),
        ).reshape(len(frames), draws, horizon)  # (series, draws, horizon)
        tables = {}
        bound = runaway_bound(self.data_.get("scaled_target_max"))
        for k, (sid, frame) in enumerate(frames.items()):
            scaler = self.scalers_[sid]
            changes = paths[k] * scaler.scale_[0] + scaler.mean_[0]
            start = np.repeat(lasts[k], draws)
            with np.errstate(over="ignore", invalid="ignore"):  # runaway steps are cut below
                levels = transforms.integrate(self.transform_, changes, start)  # (draws, horizon)
            keep = guard(paths[k], levels, bound, label=f"series {sid}")
            levels = levels[:, :keep]
            index = future_index(frame.index[-1], self.data_["freq"].get(sid), horizon)[:keep]
            index.name = frame.index.name
            table = {self.data_["target"]: levels[0]}
            if samples:
                table.update(quantile_columns(levels[1:], quantiles))
            tables[sid] = pd.DataFrame(table, index=index)
        table = _long(tables, self.data_["id_column"]).reset_index()
        first = [self.data_["id_column"], table.columns[0]]  # id, time
        return table[[*first, *[c for c in table.columns if c not in first]]]

    def trajectories(self, *args, **kwargs):
        raise InputError("a global model forecasts all series with forecast(); use that.")

    sample_paths = stream = trajectories

    def _frames(self, panel: Panel | None) -> dict[str, pd.DataFrame]:
        """The observed rows each forecast starts from, by series id."""
        self._check_fitted()
        if panel is None:
            id_column = self.data_["id_column"]
            return {
                str(sid): rows.drop(columns=[id_column])
                for sid, rows in self.context_.groupby(id_column, sort=False)
            }
        unknown = [sid for sid in panel.series if sid not in self.scalers_]
        if unknown:
            raise InputError(
                f"the model has not seen series {unknown[:5]}; a global model forecasts the "
                "series it was trained on (fit again to add series)."
            )
        return {sid: self._check_series(s) for sid, s in panel.series.items()}

    # --- save / load (the files: tsconv.global_forecaster_files) -------------------

    def write_files(self, folder: Path) -> None:
        from tsconv.global_forecaster_files import write_global_files

        self._check_fitted()
        write_global_files(self, folder)

    def config(self) -> dict:
        from tsconv.global_forecaster_files import global_config

        return global_config(self)

    @classmethod
    def load(cls, path: str | os.PathLike) -> GlobalForecaster:
        """Loads a run directory written by `save` (checked by manifest, `safe_mode=True`)."""
        from tsconv.global_forecaster_files import read_global_forecaster

        return read_global_forecaster(cls, path)


def _panel_transform(name: str, panel: Panel) -> str:
    """One transform for all series: `"auto"` is log-return only when every series is positive."""
    if name == "auto":
        positive = all(np.all(s.values[:, 0] > 0) for s in panel.series.values())
        return "log-return" if positive else "diff"
    for sid, series in panel.series.items():
        try:
            transforms.resolve_transform(name, series.values[:, 0])
        except InputError as exc:
            raise InputError(f"series {sid!r}: {exc}") from None
    return name


def _score(model, prepared: dict[str, Prepared], splits: dict, panel: Panel):
    """Per-series one-step errors in levels beside the naive forecast (one predict per split)."""
    metrics, parts = {}, []
    for split in SPLITS:
        stacked = splits[split]
        scaled = predict_windows(model, stacked)[:, 0]  # (windows of all series,)
        starts = stacked.inputs.starts
        per_series, ratios = {}, []
        for k, (sid, data) in enumerate(prepared.items()):
            w = data.splits[split]
            mine = scaled[starts[k] : starts[k + 1]]
            change = mine * data.scaler.scale_[0] + data.scaler.mean_[0]
            naive = data.previous[w.target_rows]
            predicted = transforms.inverse(data.transform, change, naive)
            truth = data.actual[w.target_rows]
            model_errors, naive_errors = point_errors(truth, predicted), point_errors(truth, naive)
            per_series[sid] = {"windows": len(w), "model": model_errors, "naive": naive_errors}
            if naive_errors["mae"] > 0:
                ratios.append(model_errors["mae"] / naive_errors["mae"])
            when = panel.series[sid].index[1:][w.target_rows]
            parts.append(
                pd.DataFrame(
                    {
                        "series": sid,
                        "split": split,
                        "actual": truth,
                        "model": predicted,
                        "naive": naive,
                    },
                    index=when,
                )
            )
        ratios = np.asarray(ratios)
        metrics[split] = {
            "windows": len(stacked),
            "summary": {
                "mae_ratio_mean": float(ratios.mean()) if len(ratios) else float("nan"),
                "mae_ratio_median": float(np.median(ratios)) if len(ratios) else float("nan"),
                "beats_naive": int((ratios < 1).sum()),
                "series": len(prepared),
            },
            "series": per_series,
        }
    predictions = pd.concat(parts)
    predictions = predictions.rename(columns={"series": panel.id_column})
    return metrics, predictions


def _long(frames: dict[str, pd.DataFrame], id_column: str) -> pd.DataFrame:
    """Per-series frames → one long frame with the id as its first column."""
    parts = [frame.assign(**{id_column: sid}) for sid, frame in frames.items()]
    joined = pd.concat(parts)
    return joined[[id_column, *[c for c in joined.columns if c != id_column]]]
