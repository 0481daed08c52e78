"""Transfer learning: cutting the base, freezing it (batch norm included), fine-tuning."""

import functools

import keras
import numpy as np
import pytest

from tsconv.errors import InputError
from tsconv.image import (
    CaffePreprocessing,
    CNNClassifier,
    application_base,
    build_transfer_model,
    convolutional_base,
    unfreeze_top,
)
from tsconv.image.transfer import top_pooling, transfer_base_of

# Keras-only: also run under KERAS_BACKEND=jax (see the README's test command).
pytestmark = pytest.mark.portable


def data(n=48, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 255, (n, 8, 8, 1)).astype("float32")
    y = np.eye(classes, dtype="float32")[rng.integers(0, classes, n)]
    return x, y


@functools.cache
def _trained_weights() -> tuple[dict, list]:
    """One short fit for the whole module (its moving statistics moved off their start)."""
    keras.utils.set_random_seed(0)
    cnn = CNNClassifier((8, 8, 1), 5, filters=(8, 16), batch_normalization=True, dense_units=(16,))
    cnn.compile("adam", "categorical_crossentropy")
    x, _ = data()
    cnn.fit(x, np.eye(5, dtype="float32")[np.arange(len(x)) % 5], epochs=1, verbose=0)
    return cnn.get_config(), cnn.get_weights()


def trained_cnn():
    """A fresh copy of the trained CNN for each test: tests freeze and change their own."""
    config, weights = _trained_weights()
    cnn = CNNClassifier.from_config(config)
    cnn.set_weights(weights)
    return cnn


def weights_of(model):
    return [np.array(keras.ops.convert_to_numpy(w)) for w in model.weights]


def test_base_cuts_at_the_last_feature_map_and_shares_weights():
    cnn = trained_cnn()
    base = convolutional_base(cnn)
    assert tuple(base.output.shape) == (None, 2, 2, 16)
    assert not any(isinstance(layer, keras.layers.Dense) for layer in base.layers)
    x, _ = data(4)
    cut = keras.Model(cnn.input, cnn.get_layer("block2_pool").output)
    np.testing.assert_array_equal(base.predict(x, verbose=0), cut.predict(x, verbose=0))


def test_base_can_be_cut_at_an_earlier_feature_map():
    cnn = trained_cnn()
    base = convolutional_base(cnn, "block1_pool")
    assert tuple(base.output.shape) == (None, 4, 4, 8)
    assert top_pooling(cnn) == "flatten"
    with pytest.raises(InputError, match="not a feature-map layer"):
        convolutional_base(cnn, "fc1")


def test_frozen_base_does_not_change_while_the_head_trains():
    model = build_transfer_model(convolutional_base(trained_cnn()), num_classes=3)
    base = transfer_base_of(model)
    assert not base.trainable and base.trainable_weights == []
    before, head_before = weights_of(base), weights_of(model.get_layer("predictions"))
    model.compile(keras.optimizers.Adam(1e-2), "categorical_crossentropy")
    x, y = data()
    model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    for old, new in zip(before, weights_of(base), strict=True):
        np.testing.assert_array_equal(old, new)  # kernels and batch-norm statistics alike
    assert not np.array_equal(head_before[0], weights_of(model.get_layer("predictions"))[0])


def test_unfreezing_the_top_trains_those_layers_only_and_keeps_batch_norm_frozen():
    model = build_transfer_model(convolutional_base(trained_cnn()), num_classes=3)
    assert unfreeze_top(model, 2) == 2
    base = transfer_base_of(model)
    trainable = [layer.name for layer in base.layers if layer.trainable and layer.weights]
    assert trainable == ["block2_conv1", "block2_conv2"]  # the batch norms between stay frozen
    bn = base.get_layer("block2_bn2")
    stats, frozen_kernel = weights_of(bn), weights_of(base.get_layer("block1_conv2"))
    tuned_kernel = weights_of(base.get_layer("block2_conv2"))
    model.compile(keras.optimizers.Adam(1e-3), "categorical_crossentropy")
    x, y = data()
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    for old, new in zip(
        stats + frozen_kernel,
        weights_of(bn) + weights_of(base.get_layer("block1_conv2")),
        strict=True,
    ):
        np.testing.assert_array_equal(old, new)
    assert not np.array_equal(tuned_kernel[0], weights_of(base.get_layer("block2_conv2"))[0])


def test_transfer_model_keras_file_round_trip(tmp_path):
    model = build_transfer_model(convolutional_base(trained_cnn()), num_classes=3, dropout=0.0)
    x, _ = data(5)
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "transfer.keras")
    loaded = keras.saving.load_model(tmp_path / "transfer.keras", safe_mode=True)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected)


def test_application_base_loads_a_local_weights_file(tmp_path):
    keras.utils.set_random_seed(3)
    donor = keras.applications.MobileNetV3Small(
        include_top=False, weights=None, input_shape=(32, 32, 3)
    )
    donor.save_weights(tmp_path / "mobilenet.weights.h5")
    base = application_base("mobilenetv3small", (32, 32, 3), tmp_path / "mobilenet.weights.h5")
    for old, new in zip(weights_of(donor), weights_of(base), strict=True):
        np.testing.assert_array_equal(old, new)
    out = base(np.zeros((2, 32, 32, 3), "float32"))
    assert len(out.shape) == 4 and out.shape[0] == 2


def test_caffe_preprocessing_matches_keras():
    x = np.random.default_rng(0).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    expected = keras.applications.resnet50.preprocess_input(x.copy())
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(CaffePreprocessing()(x)), expected, atol=1e-4
    )


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda tmp: application_base("alexnet", (32, 32, 3)), "unknown base 'alexnet'"),
        (lambda tmp: application_base("vgg16", (16, 16, 3)), "at least 32"),
        (lambda tmp: application_base("vgg16", (32, 32, 1)), "RGB images"),
        (lambda tmp: application_base("resnet50", (32, 32, 3), tmp / "none.h5"), "not found"),
        (
            lambda tmp: convolutional_base(
                keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
            ),
            "no convolutional feature map",
        ),
    ],
)
def test_bad_bases(tmp_path, call, match):
    with pytest.raises(InputError, match=match):
        call(tmp_path)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda base: build_transfer_model(base, 0), "num_classes"),
        (lambda base: build_transfer_model(base, 3, dropout=1.0), "dropout"),
    ],
)
def test_bad_head_arguments(call, match):
    base = convolutional_base(CNNClassifier((8, 8, 1), 2, filters=(4,), dense_units=()))
    with pytest.raises(ValueError, match=match):
        call(base)


def test_unfreeze_needs_a_positive_count():
    model = build_transfer_model(convolutional_base(trained_cnn()), num_classes=3)
    with pytest.raises(ValueError, match="layers"):
        unfreeze_top(model, 0)
