"""What a fit trains on: the data path from a `Series` or `Panel` to stacked windows.

In order: every series → the window (`resolve_window`) → known-in-advance
inputs (future features, calendar, holidays) → the strategy and steps per call
(`resolve_strategy`) → target transform (changes) → its own chronological
split and scaler fitted on its training rows (`prepare_panel`) → the seasons
of the training rows → zero-copy windows, all series' served as one set
(`stack_windows`). `describe_inputs` is what the run records of that data.
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np
import pandas as pd

from tsconv.data.covariates import resolve_calendar
from tsconv.data.known_inputs import check_future_features, fit_known, past_only
from tsconv.data.panel import Panel, as_panel, long_format
from tsconv.data.series import Series
from tsconv.forecasters.options import (
    check_panel_model,
    confirmed_seasons,
    resolve_season,
    resolve_strategy,
    resolve_window,
    training_seasons,
)
from tsconv.preprocessing.preparation import describe_prepared, prepare_panel
from tsconv.preprocessing.stacked_windows import stack_windows

logger = logging.getLogger(__name__)

SPLITS = ("train", "validation", "test")
# Rows of each observed series kept with the model (at least window + 1): enough to
# forecast, and to draw some history in front of a forecast.
CONTEXT_ROWS = 500


@dataclasses.dataclass
class FitInputs:
    """What `prepare_inputs` gives a fit.

    Attributes:
        panel: the series, target and past-only features (known-in-advance
            columns are in the windows' extra channels instead).
        prepared: each series' `Prepared` (scaler, splits, transform), by id.
        splits: `"train"`, `"validation"`, `"test"` → the stacked windows of all series.
        channels: input channels per step (target, past-only and known features).
    """

    panel: Panel
    prepared: dict
    splits: dict
    channels: int


def prepare_inputs(fc, data: Series | Panel) -> FitInputs:
    """The windows `fc` trains on; sets `fc`'s fitted data attributes on the way.

    Sets `future_features_`, `holidays_`, `calendar_`, `window_`,
    `window_reason_`, `strategy_`, `output_steps_`, `strategy_reason_`,
    `transform_`, `transform_reason_`, `skipped_`, `scalers_`, `seasons_` and
    `season_`.

    Raises:
        InputError: when the series is too short for the window (for a panel:
            every series), the transform does not suit it, or the model is a
            per-series rule and the panel holds many series.
    """
    panel = as_panel(data)
    check_panel_model(fc.model, fc.distribute, panel)
    fc.future_features_ = check_future_features(fc.future_features, panel.features)
    fc.holidays_ = fc.holidays
    shortest = min(len(s) for s in panel.series.values())
    freq = next(iter(panel.series.values())).freq
    fc.window_, fc.window_reason_ = resolve_window(
        fc.window, panel, fc.season, fc.val_fraction, fc.test_fraction
    )
    confirmed = ()
    if fc.calendar is None:  # the default: calendar terms when the window misses a season
        confirmed = confirmed_seasons(panel, fc.season, fc.val_fraction, fc.test_fraction)
    fc.calendar_ = resolve_calendar(
        fc.calendar, fc.season, freq, shortest, window=fc.window_, confirmed=confirmed
    )
    if fc.calendar is None and fc.calendar_:
        logger.info(
            "calendar: Fourier terms of seasons %s (season %d is longer than the window "
            "%d; --calendar none to leave them out)",
            ",".join(map(str, fc.calendar_)),
            max(fc.calendar_),
            fc.window_,
        )
    if fc.calendar == "auto" and not fc.calendar_:
        logger.info("calendar auto: frequency %r has no calendar season here", freq)
    # (rows + 1, k) per series: its rows and the step after (known columns, calendar)
    known = fit_known(panel, fc.future_features_, fc.calendar_, fc.holidays_)
    panel = past_only(panel, fc.future_features_)  # target and past-only features
    rows = int(np.median([len(s) for s in panel.series.values()]))
    fc.strategy_, fc.output_steps_, fc.strategy_reason_ = resolve_strategy(
        fc.strategy,
        fc.output_steps,
        fc.model,
        fc.objective,
        fc.model_options,
        rows,
        fc.window_,
        fc.val_fraction,
        fc.test_fraction,
        known_inputs=bool(known),
    )
    if fc.strategy == "auto":
        logger.info("strategy %s", fc.strategy_reason_)
    fc.transform_, prepared, fc.skipped_ = prepare_panel(
        panel,
        fc.window_,
        fc.transform,
        fc.val_fraction,
        fc.test_fraction,
        fc.output_steps_,
        fc.season,
        known,
    )
    fc.transform_reason_ = next(iter(prepared.values())).transform_reason
    fc.scalers_ = {sid: p.scaler for sid, p in prepared.items()}
    ends = {sid: p.train_end for sid, p in prepared.items()}
    fc.seasons_ = training_seasons(panel, ends, fc.season)
    fc.season_ = resolve_season(fc.model, fc.season, fc.seasons_, fc.window_)
    # (windows of all series, window, channels): one set, gathered per batch from the views
    splits = {k: stack_windows([p.splits[k] for p in prepared.values()]) for k in SPLITS}
    channels = len(panel.features) + 1 + (next(iter(known.values())).shape[1] if known else 0)
    return FitInputs(panel, prepared, splits, channels)


def detected_floor(target: np.ndarray) -> float | None:
    """0 for a series that reaches 0 and never goes below (counts, sales, rainfall), else None.

    Forecasts are held at or above it (`forecast(lower="auto")`). A series that
    stays above 0 without reaching it (prices, temperatures in kelvin) gets no
    floor: nothing in its data says where one is.

    Example:
    >>> detected_floor(np.array([3.0, 0.0, 7.0])), detected_floor(np.array([3.0, 1.0]))
    (0.0, None)
    """
    return 0.0 if target.min() == 0 else None


def describe_inputs(inputs: FitInputs, seasons: dict, window: int) -> tuple[dict, pd.DataFrame]:
    """What a run records of its data: `data_` (facts, seasons, floors) and `context_` (the
    last rows).

    The context holds each series' last `max(CONTEXT_ROWS, window + 1)` rows
    (long format for many series), which forecasts start from.
    """
    panel, prepared = inputs.panel, inputs.prepared
    data = describe_prepared(panel, prepared)
    data["seasons"] = {sid: found.to_dict() for sid, found in seasons.items()}
    data["lower"] = {sid: detected_floor(panel.series[sid].values[:, 0]) for sid in prepared}
    keep = max(CONTEXT_ROWS, window + 1)
    frames = {sid: panel.series[sid].frame.iloc[-keep:] for sid in prepared}
    context = long_format(frames, panel.id_column) if panel.many else frames[panel.target]
    return data, context
