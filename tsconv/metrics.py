"""Point-forecast errors as plain NumPy functions."""

from __future__ import annotations

import numpy as np


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(np.asarray(y_true) - np.asarray(y_pred))))


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error."""
    return float(np.sqrt(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2)))


def mape(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute percentage error in percent; NaN when a true value is 0."""
    y_true = np.asarray(y_true, dtype=np.float64)
    if np.any(y_true == 0):
        return float("nan")
    return float(100.0 * np.mean(np.abs((y_true - np.asarray(y_pred)) / y_true)))


def point_errors(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """`{"mae", "rmse", "mape"}` of one forecast.

    Example:
    >>> point_errors(np.array([1.0, 2.0]), np.array([1.0, 4.0]))
    {'mae': 1.0, 'rmse': 1.4142135623730951, 'mape': 50.0}
    """
    return {"mae": mae(y_true, y_pred), "rmse": rmse(y_true, y_pred), "mape": mape(y_true, y_pred)}
