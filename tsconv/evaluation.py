"""One-step forecasts of held-out windows, scored in levels beside the naive forecast."""

from __future__ import annotations

import keras
import pandas as pd

from tsconv import transforms
from tsconv.data import describe_span
from tsconv.metrics import point_errors
from tsconv.preparation import Prepared
from tsconv.training import predict_windows

SPLITS = ("validation", "test")


def score_one_step(
    model: keras.Model, data: Prepared, index: pd.Index
) -> tuple[dict, pd.DataFrame]:
    """Scores the model's one-step forecasts on the validation and test windows.

    Predictions are unscaled and integrated back to levels, then compared
    with the truth and with the naive forecast (the previous level) on the
    same windows.

    Args:
        model: maps scaled windows to `(batch, 1)` scaled changes.
        data: the prepared series (`tsconv.preparation.prepare`).
        index: the time index of the levels the data was prepared from.

    Returns:
        `(metrics, predictions)`: per split, `{"windows", "span", "model":
        {mae, rmse, mape}, "naive": {…}}`; and a `DataFrame` indexed by target
        time with `split`, `actual`, `model`, `naive` columns.
    """
    metrics, parts = {}, []
    targets_index = index[1:]  # transformed row j describes level row j + 1
    for split in SPLITS:
        w = data.splits[split]
        scaled = predict_windows(model, w)[:, 0]
        change = scaled * data.scaler.scale_[0] + data.scaler.mean_[0]
        naive = data.previous[w.target_rows]
        predicted = transforms.inverse(data.transform, change, naive)
        truth = data.actual[w.target_rows]
        when = targets_index[w.target_rows]
        metrics[split] = {
            "windows": len(w),
            "span": describe_span(when),
            "model": point_errors(truth, predicted),
            "naive": point_errors(truth, naive),
        }
        parts.append(
            pd.DataFrame(
                {"split": split, "actual": truth, "model": predicted, "naive": naive},
                index=when,
            )
        )
    return metrics, pd.concat(parts)


def mae_ratio(metrics: dict, split: str = "test") -> float:
    """Model MAE over naive MAE on `split`: below 1 beats "tomorrow = today"."""
    return metrics[split]["model"]["mae"] / max(metrics[split]["naive"]["mae"], 1e-300)
