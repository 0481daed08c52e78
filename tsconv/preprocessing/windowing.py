"""Windows over a series (the one index rule) and chronological splits.

`make_windows` is the only place that turns a row number into a window
offset; everything else selects windows by the target rows it reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tsconv.arguments import check_window
from tsconv.errors import InputError

MIN_TRAIN_WINDOWS = 30


@dataclass(frozen=True)
class Windows:
    """Input windows and their targets, as zero-copy views of one array.

    Attributes:
        inputs: `(num_windows, window, channels)` view of the series.
        targets: `(num_windows, output_steps)` view of channel 0 (the target).
        target_rows: `(num_windows,)` row of each window's first target.
        output_steps: target steps per window (what the model forecasts per call).
        sequence_targets: `(num_windows, window)` view: the next value of
            channel 0 after each observed step (the sequence objective).

    Example:
    >>> w = make_windows(np.arange(10.0)[:, None], window=3)
    >>> w.inputs.shape, w.targets.shape, w.targets[0, 0]
    ((7, 3, 1), (7, 1), 3.0)
    """

    inputs: np.ndarray
    targets: np.ndarray
    target_rows: np.ndarray
    output_steps: int
    sequence_targets: np.ndarray

    def __len__(self) -> int:
        return len(self.target_rows)

    def between(self, start: int, stop: int) -> Windows:
        """The windows whose target rows all lie in `[start, stop)`: the split of their targets.

        Still views: selection is a contiguous slice.
        """
        first = int(np.searchsorted(self.target_rows, start, side="left"))
        # The last target row of a window is its first target row + output_steps - 1.
        last = int(np.searchsorted(self.target_rows + (self.output_steps - 1), stop, side="left"))
        last = max(first, last)
        return Windows(
            self.inputs[first:last],
            self.targets[first:last],
            self.target_rows[first:last],
            self.output_steps,
            self.sequence_targets[first:last],
        )


def count_windows(rows: int, window: int, output_steps: int = 1) -> int:
    """How many windows `make_windows` cuts from `rows` rows: `rows - window - output_steps + 1`."""
    return max(0, rows - window - output_steps + 1)


def make_windows(values: np.ndarray, window: int, output_steps: int = 1) -> Windows:
    """Cuts a series into overlapping (input, target) windows without copying.

    The index rule: window `i` observes rows `i, i+1, …, i+window-1` and its
    target is rows `i+window, …, i+window+output_steps-1` of channel 0 — "observe
    100, predict 101", then slide by one row. There are
    `rows - window - output_steps + 1` windows. For the sequence objective, step
    `j` of window `i` (row `i+j`) has the target row `i+j+1`, so the last
    step's target is the window's first target.

    Args:
        values: `(rows,)` or `(rows, channels)` array; channel 0 is the target.
        window: number of observed steps, at least 1.
        output_steps: target steps per window, at least 1 (K for the direct strategy).

    Returns:
        `Windows` whose `inputs` and `targets` share memory with `values`.

    Raises:
        InputError: for `window < 1`, `output_steps < 1` or too few rows.

    Example:
    >>> w = make_windows(np.arange(6.0), window=3)
    >>> w.inputs[:, :, 0].tolist(), w.targets[:, 0].tolist(), w.target_rows.tolist()
    ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [3.0, 4.0, 5.0], [3, 4, 5])
    >>> w.sequence_targets[0].tolist()
    [1.0, 2.0, 3.0]
    """
    check_window(window)
    check_output_steps(output_steps)
    if values.ndim == 1:
        values = values[:, None]  # (rows, 1)
    rows = len(values)
    n = count_windows(rows, window, output_steps)
    if n == 0:
        raise InputError(
            f"the series has {rows} rows; window {window} with {output_steps} target step(s) "
            f"needs at least {window + output_steps}."
        )
    # sliding_window_view puts the window axis last: (rows - window + 1, channels, window).
    inputs = sliding_window_view(values, window, axis=0).transpose(0, 2, 1)[:n]
    # (n, window, channels)
    targets = sliding_window_view(values[window:, 0], output_steps)[:n]  # (n, output_steps)
    sequence_targets = sliding_window_view(values[1:, 0], window)[:n]  # (n, window)
    return Windows(inputs, targets, np.arange(window, window + n), output_steps, sequence_targets)


def lead_known(known: np.ndarray) -> np.ndarray:
    """Known-in-advance values `(rows + 1, k)` → the model's columns `(rows, k)`.

    The rule for inputs known in advance (calendar features, a planned
    price): row `t` of the model's input carries the known value of row
    `t + 1`, the step forecast from it — so the window that predicts a step
    sees that step's calendar and the window's own row `t` never needs a value
    after it. The caller gives one row more than the series has: the first
    step after its end (the first forecast step; when it is not known, as for a
    user column at fit time, repeat the last row: training never reads it,
    because the last row is only ever a target).

    Args:
        known: `(rows + 1, k)` values of rows `0 … rows`.

    Returns:
        `(rows, k)`: row `t` holds `known[t + 1]` (a view).

    Example:
    >>> lead_known(np.arange(4.0)[:, None])[:, 0].tolist()
    [1.0, 2.0, 3.0]
    """
    known = np.asarray(known)
    if known.ndim != 2 or len(known) < 1:
        raise InputError(
            "known values must be (rows + 1, k) with at least one row. "
            f"Received: shape={known.shape}"
        )
    return known[1:]


def check_output_steps(output_steps: int) -> None:
    """Raises `InputError` unless `output_steps` (target steps per model call) is a positive int."""
    if (
        isinstance(output_steps, bool)
        or not isinstance(output_steps, (int, np.integer))
        or output_steps < 1
    ):
        raise InputError(
            "output steps must be a positive integer (e.g. --output-steps 30). "
            f"Received: output_steps={output_steps!r}"
        )


def last_window(values: np.ndarray, window: int) -> np.ndarray:
    """The most recent `window` rows: the input of the next forecast, `(window, channels)`."""
    check_window(window)
    if len(values) < window:
        raise InputError(f"need at least {window} rows to forecast; got {len(values)}.")
    return values[len(values) - window :]


def split_sizes(
    rows: int, val_fraction: float = 0.1, test_fraction: float = 0.1
) -> tuple[int, int, int]:
    """`(train_end, validation rows, test rows)` of `split_rows`, whatever the window.

    Raises:
        InputError: for a fraction outside (0, 0.5).

    Example:
    >>> split_sizes(1000)
    (800, 100, 100)
    """
    for name, frac in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0 < frac < 0.5:
            raise InputError(f"{name} must be between 0 and 0.5. Received: {name}={frac}")
    n_test = max(1, round(rows * test_fraction))
    n_val = max(1, round(rows * val_fraction))
    return rows - n_test - n_val, n_val, n_test


def largest_window(
    rows: int,
    val_fraction: float = 0.1,
    test_fraction: float = 0.1,
    min_train_windows: int = MIN_TRAIN_WINDOWS,
) -> int:
    """The longest window `split_rows` accepts for `rows` (transformed) rows; < 1 for none.

    Example:
    >>> largest_window(1000)  # 800 training rows, 30 windows at least
    770
    """
    train_end, _, _ = split_sizes(rows, val_fraction, test_fraction)
    return train_end - min_train_windows


def split_rows(
    rows: int,
    window: int,
    val_fraction: float = 0.1,
    test_fraction: float = 0.1,
    min_train_windows: int = MIN_TRAIN_WINDOWS,
    season: int | None = None,
) -> tuple[int, int]:
    """Chronological split points: train `[0, a)`, validation `[a, b)`, test `[b, rows)`.

    The last `test_fraction` of rows are the test period and the
    `val_fraction` before them the validation period (at least one row
    each). A window belongs to the split of its targets (`Windows.between`),
    so its inputs may reach back into an earlier split but never forward.

    Args:
        rows: length of the (transformed) series.
        window: observed steps per window.
        val_fraction, test_fraction: shares of the latest rows, each in (0, 0.5).
        min_train_windows: fewest training windows accepted.
        season: season length, if known: a too-short series gets two seasons
            suggested as its window when that fits.

    Raises:
        InputError: when the training period leaves fewer than
            `min_train_windows` windows, with the numbers and a window that fits.

    Example:
    >>> split_rows(1000, window=100)  # (train_end, validation_end) target rows
    (800, 900)
    """
    check_window(window)
    train_end, n_val, n_test = split_sizes(rows, val_fraction, test_fraction)
    train_windows = count_windows(train_end, window)
    if train_windows < min_train_windows:
        needed = window + min_train_windows
        fits = largest_window(rows, val_fraction, test_fraction, min_train_windows)
        if season and 2 * season <= fits:
            hint = (
                f"try --window {2 * season} (two seasons of {season} steps; at most {fits} "
                "fits), or use"
            )
        elif fits >= 2:
            hint = f"use --window {fits} or less, or"
        else:
            hint = "use"
        raise InputError(
            f"series too short: {rows} usable rows leave {train_end} for training after "
            f"{n_val} validation and {n_test} test rows, i.e. {train_windows} training windows "
            f"of {window}; at least {min_train_windows} are needed ({needed} training rows). "
            f"{hint.capitalize()} a longer series."
        )
    return train_end, train_end + n_val
