"""Image data: the split rule, flows from arrays and folders, the embedded digits, scores."""

import keras
import numpy as np
import pytest
from PIL import Image

from tsconv.errors import InputError
from tsconv.image import (
    CNNClassifier,
    ImageDataGenerator,
    digits_arrays,
    load_image,
    split_indices,
    write_digits_folder,
)
from tsconv.image.scoring import classification_scores, confusion_matrix, top_k_accuracy


@pytest.fixture(scope="module")
def digits_dir(tmp_path_factory):
    return write_digits_folder(tmp_path_factory.mktemp("img") / "digits", [1, 2, 3], per_class=10)


def test_split_rule_is_stratified_disjoint_complete_and_repeatable():
    labels = np.repeat(np.arange(3), [10, 5, 1])
    train, val = split_indices(labels, 0.2, seed=4)
    assert np.intersect1d(train, val).size == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([train, val])), np.arange(16))
    assert np.bincount(labels[val], minlength=3).tolist() == [2, 1, 0]  # 10×0.2, 5×0.2, single kept
    again = split_indices(labels, 0.2, seed=4)
    np.testing.assert_array_equal(again[1], val)
    assert not np.array_equal(split_indices(labels, 0.2, seed=5)[1], val)
    train0, val0 = split_indices(labels, 0.0)
    assert val0.size == 0 and train0.size == 16


def test_split_keeps_at_least_one_image_each_side():
    labels = np.array([0, 0, 1, 1])
    for split in (0.01, 0.99):
        train, val = split_indices(labels, split)
        assert np.bincount(labels[train]).tolist() == [1, 1]
        assert np.bincount(labels[val]).tolist() == [1, 1]


def test_array_flow_subsets_are_disjoint_and_validation_is_plain():
    x, y = digits_arrays([0, 1, 2])
    gen = ImageDataGenerator(rotation_range=20, validation_split=0.25, seed=0)
    train = gen.flow(x, y, batch_size=50, subset="training")
    val = gen.flow(x, y, batch_size=50, subset="validation")
    assert np.intersect1d(train.index, val.index).size == 0
    assert train.samples + val.samples == len(x)
    assert not val.augmenting and not val.shuffle and train.augmenting
    xb, yb = val[0]
    np.testing.assert_array_equal(xb, x[val.index[:50]])  # validation images served as they are
    np.testing.assert_array_equal(yb.argmax(axis=1), y[val.index[:50]])
    xt, yt = train[0]
    assert xt.shape == (50, 8, 8, 1) and yt.shape == (50, 3)
    np.testing.assert_allclose(yt.sum(axis=1), 1.0)
    assert len(train) == int(np.ceil(train.samples / 50))
    order = train.classes.copy()
    train.on_epoch_end()
    assert not np.array_equal(order, train.classes)  # reshuffled each epoch
    with pytest.raises(IndexError):
        train[len(train)]


def test_model_fit_accepts_the_flows():
    x, y = digits_arrays([0, 1])
    gen = ImageDataGenerator(zoom_range=0.1, validation_split=0.2, seed=0)
    keras.utils.set_random_seed(0)
    model = CNNClassifier((8, 8, 1), 2, filters=(4,), dense_units=())
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        gen.flow(x, y, subset="training"),
        validation_data=gen.flow(x, y, subset="validation"),
        epochs=2,
        verbose=0,
    )
    assert len(history.history["val_accuracy"]) == 2


@pytest.mark.parametrize(
    "x_shape, y, kwargs, match",
    [
        ((4, 8), [0, 1, 0, 1], {}, "images must be"),
        ((4, 8, 8), [0, 1, 0], {}, "one integer per image"),
        ((4, 8, 8), [0.0, 1.0, 0.0, 1.0], {}, "integers"),
        ((4, 8, 8), [0, 1, 0, 3], {"num_classes": 3}, "num_classes > 3"),
        ((4, 8, 8), [0, 1, 0, 1], {"batch_size": 0}, "batch_size"),
        ((4, 8, 8), [0, 1, 0, 1], {"subset": "test"}, "subset"),
        ((4, 8, 8), [0, 1, 0, 1], {"subset": "training"}, "set validation_split"),
    ],
)
def test_bad_flow_input(x_shape, y, kwargs, match):
    with pytest.raises(InputError, match=match):
        ImageDataGenerator().flow(np.zeros(x_shape), np.asarray(y), **kwargs)


def test_directory_flow_reads_classes_sizes_and_modes(digits_dir):
    gen = ImageDataGenerator(validation_split=0.2, seed=0)
    train = gen.flow_from_directory(digits_dir, subset="training", batch_size=8)
    val = gen.flow_from_directory(digits_dir, subset="validation", batch_size=8)
    assert train.class_names == ["1", "2", "3"] and train.class_indices["3"] == 2
    assert train.image_shape == (8, 8, 1) and train.color_mode == "grayscale"
    assert (train.samples, val.samples) == (24, 6)
    assert not set(train.filenames) & set(val.filenames)
    x, y = val[0]
    assert x.shape == (6, 8, 8, 1) and y.shape == (6, 3)
    rgb = gen.flow_from_directory(digits_dir, target_size=(16, 12), color_mode="rgb", batch_size=8)
    assert rgb[0][0].shape == (8, 16, 12, 3)


def test_digits_folder_holds_the_bundled_pixels(digits_dir):
    x, y = digits_arrays([1, 2, 3])
    files = sorted((digits_dir / "2").glob("*.png"))
    assert len(files) == 10 and len(list(digits_dir.rglob("*.png"))) == 30
    index = int(files[0].stem)  # the file name is the index in scikit-learn's set
    from sklearn.datasets import load_digits

    expected = np.round(load_digits().images[index] * 255 / 16)
    np.testing.assert_array_equal(load_image(files[0], (8, 8), "grayscale")[..., 0], expected)
    assert x.shape[1:] == (8, 8, 1) and set(np.unique(y)) == {0, 1, 2}


def test_folder_errors(tmp_path, digits_dir):
    gen = ImageDataGenerator()
    with pytest.raises(InputError, match="not found"):
        gen.flow_from_directory(tmp_path / "missing")
    (tmp_path / "one" / "a").mkdir(parents=True)
    Image.new("L", (4, 4)).save(tmp_path / "one" / "a" / "x.png")
    with pytest.raises(InputError, match="needs at least two"):
        gen.flow_from_directory(tmp_path / "one")
    (tmp_path / "one" / "b").mkdir()
    with pytest.raises(InputError, match="holds no readable image"):
        gen.flow_from_directory(tmp_path / "one")
    (tmp_path / "one" / "b" / "y.png").write_text("not a png")
    # Refused when the folder is scanned, not when a batch is read mid-epoch.
    with pytest.raises(InputError, match=r"b holds no readable image .*skipped 1 unusable"):
        gen.flow_from_directory(tmp_path / "one", target_size=(4, 4))
    with pytest.raises(InputError, match="color_mode"):
        gen.flow_from_directory(digits_dir, color_mode="cmyk")
    with pytest.raises(InputError, match="target_size"):
        gen.flow_from_directory(digits_dir, target_size=(8, 0))
    with pytest.raises(InputError, match=r"saturation_range. needs RGB"):
        ImageDataGenerator(saturation_range=0.2).flow_from_directory(digits_dir)
    with pytest.raises(InputError, match="not an empty folder"):
        write_digits_folder(digits_dir)
    with pytest.raises(InputError, match="distinct digits"):
        digits_arrays([3, 3])


def test_scores():
    labels = np.array([0, 1, 2, 2])
    p = np.array([[0.6, 0.3, 0.1], [0.5, 0.4, 0.1], [0.1, 0.2, 0.7], [0.2, 0.5, 0.3]])
    assert top_k_accuracy(labels, p, 1) == 0.5
    assert top_k_accuracy(labels, p, 2) == 1.0
    assert confusion_matrix(labels, p.argmax(1), 3).tolist() == [[1, 0, 0], [1, 0, 0], [0, 1, 1]]
    scores = classification_scores(labels, p, training_labels=np.array([2, 2, 1]))
    assert scores["majority_class_accuracy"] == 0.5 and scores["top5"] is None
    assert scores["per_class_accuracy"] == [1.0, 0.0, 0.5]
