"""`Forecaster`: fit a Keras forecaster on a `Series`, forecast, save and load.

The data path, in order: levels → target transform (changes) → scaler fitted
on the training rows → zero-copy windows → Keras model → one-step
predictions, scored in levels against the naive forecast; and for the future:
last window → compiled recursive rollout → unscale → integrate back to levels → dates.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import time
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from tsconv import runs, transforms
from tsconv.calendar import future_index, infer_season
from tsconv.data import Series
from tsconv.errors import InputError, RunError
from tsconv.evaluation import mae_ratio, score_one_step
from tsconv.models import MODELS, build_model, check_model_options
from tsconv.plots import plot_fit
from tsconv.preparation import encode, prepare
from tsconv.rollout import compiled_rollout
from tsconv.scaling import StandardScaler
from tsconv.training import check_training_options, train
from tsconv.windowing import check_horizon, check_window, last_window

logger = logging.getLogger(__name__)

# Rows of the observed series kept with the model: enough to forecast (window + 1)
# and to draw some history in front of a forecast.
CONTEXT_ROWS = 500
TRAINING_FACTS = (
    "seconds",
    "epochs_run",
    "best_epoch",
    "best_val_loss",
    "parameters",
    "receptive_field",
    "train_windows",
)


class Forecaster:
    """Windows a series, trains a Keras forecaster and forecasts the future.

    Args:
        window: observed steps per forecast ("observe 100, predict 101").
        model: model name, one of `tsconv.models.MODELS`: `"conv"`, `"tcn"`,
            `"transformer"`, or a baseline: `"naive"`, `"seasonal-naive"`,
            `"drift"`, `"linear"` (baselines need no training loop).
        transform: `"auto"`, `"none"`, `"diff"` or `"log-return"`; the model
            predicts the transformed target and forecasts are turned back into
            levels. `"auto"` is log-return for positive series, else diff.
        loss: `"mse"`, `"mae"` or `"huber"`.
        epochs: most training epochs (early stopping usually ends sooner).
        batch_size: windows per training step.
        patience: epochs without validation improvement before stopping.
        learning_rate: Adam's learning rate.
        seed: seeds weights, dropout and shuffling: same seed and data, same forecast.
        val_fraction: share of the latest rows (before the test rows) used for validation.
        test_fraction: share of the latest rows held out for the test metrics.
        model_options: keyword arguments of the model class (e.g. `{"filters": 64}`;
            see `tsconv.models.model_options(name)`).
        objective: `"last"` (the last position predicts the next step) or
            `"sequence"` (every position i predicts step i + 1; `tcn` and
            `transformer` only).
        season: season length for `"seasonal-naive"`; default: inferred from
            the frequency (5 for business days, 52 for weeks, 12 for months, …).
        verbose: Keras progress display during training (0 silent, 1 bar, 2 per epoch).

    Attributes (after `fit` or `load`):
        model_: the trained `keras.Model`.
        scaler_: the `StandardScaler` fitted on the training rows.
        transform_: the resolved transform name.
        metrics_: one-step errors of the model and of the naive forecast per split.
        history_: per-epoch losses as a `DataFrame`.
        predictions_: one-step validation and test predictions, in levels.
        context_: the last rows of the observed series (the forecast starts after them).

    Example:
    >>> series = tsconv.load_csv("datasets/msft.csv")
    >>> fc = tsconv.Forecaster(window=100, epochs=5).fit(series)
    >>> fc.forecast(horizon=30).shape  # 30 business days after 2017-11-10
    (30, 1)
    """

    def __init__(
        self,
        window: int = 100,
        model: str = "conv",
        transform: str = "auto",
        loss: str = "mse",
        epochs: int = 30,
        batch_size: int = 64,
        patience: int = 5,
        learning_rate: float = 1e-3,
        seed: int = 0,
        val_fraction: float = 0.1,
        test_fraction: float = 0.1,
        model_options: dict | None = None,
        objective: str = "last",
        season: int | None = None,
        verbose: int = 0,
    ):
        check_window(window)
        if model not in MODELS:
            raise InputError(f"unknown model {model!r}; use one of {sorted(MODELS)}.")
        try:
            check_model_options(model, model_options or {})
        except ValueError as exc:
            raise InputError(str(exc)) from None
        if objective == "sequence" and not getattr(
            MODELS[model], "supports_sequence_objective", False
        ):
            raise InputError(
                f"objective 'sequence' needs a causal model with a per-step head (tcn, "
                f"transformer); {model!r} has none. Received: objective={objective!r}"
            )
        if season is not None and (
            isinstance(season, bool) or not isinstance(season, int) or season < 1
        ):
            raise InputError(f"season must be a positive integer. Received: season={season!r}")
        if transform not in transforms.TRANSFORMS:
            raise InputError(
                f"unknown transform {transform!r}; use one of {list(transforms.TRANSFORMS)}."
            )
        check_training_options(loss, epochs, batch_size, patience, learning_rate, objective)
        self.window = window
        self.model = model
        self.transform = transform
        self.loss = loss
        self.epochs = epochs
        self.batch_size = batch_size
        self.patience = patience
        self.learning_rate = learning_rate
        self.seed = seed
        self.val_fraction = val_fraction
        self.test_fraction = test_fraction
        self.model_options = dict(model_options or {})
        self.objective = objective
        self.season = season
        self.verbose = verbose

    @property
    def keras_model(self) -> keras.Model:
        """The trained `keras.Model` (the same object as `model_`)."""
        self._check_fitted()
        return self.model_

    # --- fit -----------------------------------------------------------------

    def fit(self, series: Series) -> Forecaster:
        """Trains on `series` (chronological train / validation / test) and scores it.

        Returns:
            `self`, fitted.

        Raises:
            InputError: when the series is too short for the window, or the
                transform does not suit it.
        """
        levels = series.values  # (rows, channels)
        data = prepare(levels, self.window, self.transform, self.val_fraction, self.test_fraction)
        self.transform_, self.scaler_ = data.transform, data.scaler
        self.season_ = self._resolve_season(series.freq)
        keras.utils.set_random_seed(self.seed)
        self.model_ = self._build(levels.shape[1])
        self._train(data.splits)
        self.metrics_, self.predictions_ = score_one_step(self.model_, data, series.index)
        self.data_ = {
            "source": series.source,
            "time_column": series.time_column,
            "target": series.target,
            "features": list(series.features),
            "freq": series.freq,
            "regular": series.regular,
            "rows": len(series),
            "first": str(series.index[0]),
            "last": str(series.index[-1]),
            "split": {
                "train_end": str(series.index[1:][data.train_end]),
                "validation_end": str(series.index[1:][data.val_end]),
            },
        }
        self.context_ = series.frame.iloc[-CONTEXT_ROWS:].copy()
        logger.info("test MAE model / naive = %.3f", mae_ratio(self.metrics_))
        return self

    def _resolve_season(self, freq: str | None) -> int | None:
        if self.model != "seasonal-naive":
            return self.season
        season = self.season or infer_season(freq)
        if season is None:
            raise InputError(
                f"cannot infer a season from the frequency {freq!r}; give one, e.g. --season 12."
            )
        return season

    def _build(self, num_features: int) -> keras.Model:
        options = dict(self.model_options)
        if getattr(MODELS[self.model], "needs_scaler", False):  # rule baselines
            options.update(
                transform=self.transform_,
                target_mean=float(self.scaler_.mean_[0]),
                target_scale=float(self.scaler_.scale_[0]),
                season=self.season_ or 1,
            )
        try:
            return build_model(self.model, self.window, num_features, **options)
        except (ValueError, TypeError) as exc:
            raise InputError(f"invalid model option: {exc}") from None

    def _train(self, splits: dict) -> None:
        """Trains (or, for baselines, fits in closed form) and records how it went."""
        logger.info(
            "fitting %s (%d parameters) on %d windows, validating on %d",
            self.model,
            self.model_.count_params(),
            len(splits["train"]),
            len(splits["validation"]),
        )
        started = time.perf_counter()
        history: dict = {"loss": [], "val_loss": []}
        if getattr(self.model_, "fits_closed_form", False):
            self.model_.fit_closed_form(splits["train"])
        elif self.model_.trainable_weights:
            history = train(
                self.model_,
                splits["train"],
                splits["validation"],
                loss=self.loss,
                epochs=self.epochs,
                batch_size=self.batch_size,
                patience=self.patience,
                learning_rate=self.learning_rate,
                seed=self.seed,
                objective=self.objective,
                verbose=self.verbose,
            ).history
        self.history_ = pd.DataFrame(history)
        self.history_.index.name = "epoch"
        val_loss = self.history_["val_loss"].to_numpy(dtype=float)
        trained = len(val_loss) > 0 and np.isfinite(val_loss).any()
        self.training_ = {
            "seconds": round(time.perf_counter() - started, 2),
            "epochs_run": len(self.history_),
            "best_epoch": int(np.nanargmin(val_loss)) + 1 if trained else None,
            "best_val_loss": float(np.nanmin(val_loss)) if trained else None,
            "parameters": int(self.model_.count_params()),
            "receptive_field": getattr(self.model_, "receptive_field", None),
            "train_windows": len(splits["train"]),
        }

    # --- forecast ------------------------------------------------------------

    def forecast(
        self, horizon: int, series: Series | None = None, jit_compile: bool = True
    ) -> pd.DataFrame:
        """Forecasts `horizon` steps after the end of the observed data.

        Args:
            horizon: steps to forecast, at least 1.
            series: continue from the end of this series instead (it must
                have the columns the model was trained on).
            jit_compile: compile the rollout with XLA: slower to compile, faster
                to run again (see `tsconv.rollout.compiled_rollout`).

        Returns:
            A `DataFrame` with one column named after the target, indexed by
            the future timestamps (at the series' frequency).

        Raises:
            InputError: for a bad horizon, too short a series, or other columns.
        """
        self._check_fitted()
        check_horizon(horizon)
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
        scaled = encode(self.transform_, self.scaler_, levels)  # (rows - 1, channels)
        context = last_window(scaled, self.window)  # (window, channels)
        path = compiled_rollout(
            self.model_, context, horizon, cache=self._rollouts(), jit_compile=jit_compile
        )
        changes = path * self.scaler_.scale_[0] + self.scaler_.mean_[0]
        values = transforms.integrate(self.transform_, changes[None], levels[-1:, 0])[0]
        if self.data_["features"] and horizon > 1:
            logger.warning(
                "features %s have no forecast of their own; held at their last values",
                self.data_["features"],
            )
        index = future_index(frame.index[-1], self.data_["freq"], horizon)
        index.name = frame.index.name
        return pd.DataFrame({self.data_["target"]: values}, index=index)

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

    # --- save / load -----------------------------------------------------------

    def save(self, path: str | os.PathLike) -> Path:
        """Writes a run directory at `path` (atomically; it must not exist).

        It holds `model.keras`, `config.json` (settings, scaler, data facts,
        versions), `history.csv`, `metrics.json`, `predictions.csv`,
        `context.csv`, `fit.png` and `manifest.json` (checksums, written last).
        """
        self._check_fitted()
        return runs.write_run_dir(path, self.write_files)

    def write_files(self, folder: Path) -> None:
        """Writes the run's files into `folder` (used by `save` and `runs.publish`)."""
        self._check_fitted()
        self.model_.save(folder / runs.MODEL)
        runs.write_json(folder / runs.CONFIG, self.config())
        runs.write_json(folder / "metrics.json", self.metrics_)
        self.history_.to_csv(folder / "history.csv")
        self.predictions_.to_csv(folder / "predictions.csv")
        self.context_.to_csv(folder / "context.csv")
        plot_fit(self.history_, self.predictions_, folder / "fit.png")

    def config(self) -> dict:
        """The run's JSON config: everything needed to reuse the model, in plain types."""
        return {
            "format": runs.FORMAT,
            "versions": _versions(),
            "tsconv_version": _versions()["tsconv"],
            "window": self.window,
            "model": self.model,
            "model_options": self.model_options,
            "objective": self.objective,
            "season": self.season_,
            "transform": self.transform_,
            "scaler": self.scaler_.to_dict(),
            "data": self.data_,
            "training": {
                "loss": self.loss,
                "epochs": self.epochs,
                "batch_size": self.batch_size,
                "patience": self.patience,
                "learning_rate": self.learning_rate,
                "seed": self.seed,
                "val_fraction": self.val_fraction,
                "test_fraction": self.test_fraction,
                **self.training_,
            },
        }

    @classmethod
    def _from_config(cls, config: dict) -> Forecaster:
        t = config["training"]
        fc = cls(
            window=config["window"],
            model=config["model"],
            transform=config["transform"],
            loss=t["loss"],
            epochs=t["epochs"],
            batch_size=t["batch_size"],
            patience=t["patience"],
            learning_rate=t["learning_rate"],
            seed=t["seed"],
            val_fraction=t["val_fraction"],
            test_fraction=t["test_fraction"],
            model_options=config["model_options"],
            objective=config["objective"],
            season=config["season"],
        )
        fc.season_ = config["season"]
        fc.transform_ = config["transform"]
        fc.scaler_ = StandardScaler.from_dict(config["scaler"])
        fc.data_ = config["data"]
        fc.training_ = {k: t[k] for k in TRAINING_FACTS}
        return fc

    @classmethod
    def load(cls, path: str | os.PathLike) -> Forecaster:
        """Loads a run directory written by `save` (checked by manifest, `safe_mode=True`).

        Raises:
            RunError: for a missing, incomplete, corrupt or incompatible run.
        """
        path = Path(path)
        config = runs.read_run_dir(path)
        try:
            fc = cls._from_config(config)
        except (KeyError, TypeError, ValueError) as exc:
            raise RunError(
                f"run {path} has a malformed config.json ({exc!r}); fit it again."
            ) from None
        fc.metrics_ = runs.read_json(path / "metrics.json")
        fc.history_ = pd.read_csv(path / "history.csv", index_col=0)
        fc.predictions_ = _read_timed_csv(path / "predictions.csv", config["data"])
        fc.context_ = _read_timed_csv(path / "context.csv", config["data"])
        fc.model_ = runs.load_model(path)
        return fc


def _read_timed_csv(path: Path, data: dict) -> pd.DataFrame:
    frame = pd.read_csv(path, index_col=0)
    if data.get("time_column") is not None:
        frame.index = pd.DatetimeIndex(pd.to_datetime(frame.index), name=data["time_column"])
    return frame


def _versions() -> dict:
    versions = {"keras": keras.__version__, "backend": keras.backend.backend()}
    for package in ("tsconv", "tensorflow", "numpy", "pandas"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return versions
