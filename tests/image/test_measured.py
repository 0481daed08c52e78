"""Small versions of the image benchmarks (benchmarks/image_*.py): fixed seeds, CPU."""

import keras
import numpy as np
import pytest

from tsconv.image import (
    CNNClassifier,
    ImageDataGenerator,
    build_transfer_model,
    convolutional_base,
    digits_arrays,
)

AUGMENTATION = {
    "rotation_range": 12,
    "width_shift_range": 0.1,
    "height_shift_range": 0.1,
    "zoom_range": 0.1,
    "shear_range": 0.1,
}


def few_per_class(y, k, seed):
    rng = np.random.default_rng(seed)
    return np.sort(
        np.concatenate([rng.choice(np.flatnonzero(y == c), k, replace=False) for c in np.unique(y)])
    )


def accuracy(model, x, y):
    return float(np.mean(model.predict(x, batch_size=512, verbose=0).argmax(axis=1) == y))


@pytest.mark.slow
def test_augmentation_narrows_the_train_validation_gap_on_a_small_subset():
    x, y = digits_arrays()
    train = few_per_class(y, 10, seed=0)
    val = np.setdiff1d(np.arange(len(y)), train)[::3]
    gap = {}
    for name, augmentation in (("plain", {}), ("augmented", AUGMENTATION)):
        keras.utils.set_random_seed(0)
        model = CNNClassifier((8, 8, 1), 10)
        model.compile(keras.optimizers.Adam(1e-3), "categorical_crossentropy")
        flow = ImageDataGenerator(**augmentation, seed=0).flow(x[train], y[train])
        model.fit(flow, epochs=40, verbose=0)
        gap[name] = accuracy(model, x[train], y[train]) - accuracy(model, x[val], y[val])
    assert gap["plain"] > 0.1  # 100 images: the plain CNN overfits visibly
    # The benchmark (3 seeds, 150 epochs) measured 0.73× the plain gap; ask for 0.85× here.
    assert gap["augmented"] < 0.85 * gap["plain"], gap


@pytest.mark.slow
def test_transfer_from_digits_0_to_4_beats_scratch_on_one_image_per_class():
    # Measured here: transfer 0.776, 0.780, 0.847 against scratch 0.712, 0.698, 0.782.
    x04, y04 = digits_arrays([0, 1, 2, 3, 4])
    x, y = digits_arrays([5, 6, 7, 8, 9])
    keras.utils.set_random_seed(0)
    pre = CNNClassifier((8, 8, 1), 5, dropout=0.3)
    pre.compile(keras.optimizers.Adam(1e-3), "categorical_crossentropy")
    pre.fit(ImageDataGenerator(**AUGMENTATION, seed=0).flow(x04, y04), epochs=10, verbose=0)
    onehot = np.eye(5, dtype="float32")
    transfer, scratch = [], []
    for seed in range(3):
        few = few_per_class(y, 1, seed=1000 + seed)
        rest = np.setdiff1d(np.arange(len(y)), few)
        keras.utils.set_random_seed(seed)
        model = build_transfer_model(convolutional_base(pre, "block1_pool"), 5, pooling="flatten")
        model.compile(keras.optimizers.Adam(3e-3), "categorical_crossentropy")
        model.fit(x[few], onehot[y[few]], epochs=60, verbose=0)
        transfer.append(accuracy(model, x[rest], y[rest]))
        keras.utils.set_random_seed(seed)
        cnn = CNNClassifier((8, 8, 1), 5, dropout=0.3)
        cnn.compile(keras.optimizers.Adam(1e-3), "categorical_crossentropy")
        cnn.fit(x[few], onehot[y[few]], epochs=60, verbose=0)
        scratch.append(accuracy(cnn, x[rest], y[rest]))
    assert np.mean(transfer) > np.mean(scratch), (transfer, scratch)
