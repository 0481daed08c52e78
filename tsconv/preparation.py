"""Levels → model inputs: target transform, chronological split, scaler, windows.

The one place where a `Series` becomes the scaled float32 array the models
see, for training (`prepare`) and for forecasting (`encode`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tsconv import transforms
from tsconv.scaling import StandardScaler
from tsconv.windowing import Windows, make_windows, split_rows


@dataclass
class Prepared:
    """A series ready for training, and what is needed to score it in levels.

    Attributes:
        transform: the resolved transform name.
        scaler: fitted on the training rows of the transformed series only.
        splits: `"train"`, `"validation"` and `"test"` `Windows` (views).
        previous: `(rows - 1,)` level before each transformed row (the naive forecast).
        actual: `(rows - 1,)` level at each transformed row.
        train_end, val_end: split points in transformed rows.
    """

    transform: str
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


def encode(transform: str, scaler: StandardScaler, levels: np.ndarray) -> np.ndarray:
    """Levels `(rows, channels)` → scaled model inputs `(rows - 1, channels)`, float32."""
    return scaler.transform(changes(transform, levels)).astype(np.float32)


def prepare(
    levels: np.ndarray,
    window: int,
    transform: str = "auto",
    val_fraction: float = 0.1,
    test_fraction: float = 0.1,
    horizon: int = 1,
    season: int | None = None,
) -> Prepared:
    """Transforms, splits by time, fits the scaler on training rows, and cuts windows.

    Args:
        levels: `(rows, channels)` observed values, target first.
        window: observed steps per window.
        transform: see `tsconv.transforms.resolve_transform`.
        val_fraction, test_fraction: see `tsconv.windowing.split_rows`.
        horizon: target steps per window (K for the direct strategy); a window
            belongs to the split that holds all of its targets.
        season: season length, for the window suggested when the series is too short.

    Returns:
        `Prepared`.

    Raises:
        InputError: when the series is too short or the transform does not suit it.

    Example:
    >>> p = prepare(np.linspace(1, 2, 300)[:, None], window=20)
    >>> p.splits["train"].inputs.shape  # (windows, window, channels)
    (219, 20, 1)
    """
    transform = transforms.resolve_transform(transform, levels[:, 0])
    moves = changes(transform, levels)  # (rows - 1, channels)
    train_end, val_end = split_rows(len(moves), window, val_fraction, test_fraction, season=season)
    scaler = StandardScaler().fit(moves[:train_end])  # training rows only: no leakage
    windows = make_windows(scaler.transform(moves).astype(np.float32), window, horizon)
    return Prepared(
        transform=transform,
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
