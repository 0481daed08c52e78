"""`ImageDataGenerator`: the old Keras interface, on Keras 3 preprocessing layers.

Keras 3 deprecated `keras.preprocessing.image.ImageDataGenerator`; its users
still want to write `ImageDataGenerator(rotation_range=10, ...)` and
`model.fit(gen.flow(x, y))`. This one builds `keras.layers.Random*` layers
(and a few of tsconv's, `augmentation_layers.py`), so the same augmentation
runs in the input pipeline (`flow`, `flow_from_directory`) or inside a model
(`as_layer`), on any backend and device, and is the identity at inference.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence

import keras
import numpy as np

from tsconv.errors import InputError
from tsconv.image import augmentation_layers as extra

FILL_MODES = ("nearest", "reflect", "wrap", "constant")
# Arguments that need three colour channels.
COLOUR_ONLY = ("saturation_range", "hue_range", "grayscale_probability")
# Largest value of each range argument (all are ≥ 0).
LIMITS = {
    "rotation_range": 180.0,
    "width_shift_range": 0.99,
    "height_shift_range": 0.99,
    "zoom_range": 0.99,
    "shear_range": 0.99,
    "crop_range": 0.99,
    "elastic_range": 10.0,
    "brightness_range": 1.0,
    "contrast_range": 1.0,
    "saturation_range": 0.5,
    "hue_range": 1.0,
    "channel_shift_range": 1.0,
    "grayscale_probability": 1.0,
    "gaussian_noise": 1.0,
    "salt_pepper": 1.0,
    "erasing_probability": 1.0,
    "mixup_alpha": 100.0,
    "cutmix_alpha": 100.0,
}


class ImageDataGenerator:
    """Random image augmentation with the ergonomics of Keras's old `ImageDataGenerator`.

    Every argument is off at its default. Each range is drawn anew for every
    image every time it is served, so over epochs the network may never see
    the same image twice. Pixel values stay in `value_range` (0–255 by
    default: tsconv's models rescale inside, so images are fed as loaded).

    Args:
        rotation_range: rotate by up to ± this many degrees.
        width_shift_range: shift sideways by up to ± this fraction of the width.
        height_shift_range: shift up or down by up to ± this fraction of the height.
        zoom_range: zoom in or out by up to ± this fraction (`[1 - z, 1 + z]`).
        shear_range: shear along each axis by up to this fraction of the image
            (`keras.layers.RandomShear`).
        horizontal_flip: flip left–right with probability 1/2.
        vertical_flip: flip upside down with probability 1/2.
        crop_range: crop a window whose sides are `[1 - c, 1]` of the image's, at
            a random position, and resize it back (`RandomResizedCrop`).
        elastic_range: elastic deformation of magnitude up to this
            (`keras.layers.RandomElasticTransform`'s `scale`).
        brightness_range: add up to ± this fraction of the value range.
        contrast_range: scale contrast by a factor in `[1 - c, 1 + c]`.
        saturation_range: move saturation by up to ± this (at most 0.5; RGB only).
        hue_range: rotate hue by up to this fraction of the colour circle (RGB only).
        channel_shift_range: shift each channel by up to ± this fraction of the
            value range (colour jitter).
        grayscale_probability: turn an image grey with this probability (RGB only).
        gaussian_noise: add noise with this standard deviation (fraction of the range).
        salt_pepper: set this fraction of pixels to black or white.
        erasing_probability: with this probability, erase a random rectangle
            (cutout / random erasing, `keras.layers.RandomErasing`).
        mixup_alpha: mix each batch with a shuffled copy of itself, images and
            labels, with weights from Beta(α, α) (`keras.layers.MixUp`); needs labels.
        cutmix_alpha: paste a random box of another image of the batch into each
            image, of area `1 - lam` with `lam ~ Beta(α, α)`, and mix labels by the
            box's area (`RandomCutMix`); with `mixup_alpha` too, each batch uses one
            of the two at random.
        fill_mode: how geometric transforms fill pixels from outside the image:
            `"nearest"`, `"reflect"`, `"wrap"` or `"constant"` (with `fill_value`).
        fill_value: the value for `fill_mode="constant"`.
        value_range: `(low, high)` of the pixel values.
        validation_split: fraction of images held out for `subset="validation"`.
        seed: seed of the augmentation, the shuffling and the split.

    Raises:
        InputError: (a `ValueError`) for a range that is negative or too large,
            an unknown `fill_mode`, or a `validation_split` outside `[0, 1)`.

    Example:
    >>> gen = ImageDataGenerator(rotation_range=10, zoom_range=0.1, validation_split=0.2)
    >>> train = gen.flow(x, y, batch_size=32, subset="training")  # x: (n, 8, 8, 1)
    >>> model.fit(train, validation_data=gen.flow(x, y, subset="validation"), epochs=10)
    """

    def __init__(
        self,
        rotation_range: float = 0.0,
        width_shift_range: float = 0.0,
        height_shift_range: float = 0.0,
        zoom_range: float = 0.0,
        shear_range: float = 0.0,
        horizontal_flip: bool = False,
        vertical_flip: bool = False,
        crop_range: float = 0.0,
        elastic_range: float = 0.0,
        brightness_range: float = 0.0,
        contrast_range: float = 0.0,
        saturation_range: float = 0.0,
        hue_range: float = 0.0,
        channel_shift_range: float = 0.0,
        grayscale_probability: float = 0.0,
        gaussian_noise: float = 0.0,
        salt_pepper: float = 0.0,
        erasing_probability: float = 0.0,
        mixup_alpha: float = 0.0,
        cutmix_alpha: float = 0.0,
        fill_mode: str = "nearest",
        fill_value: float = 0.0,
        value_range: Sequence[float] = (0, 255),
        validation_split: float = 0.0,
        seed: int | None = None,
    ):
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.zoom_range = zoom_range
        self.shear_range = shear_range
        self.horizontal_flip = bool(horizontal_flip)
        self.vertical_flip = bool(vertical_flip)
        self.crop_range = crop_range
        self.elastic_range = elastic_range
        self.brightness_range = brightness_range
        self.contrast_range = contrast_range
        self.saturation_range = saturation_range
        self.hue_range = hue_range
        self.channel_shift_range = channel_shift_range
        self.grayscale_probability = grayscale_probability
        self.gaussian_noise = gaussian_noise
        self.salt_pepper = salt_pepper
        self.erasing_probability = erasing_probability
        self.mixup_alpha = mixup_alpha
        self.cutmix_alpha = cutmix_alpha
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = tuple(value_range)
        self.validation_split = validation_split
        self.seed = seed
        self._check()
        self._layers: dict[int, list[keras.layers.Layer]] = {}
        self._mixers: list[keras.layers.Layer] | None = None
        self._rng = np.random.default_rng(seed)

    def _check(self) -> None:
        for name, high in LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InputError(f"`{name}` must be a number. Received: {name}={value!r}")
            if not 0 <= value <= high:
                raise InputError(f"`{name}` must be in [0, {high:g}]. Received: {name}={value!r}")
        if self.fill_mode not in FILL_MODES:
            raise InputError(
                f"`fill_mode` must be one of {FILL_MODES}. Received: fill_mode={self.fill_mode!r}"
            )
        low_high = self.value_range
        if len(low_high) != 2 or not float(low_high[0]) < float(low_high[1]):
            raise InputError(
                f"`value_range` must be (low, high) with low < high. Received: "
                f"value_range={low_high!r}"
            )
        split = self.validation_split
        if isinstance(split, bool) or not isinstance(split, (int, float)) or not 0 <= split < 1:
            raise InputError(
                f"`validation_split` must be in [0, 1). Received: validation_split={split!r}"
            )

    def get_config(self) -> dict:
        """The constructor's arguments, as plain JSON types (stored with a run)."""
        config = {name: getattr(self, name) for name in LIMITS}
        config.update(
            horizontal_flip=self.horizontal_flip,
            vertical_flip=self.vertical_flip,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            value_range=list(self.value_range),
            validation_split=self.validation_split,
            seed=self.seed,
        )
        return config

    @property
    def is_identity(self) -> bool:
        """Whether no augmentation is switched on (only a split, perhaps)."""
        return not (self.horizontal_flip or self.vertical_flip) and not any(
            getattr(self, name) for name in LIMITS
        )

    # === Layers ===

    def check_channels(self, channels: int) -> None:
        """Raises `InputError` when a colour-only argument is set for images without 3 channels."""
        if channels != 3:
            for name in COLOUR_ONLY:
                if getattr(self, name):
                    raise InputError(
                        f"`{name}` needs RGB images (3 channels); these have {channels}. "
                        f"Load them with color_mode='rgb' or drop {name}. Received: "
                        f"{name}={getattr(self, name)!r}"
                    )

    def augmentation_layers(self, channels: int = 3) -> list[keras.layers.Layer]:
        """New per-image augmentation layers, in order: geometry, colour, noise, erasing.

        Args:
            channels: channels of the images (1 for grayscale, 3 for RGB).

        Raises:
            InputError: when a colour-only argument is set for images without 3 channels.
        """
        self.check_channels(channels)
        counter = itertools.count(1)

        def seed() -> int | None:  # a different seed per layer, all from `self.seed`
            return None if self.seed is None else self.seed + next(counter)

        vr = [float(v) for v in self.value_range]
        geo = {"fill_mode": self.fill_mode, "fill_value": self.fill_value}
        layers: list[keras.layers.Layer] = []
        flip = {
            (True, True): "horizontal_and_vertical",
            (True, False): "horizontal",
            (False, True): "vertical",
        }.get((self.horizontal_flip, self.vertical_flip))
        if flip:
            layers.append(keras.layers.RandomFlip(flip, seed=seed()))
        if self.rotation_range:
            layers.append(
                keras.layers.RandomRotation(self.rotation_range / 360.0, seed=seed(), **geo)
            )
        if self.width_shift_range or self.height_shift_range:
            layers.append(
                keras.layers.RandomTranslation(
                    self.height_shift_range, self.width_shift_range, seed=seed(), **geo
                )
            )
        if self.zoom_range:
            layers.append(keras.layers.RandomZoom(self.zoom_range, seed=seed(), **geo))
        if self.shear_range:
            layers.append(
                keras.layers.RandomShear(self.shear_range, self.shear_range, seed=seed(), **geo)
            )
        if self.crop_range:
            layers.append(extra.RandomResizedCrop(self.crop_range, value_range=vr, seed=seed()))
        if self.elastic_range:
            layers.append(
                keras.layers.RandomElasticTransform(
                    factor=1.0, scale=self.elastic_range, value_range=vr, seed=seed(), **geo
                )
            )
        if self.brightness_range:
            layers.append(
                keras.layers.RandomBrightness(self.brightness_range, value_range=vr, seed=seed())
            )
        if self.contrast_range:
            layers.append(
                keras.layers.RandomContrast(self.contrast_range, value_range=vr, seed=seed())
            )
        if self.saturation_range:
            s = self.saturation_range
            layers.append(
                keras.layers.RandomSaturation((0.5 - s, 0.5 + s), value_range=vr, seed=seed())
            )
        if self.hue_range:
            layers.append(keras.layers.RandomHue(self.hue_range, value_range=vr, seed=seed()))
        if self.channel_shift_range:
            layers.append(
                extra.RandomChannelShift(self.channel_shift_range, value_range=vr, seed=seed())
            )
        if self.grayscale_probability:
            layers.append(keras.layers.RandomGrayscale(self.grayscale_probability, seed=seed()))
        if self.gaussian_noise:
            layers.append(
                extra.RandomGaussianNoise(self.gaussian_noise, value_range=vr, seed=seed())
            )
        if self.salt_pepper:
            layers.append(extra.RandomSaltAndPepper(self.salt_pepper, value_range=vr, seed=seed()))
        if self.erasing_probability:
            p = self.erasing_probability
            layers.append(keras.layers.RandomErasing(factor=(p, p), value_range=vr, seed=seed()))
        return layers

    def as_layer(self, channels: int = 3, name: str = "augmentation") -> keras.Sequential:
        """The per-image augmentation as one Keras layer, to put first in a model.

        Active in `fit` only; `predict` and `evaluate` see the images unchanged.
        Batch mixing (`mixup_alpha`, `cutmix_alpha`) needs labels and is left
        to `augment` and the flows.

        Example:
        >>> model = keras.Sequential([gen.as_layer(channels=1), CNNClassifier((8, 8, 1), 10)])
        """
        return keras.Sequential(self.augmentation_layers(channels), name=name)

    def augment(self, images: np.ndarray, labels: np.ndarray | None = None):
        """One fresh random augmentation of a batch (what the flows serve).

        Args:
            images: `(batch, height, width, channels)` pixel values.
            labels: `(batch, num_classes)` one-hot or soft labels; needed for mixing.

        Returns:
            The augmented images, float32; with `labels`, `(images, labels)`,
            the labels mixed like the images when mixing is on.
        """
        images = np.asarray(images, np.float32)
        channels = images.shape[-1]
        if channels not in self._layers:
            self._layers[channels] = self.augmentation_layers(channels)
        x = images
        for layer in self._layers[channels]:
            x = layer(x, training=True)
        if labels is None:
            return keras.ops.convert_to_numpy(x).astype(np.float32)
        y = np.asarray(labels, np.float32)
        mixers = self._batch_mixers()
        if mixers and len(images) > 1:
            mixer = mixers[self._rng.integers(len(mixers))]
            if isinstance(mixer, extra.RandomCutMix):
                x, y = mixer(x, y, training=True)
            else:
                mixed = mixer({"images": x, "labels": y}, training=True)
                x, y = mixed["images"], mixed["labels"]
        x = keras.ops.convert_to_numpy(x).astype(np.float32)
        return x, keras.ops.convert_to_numpy(y).astype(np.float32)

    def _batch_mixers(self) -> list[keras.layers.Layer]:
        if self._mixers is None:
            self._mixers = []
            seed = None if self.seed is None else self.seed + 2000
            if self.mixup_alpha:
                self._mixers.append(keras.layers.MixUp(alpha=self.mixup_alpha, seed=seed))
            if self.cutmix_alpha:
                # tsconv's own CutMix: keras.layers.CutMix (3.15) mismatches box and
                # label weight under JAX; this one mixes labels by the pasted area.
                self._mixers.append(extra.RandomCutMix(self.cutmix_alpha, seed=seed))
        return self._mixers

    # === Flows ===

    def flow(
        self,
        x: np.ndarray,
        y: np.ndarray,
        batch_size: int = 32,
        shuffle: bool = True,
        subset: str | None = None,
        num_classes: int | None = None,
    ):
        """Batches of `(augmented images, one-hot labels)` from arrays, for `model.fit`.

        Args:
            x: images, `(n, height, width, channels)` or `(n, height, width)`.
            y: integer class labels, `(n,)`.
            batch_size: images per batch.
            shuffle: reshuffle every epoch (never for `subset="validation"`).
            subset: None (all images), `"training"` or `"validation"` (the
                two disjoint parts given by `validation_split`; the split keeps
                each class's share, and the validation part is served unaugmented).
            num_classes: width of the one-hot labels [default: `max(y) + 1`].

        Returns:
            An `ArrayFlow` (a `keras.utils.PyDataset`).

        Raises:
            InputError: for mismatched or malformed arrays or an unknown subset.
        """
        from tsconv.image.flows import ArrayFlow

        return ArrayFlow(self, x, y, batch_size, shuffle, subset, num_classes)

    def flow_from_directory(
        self,
        directory: str | os.PathLike,
        target_size: tuple[int, int] | None = None,
        color_mode: str | None = None,
        classes: Sequence[str] | None = None,
        batch_size: int = 32,
        shuffle: bool = True,
        subset: str | None = None,
        interpolation: str = "bilinear",
    ):
        """Batches of `(augmented images, one-hot labels)` from a folder per class.

        Args:
            directory: a folder with one sub-folder of images per class.
            target_size: `(height, width)` every image is resized to
                [default: the size of the first image].
            color_mode: `"grayscale"` or `"rgb"` [default: grayscale when the
                first image is, else rgb].
            classes: class folder names, in label order [default: all, sorted].
            batch_size: images per batch.
            shuffle: reshuffle every epoch (never for `subset="validation"`).
            subset: None, `"training"` or `"validation"`, as in `flow`.
            interpolation: resampling for resizing: `"bilinear"`, `"nearest"` or `"bicubic"`.

        Returns:
            A `DirectoryFlow` (a `keras.utils.PyDataset`) with `class_names`,
            `class_indices` and `filenames`; images are read batch by batch.

        Raises:
            InputError: for a missing folder, fewer than two classes, an empty
                class or an unreadable image.
        """
        from tsconv.image.flows import DirectoryFlow

        return DirectoryFlow(
            self,
            directory,
            target_size,
            color_mode,
            classes,
            batch_size,
            shuffle,
            subset,
            interpolation,
        )
