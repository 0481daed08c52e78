"""TensorFlow's input pipeline serves exactly the batches of `WindowBatches`, epoch by epoch."""

import keras
import numpy as np
import pytest

from tsconv.preprocessing.windowing import make_windows
from tsconv.training.batches import WindowBatches

pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="tf.data is TensorFlow's"
)


@pytest.mark.parametrize("objective", ["last", "sequence"])
def test_dataset_batches_equal_window_batches(objective):
    from tsconv.training.tf_input import window_dataset

    windows = make_windows(np.arange(60.0), window=5)
    served = WindowBatches(windows, 8, shuffle=True, seed=3, objective=objective, epoch=2)
    dataset = list(window_dataset(served, epochs=2).as_numpy_iterator())
    reference = WindowBatches(windows, 8, shuffle=True, seed=3, objective=objective, epoch=2)
    expected = []
    for _ in range(2):  # epochs 2 and 3: each with its own order
        expected += [reference[i] for i in range(len(reference))]
        reference.on_epoch_end()
    assert len(dataset) == len(expected) == 2 * 7
    for (x, y), (ex, ey) in zip(dataset, expected, strict=True):
        np.testing.assert_array_equal(x, ex)
        np.testing.assert_array_equal(y, ey)
    first, second = dataset[0][0], dataset[7][0]
    assert not np.array_equal(first, second)  # reshuffled between epochs
