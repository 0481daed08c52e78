"""Windows of many series served as one set: no window spans two series, nothing copied."""

import numpy as np
import pytest

from tsconv.preprocessing.stacked_windows import StackedArray, part_starts, stack_windows
from tsconv.preprocessing.windowing import make_windows


def test_stacked_windows_on_arange():
    a = make_windows(np.arange(6.0), window=3)  # windows at target rows 3, 4, 5
    b = make_windows(np.arange(100.0, 105.0), window=3)  # target rows 3, 4
    w = stack_windows([a, b])
    assert len(w) == 5 and w.inputs.shape == (5, 3, 1)
    assert w.target_rows.tolist() == [3, 4, 5, 3, 4]
    every = w.inputs[np.arange(5)][:, :, 0]
    assert every.tolist() == [
        [0, 1, 2],
        [1, 2, 3],
        [2, 3, 4],
        [100, 101, 102],
        [101, 102, 103],
    ]
    assert w.targets[:, 0].tolist() == [3, 4, 5, 103, 104]
    assert w.sequence_targets[np.array([3])].tolist() == [[101, 102, 103]]


def test_no_window_mixes_series():
    rng = np.random.default_rng(0)
    parts = [make_windows(np.full(n, float(k)), window=4) for k, n in enumerate((10, 7, 30))]
    w = stack_windows(parts)
    batch = w.inputs[rng.permutation(len(w))]
    # Every window holds one series' constant only, and its target is the same constant.
    assert np.all(batch.min(axis=(1, 2)) == batch.max(axis=(1, 2)))


def test_parts_stay_views_of_their_series():
    """Stacked parts are the series' own views; one part is served as it is."""
    values, other = np.arange(50.0)[:, None], np.arange(20.0)[:, None]
    w = stack_windows([make_windows(values, window=5), make_windows(other, window=5)])
    assert np.shares_memory(w.inputs.parts[0], values)
    assert np.shares_memory(w.inputs.parts[1], other)
    alone = make_windows(values, window=5)
    assert stack_windows([alone]) is alone
    assert part_starts([alone, make_windows(other, window=5)]).tolist() == [0, 45, 60]


def test_stacked_array_indexing():
    a = StackedArray([np.arange(3), np.arange(10, 12)])
    assert a[4] == 11 and a[1:4].tolist() == [1, 2, 10] and len(a) == 5
    with pytest.raises(IndexError, match="out of range"):
        a[np.array([5])]
