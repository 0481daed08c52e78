"""What a backtest fits and forecasts at each fold: the textbook references and tsconv models.

A method has `fit(history, fold)`, `forecast(history, horizon, samples, seed, future)`
→ `{id: (point, paths or None)}` (`future`: the known-in-advance columns of the
forecast steps, by id, or None), `fresh()` (an unfitted copy, for the leakage
audit) and `weights(fold)` (what a warm fit ended with). `make_methods` makes
the backtest's list; `check_refit` and `check_models` check its options.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from tsconv.backtesting.references import CLASSICAL, classical_forecast
from tsconv.data.panel import Panel
from tsconv.data.seasons import Seasons
from tsconv.errors import InputError
from tsconv.forecasters.forecaster import Forecaster
from tsconv.models import MODELS

logger = logging.getLogger(__name__)

# How the tsconv models are refitted at each origin after the first (see `run_backtest`).
REFITS = ("warm", "cold", "none")


class ReferenceMethod:
    """A textbook reference (`references.classical_forecast`) of every series: nothing to fit."""

    def __init__(self, name: str, seasons: dict[str, int | None]):
        self.name, self.seasons = name, seasons

    def fit(self, history: Panel, fold: int = 0) -> None:
        pass

    def fresh(self) -> ReferenceMethod:
        return self

    def weights(self, fold: int) -> None:
        """Nothing is learned."""
        return None

    def forecast(
        self, history: Panel, horizon: int, samples: int, seed: int, future: dict | None = None
    ) -> dict:
        """`{id: (point, None)}` for every series of `history` (`future` is not used)."""
        return {
            sid: (
                classical_forecast(self.name, s.values[:, 0], horizon, self.seasons.get(sid)),
                None,
            )
            for sid, s in history.series.items()
        }


class ForecasterMethod:
    """A tsconv `Forecaster` (a neural model or `linear`), fitted by `fit` at each fold.

    Cold refits build a new model at every fold. Warm refits (`refit="warm"`)
    start fold k from the weights fold k - 1 ended with (`Forecaster(warm_start=True)`;
    the scalers are refitted on fold k's history); the weights each fold started
    from and ended with are kept, so the leakage audit can refit any fold alone.
    """

    def __init__(self, name: str, options: dict, refit: str = "cold", starts: dict | None = None):
        self.name = name
        self.options = options
        self.refit = refit
        self.forecaster: Forecaster | None = None
        # fold -> the weights its fit started from (warm refits; shared with `fresh` copies)
        self.starts: dict[int, list] = {} if starts is None else starts
        self.trained: dict[int, list] = {}  # fold -> the weights its fit ended with

    def fit(self, history: Panel, fold: int = 0) -> None:
        """Fits at `fold`: warm from the previous fold's model when there is one."""
        warm = self.refit == "warm"
        if warm and self.forecaster is not None:
            self.starts[fold] = self.forecaster.model_.get_weights()
            self.forecaster.fit(history)
        elif warm and fold in self.starts:  # a fresh copy refitting one fold (the audit)
            self.forecaster = Forecaster(model=self.name, warm_start=True, **self.options)
            self.forecaster.fit(history, initial_weights=self.starts[fold])
        else:
            self.forecaster = Forecaster(model=self.name, warm_start=warm, **self.options)
            self.forecaster.fit(history)
        if warm:
            self.trained[fold] = self.forecaster.model_.get_weights()

    def fresh(self) -> ForecasterMethod:
        """An unfitted copy (the leakage audit refits one without touching this); warm
        copies start each fold from the weights this method's fold started from."""
        return ForecasterMethod(self.name, self.options, self.refit, self.starts)

    def weights(self, fold: int) -> list | None:
        """The weights fold `fold`'s warm fit ended with (None for cold refits)."""
        return self.trained.get(fold)

    def forecast(
        self, history: Panel, horizon: int, samples: int, seed: int, future: dict | None = None
    ) -> dict:
        """`{id: (point, paths or None)}` for the series of `history` the model knows
        (`future`: the known columns of its forecast steps, by id)."""
        fc = self.forecaster
        known = {sid: s for sid, s in history.series.items() if sid in fc.series_ids_}
        if not known:
            return {}
        data = history.replace(known)
        # One-shot rollouts of a fresh model: compiling with XLA costs more than it saves.
        if future is not None and not fc.many_series:
            future = future.get(next(iter(known)))
        made = fc.trajectories(
            horizon, data, samples=samples, seed=seed, jit_compile=False, future=future
        )
        if not fc.many_series:
            made = {next(iter(known)): made}
        return {sid: (p[0], p[1:] if samples else None) for sid, (_, p) in made.items()}


def check_refit(refit: str | bool) -> str:
    """The refit mode, `"warm"`, `"cold"` or `"none"` (`True`: cold, `False`: none).

    Example:
    >>> check_refit(False)
    'none'
    """
    if refit is True or refit is False:
        return "cold" if refit else "none"
    if refit not in REFITS:
        raise InputError(
            f"unknown refit {refit!r}; use one of {list(REFITS)}. Received: refit={refit!r}"
        )
    return refit


def check_models(models: Sequence[str], **forecaster_options) -> None:
    """Raises `InputError` for no models, an unknown one, or bad `Forecaster` options.

    Cheap, so jobs call it before reading any data.

    Example:
    >>> check_models(["tcn"], window=0)
    Traceback (most recent call last):
    tsconv.errors.InputError: window must be a positive integer or auto (e.g. --window 100 or
    --window auto). Received: window=0
    """
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise InputError(f"unknown model(s) {unknown}; use any of {sorted(MODELS)}.")
    if not models:
        raise InputError("name at least one model, e.g. --models naive,tcn.")
    for name in models:
        if name not in CLASSICAL:
            Forecaster(model=name, **forecaster_options)


def make_methods(
    models: Sequence[str], panel: Panel, seasons: dict[str, Seasons], options: dict, refit: str
) -> list:
    """The backtest's methods: the textbook references (seasonal naive, with each series'
    primary season, where every series has one), then each tsconv model once, in order."""
    check_models(models, **options)
    primary = {sid: found.primary for sid, found in seasons.items()}
    methods = []
    for name in CLASSICAL:
        if name == "seasonal-naive" and None in primary.values():
            freq = next(s.freq for sid, s in panel.series.items() if primary[sid] is None)
            logger.warning(
                "no season for frequency %r, and none found in the data: seasonal naive "
                "left out (give --season)",
                freq,
            )
            continue
        methods.append(ReferenceMethod(name, primary))
    for name in dict.fromkeys(models):  # in order, once each
        if name not in CLASSICAL:
            methods.append(ForecasterMethod(name, dict(options), refit))
    return methods
