"""Where a transfer job's convolutional base comes from: an application, a .keras file or a run."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import NamedTuple

import keras

from tsconv import runs
from tsconv.errors import InputError
from tsconv.image.folders import image_facts, scan_image_folder
from tsconv.image.transfer import (
    APPLICATIONS,
    MIN_APPLICATION_SIZE,
    application_base,
    convolutional_base,
    top_pooling,
)
from tsconv.runs.keras_archive import load_keras_archive

logger = logging.getLogger(__name__)


class Base(NamedTuple):
    """A convolutional base and how to feed it and top it."""

    model: keras.Model
    target_size: tuple[int, int]
    color_mode: str
    source: str  # the application's name or the file or run it came from
    pooling: str  # the head's pooling: as the source model's own top did


def resolve_base(base, weights, directory, image_size, layer: str | None = None) -> Base:
    """The base `transfer_image_folder` asked for, cut, with how to feed it.

    Args:
        base: a `keras.applications` name, a `.keras` file or an image run folder.
        weights: an application's weights file, `"imagenet"` or None.
        directory: the image folder (an application's default size is its images', ≥ 32).
        image_size: `(height, width)` for an application or a size-free model.
        layer: the saved model's layer to cut after [default: its last feature map].

    Raises:
        InputError: for an unknown base, a file that is not a Keras archive or does
            not load safely, `weights` with a saved model, or a model without feature maps.
    """
    key = str(base).lower().replace("-", "").replace("_", "")
    if key in APPLICATIONS and not Path(base).exists():
        if layer is not None:
            raise InputError("--base-layer is for saved models; an application is cut at its top.")
        if image_size is None:
            folder = scan_image_folder(directory)
            (height, width), _ = image_facts(folder.paths[0])
            image_size = (max(height, MIN_APPLICATION_SIZE), max(width, MIN_APPLICATION_SIZE))
        if weights is None:
            logger.warning(
                "%s has no --weights: its base starts from random weights, so this is not "
                "transfer learning. Give a local weights file (Keras's *_notop.h5) or "
                "'imagenet' where the machine can download.",
                base,
            )
        model = application_base(key, (*image_size, 3), weights)
        return Base(model, tuple(image_size), "rgb", key, "avg")
    if weights is not None:
        raise InputError("--weights is for keras.applications bases; a saved model has its own.")
    source = Path(base)
    if source.is_dir():
        config = runs.read_run_dir(source)
        loaded = runs.load_model(source)
        logger.info("base: run %s (%s)", source, config.get("model"))
    elif source.is_file():
        if source.suffix != ".keras":  # Keras would pick its legacy HDF5 reader for .h5
            raise InputError(
                f"base {source} is not a .keras archive; give a model saved with "
                "model.save('base.keras'), an image run folder, or an application name."
            )
        loaded = load_keras_archive(source)  # bytes read once, allowlist, then safe_mode=True
    else:
        raise InputError(
            f"base {str(base)!r} is neither a .keras file, an image run, nor one of "
            f"{', '.join(APPLICATIONS)}."
        )
    cut = convolutional_base(loaded, layer)
    height, width, channels = cut.input_shape[1:]
    if height is None or width is None:
        if image_size is None:
            raise InputError(f"{source} takes any image size; give one with --size.")
        height, width = image_size
    color_mode = "grayscale" if channels == 1 else "rgb"
    return Base(cut, (int(height), int(width)), color_mode, str(source), top_pooling(loaded))
