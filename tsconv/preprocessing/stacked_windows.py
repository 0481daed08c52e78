"""The windows of many series served as one set, without copying any of them.

Each series is windowed by `tsconv.preprocessing.windowing.make_windows` (the one index
rule); `stack_windows` only numbers their windows one after another, so a
window never spans two series. A batch is gathered from the series' views.
"""

from __future__ import annotations

import numpy as np

from tsconv.preprocessing.windowing import Windows


class StackedArray:
    """Several arrays with equal trailing shapes, indexed as their concatenation.

    Indexing with an integer array gathers just those rows (a copy of the
    batch, never of the parts); the parts stay views of their series.

    Args:
        parts: arrays `(n_k, ...)` with the same trailing shape and dtype.

    Example:
    >>> a = StackedArray([np.arange(3), np.arange(10, 12)])
    >>> a[np.array([4, 0, 3])].tolist(), a.shape
    ([11, 0, 10], (5,))
    """

    def __init__(self, parts: list[np.ndarray]):
        self.parts = parts
        sizes = np.array([len(p) for p in parts], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(sizes)])  # (parts + 1,)
        first = parts[0] if parts else np.zeros((0,))
        self.shape = (int(self.starts[-1]), *first.shape[1:])
        self.dtype = first.dtype
        self.ndim = len(self.shape)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, index) -> np.ndarray:
        if isinstance(index, tuple):  # rows first, then the trailing axes of the batch
            rows = self[index[0]]
            lead = (
                () if np.ndim(index[0]) == 0 and not isinstance(index[0], slice) else (slice(None),)
            )
            return rows[(*lead, *index[1:])]
        if isinstance(index, slice):
            index = np.arange(len(self))[index]
        index = np.asarray(index, dtype=np.int64)
        scalar = index.ndim == 0
        index = np.atleast_1d(index)
        if np.any((index < 0) | (index >= len(self))):
            raise IndexError(f"index out of range for {len(self)} rows")
        part = np.searchsorted(self.starts, index, side="right") - 1  # (batch,)
        out = np.empty((len(index), *self.shape[1:]), dtype=self.dtype)
        for k in np.unique(part):
            chosen = part == k
            out[chosen] = self.parts[k][index[chosen] - self.starts[k]]
        return out[0] if scalar else out


def stack_windows(parts: list[Windows]) -> Windows:
    """The windows of several series as one `Windows`, numbered part after part.

    `target_rows` stay each window's row within its own series; window
    `part_starts(parts)[k]` is the first of part `k`. One part is returned as
    it is (its views, not wrapped).

    Args:
        parts: `Windows` of the same window, channels and output steps.

    Returns:
        `Windows` whose arrays are `StackedArray`s over the parts' views.

    Example:
    >>> a, b = make_windows(np.arange(6.0), 3), make_windows(np.arange(5.0), 3)
    >>> w = stack_windows([a, b])
    >>> len(w), w.targets[np.array([2, 3])][:, 0].tolist()
    (5, [5.0, 3.0])
    """
    if len(parts) == 1:
        return parts[0]
    return Windows(
        StackedArray([w.inputs for w in parts]),
        StackedArray([w.targets for w in parts]),
        np.concatenate([w.target_rows for w in parts]) if parts else np.zeros(0, np.int64),
        parts[0].output_steps if parts else 1,
        StackedArray([w.sequence_targets for w in parts]),
    )


def part_starts(parts: list[Windows]) -> np.ndarray:
    """`(parts + 1,)` where each part's windows begin in `stack_windows(parts)`, and the total.

    Example:
    >>> part_starts([make_windows(np.arange(6.0), 3), make_windows(np.arange(5.0), 3)]).tolist()
    [0, 3, 5]
    """
    return np.concatenate([[0], np.cumsum([len(w) for w in parts])]).astype(np.int64)
