"""`Forecaster`: fit a Keras forecaster on one series or many, forecast, save and load.

The data path of `fit`, in order: every series → window, target transform
(changes), its own chronological split and scaler fitted on its training
rows, zero-copy windows of all series served as one set (`fit_inputs`) → one
Keras model, trained by `fitting.train_model` (or, with `warm_start`, the
previous fit's model trained on) → one-step predictions of each series,
scored in levels against the naive forecast (`scoring`). The
future (rollout, sampling, streaming) is `forecasting_mixin`; the run files `files`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from tsconv.data.covariates import resolve_calendar
from tsconv.data.known_inputs import check_country, check_future_features
from tsconv.data.panel import Panel, load_series_or_panel
from tsconv.data.series import Series, check_series
from tsconv.errors import InputError
from tsconv.forecasters.files import forecaster_config, read_forecaster, write_forecaster_files
from tsconv.forecasters.fit_inputs import describe_inputs, prepare_inputs
from tsconv.forecasters.fitting import can_continue, set_initial_weights, train_model
from tsconv.forecasters.forecasting_mixin import ForecastingMixin
from tsconv.forecasters.options import (
    check_model,
    check_season,
    check_strategy,
    check_transform,
    resolve_output_steps,
    training_loss,
)
from tsconv.forecasters.scoring import heldout_residuals, score_one_step
from tsconv.metrics import mae_ratio
from tsconv.models import BASELINES, MODELS, build_model
from tsconv.preprocessing.window_choice import check_window_option
from tsconv.runs import run_dir
from tsconv.training.engine import (
    check_engine_options,
    distribution_scope,
    make_distribution_strategy,
    policy_scope,
    replicas,
    resolve_engine,
    set_determinism,
)
from tsconv.training.loop import check_training_options

logger = logging.getLogger(__name__)


class Forecaster(ForecastingMixin):
    """Windows one series or many, trains one Keras forecaster and forecasts the future.

    Given a `Series`, it fits and forecasts that series. Given a `Panel`
    (many series in one file), one model learns from the windows of every
    series, each transformed and scaled with its own training statistics, so
    series of any level share the model; a series too short for the window
    and splits is skipped (the count is logged). Every method works for both:
    forecasts of a panel come in long format, and the per-series methods
    (`trajectories`, `sample_paths`, `stream`) take `series_id`.

    Args:
        window: observed steps per forecast ("observe 100, predict 101"), or
            `"auto"`: two of the longest season the training rows support, at
            least 100 steps, at most what the series allows
            (`tsconv.preprocessing.window_choice`).
        model: model name, one of `tsconv.models.MODELS`: `"conv"`, `"tcn"`,
            `"transformer"`, or a baseline: `"naive"`, `"seasonal-naive"`,
            `"drift"`, `"linear"` (baselines need no training loop; the rule
            baselines are per-series by nature and fit one series only).
        transform: `"auto"`, `"none"`, `"diff"` or `"log-return"`; the model
            predicts the transformed target and forecasts are turned back into
            levels. `"auto"` is log-return when every series is positive, else diff.
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
        season: season length(s) in steps (`48` or `[48, 336]`; the first is
            seasonal naive's); default: for `"seasonal-naive"`, the season the
            training rows support among the frequency's (24 and 168 for hours,
            5 for business days, 52 for weeks, 12 for months, …) or found in
            them (`tsconv.data.seasons.find_seasons`).
        strategy: `"auto"` (default), `"recursive"` (forecast one step, feed it
            back) or `"direct"` (the model forecasts `output_steps` at once;
            neural models with a point head). `auto` is direct for those when
            `output_steps` fit the validation and test periods, else
            recursive (`strategy_`, `strategy_reason_`); measured in
            `benchmarks/results/heads_and_normalization_*.md`.
        output_steps: target steps per model call: 1 for the recursive
            strategy; for the direct one (and auto), default 30 (a backtest:
            its horizon). Longer horizons roll out that many steps at a time.
        verbose: Keras progress display during training (0 silent, 1 bar, 2 per epoch).
        device: `"auto"` (a GPU when TensorFlow sees one), `"cpu"` or `"gpu"`.
        precision: `"float32"` or `"mixed"` (float16 on GPUs, bfloat16 on CPUs,
            float32 weights and output layer; see `tsconv.training.engine`).
        jit: XLA compilation of the training step; None: what measured faster
            (see `tsconv.training.engine.default_jit`).
        deterministic: TensorFlow's op determinism: with the same seed and data,
            bit-identical weights on a CPU. Turns XLA off.
        distribute: the distribution strategy: `"none"`, `"mirrored"` (all
            local GPUs, or the CPU's logical devices) or `"multiworker"` (the
            cluster in `TF_CONFIG`; every worker runs the same fit); TensorFlow only.
        calendar: calendar features known in advance, as extra input channels:
            None (the default: the Fourier terms of the seasons the training rows
            confirm when the longest is longer than the window, which cannot see
            it; else none), `"none"`, `"auto"` (Fourier terms of the given `season`s, else
            of the frequency's calendar seasons seen twice in the data: 48 and
            336 for half-hours, 7 and 365 for days, 12 for months, …) or season
            lengths (`[48, 336]`). Each window's rows carry the features of the
            step they forecast, and so does every step of a rollout (see
            `tsconv.data.covariates`).
        future_features: feature columns known in advance (a planned price, a
            promotion): each window's rows carry their values at the step they
            forecast, and a forecast needs their values at every step
            (`forecast(..., future=frame)`); the other features are past-only
            (held at their last value when forecasting).
        holidays: a country code of the `holidays` package (`"US"`, `"GB"`, …):
            a known-in-advance flag of its public holidays (daily or finer data).
        warm_start: when fitted again (a backtest's next fold), start from the
            weights of the previous fit, as scikit-learn's `warm_start`: the
            scalers are refitted on the new history, the optimizer and dropout
            seeds restart, and the compiled training step is reused (no tracing
            or XLA compile again). Needs the same channels and one device; else
            the fit starts cold (logged).

    Attributes (after `fit` or `load`):
        model_: the trained `keras.Model`.
        scalers_: the `StandardScaler` of each series (fitted on its training rows), by id.
        scaler_: the scaler, when the forecaster was fitted on one series.
        window_: the window fitted with (`window`, or what `"auto"` chose).
        window_reason_: why (`"given"`, or the seasons `"auto"` followed).
        transform_: the resolved transform name.
        transform_reason_: why (`--transform auto` tests the training rows for stationarity).
        calendar_: the seasons with calendar features (empty: none).
        future_features_: the known-in-advance feature columns (channels after
            the past-only features, before the calendar's).
        holidays_: the country whose public holidays are flagged (None: none).
        seasons_: each series' `Seasons`, found in its training rows (after `fit`;
            a run records them in `data_["seasons"]`).
        skipped_: ids of the series too short to train on (a panel's).
        metrics_: one-step errors of the model and of the naive forecast per
            split; for many series, per series and a summary
            (`mae_ratio_mean`, `mae_ratio_median`, `beats_naive`).
        history_: per-epoch losses as a `DataFrame`.
        predictions_: one-step validation and test predictions, in levels
            (long format, the id column first, for many series).
        context_: the last rows of every observed series (forecasts start after them).
        residuals_: one-step validation errors in scaled units (the bootstrap of
            `sample_paths` for point heads).
        engine_: where and how it trained, an `Engine`.

    Example:
    >>> series = tsconv.load_csv("datasets/msft.csv")
    >>> fc = tsconv.Forecaster(window=100, epochs=5).fit(series)
    >>> fc.forecast(horizon=30).shape  # 30 business days after 2017-11-10
    (30, 1)
    >>> panel = tsconv.load_panel_csv("datasets/us_macro_long.csv")
    >>> tsconv.Forecaster(window=40, model="tcn", epochs=5).fit(panel).forecast(8).shape
    (80, 3)
    """

    def __init__(
        self,
        window: int | str = 100,
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
        season: int | Sequence[int] | None = None,
        strategy: str = "auto",
        output_steps: int | None = None,
        verbose: int = 0,
        device: str = "auto",
        precision: str = "float32",
        jit: bool | None = None,
        deterministic: bool = False,
        distribute: str = "none",
        warm_start: bool = False,
        calendar: str | Sequence[int] | None = None,
        future_features: Sequence[str] | None = None,
        holidays: str | None = None,
    ):
        check_window_option(window)
        check_engine_options(device, precision, jit, deterministic, distribute)
        model_options = dict(model_options or {})
        check_model(model, model_options, objective)
        check_season(season)
        resolve_calendar(calendar, season, None, 0)  # checks the setting
        future_features = check_future_features(future_features, future_features or [])
        holidays = check_country(holidays)
        check_transform(transform)
        output_steps = resolve_output_steps(strategy, output_steps)
        check_strategy(model, strategy, output_steps, objective, model_options)
        check_training_options(
            training_loss(loss, model_options),
            epochs,
            batch_size,
            patience,
            learning_rate,
            objective,
        )
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
        self.model_options = model_options
        self.objective = objective
        self.season = season
        self.strategy = strategy
        self.output_steps = output_steps
        self.verbose = verbose
        self.device = device
        self.precision = precision
        self.jit = jit
        self.deterministic = deterministic
        self.distribute = distribute
        self.warm_start = warm_start
        self.calendar = calendar
        self.future_features = future_features
        self.holidays = holidays

    @property
    def training_loss(self) -> str:
        """The loss the model trains with: `loss`, or the head's negative log-likelihood."""
        return training_loss(self.loss, self.model_options)

    @property
    def keras_model(self) -> keras.Model:
        """The trained `keras.Model` (the same object as `model_`)."""
        self._check_fitted()
        return self.model_

    @property
    def scaler_(self):
        """The scaler of a forecaster fitted on one series (see `scalers_` for many)."""
        self._check_fitted()
        if len(self.scalers_) != 1:
            raise AttributeError(
                f"this forecaster has {len(self.scalers_)} series, each with its own scaler: "
                "use scalers_[series_id]."
            )
        return next(iter(self.scalers_.values()))

    # --- fit -----------------------------------------------------------------

    def fit(
        self,
        data: Series | Panel | pd.DataFrame | pd.Series | np.ndarray,
        backup_dir: str | os.PathLike | None = None,
        initial_weights: list[np.ndarray] | None = None,
    ) -> Forecaster:
        """Trains on one series or a panel (chronological train / validation / test) and scores it.

        Args:
            data: a `Series` (see `tsconv.load_csv`) or a `Panel` of many
                series (see `tsconv.load_panel_csv`); or what `load_csv` reads
                (a pandas `DataFrame`, or `Series` with a `DatetimeIndex`, a NumPy
                array, a CSV path or file object), read with its defaults.
            backup_dir: a folder where training backs up after every epoch and
                resumes from when it holds a backup (see `tsconv.training.resume`).
            initial_weights: weights to start training from, as another fit's
                `model_.get_weights()` gives them (same model and channels); the
                optimizer and dropout seeds start afresh, as in a `warm_start` refit.

        Returns:
            `self`, fitted.

        Raises:
            InputError: when the series is too short for the window (for a
                panel: every series), the transform does not suit it, the
                model is a per-series rule and the panel holds many series, or
                `initial_weights` do not fit the model.

        Example:
        >>> fc = Forecaster(window=20, epochs=2).fit(tsconv.load_csv("prices.csv"))
        >>> fc.metrics_["test"]["model"]["mae"] > 0
        True
        """
        if backup_dir is not None and self.distribute == "multiworker":
            raise InputError("backups and --resume do not cover --distribute multiworker yet.")
        if not isinstance(data, (Series, Panel)):  # a DataFrame, Series, array or file
            data = load_series_or_panel(data)
        for one in [data] if isinstance(data, Series) else data.series.values():
            check_series(one)
        # Sets the data's fitted attributes (window_, transform_, scalers_, seasons_, ...).
        inputs = prepare_inputs(self, data)
        prepared, splits, channels = inputs.prepared, inputs.splits, inputs.channels
        # Baselines compute in closed form on scaled values: half precision buys nothing.
        precision = "float32" if self.model in BASELINES else self.precision
        engine = resolve_engine(
            self.device,
            precision,
            self.jit,
            self.deterministic,
            self.distribute,
            self.seed,
            self.batch_size,
        )
        set_determinism(self.seed, self.deterministic)
        warm = can_continue(self, channels, engine)
        if warm:  # the previous fit's model: its weights and its compiled training step
            distribution = None
        else:
            if self.warm_start and getattr(self, "model_", None) is not None:
                logger.info("warm start not possible (other channels or devices): a cold fit")
            distribution = make_distribution_strategy(self.distribute)  # tf.distribute, or None
            with distribution_scope(distribution), policy_scope(engine.dtype_policy):
                self.model_ = self._build(channels)
            if initial_weights is not None:
                set_initial_weights(self.model_, initial_weights, self.model)
                warm = True
            self.engine_ = dataclasses.replace(engine, replicas=replicas(distribution))
        self.history_, self.training_ = train_model(self, splits, distribution, backup_dir, warm)
        self.training_["series"] = len(prepared)
        self.training_["skipped_series"] = len(self.skipped_)
        if distribution is not None:
            # Score and save a plain copy: predicting under a multi-worker strategy
            # would need every worker in step, and the run should load anywhere.
            with policy_scope(self.engine_.dtype_policy):
                plain = self._build(channels)
            plain.set_weights(self.model_.get_weights())
            self.model_ = plain
        primary = {sid: found.primary for sid, found in self.seasons_.items()}
        self.metrics_, self.predictions_ = score_one_step(
            self.model_, prepared, splits, inputs.panel, primary
        )
        self.residuals_ = heldout_residuals(self.model_, splits["validation"])
        self.data_, self.context_ = describe_inputs(inputs, self.seasons_, self.window_)
        if inputs.panel.many:
            logger.info(
                "test MAE model / naive: mean %.3f over %d series",
                mae_ratio(self.metrics_),
                len(prepared),
            )
        else:
            logger.info("test MAE model / naive = %.3f", mae_ratio(self.metrics_))
        return self

    def _build(self, num_features: int) -> keras.Model:
        options = dict(self.model_options)
        if MODELS[self.model].needs_scaler:  # rule baselines: one series, one scaler
            (scaler,) = self.scalers_.values()
            options.update(
                transform=self.transform_,
                target_mean=float(scaler.mean_[0]),
                target_scale=float(scaler.scale_[0]),
                season=self.season_ or 1,
            )
        if self.strategy_ == "direct":
            options["output_steps"] = self.output_steps_
        try:
            return build_model(self.model, self.window_, num_features, **options)
        except (ValueError, TypeError) as exc:
            raise InputError(f"invalid model option: {exc}") from None

    # --- save / load (the files: tsconv.forecasters.files) -----------------------

    def save(self, path: str | os.PathLike) -> Path:
        """Writes a run directory at `path` (atomically; it must not exist).

        It holds `model.keras`, `config.json` (settings, scalers, data facts,
        versions), `history.csv`, `metrics.json`, `predictions.csv`,
        `context.csv`, `residuals.json`, `fit.png` and `manifest.json`
        (checksums, written last).

        Example:
        >>> fc.save("runs/msft")
        PosixPath('runs/msft')
        """
        self._check_fitted()
        return run_dir.write_run_dir(path, self.write_files)

    def write_files(self, folder: Path) -> None:
        """Writes the run's files into `folder` (used by `save` and `runs.publish`)."""
        self._check_fitted()
        write_forecaster_files(self, folder)

    def config(self) -> dict:
        """The run's JSON config: everything needed to reuse the model, in plain types."""
        self._check_fitted()
        return forecaster_config(self)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Forecaster:
        """Loads a run directory written by `save` (checked by manifest, `safe_mode=True`).

        Raises:
            RunError: for a missing, incomplete, corrupt or incompatible run.

        Example:
        >>> Forecaster.load("runs/msft").forecast(30).shape
        (30, 1)
        """
        return read_forecaster(path, cls)


# A `Forecaster` fitted on a `Panel`: the same class (kept for code written for it).
GlobalForecaster = Forecaster
