"""CNNClassifier: the [(CONV-RELU)*N - POOL?]*M - (FC-RELU)*K - SOFTMAX pattern; round trips."""

import keras
import numpy as np
import pytest

from tsconv.image import CNNClassifier

# Keras-only: also run under KERAS_BACKEND=jax (see the README's test command).
pytestmark = pytest.mark.portable


def _count(model, kind):
    return sum(isinstance(layer, kind) for layer in model.layers)


@pytest.mark.parametrize(
    "options, convs, pools, dense, drops, bns",
    [
        ({}, 4, 2, 2, 0, 0),
        ({"filters": (8,), "convs_per_block": 3, "dense_units": ()}, 3, 1, 1, 0, 0),
        ({"filters": (8, 8, 8), "convs_per_block": 1, "pool_size": None}, 3, 0, 2, 0, 0),
        ({"dense_units": (16, 8), "dropout": 0.5}, 4, 2, 3, 3, 0),
        ({"batch_normalization": True, "global_pooling": "avg"}, 4, 2, 2, 0, 4),
    ],
)
def test_layer_pattern(options, convs, pools, dense, drops, bns):
    model = CNNClassifier((8, 8, 1), 10, **options)
    layers = keras.layers
    assert _count(model, layers.Conv2D) == convs
    assert _count(model, layers.MaxPooling2D) == pools
    assert _count(model, layers.Dense) == dense
    assert _count(model, layers.Dropout) == drops
    assert _count(model, layers.BatchNormalization) == bns
    assert model.layers[-1].name == "predictions"
    probabilities = keras.ops.convert_to_numpy(model(np.zeros((3, 8, 8, 1), "float32")))
    assert probabilities.shape == (3, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    "pooling, layer", [("avg", "GlobalAveragePooling2D"), ("max", "GlobalMaxPooling2D")]
)
def test_global_pooling_replaces_flatten(pooling, layer):
    model = CNNClassifier((16, 12, 3), 4, global_pooling=pooling)
    assert type(model.get_layer("global_pool")).__name__ == layer
    assert not any(isinstance(x, keras.layers.Flatten) for x in model.layers)
    # Global pooling makes the head independent of the map size: 64 features + bias.
    assert model.get_layer("fc1").kernel.shape == (64, 128)


def test_rescale_happens_inside_the_model():
    keras.utils.set_random_seed(0)
    raw = CNNClassifier((8, 8, 1), 3)
    unit = CNNClassifier((8, 8, 1), 3, rescale=1.0)
    unit.set_weights(raw.get_weights())
    x = np.random.default_rng(0).uniform(0, 255, (4, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(raw(x)), keras.ops.convert_to_numpy(unit(x / 255.0)), atol=1e-5
    )


def test_config_and_keras_file_round_trip(tmp_path):
    keras.utils.set_random_seed(1)
    model = CNNClassifier(
        (8, 8, 1),
        5,
        filters=(4, 8),
        dense_units=(16,),
        dropout=0.2,
        batch_normalization=True,
        name="digits",
    )
    config = model.get_config()
    for arg in (
        "num_classes",
        "convs_per_block",
        "kernel_size",
        "pool_size",
        "dropout",
        "batch_normalization",
        "global_pooling",
        "rescale",
    ):
        assert config[arg] == getattr(model, arg)
    assert tuple(config["image_shape"]) == model.image_shape
    assert CNNClassifier.from_config(config).get_config() == config
    x = np.random.default_rng(2).uniform(0, 255, (3, 8, 8, 1)).astype("float32")
    expected = keras.ops.convert_to_numpy(model.predict(x, verbose=0))
    model.save(tmp_path / "cnn.keras")
    loaded = keras.saving.load_model(tmp_path / "cnn.keras", safe_mode=True)
    assert isinstance(loaded, CNNClassifier)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(loaded.predict(x, verbose=0)), expected
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"image_shape": (8, 8)}, "image_shape. must be .height, width, channels"),
        ({"image_shape": (8, 0, 1)}, r"image_shape\[1\]"),
        ({"num_classes": 0}, "num_classes"),
        ({"filters": ()}, "one entry per block"),
        ({"filters": (8, -1)}, r"filters\[1\]"),
        ({"dense_units": (0,)}, r"dense_units\[0\]"),
        ({"convs_per_block": 0}, "convs_per_block"),
        ({"kernel_size": 0}, "kernel_size"),
        ({"pool_size": 0}, "pool_size"),
        ({"filters": (8, 8, 8, 8)}, "below one pixel"),
        ({"dropout": 1.0}, "dropout"),
        ({"global_pooling": "sum"}, "global_pooling"),
    ],
)
def test_bad_arguments(kwargs, match):
    args = {"image_shape": (8, 8, 1), "num_classes": 10, **kwargs}
    with pytest.raises(ValueError, match=match):
        CNNClassifier(**args)
