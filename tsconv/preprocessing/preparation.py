"""Levels → model inputs: target transform, chronological split, scaler, windows.

The one place where a `Series` becomes the scaled float32 array the models
see, for training (`prepare`, and `prepare_panel` for every series of a
panel) and for forecasting (`encode`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from tsconv.data.calendar import infer_season
from tsconv.data.panel import Panel
from tsconv.data.seasons import check_seasons
from tsconv.errors import InputError
from tsconv.preprocessing import transforms
from tsconv.preprocessing.scaling import StandardScaler
from tsconv.preprocessing.windowing import (
    Windows,
    lead_known,
    make_windows,
    split_rows,
    split_sizes,
)

logger = logging.getLogger(__name__)


@dataclass
class Prepared:
    """A series ready for training, and what is needed to score it in levels.

    Attributes:
        transform: the resolved transform name.
        transform_reason: why (`tsconv.preprocessing.transforms.resolve_transform`).
        scaler: fitted on the training rows of the transformed series only.
        splits: `"train"`, `"validation"` and `"test"` `Windows` (views).
        previous: `(rows - 1,)` level before each transformed row (the naive forecast).
        actual: `(rows - 1,)` level at each transformed row.
        train_end, val_end: split points in transformed rows.
    """

    transform: str
    transform_reason: str
    scaler: StandardScaler
    splits: dict[str, Windows]
    previous: np.ndarray
    actual: np.ndarray
    train_end: int
    val_end: int


def changes(transform: str, levels: np.ndarray) -> np.ndarray:
    """Transformed target beside the features of the same rows, `(rows - 1, channels)`."""
    target = transforms.forward(transform, levels[:, 0])
    return np.column_stack([target, levels[1:, 1:]])


def with_known(levels: np.ndarray, known: np.ndarray | None) -> np.ndarray:
    """Levels `(rows, channels)` and known-in-advance values `(rows + 1, k)` side by side,
    `(rows, channels + k)`, each row carrying the next row's known values (`lead_known`)."""
    if known is None or known.shape[1] == 0:
        return levels
    return np.column_stack([levels, lead_known(known)])


def encode(
    transform: str, scaler: StandardScaler, levels: np.ndarray, known: np.ndarray | None = None
) -> np.ndarray:
    """Levels `(rows, channels)` (and known values, as `with_known`) → scaled model inputs
    `(rows - 1, channels + k)`, float32."""
    return scaler.transform(changes(transform, with_known(levels, known))).astype(np.float32)


def scale_known(scaler: StandardScaler, values: np.ndarray) -> np.ndarray:
    """Known values `(…, k)` scaled like the last `k` channels the scaler was fitted on."""
    k = values.shape[-1]
    return ((values - scaler.mean_[-k:]) / scaler.scale_[-k:]).astype(np.float32)


def prepare(
    levels: np.ndarray,
    window: int,
    transform: str = "auto",
    val_fraction: float = 0.1,
    test_fraction: float = 0.1,
    output_steps: int = 1,
    season: int | None = None,
    known: np.ndarray | None = None,
) -> Prepared:
    """Transforms, splits by time, fits the scaler on training rows, and cuts windows.

    Args:
        levels: `(rows, channels)` observed values, target first.
        window: observed steps per window.
        transform: see `tsconv.preprocessing.transforms.resolve_transform`.
        val_fraction, test_fraction: see `tsconv.preprocessing.windowing.split_rows`.
        output_steps: target steps per window (K for the direct strategy); a window
            belongs to the split that holds all of its targets.
        season: season length, for the window suggested when the series is too short.
        known: `(rows + 1, k)` values known in advance (calendar features), the
            last `k` channels of the windows (see `with_known`).

    Returns:
        `Prepared`.

    Raises:
        InputError: when the series is too short or the transform does not suit it.

    Example:
    >>> p = prepare(np.linspace(1, 2, 300)[:, None], window=20)
    >>> p.splits["train"].inputs.shape  # (windows, window, channels)
    (219, 20, 1)
    """
    # Every transform drops the first row, so the split is known before choosing one.
    train_end, val_end = split_rows(
        len(levels) - 1, window, val_fraction, test_fraction, season=season
    )
    # Transformed training rows [0, train_end) are level rows [1, train_end] (and row 0).
    transform, reason = transforms.resolve_transform(transform, levels[:, 0], train_end + 1)
    moves = changes(transform, with_known(levels, known))  # (rows - 1, channels + k)
    scaler = StandardScaler().fit(moves[:train_end])  # training rows only: no leakage
    windows = make_windows(scaler.transform(moves).astype(np.float32), window, output_steps)
    return Prepared(
        transform=transform,
        transform_reason=reason,
        scaler=scaler,
        splits={
            "train": windows.between(0, train_end),
            "validation": windows.between(train_end, val_end),
            "test": windows.between(val_end, len(moves)),
        },
        previous=levels[:-1, 0],
        actual=levels[1:, 0],
        train_end=train_end,
        val_end=val_end,
    )


def panel_transform(
    name: str, panel: Panel, val_fraction: float = 0.1, test_fraction: float = 0.1
) -> tuple[str, str]:
    """One transform for every series of `panel` (`tsconv.preprocessing.transforms`).

    `"auto"` models levels only when every series' training rows look
    stationary, else log-return when every series is positive, else diff; a
    named transform is checked against each series. The training rows are
    those of `split_rows`, whatever the window.

    Returns:
        `(transform, reason)`.

    Raises:
        InputError: for an unknown name, or log-return with a value <= 0 (naming the series).
    """
    resolved = {}
    for sid, series in panel.series.items():
        train_end, _, _ = split_sizes(len(series) - 1, val_fraction, test_fraction)
        try:
            resolved[sid] = transforms.resolve_transform(name, series.values[:, 0], train_end + 1)
        except InputError as exc:
            raise InputError(f"{panel.label(sid)}: {exc}" if panel.many else str(exc)) from None
    if name != "auto":
        return name, "given"
    if not panel.many:
        return next(iter(resolved.values()))
    wander = [sid for sid, (chosen, _) in resolved.items() if chosen != "none"]
    if not wander:
        return "none", f"levels: the training rows of all {len(resolved)} series look stationary"
    positive = all(np.all(s.values[:, 0] > 0) for s in panel.series.values())
    chosen = "log-return" if positive else "diff"
    example = resolved[wander[0]][1].split(": ", 1)[1]
    return chosen, (
        f"{chosen}: {len(wander)} of {len(resolved)} series wander or are too short to test "
        f"(e.g. {panel.label(wander[0])}: {example})"
    )


def prepare_panel(
    panel: Panel,
    window: int,
    transform: str = "auto",
    val_fraction: float = 0.1,
    test_fraction: float = 0.1,
    output_steps: int = 1,
    season: int | None = None,
    known: dict[str, np.ndarray] | None = None,
) -> tuple[str, dict[str, Prepared], list[str]]:
    """`prepare` for every series of `panel`, each with its own split and scaler.

    A series too short for the window and splits is skipped (and logged)
    when there are others; one series on its own raises instead.

    Args:
        panel: the series (`tsconv.data.panel.as_panel` wraps one `Series`).
        window, val_fraction, test_fraction, output_steps: as `prepare`.
        transform: as `panel_transform`: one for all series.
        season: season length for the window hint; default: each series' own.
        known: per series, its known-in-advance values (as `prepare`'s).

    Returns:
        `(transform, prepared, skipped)`: the resolved transform, `Prepared`
        by series id (in the panel's order, each with the panel's transform
        and its reason) and the ids skipped.

    Raises:
        InputError: when no series is long enough, or the transform does not suit one.

    Example:
    >>> transform, prepared, skipped = prepare_panel(load_panel_csv("macro.csv"), window=20)
    >>> list(prepared)[:2], skipped
    (['cpi', 'm1'], [])
    """
    transform, reason = panel_transform(transform, panel, val_fraction, test_fraction)
    logger.info("transform %s", reason if reason != "given" else f"{transform} (given)")
    prepared, skipped = {}, []
    for sid, series in panel.series.items():
        try:
            prepared[sid] = prepare(
                series.values,
                window,
                transform,
                val_fraction,
                test_fraction,
                output_steps=output_steps,
                season=check_seasons(season)[0] if season else infer_season(series.freq),
                known=None if known is None else known[sid],
            )
            prepared[sid].transform_reason = reason
        except InputError:
            if not panel.many:
                raise
            skipped.append(sid)
    if skipped:
        logger.warning(
            "skipped %d of %d series too short for window %d (e.g. %s)",
            len(skipped),
            len(panel),
            window,
            ", ".join(map(str, skipped[:5])),
        )
    if not prepared:
        longest = max(len(s) for s in panel.series.values())
        raise InputError(
            f"every series is too short for window {window}: the longest has {longest} rows. "
            "Use a shorter --window."
        )
    return transform, prepared, skipped


def describe_prepared(panel: Panel, prepared: dict[str, Prepared]) -> dict:
    """The facts a fit records about its data (a `Forecaster`'s `data_`, the run's `data`).

    One series: its source, columns, frequency, span and split points; many:
    the layout, the id column, and each series' frequency and length. Both:
    the largest scaled training target, where a rollout counts as running away.

    Example:
    >>> describe_prepared(panel, prepared)["freq"]
    'B'
    """
    # Where a rollout counts as running away (tsconv.rollout.guard).
    scaled_max = max(float(np.abs(p.splits["train"].targets).max()) for p in prepared.values())
    common = {
        "source": panel.source,
        "time_column": panel.time_column,
        "target": panel.target,
        "features": list(panel.features),
        # the wall clock of calendar and holiday features for a UTC index (one file: one zone)
        "timezone": next(iter(panel.series.values())).timezone,
    }
    if panel.many:
        return {
            **common,
            "layout": panel.layout,
            "id_column": panel.id_column,
            "freq": {sid: panel.series[sid].freq for sid in prepared},
            "rows": {sid: len(panel.series[sid]) for sid in prepared},
            "scaled_target_max": scaled_max,
        }
    (series,), (data,) = panel.series.values(), prepared.values()
    return {
        **common,
        "freq": series.freq,
        "regular": series.regular,
        "rows": len(series),
        "first": str(series.index[0]),
        "last": str(series.index[-1]),
        "split": {
            "train_end": str(series.index[1:][data.train_end]),
            "validation_end": str(series.index[1:][data.val_end]),
        },
        "scaled_target_max": scaled_max,
    }
