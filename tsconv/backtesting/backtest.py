"""Rolling-origin backtests: refit at each origin, forecast by rollout, score every fold.

The data path of one fold, for one series or every series of a panel: the
data → the rows before the fold's cutoff (`folds.fold_data`, through
`folds.observed_until`, the only truncation) → fit (the scalers refitted on
that history's training part inside `Forecaster.fit`) → `horizon`-step
rollouts of the series that have `horizon` rows after the cutoff → scores
against those rows, beside the textbook naive, seasonal-naive and drift
forecasts from the same history. A global model fits once per fold on all
series; each series is scored on its own (MASE by its own history).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tsconv import metrics
from tsconv.arguments import check_horizon
from tsconv.backtesting import folds as fold_rule
from tsconv.backtesting.diagnostics import LATE_CORRELATION, best_lag, is_flat
from tsconv.backtesting.leakage_audit import leakage_audit
from tsconv.backtesting.methods import check_models, check_refit, make_methods
from tsconv.backtesting.references import CLASSICAL
from tsconv.data.panel import Panel, as_panel
from tsconv.data.seasons import Seasons, find_seasons
from tsconv.data.series import Series
from tsconv.errors import InputError
from tsconv.rollout.sampling import DEFAULT_QUANTILES, check_sampling

logger = logging.getLogger(__name__)

# The central interval whose coverage is scored: 5 % to 95 %.
INTERVAL = (0.05, 0.95)
DEFAULT_SAMPLES = 100
POINT_METRICS = ("mase", "smape", "mae", "rmse", "mape")
PROBABILISTIC_METRICS = ("crps", "pinball", "coverage")


@dataclass
class BacktestResult:
    """Everything a backtest measured.

    Attributes:
        scores: one row per model, fold (and series): `model`, `fold`, the id
            column for many series, `origin` (the first forecast time), `mase`,
            `smape`, `mae`, `rmse`, `mape`, and for sampled models `crps`,
            `pinball`, `coverage` (of the 5-95 % interval).
        forecasts: one row per model, fold (series) and step: `model`, `fold`,
            (the id column,) `time`, `step`, `actual`, `forecast`, and `q0.05`,
            `q0.95` where sampled.
        horizon, folds: the settings.
        refit: how the tsconv models were refitted: `"warm"`, `"cold"` or `"none"`.
        seconds: wall time per model (fit and forecast over all folds).
        notes: degenerate-forecast diagnostics, in words.
        audit: the leakage audit's findings, or None when not run.
        history: the observed target before the first origin (for plots): a
            `pd.Series`, or for many series a long `DataFrame` (id column, target).
        id_column: the column naming the series for many series, else None.

    Example:
    >>> result = run_backtest(load_csv("datasets/msft.csv"), ["naive", "linear"], horizon=30)
    >>> result.table().index.tolist()  # models, best first
    """

    scores: pd.DataFrame
    forecasts: pd.DataFrame
    horizon: int
    folds: int
    refit: str
    seconds: dict[str, float]
    notes: list[str] = field(default_factory=list)
    audit: dict | None = None
    history: pd.Series | pd.DataFrame | None = None
    id_column: str | None = None
    seasons: dict[str, Seasons] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """Per model: the mean and standard deviation of each metric, best MASE first.

        Over folds for one series; for many, over series of each series' mean
        over folds. Columns are `(metric, "mean" | "std")`; a `mase/naive`
        column divides each model's mean MASE by the naive forecast's.

        Example:
        >>> result.table().loc["tcn", ("mase", "mean")]
        8.08
        """
        measured = [m for m in (*POINT_METRICS, *PROBABILISTIC_METRICS) if m in self.scores]
        scores = self.scores
        if self.id_column is not None:  # each series counts once, whatever its folds
            scores = scores.groupby(["model", self.id_column], sort=False)[measured].mean()
            scores = scores.reset_index()
        grouped = scores.groupby("model", sort=False)[measured]
        table = pd.concat({"mean": grouped.mean(), "std": grouped.std(ddof=0)}, axis=1)
        table = table.swaplevel(axis=1)[[(m, s) for m in measured for s in ("mean", "std")]]
        naive = table.loc["naive", ("mase", "mean")] if "naive" in table.index else np.nan
        table[("mase/naive", "")] = table[("mase", "mean")] / naive
        table[("seconds", "")] = [self.seconds.get(m, np.nan) for m in table.index]
        return table.sort_values(("mase", "mean"))

    def series_table(self, metric: str = "mase") -> pd.DataFrame:
        """Each series' mean `metric` over folds, one column per model (best model first).

        One row for a single series (named after nothing: index `"series"`).

        Example:
        >>> result.series_table().loc["cpi", "conv"]
        2.1
        """
        by = self.id_column or "series"
        scores = self.scores if self.id_column else self.scores.assign(series="series")
        wide = scores.pivot_table(index=by, columns="model", values=metric, sort=False)
        order = self.table().index
        wide = wide[[m for m in order if m in wide.columns]]
        wide.columns.name = None
        return wide


def run_backtest(
    data: Series | Panel,
    models: Sequence[str],
    horizon: int,
    folds: int = 5,
    *,
    refit: str | bool = "warm",
    step: int | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    season: int | Sequence[int] | None = None,
    audit: bool = False,
    progress: Callable[[str], None] | None = None,
    **forecaster_options,
) -> BacktestResult:
    """Backtests models by rolling origin, always beside naive, seasonal naive and drift.

    At each origin (see `fold_origins`; for many series `panel_fold_origins`,
    one cutoff time for all) every model is refitted on the rows before it
    and rolls out `horizon` steps; the textbook references forecast from the
    same rows. MASE is scaled by the one-step naive error of those rows,
    series by series. The first origin's fit is always cold; later ones are
    warm (from the previous fold's weights, trained on earlier rows only,
    with the scalers refitted), cold, or none (the first fit reused).

    Args:
        data: the whole series, or a `Panel` of many (one global model per fold;
            the truth after each origin is read from it).
        models: tsconv model names (`tsconv.models.MODELS`); `naive`,
            `seasonal-naive` and `drift` are the textbook forecasts, always added.
        horizon: steps forecast at each origin.
        folds: number of origins.
        refit: `"warm"` (default: each fold starts from the previous fold's
            weights and trains until early stopping; measured in
            `benchmarks/results/fit_speed.md`), `"cold"` (a new model at
            every fold) or `"none"` (fitted once at the first origin). `True`
            and `False` mean `"cold"` and `"none"`, as before.
        step: rows between origins (default `horizon`: folds do not overlap).
        samples: sampled trajectories per fold for the probabilistic scores
            (tsconv models only; 0 for none).
        seed: seeds the sampling, and the models' training unless
            `forecaster_options` has its own `seed`.
        season: the season length(s) (the first is seasonal naive's); default:
            each series' own, found in its history before the first origin
            (`tsconv.data.seasons.find_seasons`: the frequency's seasons the data
            support, else the data's own; seasonal naive is left out when there is none).
        audit: also run the leakage audit (`leakage_audit`): it refits each fold
            once more, so it doubles the cost.
        progress: called with a line of text after each fold of each model.
        **forecaster_options: `Forecaster` arguments shared by the tsconv models
            (`window`, `epochs`, …). With the `auto` (default) or `direct`
            strategy, `output_steps` defaults to `horizon`.

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
    refit = check_refit(refit)
    forecaster_options.setdefault("seed", seed)
    check_horizon(horizon)  # before it becomes the default steps per call
    # Direct (and auto) forecast the whole horizon in one call unless told otherwise.
    recursive = forecaster_options.get("strategy", "auto") == "recursive"
    if not recursive and forecaster_options.get("output_steps") is None:
        forecaster_options["output_steps"] = horizon
    panel = as_panel(data)
    check_models(models, **forecaster_options)
    by_series = fold_rule.panel_fold_origins(panel, horizon, folds, step)
    origins = [{sid: int(o[k]) for sid, o in by_series.items()} for k in range(folds)]
    # Seasons from the history before the first origin only: the references' season
    # must not be chosen by the rows they are scored on.
    seasons = {
        sid: find_seasons(s.values[: origins[0][sid], 0], s.freq, season)
        for sid, s in panel.series.items()
    }
    for sid, found in seasons.items():
        logger.info("%s: %s", panel.label(sid) if panel.many else "series", found.describe())
    methods = make_methods(models, panel, seasons, forecaster_options, refit)
    known = list(forecaster_options.get("future_features") or [])
    made, seconds = {}, {}
    for method in methods:
        started = time.perf_counter()
        made[method.name] = []
        for k, cut in enumerate(origins):
            fit_on, forecast_from = fold_rule.fold_data(panel, cut, horizon)
            if refit != "none" or k == 0:
                _fit(method, fit_on, k, folds, panel)
            future = fold_rule.fold_future(panel, cut, horizon, known)  # known in advance
            made[method.name].append(
                method.forecast(forecast_from, horizon, samples, seed + k, future)
            )
            if progress is not None and method.name not in CLASSICAL:
                progress(f"{method.name}: fold {k + 1}/{folds} done")
        seconds[method.name] = round(time.perf_counter() - started, 2)
    rows = []
    for k, cut in enumerate(origins):
        # Every model is scored on the same series: those each one could forecast here.
        common = set.intersection(*(set(made[m.name][k]) for m in methods))
        left = sorted(set().union(*(made[m.name][k] for m in methods)) - common)
        if left:
            logger.warning("fold %d: series %s left out (too short for a model)", k + 1, left)
        for method in methods:
            for sid in panel.series:
                if sid in common:
                    rows.append((method.name, k, sid, cut[sid], *made[method.name][k][sid]))
    result = _score(panel, rows, horizon, folds, refit, seconds, origins[0])
    result.seasons = seasons
    result.notes = _diagnose(panel, rows, horizon, seasons)
    if audit:
        result.audit = leakage_audit(
            panel, methods, origins, horizon, refit, samples, seed, made, known
        )
    return result


def _fit(method, history: Panel, k: int, folds: int, panel: Panel) -> None:
    try:
        method.fit(history, k)
    except InputError as exc:
        rows = [len(s) for s in history.series.values()]
        seen = f"{max(rows, default=0)} rows" if not panel.many else f"at most {max(rows)} rows"
        seen += " per series" if panel.many else ""
        raise InputError(f"fold {k + 1} of {folds} observes {seen}: {exc}") from None


def _score(panel: Panel, rows, horizon, folds, refit, seconds, first_origins) -> BacktestResult:
    id_column = panel.id_column if panel.many else None
    scores, parts = [], []
    for name, k, sid, origin, point, paths in rows:
        series = panel.series[sid]
        target = series.values[:, 0]
        truth = target[origin : origin + horizon]
        history = target[:origin]
        when = series.index[origin : origin + horizon]
        score = {"model": name, "fold": k + 1}
        steps = {"model": name, "fold": k + 1}
        if id_column is not None:
            score[id_column] = steps[id_column] = sid
        score.update(
            origin=when[0],
            mase=metrics.mase(truth, point, history),
            smape=metrics.smape(truth, point),
            mae=metrics.mae(truth, point),
            rmse=metrics.rmse(truth, point),
            mape=metrics.mape(truth, point),
        )
        steps.update(time=when, step=np.arange(1, horizon + 1), actual=truth, forecast=point)
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
    before = {
        sid: s.frame[panel.target].iloc[: first_origins[sid]] for sid, s in panel.series.items()
    }
    if id_column is None:
        (history,) = before.values()
    else:
        history = pd.concat(
            [part.to_frame().assign(**{id_column: sid}) for sid, part in before.items()]
        )[[id_column, panel.target]]
    return BacktestResult(
        scores=pd.DataFrame(scores),
        forecasts=pd.concat(parts, ignore_index=True),
        horizon=horizon,
        folds=folds,
        refit=refit,
        seconds=seconds,
        history=history,
        id_column=id_column,
    )


def _diagnose(panel: Panel, rows, horizon, seasons: dict[str, Seasons]) -> list[str]:
    """Flat and late forecasts of the tsconv models, counted over folds (and series), in words.

    Late: the forecast's changes correlate best (at least `LATE_CORRELATION`)
    with those of the `horizon` steps before the origin. Not checked when the
    horizon is a whole number of one of the series' seasons, where that is what
    a good forecast does.
    """
    flat, late, made = {}, {}, {}
    for name, _, sid, origin, point, _ in rows:
        if name in CLASSICAL:
            continue  # flat and late by definition
        series = panel.series[sid]
        target = series.values[:, 0]
        made[name] = made.get(name, 0) + 1
        flat.setdefault(name, 0)
        late.setdefault(name, 0)
        flat[name] += is_flat(point, metrics.naive_scale(target[:origin]))
        # When the horizon is whole seasons, the truth itself repeats `horizon` steps late:
        # a good seasonal forecast would match there too, so the check cannot tell.
        whole = any(horizon % m == 0 for m in seasons[sid].lengths)
        if origin >= horizon and not whole:
            truth = target[origin - horizon : origin + horizon]  # horizon before, horizon after
            lag = best_lag(point, truth, horizon)
            late[name] += lag is not None and lag[0] == horizon and lag[1] >= LATE_CORRELATION
    notes = []
    for name in flat:
        of = f"{made[name]} forecasts (series × folds)" if panel.many else f"{made[name]} folds"
        if flat[name]:
            notes.append(
                f"{name}: flat forecast in {flat[name]} of {of} (it moves less than a "
                "tenth of a typical one-step change): it says no more than the naive forecast."
            )
        if late[name]:
            notes.append(
                f"{name}: in {late[name]} of {of} the forecast best matches the "
                f"{horizon} observed steps before the origin: it repeats the past, late."
            )
    return notes
