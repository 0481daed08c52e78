"""The batches an `ImageDataGenerator` serves to `model.fit`: from arrays or from folders."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import keras
import numpy as np

from tsconv.errors import InputError
from tsconv.image.folders import (
    check_image_options,
    image_facts,
    load_images,
    scan_image_folder,
)

SUBSETS = (None, "training", "validation")


def split_indices(
    labels: np.ndarray, validation_split: float, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The training and validation indices of a labelled set: the one split rule.

    Stratified: for each class in label order, its indices are shuffled by
    `np.random.default_rng(seed or 0)` and the first `round(n_c * split)` go to
    validation — at least one and at most `n_c - 1` when `split > 0` and the
    class has two or more images; a single image stays in training. The two
    parts are disjoint and together hold every index; the same labels, split
    and seed always give the same parts.

    Args:
        labels: `(n,)` integer class labels.
        validation_split: fraction held out, in `[0, 1)`.
        seed: seed of the shuffle.

    Returns:
        `(training, validation)`: sorted index arrays.

    Example:
    >>> split_indices(np.array([0, 0, 0, 0, 1, 1, 1, 1]), 0.25)
    (array([0, 1, 3, 4, 5, 6]), array([2, 7]))  # one of each class held out
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(0 if seed is None else seed)
    validation = []
    if validation_split > 0:
        for c in np.unique(labels):
            members = rng.permutation(np.flatnonzero(labels == c))
            if len(members) < 2:
                continue
            k = min(max(round(len(members) * validation_split), 1), len(members) - 1)
            validation.append(members[:k])
    validation = np.sort(np.concatenate(validation)) if validation else np.empty(0, np.int64)
    training = np.setdiff1d(np.arange(len(labels)), validation)
    return training, validation


class _Flow(keras.utils.PyDataset):
    """Batches `(images, one-hot labels)` of one subset; subclasses read the images."""

    def __init__(self, generator, labels, num_classes, class_names, batch_size, shuffle, subset):
        super().__init__()
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise InputError(f"`batch_size` must be a positive integer. Received: {batch_size!r}")
        if subset not in SUBSETS:
            raise InputError(f"`subset` must be one of {SUBSETS}. Received: subset={subset!r}")
        if subset is not None and not generator.validation_split:
            raise InputError(
                f"subset={subset!r} needs a held-out part; set validation_split, e.g. "
                "ImageDataGenerator(validation_split=0.2)."
            )
        self.generator = generator
        self.labels = np.asarray(labels, np.int64)
        self.num_classes = int(num_classes)
        self.class_names = list(class_names)
        self.batch_size = batch_size
        self.subset = subset
        training, validation = split_indices(
            self.labels, generator.validation_split, generator.seed
        )
        everything = np.arange(len(self.labels))
        self.index = {None: everything, "training": training, "validation": validation}[subset]
        if len(self.index) == 0:
            raise InputError(f"subset {subset!r} holds no image; use more images or another split.")
        # Validation is evaluation: never augmented, never shuffled.
        self.augmenting = subset != "validation" and not generator.is_identity
        self.shuffle = shuffle and subset != "validation"
        if self.augmenting:
            generator.check_channels(self.image_shape[-1])
        self._rng = np.random.default_rng(generator.seed)
        self._order = self.index.copy()
        if self.shuffle:
            self._rng.shuffle(self._order)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """`(height, width, channels)` of the served images."""
        raise NotImplementedError

    @property
    def samples(self) -> int:
        """Images in this subset."""
        return len(self.index)

    @property
    def classes(self) -> np.ndarray:
        """Labels of this subset's images in the order they are served this epoch."""
        return self.labels[self._order]

    @property
    def class_indices(self) -> dict[str, int]:
        """Class name → label, as in Keras's old `DirectoryIterator`."""
        return {name: i for i, name in enumerate(self.class_names)}

    def __len__(self) -> int:
        return math.ceil(len(self._order) / self.batch_size)

    def __getitem__(self, i: int):
        if not 0 <= i < len(self):
            raise IndexError(f"batch {i} of {len(self)}")
        batch = self._order[i * self.batch_size : (i + 1) * self.batch_size]
        x = self._read(batch)  # (batch, height, width, channels)
        y = np.eye(self.num_classes, dtype=np.float32)[self.labels[batch]]  # (batch, classes)
        if self.augmenting:
            x, y = self.generator.augment(x, y)
        return x, y

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self._rng.shuffle(self._order)

    def images(self) -> np.ndarray:
        """Every image of the subset, unaugmented, in serving order (small subsets only)."""
        return self._read(self._order)

    def plain_batches(self):
        """Yields `(images, labels)` batches of the subset, unaugmented, in serving order.

        For evaluation without holding every image in memory; `labels` are integers.
        """
        for start in range(0, len(self._order), self.batch_size):
            batch = self._order[start : start + self.batch_size]
            yield self._read(batch), self.labels[batch]

    def _read(self, index: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class ArrayFlow(_Flow):
    """`ImageDataGenerator.flow`: batches from in-memory arrays (see there).

    Example:
    >>> x, y = digits_arrays()
    >>> flow = ImageDataGenerator(rotation_range=10).flow(x, y, batch_size=32)
    [a.shape for a in flow[0]]
    [(32, 8, 8, 1), (32, 10)]
    """

    def __init__(self, generator, x, y, batch_size=32, shuffle=True, subset=None, num_classes=None):
        x = np.asarray(x, np.float32)
        y = np.asarray(y)
        if x.ndim == 3:
            x = x[..., None]  # (n, height, width, 1)
        if x.ndim != 4:
            raise InputError(
                f"images must be (n, height, width[, channels]). Received: x.shape={x.shape}"
            )
        if y.ndim != 1 or len(y) != len(x):
            raise InputError(
                f"labels must be one integer per image, (n,) with n={len(x)}. Received: "
                f"y.shape={y.shape}"
            )
        if not np.issubdtype(y.dtype, np.integer) or (len(y) and y.min() < 0):
            raise InputError(f"labels must be integers ≥ 0. Received: y.dtype={y.dtype}")
        num_classes = int(y.max()) + 1 if num_classes is None else num_classes
        if len(y) and y.max() >= num_classes:
            raise InputError(
                f"label {int(y.max())} needs num_classes > {int(y.max())}. Received: "
                f"num_classes={num_classes}"
            )
        self.x = x
        names = [str(i) for i in range(num_classes)]
        super().__init__(generator, y, num_classes, names, batch_size, shuffle, subset)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(self.x.shape[1:])

    def _read(self, index):
        return self.x[index]


class DirectoryFlow(_Flow):
    """`ImageDataGenerator.flow_from_directory`: images read from disk batch by batch.

    Example:
    >>> flow = ImageDataGenerator().flow_from_directory("digits", color_mode="grayscale")
    >>> flow.class_names, flow[0][0].shape  # a folder of 20 images of 0 and 1
    (['0', '1'], (20, 8, 8, 1))
    """

    def __init__(
        self,
        generator,
        directory: str | os.PathLike,
        target_size: tuple[int, int] | None = None,
        color_mode: str | None = None,
        classes: Sequence[str] | None = None,
        batch_size: int = 32,
        shuffle: bool = True,
        subset: str | None = None,
        interpolation: str = "bilinear",
    ):
        target_size = None if target_size is None else tuple(target_size)
        check_image_options(target_size, color_mode, interpolation)
        folder = scan_image_folder(directory, classes)
        size, mode = image_facts(folder.paths[0])
        self.directory = folder.directory
        self.paths = folder.paths
        self.target_size = target_size or size
        self.color_mode = color_mode or mode
        self.interpolation = interpolation
        super().__init__(
            generator,
            folder.labels,
            len(folder.class_names),
            folder.class_names,
            batch_size,
            shuffle,
            subset,
        )

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return (*self.target_size, 1 if self.color_mode == "grayscale" else 3)

    @property
    def filenames(self) -> list[str]:
        """This subset's files relative to the folder, in serving order."""
        return [str(self.paths[i].relative_to(self.directory)) for i in self._order]

    def _read(self, index):
        paths = [self.paths[i] for i in index]
        return load_images(paths, self.target_size, self.color_mode, self.interpolation)
