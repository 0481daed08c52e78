"""Augmentation layers Keras lacks: noise in pixel units, salt-and-pepper, channel shift, crop.

Each is active only with `training=True` and is the identity otherwise, like
Keras's own `Random*` layers, and uses `keras.ops` only, so it runs on any
backend, inside a model or in an input pipeline. Inputs are batches of
images, `(batch, height, width, channels)`, with values in `value_range`.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import ops


def _check_value_range(value_range: Sequence[float]) -> tuple[float, float]:
    value_range = tuple(float(v) for v in value_range)
    if len(value_range) != 2 or not value_range[0] < value_range[1]:
        raise ValueError(
            f"`value_range` must be (low, high) with low < high. Received: "
            f"value_range={value_range!r}"
        )
    return value_range


def _check_fraction(name: str, value, high: float = 1.0) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= high:
        raise ValueError(f"`{name}` must be in [0, {high:g}]. Received: {name}={value!r}")


class _RandomImageLayer(keras.layers.Layer):
    """Shared parts: a seed generator, the value range, identity outside training."""

    def __init__(self, value_range=(0, 255), seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.value_range = _check_value_range(value_range)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if not training:
            return inputs
        return self.transform(ops.cast(inputs, self.compute_dtype))

    def transform(self, images):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "value_range": list(self.value_range), "seed": self.seed}


@keras.saving.register_keras_serializable(package="tsconv")
class RandomGaussianNoise(_RandomImageLayer):
    """Adds Gaussian noise with a standard deviation given as a fraction of the value range.

    Unlike `keras.layers.GaussianNoise` (whose `stddev` is capped at 1), the
    result is clipped back to `value_range`, so pixels stay valid.

    Args:
        stddev: noise standard deviation as a fraction of `high - low`, in `[0, 1]`.
        value_range: `(low, high)` of the pixel values.
        seed: seed of the noise.

    Example:
    >>> layer = RandomGaussianNoise(0.05)
    >>> layer(np.zeros((2, 8, 8, 1)), training=True).shape  # (batch, height, width, channels)
    (2, 8, 8, 1)
    """

    def __init__(self, stddev: float, value_range=(0, 255), seed: int | None = None, **kwargs):
        _check_fraction("stddev", stddev)
        super().__init__(value_range, seed, **kwargs)
        self.stddev = stddev

    def transform(self, images):
        low, high = self.value_range
        noise = keras.random.normal(
            ops.shape(images), stddev=self.stddev * (high - low), seed=self.seed_generator
        )
        return ops.clip(images + ops.cast(noise, images.dtype), low, high)

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev}


@keras.saving.register_keras_serializable(package="tsconv")
class RandomSaltAndPepper(_RandomImageLayer):
    """Sets a random fraction of pixels to the lowest or highest value (all channels at once).

    Args:
        rate: fraction of pixels replaced, in `[0, 1]`; half salt (high), half pepper (low).
        value_range: `(low, high)` of the pixel values.
        seed: seed of the choice of pixels.

    Example:
    >>> RandomSaltAndPepper(0.05)(np.zeros((2, 8, 8, 3)), training=True).shape
    (2, 8, 8, 3)
    """

    def __init__(self, rate: float, value_range=(0, 255), seed: int | None = None, **kwargs):
        _check_fraction("rate", rate)
        super().__init__(value_range, seed, **kwargs)
        self.rate = rate

    def transform(self, images):
        low, high = self.value_range
        shape = ops.shape(images)
        u = keras.random.uniform(
            (shape[0], shape[1], shape[2], 1), seed=self.seed_generator
        )  # (batch, height, width, 1): one draw per pixel, shared by its channels
        salt = ops.cast(u >= 1.0 - self.rate / 2, images.dtype)
        pepper = ops.cast(u < self.rate / 2, images.dtype)
        keep = 1.0 - salt - pepper
        return images * keep + salt * high + pepper * low

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate}


@keras.saving.register_keras_serializable(package="tsconv")
class RandomChannelShift(_RandomImageLayer):
    """Shifts each channel of each image by its own random amount (colour jitter).

    The `channel_shift_range` of Keras's old `ImageDataGenerator`, as a fraction of the range.

    Args:
        factor: largest shift as a fraction of `high - low`, in `[0, 1]`; each
            shift is drawn from `[-factor, factor]`.
        value_range: `(low, high)` of the pixel values.
        seed: seed of the shifts.

    Example:
    >>> RandomChannelShift(0.1)(np.zeros((2, 8, 8, 3)), training=True).shape
    (2, 8, 8, 3)
    """

    def __init__(self, factor: float, value_range=(0, 255), seed: int | None = None, **kwargs):
        _check_fraction("factor", factor)
        super().__init__(value_range, seed, **kwargs)
        self.factor = factor

    def transform(self, images):
        low, high = self.value_range
        shape = ops.shape(images)
        shift = keras.random.uniform(
            (shape[0], 1, 1, shape[3]),
            minval=-self.factor * (high - low),
            maxval=self.factor * (high - low),
            seed=self.seed_generator,
        )  # (batch, 1, 1, channels)
        return ops.clip(images + ops.cast(shift, images.dtype), low, high)

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor}


@keras.saving.register_keras_serializable(package="tsconv")
class RandomResizedCrop(_RandomImageLayer):
    """Crops a random square-scaled window of each image and resizes it back to full size.

    The window's sides are a fraction `s` of the image's, drawn from
    `[1 - crop_range, 1]`, at a uniformly random position inside the image;
    the output keeps the input's size (unlike `keras.layers.RandomCrop`,
    which also changes the image at inference).

    Args:
        crop_range: largest fraction of each side cropped away, in `[0, 1)`.
        value_range: `(low, high)` of the pixel values.
        interpolation: `"bilinear"` or `"nearest"`.
        seed: seed of the windows.

    Example:
    >>> RandomResizedCrop(0.2)(np.zeros((2, 8, 8, 1)), training=True).shape
    (2, 8, 8, 1)
    """

    def __init__(
        self,
        crop_range: float,
        value_range=(0, 255),
        interpolation: str = "bilinear",
        seed: int | None = None,
        **kwargs,
    ):
        _check_fraction("crop_range", crop_range, high=0.99)
        if interpolation not in ("bilinear", "nearest"):
            raise ValueError(
                "`interpolation` must be 'bilinear' or 'nearest'. Received: "
                f"interpolation={interpolation!r}"
            )
        super().__init__(value_range, seed, **kwargs)
        self.crop_range = crop_range
        self.interpolation = interpolation

    def transform(self, images):
        shape = ops.shape(images)
        batch, height, width = shape[0], shape[1], shape[2]
        scale = keras.random.uniform(
            (batch, 1), minval=1.0 - self.crop_range, maxval=1.0, seed=self.seed_generator
        )  # (batch, 1): side of the window over the side of the image
        room = keras.random.uniform((batch, 2), seed=self.seed_generator) * (1.0 - scale)
        dx = room[:, :1] * ops.cast(width - 1, "float32")  # (batch, 1)
        dy = room[:, 1:] * ops.cast(height - 1, "float32")
        zero = ops.zeros_like(scale)
        # Output pixel (x, y) reads input (scale * x + dx, scale * y + dy).
        transform = ops.concatenate([scale, zero, dx, zero, scale, dy, zero, zero], axis=1)
        out = ops.image.affine_transform(
            images,
            ops.cast(transform, images.dtype),
            interpolation=self.interpolation,
            fill_mode="nearest",
        )
        return ops.clip(out, *self.value_range)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "crop_range": self.crop_range,
            "interpolation": self.interpolation,
        }


@keras.saving.register_keras_serializable(package="tsconv")
class RandomCutMix(keras.layers.Layer):
    """CutMix: pastes a random box of another image of the batch; labels mixed by its area.

    For each image, a mixing weight `lam ~ Beta(alpha, alpha)` sets a box of
    about `1 - lam` of the image (sides `sqrt(1 - lam)` of the image's, centre
    uniform, clipped at the border); the box is filled from a randomly paired
    image of the same batch, and the labels are mixed by the box's exact pixel
    share — by construction, on every backend.

    Args:
        alpha: the Beta distribution's parameter (> 0; 1 draws `lam` uniformly).
        seed: seed of the weights, boxes and pairs.

    Example:
    >>> images, labels = RandomCutMix(1.0)(x, y, training=True)  # x: (8, 32, 32, 3), y: (8, 10)
    """

    def __init__(self, alpha: float = 1.0, seed: int | None = None, **kwargs):
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"`alpha` must be a number > 0. Received: alpha={alpha!r}")
        super().__init__(**kwargs)
        self.alpha = alpha
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, labels, training=False):
        if not training:
            return images, labels
        images = ops.cast(images, self.compute_dtype)
        labels = ops.cast(labels, self.compute_dtype)
        shape = ops.shape(images)
        batch, height, width = shape[0], shape[1], shape[2]
        pair = keras.random.shuffle(ops.arange(batch), seed=self.seed_generator)  # (batch,)
        lam = keras.random.beta((batch,), self.alpha, self.alpha, seed=self.seed_generator)
        side = ops.sqrt(1.0 - ops.cast(lam, "float32"))[:, None]  # (batch, 1)
        centre = keras.random.uniform((batch, 2), seed=self.seed_generator)
        sizes = ops.cast(ops.stack([height, width]), "float32")[None, :]  # (1, 2)
        low = ops.clip((centre - side / 2) * sizes, 0, sizes)  # (batch, 2): top, left
        high = ops.clip((centre + side / 2) * sizes, 0, sizes)  # (batch, 2): bottom, right
        low, high = ops.round(low), ops.round(high)
        rows = ops.cast(ops.arange(height), "float32")[None, :, None]  # (1, height, 1)
        cols = ops.cast(ops.arange(width), "float32")[None, None, :]  # (1, 1, width)
        inside = (
            (rows >= low[:, 0, None, None])
            & (rows < high[:, 0, None, None])
            & (cols >= low[:, 1, None, None])
            & (cols < high[:, 1, None, None])
        )  # (batch, height, width)
        mask = ops.cast(inside, images.dtype)[..., None]  # (batch, height, width, 1)
        mixed = images * (1.0 - mask) + ops.take(images, pair, axis=0) * mask
        share = ops.mean(mask, axis=(1, 2, 3))[:, None]  # (batch, 1): pasted fraction
        labels = labels * (1.0 - share) + ops.take(labels, pair, axis=0) * share
        return mixed, labels

    def compute_output_shape(self, images_shape, labels_shape):
        return images_shape, labels_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha, "seed": self.seed}
