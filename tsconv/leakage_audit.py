"""The leakage audit: change the future, and no forecast made before it may change."""

from __future__ import annotations

import dataclasses

import numpy as np

from tsconv import folds
from tsconv.data import Series


def leakage_audit(
    series: Series,
    methods: list,
    origins: np.ndarray,
    horizon: int,
    refit: bool,
    samples: int,
    seed: int,
    forecasts: dict,
) -> dict:
    """Changes every value after each origin and checks that its forecasts do not change.

    For each fold, the rows from the origin on are replaced by other values
    (each multiplied by a random factor in [0.5, 2], so positive series stay
    positive); each model is fitted again where the backtest fitted it (every
    fold with refit, else the first) and forecasts again. Any difference means
    the fold saw its future.

    Training must be deterministic (the CPU, or `TF_DETERMINISTIC_OPS=1`).

    Returns:
        `{"folds", "models", "max_difference", "passed", "leaks"}`; `leaks`
        lists `"model fold k"` where forecasts changed.
    """
    rng = np.random.default_rng(seed)
    leaks, worst = [], 0.0
    for k, origin in enumerate(origins):
        frame = series.frame.copy()
        frame.iloc[origin:] = frame.iloc[origin:].to_numpy() * rng.uniform(
            0.5, 2.0, size=frame.iloc[origin:].shape
        )
        changed = dataclasses.replace(series, frame=frame)
        for method in methods:
            if refit or k == 0:
                # Fit a copy: the backtest's own fit stays for the later folds.
                method = method.fresh()
                method.fit(folds.observed_until(changed, int(origin)))
            point, paths = method.forecast(
                folds.observed_until(changed, int(origin)), horizon, samples, seed + k
            )
            before_point, before_paths = forecasts[method.name][k]
            difference = float(np.max(np.abs(point - before_point)))
            if paths is not None:
                difference = max(difference, float(np.max(np.abs(paths - before_paths))))
            worst = max(worst, difference)
            if difference > 0:
                leaks.append(f"{method.name} fold {k + 1}")
    return {
        "folds": len(origins),
        "models": [m.name for m in methods],
        "max_difference": worst,
        "passed": not leaks,
        "leaks": leaks,
    }
