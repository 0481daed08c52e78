"""ImageDataGenerator's layers: identity at inference, each range respected, fresh draws."""

import keras
import numpy as np
import pytest

from tsconv.errors import InputError
from tsconv.image import (
    CNNClassifier,
    ImageDataGenerator,
    RandomChannelShift,
    RandomCutMix,
    RandomGaussianNoise,
    RandomResizedCrop,
    RandomSaltAndPepper,
)

# Keras-only: also run under KERAS_BACKEND=jax (see the README's test command).
pytestmark = pytest.mark.portable

EVERY_RANGE = {
    "rotation_range": 20,
    "width_shift_range": 0.1,
    "height_shift_range": 0.1,
    "zoom_range": 0.1,
    "shear_range": 0.1,
    "horizontal_flip": True,
    "vertical_flip": True,
    "crop_range": 0.2,
    "elastic_range": 1.0,
    "brightness_range": 0.1,
    "contrast_range": 0.1,
    "saturation_range": 0.2,
    "hue_range": 0.1,
    "channel_shift_range": 0.1,
    "grayscale_probability": 0.5,
    "gaussian_noise": 0.05,
    "salt_pepper": 0.05,
    "erasing_probability": 0.5,
}


def images(n=8, size=16, channels=3, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, (n, size, size, channels)).astype("float32")


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_every_transform_is_the_identity_at_inference_and_changes_training_batches():
    x = images()
    layer = ImageDataGenerator(**EVERY_RANGE, seed=0).as_layer(channels=3)
    assert len(layer.layers) == 16  # one per argument; flips share one, and shifts
    np.testing.assert_array_equal(numpy(layer(x, training=False)), x)
    for sub in layer.layers:
        np.testing.assert_array_equal(numpy(sub(x, training=False)), x, err_msg=sub.name)
        out = numpy(sub(x, training=True))
        assert out.shape == x.shape, sub.name
        assert not np.array_equal(out, x), f"{sub.name} changed nothing in training"


def test_inside_a_model_predict_sees_the_images_unchanged():
    keras.utils.set_random_seed(0)
    cnn = CNNClassifier((16, 16, 3), 4, filters=(4,), dense_units=())
    augmented = keras.Sequential(
        [ImageDataGenerator(rotation_range=30, gaussian_noise=0.1).as_layer(3), cnn]
    )
    x = images(4)
    np.testing.assert_allclose(
        augmented.predict(x, verbose=0), cnn.predict(x, verbose=0), rtol=1e-6, atol=1e-7
    )


def test_flips_give_the_image_or_its_mirror():
    x = images(32)
    out = ImageDataGenerator(horizontal_flip=True, seed=1).augment(x)
    same = np.all(out == x, axis=(1, 2, 3))
    mirrored = np.all(out == x[:, :, ::-1], axis=(1, 2, 3))
    assert np.all(same | mirrored) and same.any() and mirrored.any()


def test_shift_stays_within_its_range():
    x = np.zeros((64, 20, 20, 1), "float32")
    x[:, 10, 10] = 255.0
    gen = ImageDataGenerator(width_shift_range=0.2, fill_mode="constant", seed=2)
    out = gen.augment(x)
    rows, cols = np.nonzero(out.max(axis=0)[..., 0] > 0)
    assert set(rows) <= {9, 10, 11}  # no vertical shift beyond interpolation
    assert cols.min() >= 10 - 5 and cols.max() <= 10 + 5  # 0.2 × 20 = 4 pixels, + interpolation
    assert cols.min() < 9 and cols.max() > 11  # and it did move sideways


def test_brightness_adds_one_offset_per_image_within_the_range():
    x = np.full((32, 8, 8, 3), 100.0, "float32")
    out = ImageDataGenerator(brightness_range=0.1, seed=3).augment(x)
    offsets = out - x
    per_image = offsets.reshape(32, -1)
    np.testing.assert_allclose(per_image, per_image[:, :1] * np.ones_like(per_image), atol=1e-3)
    assert np.abs(offsets).max() <= 25.5 + 1e-3
    assert len(np.unique(np.round(per_image[:, 0], 3))) > 20  # a fresh draw per image


def test_contrast_scales_around_the_mean_within_the_range():
    x = images(16, channels=1)
    out = ImageDataGenerator(contrast_range=0.2, seed=4).augment(x)
    mean = x.mean(axis=(1, 2), keepdims=True)
    inside = (x > 60) & (x < 195)  # away from clipping at 0 and 255
    factor = (out - mean)[inside] / (x - mean)[inside]
    assert factor.min() >= 0.8 - 1e-3 and factor.max() <= 1.2 + 1e-3


def test_channel_shift_moves_each_channel_separately_within_the_range():
    x = np.full((16, 8, 8, 3), 128.0, "float32")
    out = ImageDataGenerator(channel_shift_range=0.1, seed=5).augment(x)
    shift = out[:, 0, 0, :] - 128.0  # (images, channels)
    assert np.abs(shift).max() <= 25.5 + 1e-3
    assert np.all(np.ptp(shift, axis=1) > 0)  # channels differ
    np.testing.assert_allclose(out, out[:, :1, :1, :] * np.ones_like(out), atol=1e-3)


def test_gaussian_noise_has_the_asked_standard_deviation():
    x = np.full((16, 32, 32, 1), 128.0, "float32")
    out = ImageDataGenerator(gaussian_noise=0.05, seed=6).augment(x)
    assert abs((out - x).std() / (0.05 * 255) - 1) < 0.05


def test_salt_and_pepper_sets_the_asked_fraction_to_black_or_white():
    x = np.full((16, 32, 32, 3), 128.0, "float32")
    out = ImageDataGenerator(salt_pepper=0.1, seed=7).augment(x)
    changed = np.any(out != 128.0, axis=-1)
    assert abs(changed.mean() - 0.1) < 0.015
    assert set(np.unique(out[changed])) <= {0.0, 255.0}
    assert np.all(out[changed] == out[changed][:, :1])  # all channels of a pixel together


def test_grayscale_makes_channels_equal():
    out = ImageDataGenerator(grayscale_probability=1.0, seed=8).augment(images(4))
    np.testing.assert_allclose(out, out[..., :1] * np.ones_like(out), atol=1e-3)


def test_resized_crop_keeps_a_window_of_at_least_one_minus_the_range():
    ramp = np.tile(np.arange(20, dtype="float32")[None, :], (20, 1))  # pixel value = column
    x = np.repeat(ramp[None, ..., None], 32, axis=0)
    out = ImageDataGenerator(crop_range=0.3, seed=9).augment(x)
    span = out[:, :, -1, 0] - out[:, :, 0, 0]  # columns covered by the window
    assert span.min() >= 0.7 * 19 - 1e-3 and span.max() <= 19 + 1e-3
    assert span.min() < 17  # it did crop


@pytest.mark.parametrize("mixing", [{"mixup_alpha": 0.4}, {"cutmix_alpha": 1.0}])
def test_batch_mixing_mixes_labels_as_it_mixes_images(mixing):
    n = 16
    levels = np.linspace(0, 255, n).astype("float32")
    x = np.ones((n, 16, 16, 1), "float32") * levels[:, None, None, None]
    y = np.eye(n, dtype="float32")
    out, labels = ImageDataGenerator(**mixing, seed=10).augment(x, y)
    np.testing.assert_allclose(labels.sum(axis=1), 1.0, atol=1e-5)
    assert (labels.max(axis=1) < 1).any()  # something was mixed
    # Every image's mean is its labels' mix of the pure levels (by weight or by area).
    np.testing.assert_allclose(out.mean(axis=(1, 2, 3)), labels @ levels, atol=0.05)


def test_every_serve_is_a_fresh_draw_and_a_seed_repeats_the_stream():
    x = images(4, channels=1)
    gen = ImageDataGenerator(rotation_range=30, seed=11)
    first, second = gen.augment(x), gen.augment(x)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(ImageDataGenerator(rotation_range=30, seed=11).augment(x), first)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"rotation_range": -1}, "rotation_range. must be in .0, 180"),
        ({"zoom_range": 1.5}, "zoom_range"),
        ({"salt_pepper": "lots"}, "salt_pepper. must be a number"),
        ({"fill_mode": "mirror"}, "fill_mode"),
        ({"value_range": (1, 0)}, "value_range"),
        ({"validation_split": 1.0}, "validation_split"),
    ],
)
def test_bad_generator_arguments(kwargs, match):
    with pytest.raises(InputError, match=match):
        ImageDataGenerator(**kwargs)


def test_colour_only_arguments_need_rgb():
    with pytest.raises(InputError, match=r"hue_range. needs RGB images"):
        ImageDataGenerator(hue_range=0.1).as_layer(channels=1)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: RandomGaussianNoise(2.0), "stddev"),
        (lambda: RandomSaltAndPepper(-0.1), "rate"),
        (lambda: RandomChannelShift(1.5), "factor"),
        (lambda: RandomResizedCrop(1.0), "crop_range"),
        (lambda: RandomResizedCrop(0.1, interpolation="cubic"), "interpolation"),
        (lambda: RandomGaussianNoise(0.1, value_range=(5, 5)), "value_range"),
        (lambda: RandomCutMix(0.0), "alpha"),
    ],
)
def test_bad_layer_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    "layer",
    [
        RandomGaussianNoise(0.1, seed=1),
        RandomSaltAndPepper(0.1, value_range=(0, 1)),
        RandomChannelShift(0.2),
        RandomResizedCrop(0.3, interpolation="nearest"),
        RandomCutMix(0.5, seed=3),
    ],
)
def test_layer_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


def test_augmentation_saved_inside_a_model_loads_safely(tmp_path):
    keras.utils.set_random_seed(0)
    gen = ImageDataGenerator(
        crop_range=0.2,
        gaussian_noise=0.05,
        salt_pepper=0.02,
        channel_shift_range=0.1,
        rotation_range=10,
    )
    model = keras.Sequential(
        [
            keras.Input((16, 16, 3)),
            gen.as_layer(3),
            CNNClassifier((16, 16, 3), 2, filters=(4,), dense_units=()),
        ]
    )
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    x = images(3)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
