"""The embedded image set: scikit-learn's bundled handwritten digits (no download).

1,797 grayscale 8×8 images of the digits 0–9 (the UCI optical digits test
set), shipped inside scikit-learn. Pixels are 0–16 there; here 0–255.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tsconv.errors import InputError


def digits_arrays(classes: Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The digits as arrays, optionally only some classes.

    Args:
        classes: digits to keep, e.g. `[5, 6, 7, 8, 9]` [default: all ten].
            Labels are renumbered 0, 1, … in this order.

    Returns:
        `(x, y)`: `(n, 8, 8, 1)` float32 pixels 0–255 and `(n,)` int64 labels.

    Example:
    >>> x, y = digits_arrays([5, 6, 7, 8, 9])
    >>> x.shape, y.max()
    ((884, 8, 8, 1), 4)
    """
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = np.round(bunch.images * (255.0 / 16.0)).astype(np.float32)[..., None]
    targets = bunch.target.astype(np.int64)
    classes = list(range(10)) if classes is None else [int(c) for c in classes]
    if not classes or any(not 0 <= c <= 9 for c in classes) or len(set(classes)) != len(classes):
        raise InputError(f"classes must be distinct digits 0–9. Received: classes={classes!r}")
    keep = np.isin(targets, classes)
    relabel = {digit: i for i, digit in enumerate(classes)}
    return images[keep], np.asarray([relabel[t] for t in targets[keep]], np.int64)


def write_digits_folder(
    out: str | os.PathLike,
    classes: Sequence[int] | None = None,
    per_class: int | None = None,
    seed: int = 0,
) -> Path:
    """Writes the digits as a class-per-folder PNG tree: `out/<digit>/<index>.png`.

    Args:
        out: the folder to create; it must not exist or be empty.
        classes: digits to write [default: all ten].
        per_class: write only this many images per digit, chosen at random
            with `seed` (few-shot sets) [default: all].
        seed: seed of that choice.

    Returns:
        `out` as a `Path`.

    Raises:
        InputError: when `out` exists and is not an empty folder.

    Example:
    >>> write_digits_folder("digits", classes=[0, 1], per_class=10)
    PosixPath('digits')
    """
    from PIL import Image
    from sklearn.datasets import load_digits

    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"{out} exists and is not an empty folder; choose another.")
    bunch = load_digits()
    classes = list(range(10)) if classes is None else [int(c) for c in classes]
    rng = np.random.default_rng(seed)
    for digit in classes:
        index = np.flatnonzero(bunch.target == digit)
        if per_class is not None:
            index = np.sort(rng.choice(index, size=min(per_class, len(index)), replace=False))
        folder = out / str(digit)
        folder.mkdir(parents=True, exist_ok=True)
        for i in index:
            pixels = np.round(bunch.images[i] * (255.0 / 16.0)).astype(np.uint8)
            Image.fromarray(pixels, mode="L").save(folder / f"{i:04d}.png")
    return out
