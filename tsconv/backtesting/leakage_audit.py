"""The leakage audit: change the future, and no forecast made before it may change."""

from __future__ import annotations

import dataclasses

import numpy as np

from tsconv.backtesting import folds
from tsconv.data.panel import Panel


def leakage_audit(
    panel: Panel,
    methods: list,
    origins: list[dict[str, int]],
    horizon: int,
    refit: str,
    samples: int,
    seed: int,
    forecasts: dict,
) -> dict:
    """Changes every value after each origin and checks that its forecasts do not change.

    For each fold, every series' rows from its origin on are replaced by other
    values (each multiplied by a random factor in [0.5, 2], so positive
    series stay positive); each model is fitted again where the backtest
    fitted it (every fold, or with `refit="none"` the first) and forecasts
    again, from the same `folds.fold_data` the backtest used. Any difference
    means the fold saw its future — its own, or another series'.

    Warm refits start fold k from the weights fold k - 1 ended with. The audit
    refits fold k alone from those same starting weights and compares the
    weights it ends with too: fold k's weights then depend on nothing at or
    after its origin given its start, and its start (fold k - 1's end, checked
    the same way) on nothing at or after an earlier origin — so by induction
    no fold's warm start carries anything from its future.

    Training must be deterministic (the CPU, or `TF_DETERMINISTIC_OPS=1`).

    Args:
        panel: the backtested data (`tsconv.data.panel.as_panel`).
        methods: the backtest's methods (their `fit`, `fresh` and `forecast`).
        origins: per fold, each series' origin.
        horizon, refit, samples, seed: the backtest's settings (`refit`: warm, cold or none).
        forecasts: the backtest's forecasts: per model name, per fold, `{id: (point, paths)}`.

    Returns:
        `{"folds", "models", "max_difference", "passed", "leaks"}`; `leaks`
        lists `"model fold k"` where forecasts changed.

    Example:
    >>> leakage_audit(panel, methods, origins, 30, True, 0, 0, forecasts)["passed"]
    True
    """
    rng = np.random.default_rng(seed)
    leaks, worst = [], 0.0
    for k, cut in enumerate(origins):
        changed = {}
        for sid, series in panel.series.items():
            frame = series.frame.copy()
            future = frame.iloc[cut[sid] :]
            frame.iloc[cut[sid] :] = future.to_numpy() * rng.uniform(0.5, 2.0, size=future.shape)
            changed[sid] = dataclasses.replace(series, frame=frame)
        fit_on, forecast_from = folds.fold_data(panel.replace(changed), cut, horizon)
        for method in methods:
            original = method
            if refit != "none" or k == 0:
                # Fit a copy: the backtest's own fit stays for the later folds.
                method = method.fresh()
                method.fit(fit_on, k)
            again = method.forecast(forecast_from, horizon, samples, seed + k)
            before = forecasts[method.name][k]
            difference = _weight_difference(original.weights(k), method.weights(k))
            for sid in set(again) & set(before):
                (point, paths), (before_point, before_paths) = again[sid], before[sid]
                difference = max(difference, float(np.max(np.abs(point - before_point))))
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


def _weight_difference(before: list | None, again: list | None) -> float:
    """The largest change of any weight between two fits of a fold (0 when not recorded)."""
    if before is None or again is None:
        return 0.0
    pairs = zip(before, again, strict=True)
    return max((float(np.max(np.abs(a - b), initial=0.0)) for a, b in pairs), default=0.0)
