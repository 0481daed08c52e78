"""The checks of a `Forecaster`'s options, and the forecasting strategy.

Strategies: recursive (one step per call, fed back) or direct (`output_steps`
K steps per call). The DLinear paper (Zeng et al., 2023) traced much of the
gain of transformer forecasters to direct multi-step output rather than
attention; tsconv offers both so that they can be compared on the same data.
A horizon longer than K rolls out K steps at a time. `auto` (the default)
is direct for the neural models with a point head when K fits the series'
validation and test periods, else recursive: direct won clearly on CO₂ and
on hourly temperatures, was level for the TCN and the transformer and 10%
worse for conv on a half-hourly load, and stayed below naive on MSFT
(`benchmarks/results/heads_and_normalization_*.md`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from tsconv.data.panel import Panel
from tsconv.data.seasons import UNCONFIRMED, Seasons, check_seasons, find_seasons
from tsconv.errors import InputError
from tsconv.layers.distribution_head import DISTRIBUTIONS, NLL_LOSSES
from tsconv.models import MODELS, check_model_options
from tsconv.preprocessing import transforms
from tsconv.preprocessing.window_choice import AUTO, choose_window
from tsconv.preprocessing.windowing import MIN_TRAIN_WINDOWS, check_output_steps, split_sizes

STRATEGIES = ("auto", "recursive", "direct")
# Held-out windows `auto` needs before it chooses direct: a direct window needs all its
# steps inside the split, and fewer windows leave the scores and residuals thin.
MIN_HELDOUT_WINDOWS = 30
# Target steps per model call of the direct strategy when none is given.
DIRECT_OUTPUT_STEPS = 30

logger = logging.getLogger(__name__)


def check_model(model: str, model_options: dict, objective: str) -> None:
    """Raises `InputError` for an unknown model, an option it does not take, or an objective
    it cannot train.
    """
    if model not in MODELS:
        raise InputError(f"unknown model {model!r}; use one of {sorted(MODELS)}.")
    try:
        check_model_options(model, model_options)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if objective == "sequence" and not MODELS[model].supports_sequence_objective:
        raise InputError(
            f"objective 'sequence' needs a causal model with a per-step head (tcn, "
            f"transformer); {model!r} has none. Received: objective={objective!r}"
        )
    if objective == "sequence" and model_options.get("revin"):
        raise InputError(
            "revin scales each window by its own statistics, so positions are not one-step "
            "forecasts; use objective 'last' with revin, or leave revin out."
        )


def check_season(season: int | Sequence[int] | None) -> None:
    """Raises `InputError` unless `season` is None, a positive integer or a list of them."""
    check_seasons(season)


def check_transform(transform: str) -> None:
    """Raises `InputError` for a transform that is not one of `transforms.TRANSFORMS`."""
    if transform not in transforms.TRANSFORMS:
        raise InputError(
            f"unknown transform {transform!r}; use one of {list(transforms.TRANSFORMS)}."
        )


def resolve_output_steps(strategy: str, output_steps: int | None) -> int | None:
    """Target steps per model call: `output_steps`, or 1 (recursive) / 30 (direct) when None.

    For `"auto"` the count is checked and kept as given (None: decided at fit,
    see `resolve_strategy`).

    Raises:
        InputError: for an unknown strategy, a bad count, or more than one step
            per call with the recursive strategy.

    Example:
    >>> resolve_output_steps("direct", None), resolve_output_steps("recursive", None)
    (30, 1)
    """
    if strategy not in STRATEGIES:
        raise InputError(f"unknown strategy {strategy!r}; use auto, recursive or direct.")
    if output_steps is None:
        return {"direct": DIRECT_OUTPUT_STEPS, "recursive": 1}.get(strategy)
    check_output_steps(output_steps)
    if strategy == "recursive" and output_steps != 1:
        raise InputError(
            "the recursive strategy forecasts one step per call; use --strategy direct for "
            f"{output_steps} steps per call. Received: output_steps={output_steps}"
        )
    return int(output_steps)


def resolve_strategy(
    strategy: str,
    output_steps: int | None,
    model: str,
    objective: str,
    model_options: dict,
    rows: int,
    window: int,
    val_fraction: float,
    test_fraction: float,
    known_inputs: bool = False,
) -> tuple[str, int, str]:
    """The strategy and steps per call a fit uses, and why.

    A given `"recursive"` or `"direct"` is kept. `"auto"` is direct, with
    `output_steps` (default 30) per call, for a model that supports it with a
    point head and the `"last"` objective, without known-in-advance inputs
    (a direct block sees them only for its first step: the window's last row
    carries the next step's), when that many steps leave `MIN_HELDOUT_WINDOWS`
    windows in each of the validation and test periods of `rows` rows (the
    held-out scores, and the residuals sampling draws from) and enough
    training windows; else recursive.

    Example:
    >>> resolve_strategy("auto", 24, "tcn", "last", {}, 8760, 100, 0.1, 0.1)
    ('direct', 24, 'auto: direct, 24 steps per call')
    >>> resolve_strategy("auto", None, "linear", "last", {}, 8760, 100, 0.1, 0.1)[:2]
    ('recursive', 1)
    """
    if strategy != "auto":
        return strategy, int(resolve_output_steps(strategy, output_steps)), "given"
    steps = DIRECT_OUTPUT_STEPS if output_steps is None else int(output_steps)
    if not MODELS[model].supports_direct:
        return "recursive", 1, f"auto: recursive ({model} forecasts one step per call)"
    if objective != "last":
        return "recursive", 1, "auto: recursive (the sequence objective)"
    if model_options.get("distribution", "point") != "point":
        return "recursive", 1, f"auto: recursive (a {model_options['distribution']} head)"
    if known_inputs:
        reason = "auto: recursive (known-in-advance inputs reach a direct block at its first step)"
        return "recursive", 1, reason
    train_end, n_val, n_test = split_sizes(rows - 1, val_fraction, test_fraction)
    held_out = min(n_val, n_test) - steps + 1  # windows whose `steps` targets all fit
    if held_out < MIN_HELDOUT_WINDOWS or train_end - window - steps + 1 < MIN_TRAIN_WINDOWS:
        reason = (
            f"auto: recursive ({steps} steps per call leave {max(held_out, 0)} held-out "
            f"windows in {min(n_val, n_test)} rows; {MIN_HELDOUT_WINDOWS} are needed)"
        )
        return "recursive", 1, reason
    return "direct", steps, f"auto: direct, {steps} steps per call"


def check_strategy(
    model: str, strategy: str, output_steps: int, objective: str, model_options: dict
) -> None:
    """Raises `InputError` for a strategy the model or the other settings cannot use.

    Example:
    >>> check_strategy("naive", "direct", 30, "last", {})
    Traceback (most recent call last):
    tsconv.errors.InputError: the direct strategy needs a neural model (conv, tcn, transformer); ...
    """
    resolve_output_steps(strategy, output_steps)
    if strategy != "direct":  # recursive, or auto: decided at fit (`resolve_strategy`)
        return
    if not MODELS[model].supports_direct:
        raise InputError(
            f"the direct strategy needs a neural model (conv, tcn, transformer); {model!r} "
            "forecasts one step. Use --strategy recursive."
        )
    if objective != "last":
        raise InputError(
            "the sequence objective trains one-step forecasts at every position; use it with "
            "--strategy recursive."
        )
    if model_options.get("distribution", "point") != "point":
        raise InputError(
            f"a {model_options['distribution']} head forecasts one step at a time; use it with "
            "--strategy recursive."
        )


def training_loss(loss: str | None, model_options: dict) -> str:
    """The loss a model trains with: `loss` (default mse), or its head's negative log-likelihood.

    Raises:
        InputError: for an unknown distribution, or a loss given for a distribution head.

    Example:
    >>> training_loss(None, {"distribution": "gaussian"})
    'gaussian-nll'
    """
    distribution = model_options.get("distribution", "point")
    if distribution == "point":
        return loss or "mse"
    if distribution not in NLL_LOSSES:
        raise InputError(
            f"unknown distribution {distribution!r}; use one of {list(DISTRIBUTIONS)}."
        )
    nll = NLL_LOSSES[distribution]
    if loss not in (None, nll):
        raise InputError(
            f"a {distribution} head is trained by its negative log-likelihood; leave the "
            f"loss out. Received: loss={loss!r}"
        )
    return nll


def check_panel_model(model: str, distribute: str, panel: Panel) -> None:
    """Raises `InputError` for a model or distribution that cannot fit many series at once."""
    if not panel.many:
        return
    if MODELS[model].needs_scaler:
        raise InputError(
            f"a global model learns from all series; {model!r} is a per-series rule "
            "(every series is scored against the naive forecast anyway). Use conv, tcn, "
            f"transformer or linear. Received: model={model!r}"
        )
    if distribute == "multiworker":
        raise InputError(
            "a many-series fit trains on one machine for now (--distribute none or mirrored)."
        )


def resolve_season(
    model: str, season: int | Sequence[int] | None, seasons: dict[str, Seasons], window: int
) -> int | None:
    """The season a run records as its option: the first given, or for seasonal naive the
    primary of its series' seasons (`find_seasons`; required, and at most `window`
    steps, else the longest supported one that fits)."""
    if model != "seasonal-naive":
        given = check_seasons(season)
        return given[0] if given else None
    (found,) = seasons.values()  # a per-series rule fits one series
    logger.info("seasonal naive: %s", found.describe())
    if found.primary is None:
        raise InputError(
            "no season: the frequency suggests none and the data show none; "
            "give one, e.g. --season 12."
        )
    fitting = [m for m in found.lengths if m <= window]
    if not fitting:
        raise InputError(
            f"seasonal naive's season {found.primary} is longer than the window ({window}); "
            f"use --window {found.primary} or more, or a shorter --season."
        )
    return found.primary if found.primary <= window else max(fitting)


def training_seasons(panel: Panel, train_ends: dict[str, int], season) -> dict[str, Seasons]:
    """Each series' seasons (`find_seasons`), from its training rows only.

    Args:
        panel: the data.
        train_ends: per series, the end of its training part in transformed rows
            (`Prepared.train_end`): level rows `0 .. train_end` are the training rows.
        season: the given season(s), or None.
    """
    return {
        sid: find_seasons(panel.series[sid].values[: end + 1, 0], panel.series[sid].freq, season)
        for sid, end in train_ends.items()
    }


def confirmed_seasons(
    panel: Panel, season: int | Sequence[int] | None, val_fraction: float, test_fraction: float
) -> tuple[int, ...]:
    """The seasons given, or confirmed or found in any series' training rows, shortest first.

    Example:
    >>> from tsconv.data.panel import as_panel
    >>> from tsconv.data.series import load_csv
    >>> load = as_panel(load_csv("datasets/halfhourly_load.csv"))
    >>> confirmed_seasons(load, None, 0.1, 0.1), confirmed_seasons(load, 24, 0.1, 0.1)
    ((48, 336), (24,))
    """
    ends = {
        sid: split_sizes(len(s) - 1, val_fraction, test_fraction)[0]
        for sid, s in panel.series.items()
    }
    seasons = training_seasons(panel, ends, season)
    found = {m for s in seasons.values() if s.source != UNCONFIRMED for m in s.lengths}
    return tuple(sorted(found))


def resolve_window(
    window: int | str,
    panel: Panel,
    season: int | Sequence[int] | None,
    val_fraction: float,
    test_fraction: float,
) -> tuple[int, str]:
    """The window a fit uses and why: as given, or for `"auto"` from the seasons of the
    training rows (`tsconv.preprocessing.window_choice.choose_window`; for many series,
    their seasons together and the median length)."""
    if window != AUTO:
        return int(window), "given"
    lengths = confirmed_seasons(panel, season, val_fraction, test_fraction)
    rows = int(np.median([len(s) for s in panel.series.values()]))
    chosen, reason = choose_window(rows, lengths, val_fraction, test_fraction)
    logger.info("window auto: %d, %s", chosen, reason)
    return chosen, reason
