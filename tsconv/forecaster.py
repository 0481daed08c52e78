"""`Forecaster`: fit a Keras forecaster on a `Series`, forecast, save and load.

The data path, in order: levels → target transform (changes) → scaler fitted
on the training rows → zero-copy windows → Keras model → one-step
predictions, scored in levels against the naive forecast. The future (rollout,
sampling, streaming) is `tsconv.forecasting`; the run files `tsconv.forecaster_files`.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from tsconv import runs, transforms
from tsconv.calendar import infer_season
from tsconv.data import Series
from tsconv.distribute import (
    Engine,
    dtype_policy,
    make_strategy,
    policy_scope,
    replicas,
    select_device,
    set_determinism,
    strategy_scope,
)
from tsconv.errors import InputError
from tsconv.evaluation import mae_ratio, score_one_step
from tsconv.forecaster_files import forecaster_config, read_forecaster, write_forecaster_files
from tsconv.forecasting import ForecastingMixin
from tsconv.layers.distribution_head import DISTRIBUTIONS, NLL_LOSSES
from tsconv.models import BASELINES, MODELS, build_model, check_model_options
from tsconv.preparation import prepare
from tsconv.sampling import (
    heldout_residuals,
)
from tsconv.strategy import check_strategy
from tsconv.training import check_training_options, default_jit, train
from tsconv.windowing import check_window

logger = logging.getLogger(__name__)

# Rows of the observed series kept with the model: enough to forecast (window + 1)
# and to draw some history in front of a forecast.
CONTEXT_ROWS = 500


class Forecaster(ForecastingMixin):
    """Windows a series, trains a Keras forecaster and forecasts the future.

    Args:
        window: observed steps per forecast ("observe 100, predict 101").
        model: model name, one of `tsconv.models.MODELS`: `"conv"`, `"tcn"`,
            `"transformer"`, or a baseline: `"naive"`, `"seasonal-naive"`,
            `"drift"`, `"linear"` (baselines need no training loop).
        transform: `"auto"`, `"none"`, `"diff"` or `"log-return"`; the model
            predicts the transformed target and forecasts are turned back into
            levels. `"auto"` is log-return for positive series, else diff.
        loss: `"mse"` (default for a point head), `"mae"` or `"huber"`. A
            distribution head (`model_options={"distribution": "gaussian"}`)
            is always trained by its negative log-likelihood.
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
        strategy: `"recursive"` (forecast one step, feed it back) or `"direct"`
            (the model forecasts `direct_steps` at once; neural models only).
        direct_steps: steps per model call with the direct strategy; longer
            horizons roll out that many steps at a time.
        verbose: Keras progress display during training (0 silent, 1 bar, 2 per epoch).
        device: `"auto"` (a GPU when TensorFlow sees one), `"cpu"` or `"gpu"`.
        precision: `"float32"` or `"mixed"` (float16 on GPUs, bfloat16 on CPUs,
            float32 weights and output layer; see `tsconv.distribute.Engine`).
        jit: XLA compilation of the training step; None: what measured faster
            (see `tsconv.training.default_jit`).
        deterministic: TensorFlow's op determinism: with the same seed and data,
            bit-identical weights on a CPU. Turns XLA off.
        distribute: `"none"`, `"mirrored"` (all local GPUs, or the CPU's logical
            devices) or `"multiworker"` (the cluster in `TF_CONFIG`; every worker
            runs the same fit); TensorFlow backend only.

    Attributes (after `fit` or `load`):
        model_: the trained `keras.Model`.
        scaler_: the `StandardScaler` fitted on the training rows.
        transform_: the resolved transform name.
        metrics_: one-step errors of the model and of the naive forecast per split.
        history_: per-epoch losses as a `DataFrame`.
        predictions_: one-step validation and test predictions, in levels.
        context_: the last rows of the observed series (the forecast starts after them).
        residuals_: one-step validation errors in scaled units (the bootstrap of
            `sample_paths` for point heads).
        engine_: where and how it trained: device, precision, XLA, determinism,
            distribution and replicas.

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
        loss: str | None = None,
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
        strategy: str = "recursive",
        direct_steps: int = 30,
        verbose: int = 0,
        device: str = "auto",
        precision: str = "float32",
        jit: bool | None = None,
        deterministic: bool = False,
        distribute: str = "none",
    ):
        check_window(window)
        Engine(device, precision, jit, deterministic, distribute)  # validates the choices
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
        check_strategy(model, strategy, direct_steps, objective, model_options or {})
        self.model_options = dict(model_options or {})
        self.loss = loss
        check_training_options(
            self.training_loss, epochs, batch_size, patience, learning_rate, objective
        )
        self.window = window
        self.model = model
        self.transform = transform
        self.epochs = epochs
        self.batch_size = batch_size
        self.patience = patience
        self.learning_rate = learning_rate
        self.seed = seed
        self.val_fraction = val_fraction
        self.test_fraction = test_fraction
        self.objective = objective
        self.season = season
        self.strategy = strategy
        self.direct_steps = direct_steps
        self.verbose = verbose
        self.device = device
        self.precision = precision
        self.jit = jit
        self.deterministic = deterministic
        self.distribute = distribute

    @property
    def output_steps(self) -> int:
        """Steps the model forecasts per call: `direct_steps` for the direct strategy, else 1."""
        return self.direct_steps if self.strategy == "direct" else 1

    @property
    def training_loss(self) -> str:
        """The loss the model trains with: `loss`, or the head's negative log-likelihood."""
        distribution = self.model_options.get("distribution", "point")
        if distribution == "point":
            return self.loss or "mse"
        if distribution not in NLL_LOSSES:
            raise InputError(
                f"unknown distribution {distribution!r}; use one of {list(DISTRIBUTIONS)}."
            )
        nll = NLL_LOSSES[distribution]
        if self.loss not in (None, nll):
            raise InputError(
                f"a {distribution} head is trained by its negative log-likelihood; leave the "
                f"loss out. Received: loss={self.loss!r}"
            )
        return nll

    @property
    def keras_model(self) -> keras.Model:
        """The trained `keras.Model` (the same object as `model_`)."""
        self._check_fitted()
        return self.model_

    # --- fit -----------------------------------------------------------------

    def fit(self, series: Series, backup_dir: str | os.PathLike | None = None) -> Forecaster:
        """Trains on `series` (chronological train / validation / test) and scores it.

        Args:
            series: the data (see `tsconv.load_csv`).
            backup_dir: a folder where training backs up after every epoch and
                resumes from when it holds a backup (see `tsconv.resume`).

        Returns:
            `self`, fitted.

        Raises:
            InputError: when the series is too short for the window, or the
                transform does not suit it.
        """
        levels = series.values  # (rows, channels)
        data = prepare(
            levels,
            self.window,
            self.transform,
            self.val_fraction,
            self.test_fraction,
            horizon=self.output_steps,
            season=self.season or infer_season(series.freq),
        )
        self.transform_, self.scaler_ = data.transform, data.scaler
        self.season_ = self._resolve_season(series.freq)
        if backup_dir is not None and self.distribute == "multiworker":
            raise InputError("backups and --resume do not cover --distribute multiworker yet.")
        engine = self._engine()
        set_determinism(self.seed, self.deterministic)
        strategy = make_strategy(self.distribute)
        with strategy_scope(strategy), policy_scope(engine["dtype_policy"]):
            self.model_ = self._build(levels.shape[1])
        engine["replicas"] = replicas(strategy)
        self.engine_ = engine
        self._train(data.splits, strategy, backup_dir)
        if strategy is not None:
            # Score and save a plain copy: predicting under a multi-worker strategy
            # would need every worker in step, and the run should load anywhere.
            with policy_scope(engine["dtype_policy"]):
                plain = self._build(levels.shape[1])
            plain.set_weights(self.model_.get_weights())
            self.model_ = plain
        self.metrics_, self.predictions_ = score_one_step(self.model_, data, series.index)
        self.residuals_ = heldout_residuals(self.model_, data.splits["validation"])
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
            # Where a rollout counts as running away (tsconv.rollout_guard).
            "scaled_target_max": float(np.abs(data.splits["train"].targets).max()),
        }
        self.context_ = series.frame.iloc[-CONTEXT_ROWS:].copy()
        logger.info("test MAE model / naive = %.3f", mae_ratio(self.metrics_))
        return self

    @property
    def _precision(self) -> str:
        # Baselines compute in closed form on scaled values: half precision buys nothing.
        return "float32" if self.model in BASELINES else self.precision

    def _jit(self, device: str) -> bool:
        # TensorFlow's op determinism rules XLA out (Keras would fall back with a warning).
        # Under a strategy XLA is opt-in: a function compiled for one device cannot read
        # the replicas' variables on the CPU's logical devices (XLA's known issues).
        if self.deterministic or self.distribute == "multiworker":  # its loop runs without XLA
            return False
        if self.distribute != "none" or self.jit is not None:
            return bool(self.jit)
        return default_jit(self.batch_size, device)

    def _engine(self) -> dict:
        """Applies the device choice and describes the engine (for the run's config)."""
        device = select_device(self.device)
        return {
            "device": device,
            "requested_device": self.device,
            "precision": self._precision,
            "dtype_policy": dtype_policy(self._precision, device),
            "jit": self._jit(device),
            "deterministic": self.deterministic,
            "distribute": self.distribute,
            "seed": self.seed,
        }

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
        if self.strategy == "direct":
            options["output_steps"] = self.direct_steps
        try:
            return build_model(self.model, self.window, num_features, **options)
        except (ValueError, TypeError) as exc:
            raise InputError(f"invalid model option: {exc}") from None

    def _train(self, splits: dict, strategy=None, backup_dir=None) -> None:
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
        policy = {  # the training policy both loops share
            "loss": self.training_loss,
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "patience": self.patience,
            "learning_rate": self.learning_rate,
            "seed": self.seed,
            "objective": self.objective,
        }
        if getattr(self.model_, "fits_closed_form", False):
            self.model_.fit_closed_form(splits["train"])
        elif self.model_.trainable_weights and self.distribute == "multiworker":
            from tsconv.multiworker_training import train_multiworker  # TensorFlow only

            history = train_multiworker(
                self.model_, splits["train"], splits["validation"], strategy, **policy
            ).history
        elif self.model_.trainable_weights:
            history = train(
                self.model_,
                splits["train"],
                splits["validation"],
                **policy,
                verbose=self.verbose,
                jit=self.engine_["jit"],
                strategy=strategy,
                backup_dir=backup_dir,
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

    # --- save / load (the files: tsconv.forecaster_files) ------------------------

    def save(self, path: str | os.PathLike) -> Path:
        """Writes a run directory at `path` (atomically; it must not exist).

        It holds `model.keras`, `config.json` (settings, scaler, data facts,
        versions), `history.csv`, `metrics.json`, `predictions.csv`,
        `context.csv`, `residuals.json`, `fit.png` and `manifest.json`
        (checksums, written last).
        """
        self._check_fitted()
        return runs.write_run_dir(path, self.write_files)

    def write_files(self, folder: Path) -> None:
        """Writes the run's files into `folder` (used by `save` and `runs.publish`)."""
        self._check_fitted()
        write_forecaster_files(self, folder)

    def config(self) -> dict:
        """The run's JSON config: everything needed to reuse the model, in plain types."""
        return forecaster_config(self)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Forecaster:
        """Loads a run directory written by `save` (checked by manifest, `safe_mode=True`).

        Raises:
            RunError: for a missing, incomplete, corrupt or incompatible run.
        """
        return read_forecaster(cls, path)
