"""Standard scaling with scikit-learn's contract, stored as plain JSON numbers."""

from __future__ import annotations

import numpy as np

from tsconv.errors import InputError


class StandardScaler:
    """Scales each column to zero mean and unit variance.

    Follows scikit-learn's `StandardScaler` contract (`fit` returns `self`;
    fitted attributes end in `_`) but serializes to JSON instead of pickle.
    A constant column gets `scale_ = 1`, so it never divides by zero.

    Example:
    >>> s = StandardScaler().fit(np.array([[1.0], [3.0]]))
    >>> s.mean_, s.scale_
    (array([2.]), array([1.]))
    >>> s.transform(np.array([[5.0]]))
    array([[3.]])
    """

    def fit(self, x: np.ndarray) -> StandardScaler:
        """Learns per-column mean and standard deviation of `x` `(rows, columns)`."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or len(x) == 0:
            raise InputError(f"scaler needs a non-empty 2-D array. Received: shape={x.shape}")
        self.mean_ = x.mean(axis=0)
        std = x.std(axis=0)
        # Relative tolerance: a column that is constant up to rounding is constant.
        tiny = std <= 1e-12 * np.maximum(np.abs(self.mean_), 1.0)
        self.scale_ = np.where(tiny, 1.0, std)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.mean_) / self.scale_

    def inverse_transform(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=np.float64) * self.scale_ + self.mean_

    def to_dict(self) -> dict:
        """Plain JSON-ready numbers."""
        return {"mean": self.mean_.tolist(), "scale": self.scale_.tolist()}

    @classmethod
    def from_dict(cls, data: dict) -> StandardScaler:
        scaler = cls()
        scaler.mean_ = np.asarray(data["mean"], dtype=np.float64)
        scaler.scale_ = np.asarray(data["scale"], dtype=np.float64)
        if scaler.mean_.shape != scaler.scale_.shape or not np.all(scaler.scale_ > 0):
            raise InputError("scaler parameters are malformed (mean/scale shapes or scale <= 0).")
        return scaler
