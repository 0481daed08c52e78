import numpy as np
import pytest

from tsconv.errors import InputError
from tsconv.preprocessing.windowing import count_windows, last_window, make_windows, split_rows


def test_index_rule_on_arange():
    w = make_windows(np.arange(10.0), window=4)
    # Window i observes rows i..i+3 and predicts row i+4.
    assert w.inputs.shape == (6, 4, 1)
    np.testing.assert_array_equal(w.inputs[0, :, 0], [0, 1, 2, 3])
    np.testing.assert_array_equal(w.inputs[5, :, 0], [5, 6, 7, 8])
    np.testing.assert_array_equal(w.targets[:, 0], [4, 5, 6, 7, 8, 9])
    np.testing.assert_array_equal(w.target_rows, [4, 5, 6, 7, 8, 9])
    for i in range(len(w)):
        np.testing.assert_array_equal(w.inputs[i, :, 0], np.arange(i, i + 4))
        assert w.targets[i, 0] == i + 4


def test_index_rule_with_output_steps_and_channels():
    values = np.stack([np.arange(8.0), 100 + np.arange(8.0)], axis=1)  # (8, 2)
    w = make_windows(values, window=3, output_steps=2)
    assert len(w) == count_windows(8, 3, 2) == 8 - 3 - 2 + 1
    np.testing.assert_array_equal(w.inputs[1], [[1, 101], [2, 102], [3, 103]])
    np.testing.assert_array_equal(w.targets[1], [4, 5])  # channel 0 only
    np.testing.assert_array_equal(w.targets[-1], [6, 7])


def test_windows_are_zero_copy_views():
    series = np.arange(1000.0)[:, None]
    w = make_windows(series, window=100)
    assert np.shares_memory(w.inputs, series)
    assert np.shares_memory(w.targets, series)
    # A view costs no memory of its own: the base is the series itself.
    assert w.inputs.base is not None and w.inputs.nbytes > series.nbytes
    series[500, 0] = -1.0
    assert w.inputs[450, 50, 0] == -1.0


def test_between_selects_by_target_row_and_stays_a_view():
    series = np.arange(20.0)
    w = make_windows(series, window=5)
    part = w.between(10, 15)
    np.testing.assert_array_equal(part.target_rows, [10, 11, 12, 13, 14])
    np.testing.assert_array_equal(part.inputs[0, :, 0], [5, 6, 7, 8, 9])
    assert np.shares_memory(part.inputs, series)
    # With 2 output steps, a window whose second target crosses `stop` belongs to the next split.
    w2 = make_windows(series, window=5, output_steps=2)
    np.testing.assert_array_equal(w2.between(10, 15).target_rows, [10, 11, 12, 13])


@pytest.mark.parametrize("window", [0, -3, 2.5, True])
def test_bad_window_is_refused(window):
    with pytest.raises(InputError, match=r"window must be a positive integer.*Received: window="):
        make_windows(np.arange(10.0), window=window)


def test_bad_output_steps_are_refused():
    with pytest.raises(InputError, match="Received: output_steps=0"):
        make_windows(np.arange(10.0), window=3, output_steps=0)


def test_too_few_rows_says_the_numbers():
    with pytest.raises(
        InputError, match=r"has 5 rows; window 5 with 1 target step\(s\) needs at least 6"
    ):
        make_windows(np.arange(5.0), window=5)


def test_split_rows_is_chronological():
    train_end, val_end = split_rows(1000, window=100)
    assert (train_end, val_end) == (800, 900)


def test_split_rows_too_short_suggests_a_window_that_works():
    # 143 rows: 14 test + 14 validation leave 115 training rows → 15 windows of 100.
    with pytest.raises(
        InputError,
        match=r"series too short: 143 usable rows.*15 training windows.*--window 85 or less",
    ):
        split_rows(143, window=100)
    assert split_rows(143, window=85) == (115, 129)
    with pytest.raises(InputError):
        split_rows(143, window=86)


@pytest.mark.parametrize("frac", [0.0, 0.5, -0.1])
def test_split_rows_bad_fraction(frac):
    with pytest.raises(InputError, match=r"val_fraction must be between 0 and 0\.5"):
        split_rows(1000, 10, val_fraction=frac)


def test_last_window():
    np.testing.assert_array_equal(last_window(np.arange(10.0), 3), [7, 8, 9])
    with pytest.raises(InputError, match="need at least 30 rows"):
        last_window(np.arange(10.0), 30)
