"""Rolling-origin backtests: refit at each origin, forecast by rollout, score every fold.

The data path of one fold: the series → the rows before the origin
(`observed_until`, the only truncation) → fit (the scaler refitted on that
history's training part inside `Forecaster.fit`) → `horizon`-step rollout →
scores against the rows after the origin, beside the textbook naive,
seasonal-naive and drift forecasts from the same history.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tsconv import folds as fold_rule
from tsconv import metrics
from tsconv.calendar import infer_season
from tsconv.classical import CLASSICAL, classical_forecast
from tsconv.data import Series
from tsconv.diagnostics import LATE_CORRELATION, best_lag, is_flat
from tsconv.errors import InputError
from tsconv.forecaster import Forecaster
from tsconv.leakage_audit import leakage_audit
from tsconv.models import MODELS
from tsconv.sampling import DEFAULT_QUANTILES, check_sampling

logger = logging.getLogger(__name__)

# The central interval whose coverage is scored: 5 % to 95 %.
INTERVAL = (0.05, 0.95)
DEFAULT_SAMPLES = 100
POINT_METRICS = ("mase", "smape", "mae", "rmse", "mape")
PROBABILISTIC_METRICS = ("crps", "pinball", "coverage")


class _ClassicalMethod:
    """A textbook reference: nothing to fit."""

    def __init__(self, name: str, season: int | None):
        self.name, self.season = name, season

    def fit(self, history: Series) -> None:
        pass

    def fresh(self) -> _ClassicalMethod:
        return self

    def forecast(self, history: Series, horizon: int, samples: int, seed: int):
        return classical_forecast(self.name, history.values[:, 0], horizon, self.season), None


class _ForecasterMethod:
    """A tsconv `Forecaster` (a neural model or `linear`), refitted by `fit`."""

    def __init__(self, name: str, options: dict):
        self.name = name
        self.options = options
        self.forecaster: Forecaster | None = None

    def fit(self, history: Series) -> None:
        self.forecaster = Forecaster(model=self.name, **self.options).fit(history)

    def fresh(self) -> _ForecasterMethod:
        """An unfitted copy (the leakage audit refits one without touching this)."""
        return _ForecasterMethod(self.name, self.options)

    def forecast(self, history: Series, horizon: int, samples: int, seed: int):
        # One-shot rollouts of a fresh model: compiling with XLA costs more than it saves.
        _, paths = self.forecaster.trajectories(
            horizon, history, samples=samples, seed=seed, jit_compile=False
        )
        return paths[0], (paths[1:] if samples else None)


@dataclass
class BacktestResult:
    """Everything a backtest measured.

    Attributes:
        scores: one row per model and fold: `model`, `fold`, `origin` (the
            first forecast time), `mase`, `smape`, `mae`, `rmse`, `mape`, and for
            sampled models `crps`, `pinball`, `coverage` (of the 5-95 % interval).
        forecasts: one row per model, fold and step: `model`, `fold`, `time`,
            `step`, `actual`, `forecast`, and `q0.05`, `q0.95` where sampled.
        horizon, folds, refit: the settings.
        seconds: wall time per model (fit and forecast over all folds).
        notes: degenerate-forecast diagnostics, in words.
        audit: the leakage audit's findings, or None when not run.
        history: the observed target before the first origin (for plots).

    Example:
    >>> result = run_backtest(load_csv("datasets/msft.csv"), ["naive", "linear"], horizon=30)
    >>> result.table().index.tolist()  # models, best first
    """

    scores: pd.DataFrame
    forecasts: pd.DataFrame
    horizon: int
    folds: int
    refit: bool
    seconds: dict[str, float]
    notes: list[str] = field(default_factory=list)
    audit: dict | None = None
    history: pd.Series | None = None

    def table(self) -> pd.DataFrame:
        """Per model: mean and standard deviation over folds of each metric, best MASE first.

        Columns are `(metric, "mean" | "std")`; a `mase/naive` column divides
        each model's mean MASE by the naive forecast's.
        """
        measured = [m for m in (*POINT_METRICS, *PROBABILISTIC_METRICS) if m in self.scores]
        grouped = self.scores.groupby("model", sort=False)[measured]
        table = pd.concat({"mean": grouped.mean(), "std": grouped.std(ddof=0)}, axis=1)
        table = table.swaplevel(axis=1)[[(m, s) for m in measured for s in ("mean", "std")]]
        naive = table.loc["naive", ("mase", "mean")] if "naive" in table.index else np.nan
        table[("mase/naive", "")] = table[("mase", "mean")] / naive
        table[("seconds", "")] = [self.seconds.get(m, np.nan) for m in table.index]
        return table.sort_values(("mase", "mean"))


def run_backtest(
    series: Series,
    models: Sequence[str],
    horizon: int,
    folds: int = 5,
    *,
    refit: bool = True,
    step: int | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    season: int | None = None,
    audit: bool = False,
    progress: Callable[[str], None] | None = None,
    **forecaster_options,
) -> BacktestResult:
    """Backtests models by rolling origin, always beside naive, seasonal naive and drift.

    At each origin (see `fold_origins`) every model is refitted on the rows
    before it (with `refit=False`, fitted once at the first origin and reused)
    and rolls out `horizon` steps; the textbook references forecast from the
    same rows. MASE is scaled by the one-step naive error of those rows.

    Args:
        series: the whole series (the truth after each origin is read from it).
        models: tsconv model names (`tsconv.models.MODELS`); `naive`,
            `seasonal-naive` and `drift` are the textbook forecasts, always added.
        horizon: steps forecast at each origin.
        folds: number of origins.
        refit: refit at every origin (the scaler too) or reuse the first fit.
        step: rows between origins (default `horizon`: folds do not overlap).
        samples: sampled trajectories per fold for the probabilistic scores
            (tsconv models only; 0 for none).
        seed: seeds the sampling, and the models' training unless
            `forecaster_options` has its own `seed`.
        season: season length of seasonal naive; default: from the frequency
            (seasonal naive is left out when there is none).
        audit: also run the leakage audit (`leakage_audit`): it refits each fold
            once more, so it doubles the cost.
        progress: called with a line of text after each fold of each model.
        **forecaster_options: `Forecaster` arguments shared by the tsconv models
            (`window`, `epochs`, …).

    Returns:
        A `BacktestResult`.

    Raises:
        InputError: for an unknown model, bad settings, or too short a history at the
            first origin (with the numbers).

    Example:
    >>> result = run_backtest(series, ["tcn"], horizon=30, folds=5)
    >>> result.table().loc["tcn", ("mase/naive", "")]  # below 1: better than naive
    """
    check_sampling(samples, 1.0, None)
    forecaster_options.setdefault("seed", seed)
    methods = _methods(models, series, season, forecaster_options)
    origins = fold_rule.fold_origins(len(series), horizon, folds, step)
    rows, paths_by_model, seconds = [], {}, {}
    for method in methods:
        started = time.perf_counter()
        fitted = []
        for k, origin in enumerate(origins):
            history = fold_rule.observed_until(series, int(origin))
            if refit or k == 0:
                _fit(method, history, k, folds)
            point, paths = method.forecast(history, horizon, samples, seed + k)
            fitted.append((point, paths))
            if progress is not None and method.name not in CLASSICAL:
                progress(f"{method.name}: fold {k + 1}/{folds} done")
        seconds[method.name] = round(time.perf_counter() - started, 2)
        paths_by_model[method.name] = fitted
        for k, origin in enumerate(origins):
            rows.append((method.name, k, int(origin), *fitted[k]))
    result = _score(series, rows, horizon, folds, refit, seconds)
    result.notes = _diagnose(series, rows, horizon, season or infer_season(series.freq))
    if audit:
        result.audit = leakage_audit(
            series, methods, origins, horizon, refit, samples, seed, paths_by_model
        )
    return result


def check_models(models: Sequence[str], **forecaster_options) -> None:
    """Raises `InputError` for no models, an unknown one, or bad `Forecaster` options.

    Cheap, so jobs call it before reading any data.
    """
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise InputError(f"unknown model(s) {unknown}; use any of {sorted(MODELS)}.")
    if not models:
        raise InputError("name at least one model, e.g. --models naive,tcn.")
    for name in models:
        if name not in CLASSICAL:
            Forecaster(model=name, **forecaster_options)


def _methods(models, series, season, options) -> list:
    check_models(models, **options)
    season = season or infer_season(series.freq)
    methods = []
    for name in CLASSICAL:
        if name == "seasonal-naive" and season is None:
            logger.warning(
                "no season for frequency %r: seasonal naive left out (give --season)",
                series.freq,
            )
            continue
        methods.append(_ClassicalMethod(name, season))
    for name in dict.fromkeys(models):  # in order, once each
        if name not in CLASSICAL:
            methods.append(_ForecasterMethod(name, dict(options)))
    return methods


def _fit(method, history: Series, k: int, folds: int) -> None:
    try:
        method.fit(history)
    except InputError as exc:
        raise InputError(f"fold {k + 1} of {folds} observes {len(history)} rows: {exc}") from None


def _score(series, rows, horizon, folds, refit, seconds) -> BacktestResult:
    target = series.values[:, 0]
    scores, parts = [], []
    for name, k, origin, point, paths in rows:
        truth = target[origin : origin + horizon]
        history = target[:origin]
        when = series.index[origin : origin + horizon]
        score = {
            "model": name,
            "fold": k + 1,
            "origin": when[0],
            "mase": metrics.mase(truth, point, history),
            "smape": metrics.smape(truth, point),
            "mae": metrics.mae(truth, point),
            "rmse": metrics.rmse(truth, point),
            "mape": metrics.mape(truth, point),
        }
        steps = {
            "model": name,
            "fold": k + 1,
            "time": when,
            "step": np.arange(1, horizon + 1),
            "actual": truth,
            "forecast": point,
        }
        if paths is not None:
            low, high = np.quantile(paths, INTERVAL, axis=0)  # (horizon,) each
            score.update(
                crps=metrics.crps(truth, paths),
                pinball=metrics.mean_pinball(truth, paths, DEFAULT_QUANTILES),
                coverage=metrics.coverage(truth, low, high),
            )
            steps.update({"q0.05": low, "q0.95": high})
        scores.append(score)
        parts.append(pd.DataFrame(steps))
    first = rows[0][2]
    history = pd.Series(target[:first], index=series.index[:first], name=series.target)
    return BacktestResult(
        scores=pd.DataFrame(scores),
        forecasts=pd.concat(parts, ignore_index=True),
        horizon=horizon,
        folds=folds,
        refit=refit,
        seconds=seconds,
        history=history,
    )


def _diagnose(series, rows, horizon, season) -> list[str]:
    """Flat and late forecasts of the tsconv models, counted over folds, in words.

    Late: the forecast's changes correlate best (at least `LATE_CORRELATION`)
    with those of the `horizon` steps before the origin. Not checked when the
    horizon is a whole number of seasons, where that is what a good forecast does.
    """
    target = series.values[:, 0]
    flat, late = {}, {}
    for name, _, origin, point, _ in rows:
        if name in CLASSICAL:
            continue  # flat and late by definition
        flat.setdefault(name, 0)
        late.setdefault(name, 0)
        history = target[:origin]
        flat[name] += is_flat(point, metrics.naive_scale(history))
        # When the horizon is whole seasons, the truth itself repeats `horizon` steps late:
        # a good seasonal forecast would match there too, so the check cannot tell.
        if origin >= horizon and not (season and horizon % season == 0):
            truth = target[origin - horizon : origin + horizon]  # horizon before, horizon after
            lag = best_lag(point, truth, horizon)
            late[name] += lag is not None and lag[0] == horizon and lag[1] >= LATE_CORRELATION
    notes = []
    folds = len({r[1] for r in rows})
    for name in flat:
        if flat[name]:
            notes.append(
                f"{name}: flat forecast in {flat[name]} of {folds} folds (it moves less than a "
                "tenth of a typical one-step change): it says no more than the naive forecast."
            )
        if late[name]:
            notes.append(
                f"{name}: in {late[name]} of {folds} folds the forecast best matches the "
                f"{horizon} observed steps before the origin: it repeats the past, late."
            )
    return notes
