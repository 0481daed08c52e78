"""One-step forecasts of held-out windows, scored in levels beside the naive forecast.

For every series of a fit: the model's one-step forecasts of its validation
and test windows (one prediction pass per split over all series), unscaled
and integrated back to levels, against the truth and against the naive
forecast (the previous level) on the same windows. Also the held-out
residuals that sampling draws from.
"""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd

from tsconv.data.panel import Panel
from tsconv.data.series import describe_span
from tsconv.metrics import diebold_mariano, point_errors
from tsconv.preprocessing import transforms
from tsconv.preprocessing.preparation import Prepared
from tsconv.preprocessing.stacked_windows import part_starts
from tsconv.preprocessing.windowing import Windows
from tsconv.training.batches import predict_windows

SPLITS = ("validation", "test")
# Held-out residuals kept with a run: enough for the bootstrap's tails, small in JSON.
MAX_RESIDUALS = 5000


def score_one_step(
    model: keras.Model,
    prepared: dict[str, Prepared],
    splits: dict[str, Windows],
    panel: Panel,
    seasons: dict[str, int | None] | None = None,
) -> tuple[dict, pd.DataFrame]:
    """Scores the model's one-step forecasts on every series' validation and test windows.

    Args:
        model: maps scaled windows to `(batch, output_steps)` scaled changes.
        prepared: each series prepared (`tsconv.preprocessing.prepare_panel`).
        splits: the windows of all series per split (`stack_windows`).
        panel: the data, for the times of each series.
        seasons: each series' season (None: none), for the seasonal-naive forecast.

    Returns:
        `(metrics, predictions)`. For one series: per split `{"windows",
        "span", "model": {mae, rmse, mape}, "naive": {…}}` (and, for a series
        with a season m, `"seasonal_naive": {…}` — the level m steps before each
        target — and `"season": m`), and predictions
        indexed by target time with `split`, `actual`, `model`, `naive`.
        For many: per split `{"windows", "span", "summary": {mae_ratio_mean,
        mae_ratio_median, beats_naive, series}, "series": {id: {"windows",
        "model", "naive"}}}`, and the predictions in long format (the id
        column first).

    Example:
    >>> metrics, predictions = score_one_step(model, prepared, splits, panel)
    >>> metrics["test"]["model"]["mae"] / metrics["test"]["naive"]["mae"]
    0.99
    """
    metrics, parts = {}, []
    for split in SPLITS:
        scaled = predict_windows(model, splits[split])[:, 0]  # (windows of all series,)
        starts = part_starts([p.splits[split] for p in prepared.values()])
        per_series, ratios, times = {}, [], []
        for k, (sid, data) in enumerate(prepared.items()):
            w = data.splits[split]
            change = (
                scaled[starts[k] : starts[k + 1]] * data.scaler.scale_[0] + data.scaler.mean_[0]
            )
            naive = data.previous[w.target_rows]
            predicted = transforms.inverse(data.transform, change, naive)
            truth = data.actual[w.target_rows]
            when = panel.series[sid].index[1:][w.target_rows]  # transformed row j is level row j+1
            model_errors, naive_errors = point_errors(truth, predicted), point_errors(truth, naive)
            per_series[sid] = {"windows": len(w), "model": model_errors, "naive": naive_errors}
            if not panel.many:  # how sure "beats naive" is: absolute errors, window by window
                stat, p = diebold_mariano(np.abs(truth - predicted), np.abs(truth - naive))
                per_series[sid]["vs_naive"] = {"statistic": stat, "p_value": p}
            m = (seasons or {}).get(sid)
            if m and len(w) and int(w.target_rows.min()) >= m:
                # Level row j + 1 is the target; the level m steps before it is row j + 1 - m.
                seasonal = data.actual[w.target_rows - m]
                per_series[sid].update(seasonal_naive=point_errors(truth, seasonal), season=m)
            if naive_errors["mae"] > 0:
                ratios.append(model_errors["mae"] / naive_errors["mae"])
            times.append(when)
            part = pd.DataFrame(
                {"split": split, "actual": truth, "model": predicted, "naive": naive}, index=when
            )
            parts.append(part.assign(**{panel.id_column: sid}) if panel.many else part)
        span = describe_span(times[0].append(times[1:]).sort_values()) if times else "empty"
        if panel.many:
            metrics[split] = {
                "windows": int(starts[-1]),
                "span": span,
                "summary": _summary(np.asarray(ratios), len(prepared)),
                "series": per_series,
            }
        else:
            (only,) = per_series.values()
            metrics[split] = {"windows": only["windows"], "span": span, **only}
    predictions = pd.concat(parts)
    if panel.many:  # the id column first, as in the data's long format
        first = [panel.id_column]
        predictions = predictions[first + [c for c in predictions if c not in first]]
    return metrics, predictions


def _summary(ratios: np.ndarray, series: int) -> dict:
    return {
        "mae_ratio_mean": float(ratios.mean()) if len(ratios) else float("nan"),
        "mae_ratio_median": float(np.median(ratios)) if len(ratios) else float("nan"),
        "beats_naive": int((ratios < 1).sum()),
        "series": series,
    }


def heldout_residuals(model: keras.Model, windows: Windows) -> np.ndarray:
    """One-step errors `target - forecast` on held-out windows, in the model's (scaled) units.

    At most `MAX_RESIDUALS`, the latest kept.

    Returns:
        `(n,)` float32.

    Example:
    >>> heldout_residuals(model, splits["validation"]).shape
    (180,)
    """
    if len(windows) == 0:
        return np.zeros(0, np.float32)
    predicted = predict_windows(model, windows)[:, 0]  # location for distribution heads
    residuals = windows.targets[:, 0] - predicted
    return np.asarray(residuals[-MAX_RESIDUALS:], np.float32)
