"""Forecast errors as plain NumPy functions: point, scaled and probabilistic.

Point errors compare a forecast `y_pred` with the truth `y_true` (same
shape). MASE divides the MAE by the in-sample error of the naive (or
seasonal-naive) one-step forecast, so 1.0 means "as wrong as tomorrow =
today was in the past". Probabilistic scores take sampled trajectories
`(samples, horizon)` or quantile forecasts.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def smape(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Symmetric MAPE in percent, `100 * mean(2|y - f| / (|y| + |f|))`, from 0 to 200.

    A step where truth and forecast are both 0 counts as 0 error.

    Example:
    >>> smape(np.array([100.0, 0.0]), np.array([110.0, 0.0]))
    4.761904761904762
    """
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    denominator = np.abs(y_true) + np.abs(y_pred)
    ratio = np.divide(
        2.0 * np.abs(y_true - y_pred),
        denominator,
        out=np.zeros_like(denominator),
        where=denominator > 0,
    )
    return float(100.0 * np.mean(ratio))


def naive_scale(history: np.ndarray, season: int = 1) -> float:
    """In-sample MAE of the (seasonal) naive one-step forecast: MASE's denominator.

    `mean(|x[t] - x[t - season]|)` over the history. NaN when the history
    is not longer than `season` or the scale is 0 (a constant history).

    Example:
    >>> naive_scale(np.array([1.0, 2.0, 4.0, 7.0]))
    2.0
    """
    history = np.asarray(history, dtype=np.float64)
    if season < 1:
        raise ValueError(f"season must be a positive integer. Received: season={season}")
    if len(history) <= season:
        return float("nan")
    scale = float(np.mean(np.abs(history[season:] - history[:-season])))
    return scale if scale > 0 else float("nan")


def mase(y_true: np.ndarray, y_pred: np.ndarray, history: np.ndarray, season: int = 1) -> float:
    """Mean absolute scaled error: MAE over `naive_scale(history, season)`.

    Args:
        y_true, y_pred: truth and forecast over the horizon.
        history: the observed values before the forecast (the training part).
        season: 1 scales by the naive error; a season length by the seasonal-naive error.

    Example:
    >>> mase(np.array([8.0, 9.0]), np.array([7.0, 7.0]), np.array([1.0, 2.0, 4.0, 7.0]))
    0.75
    """
    return mae(y_true, y_pred) / naive_scale(history, season)


def coverage(y_true: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share of true values inside `[lower, upper]`.

    Example:
    >>> coverage(np.array([1.0, 5.0]), np.array([0.0, 0.0]), np.array([2.0, 2.0]))
    0.5
    """
    y_true = np.asarray(y_true)
    return float(np.mean((y_true >= np.asarray(lower)) & (y_true <= np.asarray(upper))))


def pinball(y_true: np.ndarray, y_quantile: np.ndarray, q: float) -> float:
    """Mean pinball (quantile) loss of the `q` quantile forecast `y_quantile`.

    `max(q (y - f), (q - 1) (y - f))`: 0 is perfect; for `q = 0.5` it is half the MAE.

    Example:
    >>> pinball(np.array([10.0]), np.array([8.0]), 0.9)
    1.8
    """
    if not 0 < q < 1:
        raise ValueError(f"q must be between 0 and 1. Received: q={q}")
    error = np.asarray(y_true, dtype=np.float64) - np.asarray(y_quantile, dtype=np.float64)
    return float(np.mean(np.maximum(q * error, (q - 1) * error)))


def mean_pinball(y_true: np.ndarray, paths: np.ndarray, quantiles: Sequence[float]) -> float:
    """Pinball loss averaged over `quantiles` of sampled trajectories `(samples, horizon)`."""
    levels = np.quantile(paths, quantiles, axis=0)  # (quantiles, horizon)
    return float(
        np.mean([pinball(y_true, level, q) for level, q in zip(levels, quantiles, strict=True)])
    )


def crps(y_true: np.ndarray, paths: np.ndarray) -> float:
    """Continuous ranked probability score from samples, averaged over the horizon.

    The sample estimate `E|X - y| - E|X - X'| / 2` of each step's
    distribution `X` (the columns of `paths`); in the units of the data, and
    equal to the MAE when every sample is the same.

    Args:
        y_true: `(horizon,)` truth.
        paths: `(samples, horizon)` sampled trajectories.

    Example:
    >>> crps(np.array([0.0]), np.array([[-1.0], [1.0]]))
    0.5
    """
    paths = np.sort(np.asarray(paths, dtype=np.float64), axis=0)  # (samples, horizon)
    y_true = np.asarray(y_true, dtype=np.float64)
    m = len(paths)
    spread_to_truth = np.mean(np.abs(paths - y_true[None]), axis=0)  # (horizon,)
    # E|X - X'| over all ordered pairs from sorted samples in O(m): sum_i (2i - m + 1) x_(i).
    weights = 2.0 * np.arange(m) - m + 1.0  # (samples,)
    pair_spread = 2.0 * np.sum(weights[:, None] * paths, axis=0) / (m * m)  # (horizon,)
    return float(np.mean(spread_to_truth - 0.5 * pair_spread))


def point_errors(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """`{"mae", "rmse", "mape"}` of one forecast.

    Example:
    >>> point_errors(np.array([1.0, 2.0]), np.array([1.0, 4.0]))
    {'mae': 1.0, 'rmse': 1.4142135623730951, 'mape': 50.0}
    """
    return {"mae": mae(y_true, y_pred), "rmse": rmse(y_true, y_pred), "mape": mape(y_true, y_pred)}


def diebold_mariano(
    loss: np.ndarray, reference: np.ndarray, horizon: int = 1
) -> tuple[float, float]:
    """Diebold–Mariano test that two forecasts have the same mean loss.

    The loss differential `d = loss - reference` (e.g. absolute errors of the
    model and of the naive forecast on the same windows) is tested for a zero
    mean, its variance taken with the autocovariances up to lag `horizon - 1`
    (h-step forecasts overlap), with the Harvey–Leybourne–Newbold small-sample
    correction and Student's t with `n - 1` degrees of freedom.

    Args:
        loss: `(n,)` losses of the forecast under test.
        reference: `(n,)` losses of the reference on the same targets.
        horizon: steps ahead of the forecasts (1 for one-step forecasts).

    Returns:
        `(statistic, p_value)`: negative when `loss` is lower; the two-sided
        p-value (NaN for fewer than 3 pairs).

    Example:
    >>> rng = np.random.default_rng(0)
    >>> stat, p = diebold_mariano(rng.normal(1, 1, 500) ** 2, rng.normal(0, 2, 500) ** 2)
    >>> stat < 0, p < 0.01
    (True, True)
    """
    from scipy import stats  # a dependency of scikit-learn; only loaded when asked

    d = np.asarray(loss, np.float64) - np.asarray(reference, np.float64)
    n = len(d)
    if n < 3:
        return float("nan"), float("nan")
    centred = d - d.mean()
    lags = min(max(horizon, 1), n - 1)
    gammas = [float(np.mean(centred[k:] * centred[: n - k])) for k in range(lags)]
    variance = (gammas[0] + 2 * sum(gammas[1:])) / n
    if variance <= 0:  # the truncated sum can go negative: fall back to lag 0
        variance = gammas[0] / n
    if variance == 0:
        return (0.0, 1.0) if d.mean() == 0 else (float(np.sign(d.mean()) * np.inf), 0.0)
    h = lags
    correction = np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    statistic = float(d.mean() / np.sqrt(variance) * correction)
    return statistic, float(2 * stats.t.sf(abs(statistic), df=n - 1))


def column_format(values) -> str:
    """One `str.format` pattern for a column of numbers: four significant digits of its
    largest, the same decimals in every cell (tables read down a column).

    Example:
    >>> column_format([97.53, 25.1]), column_format([0.01234, float("nan")]), column_format([])
    ('{:.2f}', '{:.5f}', '{:.3f}')
    """
    numbers = np.abs(np.asarray(values, dtype=np.float64).ravel())
    numbers = numbers[np.isfinite(numbers) & (numbers > 0)]
    if len(numbers) == 0:
        return "{:.3f}"
    if numbers.max() >= 1e9 or numbers.max() < 1e-4:  # fixed decimals would run to 300 digits
        return "{:.4g}"
    return f"{{:.{max(0, 3 - int(np.floor(np.log10(numbers.max()))))}f}}"


def quantile_name(q: float) -> str:
    """The column name of quantile `q`: `q0.05`."""
    return f"q{q:g}"


def mae_ratio(metrics: dict, split: str = "test") -> float:
    """Model MAE over naive MAE on `split` (the mean over series for many): below 1 beats naive.

    Example:
    >>> mae_ratio({"test": {"model": {"mae": 0.9}, "naive": {"mae": 1.0}}})
    0.9
    """
    part = metrics[split]
    if "summary" in part:
        return part["summary"]["mae_ratio_mean"]
    return part["model"]["mae"] / max(part["naive"]["mae"], 1e-300)
