"""Does a series wander (random walk, trend) or return to a level? KPSS and ADF in NumPy.

`--transform auto` models levels only for series that both tests call
stationary, and changes for the rest: a level model of a random walk forecasts
worse than "tomorrow = today", and a change model of a stationary seasonal
series integrates its small biases over the horizon. The two tests have
opposite null hypotheses (KPSS: stationary; ADF: a unit root), so levels need
KPSS not to reject *and* ADF to reject — when they disagree, the series keeps
its changes, which is never worse than naive on a random walk.

The tests run on training rows only (the caller passes them), on at most the
last `MAX_ROWS` of them: enough for a 5% test, and the regressions stay small
on a million-row file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_ROWS = 10_000
MIN_ROWS = 30
# KPSS level-stationarity critical value at 5% (Kwiatkowski et al. 1992, table 1).
KPSS_CRITICAL_5 = 0.463


def _lags(rows: int) -> int:
    """Schwert's rule, the lag count statsmodels' tests use by default: 12 (n/100)^(1/4)."""
    return int(np.ceil(12.0 * (rows / 100.0) ** 0.25))


def adf_critical_5(rows: int) -> float:
    """MacKinnon's (2010) 5% critical value of the ADF test with a constant, for `rows`."""
    return -2.86154 - 2.8903 / rows - 4.234 / rows**2


def kpss_statistic(values: np.ndarray) -> float:
    """KPSS statistic for level stationarity; large values reject a stationary level.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> kpss_statistic(rng.normal(size=500)) < KPSS_CRITICAL_5
    True
    >>> kpss_statistic(np.cumsum(rng.normal(size=500))) > KPSS_CRITICAL_5
    True
    """
    x = np.asarray(values, dtype=np.float64)
    rows = len(x)
    residuals = x - x.mean()
    partial = np.cumsum(residuals)
    # Long-run variance: Bartlett-weighted autocovariances (Newey-West).
    variance = residuals @ residuals / rows
    for lag in range(1, min(_lags(rows), rows - 1) + 1):
        weight = 1.0 - lag / (_lags(rows) + 1.0)
        variance += 2.0 * weight * (residuals[lag:] @ residuals[:-lag]) / rows
    if variance <= 0:
        return 0.0 if np.allclose(residuals, 0) else float("inf")
    return float(partial @ partial / (rows**2 * variance))


def adf_statistic(values: np.ndarray) -> float:
    """Augmented Dickey-Fuller t statistic (constant, Schwert's lag count); very negative
    values reject a unit root.

    Regresses `Δx_t` on `1, x_{t-1}, Δx_{t-1}, …, Δx_{t-p}` and returns the t
    statistic of `x_{t-1}`'s coefficient.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> adf_statistic(rng.normal(size=500)) < adf_critical_5(500)
    True
    """
    x = np.asarray(values, dtype=np.float64)
    moves = np.diff(x)
    lags = min(_lags(len(x)), len(moves) // 3)
    target = moves[lags:]  # Δx_t for t = lags+1 … rows-1
    columns = [np.ones_like(target), x[lags:-1]]
    columns += [moves[lags - i : len(moves) - i] for i in range(1, lags + 1)]
    design = np.column_stack(columns)  # (rows - 1 - lags, 2 + lags)
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    residuals = target - design @ coef
    dof = len(target) - design.shape[1]
    sigma2 = residuals @ residuals / max(dof, 1)
    if sigma2 <= 0:
        return float("-inf")
    covariance = sigma2 * np.linalg.pinv(design.T @ design)
    return float(coef[1] / np.sqrt(covariance[1, 1]))


@dataclass(frozen=True)
class Stationarity:
    """The two tests' verdict on one series.

    Attributes:
        stationary: KPSS does not reject a stationary level and ADF rejects a unit root.
        kpss: the KPSS statistic (5% critical value `KPSS_CRITICAL_5`).
        adf: the ADF statistic (5% critical value `adf_critical`).
        adf_critical: the ADF 5% critical value for the rows tested.
        rows: rows tested.
    """

    stationary: bool
    kpss: float
    adf: float
    adf_critical: float
    rows: int

    def describe(self) -> str:
        """One phrase with both statistics, for logs and the run's record."""
        kpss_word = "<" if self.kpss < KPSS_CRITICAL_5 else ">="
        adf_word = "<" if self.adf < self.adf_critical else ">="
        return (
            f"KPSS {self.kpss:.3g} {kpss_word} {KPSS_CRITICAL_5}, "
            f"ADF {self.adf:.3g} {adf_word} {self.adf_critical:.3g} on {self.rows} training rows"
        )


def stationarity(values: np.ndarray) -> Stationarity | None:
    """KPSS and ADF on the last `MAX_ROWS` of `values`; None when fewer than `MIN_ROWS`
    or constant (nothing to test).

    Example:
    >>> t = np.arange(2000)
    >>> stationarity(np.sin(2 * np.pi * t / 24) + 0.1 * np.cos(t)).stationary
    True
    >>> stationarity(np.cumsum(np.random.default_rng(1).normal(size=2000))).stationary
    False
    """
    x = np.asarray(values, dtype=np.float64)[-MAX_ROWS:]
    x = x[np.isfinite(x)]
    if len(x) < MIN_ROWS or np.ptp(x) == 0:
        return None
    # Both statistics are scale-free; dividing by the largest size first keeps squares of
    # values near 1e300 finite (they overflowed into "SVD did not converge").
    x = x / np.max(np.abs(x))
    kpss = kpss_statistic(x)
    adf = adf_statistic(x)
    critical = adf_critical_5(len(x))
    return Stationarity(
        stationary=bool(kpss < KPSS_CRITICAL_5 and adf < critical),
        kpss=kpss,
        adf=adf,
        adf_critical=critical,
        rows=len(x),
    )
