"""Image folders: one sub-folder per class, read with Pillow into pixel arrays."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tsconv.data.limits import limit
from tsconv.errors import InputError

logger = logging.getLogger(__name__)

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
COLOR_MODES = ("grayscale", "rgb")
INTERPOLATIONS = ("bilinear", "nearest", "bicubic")


@dataclass(frozen=True)
class ImageFolder:
    """The images of a class-per-folder tree: `paths[i]` has label `labels[i]`.

    `skipped` lists `(path, reason)` for files left out: unreadable, empty,
    too large, or links that lead outside the folder.
    """

    directory: Path
    paths: list[Path]
    labels: np.ndarray  # (n,) int
    class_names: list[str]
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def class_folders(directory: str | os.PathLike, classes: Sequence[str] | None = None) -> list[str]:
    """The class folders of `directory`, sorted (or as given), without reading any image.

    Cheap, so `tsconv image fit` checks the folder before it imports Keras.

    Raises:
        InputError: for a missing folder, fewer than two classes, or a class
            folder that is missing or leads outside `directory`.

    Example:
    >>> class_folders(write_digits_folder("digits", classes=[0, 1], per_class=10))
    ['0', '1']
    """
    root = Path(directory)
    if not root.is_dir():
        raise InputError(
            f"image folder {root} not found; give a folder with one sub-folder per class."
        )
    if classes is None:
        classes = sorted(
            p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
        )
    classes = list(classes)
    if len(classes) < 2:
        raise InputError(
            f"{root} has {len(classes)} class folder(s); a classifier needs at least two "
            "(one sub-folder of images per class)."
        )
    inside = root.resolve()
    for name in classes:
        folder = root / name
        if not folder.is_dir():
            raise InputError(f"class folder {folder} not found.")
        if not folder.resolve().is_relative_to(inside):
            raise InputError(f"class folder {folder} is a link that leads outside {root}.")
    return classes


def scan_image_folder(
    directory: str | os.PathLike, classes: Sequence[str] | None = None
) -> ImageFolder:
    """Lists the images of `directory/<class>/*`, classes in sorted (or given) order.

    Args:
        directory: a folder with one sub-folder of images per class.
        classes: the class folders to use, in label order [default: all, sorted].

    Every file is opened and decoded once here, so that a corrupt, empty,
    non-image or oversized file (above `TSCONV_MAX_IMAGE_PIXELS`, see
    `tsconv.data.limits`), or a link out of the folder, is skipped and reported
    (a warning, and `ImageFolder.skipped`) before training rather than
    failing mid-epoch.

    Returns:
        An `ImageFolder`; files in each class are sorted by name.

    Raises:
        InputError: for a missing folder, fewer than two classes, or a class
            folder that is missing, leads outside `directory`, or holds no readable image.

    Example:
    >>> folder = scan_image_folder(write_digits_folder("digits", classes=[0, 1], per_class=10))
    >>> folder.class_names, len(folder.paths), folder.skipped
    (['0', '1'], 20, [])
    """
    root = Path(directory)
    classes = class_folders(root, classes)
    paths, labels, skipped = [], [], []
    inside = root.resolve()
    for label, name in enumerate(classes):
        folder = root / name
        files = []
        for file in sorted(folder.iterdir()):
            if file.name.startswith(".") or file.is_dir():
                continue
            if file.suffix.lower() not in IMAGE_EXTENSIONS:
                skipped.append((file, "not an image file (by its extension)"))
                continue
            problem = _problem(file, inside)
            if problem:
                skipped.append((file, problem))
            else:
                files.append(file)
        if not files:
            raise InputError(
                f"class folder {folder} holds no readable image ({', '.join(IMAGE_EXTENSIONS)})"
                + (f"; skipped {len(skipped)} unusable file(s)." if skipped else ".")
            )
        paths += files
        labels += [label] * len(files)
    if skipped:
        logger.warning(
            "skipped %d of %d image file(s) in %s: %s",
            len(skipped),
            len(skipped) + len(paths),
            root,
            "; ".join(f"{path.relative_to(root)} ({why})" for path, why in skipped[:5])
            + (" …" if len(skipped) > 5 else ""),
        )
    return ImageFolder(root, paths, np.asarray(labels, np.int64), classes, skipped)


def _problem(file: Path, inside: Path) -> str | None:
    """Why `file` cannot be trained on, or None: checked up front, never mid-epoch."""
    from PIL import Image

    try:
        resolved = file.resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError("Symlink loop …")
        return "a link that loops"
    if not resolved.is_relative_to(inside):
        return "a link that leads outside the folder"
    if not file.is_file():
        return "not a regular file"
    if file.stat().st_size == 0:
        return "empty"
    cap = limit("TSCONV_MAX_IMAGE_PIXELS")
    try:
        with Image.open(file) as image:
            if image.width * image.height > cap:
                return (
                    f"{image.width}x{image.height} is above the cap of {cap:,} pixels "
                    "(TSCONV_MAX_IMAGE_PIXELS)"
                )
            image.load()  # decodes it all: a truncated or corrupt file fails here
    except Image.DecompressionBombError:
        return "too many pixels (Pillow's decompression-bomb guard)"
    except (OSError, ValueError, SyntaxError) as exc:
        return f"not a readable image: {str(exc)[:80]}"
    return None


def image_facts(path: str | os.PathLike) -> tuple[tuple[int, int], str]:
    """`((height, width), color_mode)` of one image file; grayscale for one-band images."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            mode = "grayscale" if image.mode in ("1", "L", "I", "I;16", "F") else "rgb"
            return (image.height, image.width), mode
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InputError(f"cannot read image {path} ({exc}).") from None


def load_image(
    path: str | os.PathLike,
    target_size: tuple[int, int],
    color_mode: str = "rgb",
    interpolation: str = "bilinear",
) -> np.ndarray:
    """One image as float32 pixels 0–255, `(height, width, channels)`.

    Args:
        path: the image file.
        target_size: `(height, width)` to resize to.
        color_mode: `"grayscale"` (1 channel) or `"rgb"` (3 channels).
        interpolation: `"bilinear"`, `"nearest"` or `"bicubic"`.

    Raises:
        InputError: naming the file when Pillow cannot read it.

    Example:
    >>> load_image("digits/3/0.png", (8, 8), color_mode="grayscale").shape
    (8, 8, 1)
    """
    from PIL import Image

    resample = {
        "bilinear": Image.Resampling.BILINEAR,
        "nearest": Image.Resampling.NEAREST,
        "bicubic": Image.Resampling.BICUBIC,
    }[interpolation]
    cap = limit("TSCONV_MAX_IMAGE_PIXELS")
    try:
        with Image.open(path) as image:
            if image.width * image.height > cap:
                raise InputError(
                    f"image {path} is {image.width}x{image.height}, above the cap of {cap:,} "
                    "pixels; raise TSCONV_MAX_IMAGE_PIXELS if it is meant."
                )
            image = image.convert("L" if color_mode == "grayscale" else "RGB")
            height, width = target_size
            if (image.height, image.width) != (height, width):
                image = image.resize((width, height), resample)
            pixels = np.asarray(image, np.float32)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"cannot read image {path} ({exc}).") from None
    return pixels[..., None] if pixels.ndim == 2 else pixels  # (height, width, channels)


def load_images(
    paths: Sequence[str | os.PathLike],
    target_size: tuple[int, int],
    color_mode: str = "rgb",
    interpolation: str = "bilinear",
) -> np.ndarray:
    """Images stacked as `(n, height, width, channels)` float32 (see `load_image`).

    Args:
        paths: image files.
        target_size, color_mode, interpolation: as `load_image`.

    Raises:
        InputError: naming the first file that cannot be read or is over the pixel cap.

    Example:
    >>> load_images(["a.png", "b.png"], (32, 32)).shape
    (2, 32, 32, 3)
    """
    channels = 1 if color_mode == "grayscale" else 3
    out = np.empty((len(paths), *target_size, channels), np.float32)
    for i, path in enumerate(paths):
        out[i] = load_image(path, target_size, color_mode, interpolation)
    return out


def check_image_options(target_size, color_mode, interpolation) -> None:
    """Raises `InputError` for a bad size, colour mode or interpolation name."""
    if target_size is not None and (
        len(target_size) != 2
        or not all(isinstance(v, (int, np.integer)) and v > 0 for v in target_size)
    ):
        raise InputError(
            "`target_size` must be (height, width) in pixels. Received: "
            f"target_size={target_size!r}"
        )
    if color_mode is not None and color_mode not in COLOR_MODES:
        raise InputError(
            f"`color_mode` must be one of {COLOR_MODES}. Received: color_mode={color_mode!r}"
        )
    if interpolation not in INTERPOLATIONS:
        raise InputError(
            f"`interpolation` must be one of {INTERPOLATIONS}. Received: "
            f"interpolation={interpolation!r}"
        )
