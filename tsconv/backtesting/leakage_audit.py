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
    known: list[str] | None = None,
) -> dict:
    """Changes every value after each origin and checks that its forecasts do not change.

    For each fold, every series' rows from its origin on are replaced by other
    values (each multiplied by a random factor in [0.5, 2], so positive
    series stay positive); each model is fitted again where the backtest
    fitted it (every fold, or with `refit="none"` the first) and forecasts
    again, from the same `folds.fold_data` the backtest used. Any difference
    means the fold saw its future — its own, or another series'.

    Columns known in advance (`known`) are the forecast's input at its steps,
    so they change only after the fold's `horizon` steps in that check. A
    second check changes them from step `s = max(1, horizon // 2)` on, with
    the same fits: the forecast's first `s` steps must not change — a known
    value at step k reaches no step before k.

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
        known: the columns known in advance (`Forecaster(future_features=...)`).

    Returns:
        `{"folds", "models", "max_difference", "passed", "leaks"}`; `leaks`
        lists `"model fold k"` where forecasts changed.

    Example:
    >>> leakage_audit(panel, methods, origins, 30, True, 0, 0, forecasts)["passed"]
    True
    """
    rng = np.random.default_rng(seed)
    known = list(known or [])
    split = max(1, horizon // 2)  # the second check changes known values from this step on
    leaks, worst = [], 0.0
    for k, cut in enumerate(origins):
        changed = {}
        for sid, series in panel.series.items():
            frame = series.frame.copy()
            unknown, ahead = _positions(frame, known)
            for columns, start in ((unknown, cut[sid]), (ahead, cut[sid] + horizon)):
                if columns:
                    frame.iloc[start:, columns] = _scramble(frame.iloc[start:, columns], rng)
            changed[sid] = dataclasses.replace(series, frame=frame)
        changed = panel.replace(changed)
        fit_on, forecast_from = folds.fold_data(changed, cut, horizon)
        future = folds.fold_future(changed, cut, horizon, known)
        for method in methods:
            original = method
            if refit != "none" or k == 0:
                # Fit a copy: the backtest's own fit stays for the later folds.
                method = method.fresh()
                method.fit(fit_on, k)
            before = forecasts[method.name][k]
            again = method.forecast(forecast_from, horizon, samples, seed + k, future)
            difference = max(
                _weight_difference(original.weights(k), method.weights(k)),
                _forecast_difference(again, before, horizon),
            )
            if future is not None:  # known values changed from step `split` on
                later = {sid: f.copy() for sid, f in future.items()}
                for frame in later.values():
                    frame.iloc[split:] = _scramble(frame.iloc[split:], rng)
                shifted = method.forecast(forecast_from, horizon, samples, seed + k, later)
                difference = max(difference, _forecast_difference(shifted, before, split))
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


def _positions(frame, known: list[str]) -> tuple[list[int], list[int]]:
    """Positions of the columns not known in advance (the target, past-only features) and
    of those known in advance."""
    columns = list(frame.columns)
    return [i for i, c in enumerate(columns) if c not in known], [
        i for i, c in enumerate(columns) if c in known
    ]


def _scramble(block, rng) -> np.ndarray:
    """Other values for `block`: each multiplied by a random factor in [0.5, 2] (signs kept);
    a zero (a flag off) becomes a one, so every value changes."""
    values = block.to_numpy(np.float64)
    values = np.where(values == 0, 1.0, values)
    return values * rng.uniform(0.5, 2.0, size=values.shape)


def _forecast_difference(again: dict, before: dict, steps: int) -> float:
    """The largest change of the first `steps` steps of any point path or sample."""
    difference = 0.0
    for sid in set(again) & set(before):
        (point, paths), (before_point, before_paths) = again[sid], before[sid]
        difference = max(difference, float(np.max(np.abs(point[:steps] - before_point[:steps]))))
        if paths is not None:
            change = np.abs(paths[:, :steps] - before_paths[:, :steps])
            difference = max(difference, float(np.max(change)))
    return difference
