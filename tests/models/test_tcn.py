import itertools
import logging

import keras
import numpy as np
import pytest

from helpers import assert_causal, assert_round_trip, per_step
from tsconv.models import TCNForecaster, default_dilations, tcn_receptive_field

# Keras-only: also run under KERAS_BACKEND=jax (see the README's test command).
pytestmark = pytest.mark.portable


def test_default_dilations_fill_the_window_without_passing_it():
    for window in (5, 13, 30, 64, 80, 100, 500):
        dilations = default_dilations(window)
        field = tcn_receptive_field(3, dilations)
        assert window // 2 < field <= window or dilations == [1], window
        assert dilations[:2] == [1, 2][: len(dilations)]
        assert all(b > a for a, b in itertools.pairwise(dilations))
    assert default_dilations(100) == [1, 2, 4, 8, 9]
    assert TCNForecaster(window=100).receptive_field == 97
    assert default_dilations(100, kernel_size=1) == [1]
    assert default_dilations(3) == [1]  # receptive field 5 > 3: too short a window for more


def test_receptive_field_measured_by_perturbing_each_input():
    """Exactly the inputs inside the computed receptive field move the last output."""
    keras.utils.set_random_seed(3)
    window = 40
    model = TCNForecaster(
        window=window, filters=8, kernel_size=3, dilations=[1, 2, 4], normalization="none"
    )
    field = model.receptive_field
    assert field == 1 + 2 * 2 * (1 + 2 + 4) == 29
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, window, 1)).astype("float32")
    base = keras.ops.convert_to_numpy(model(x))[0, 0]
    moved = []
    for p in range(window):
        x2 = x.copy()
        x2[0, p, 0] += 2.0
        out = keras.ops.convert_to_numpy(model(x2))[0, 0]
        moved.append(abs(out - base) > 1e-6)
    expected = [p >= window - field for p in range(window)]
    assert moved == expected


def test_small_receptive_field_is_warned(caplog):
    with caplog.at_level(logging.WARNING, logger="tsconv"):
        TCNForecaster(window=100, dilations=[1, 2])
    assert "can see only the last 13 of the 100 steps" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="tsconv"):
        TCNForecaster(window=100, dilations=[1, 2, 4, 8, 16])
    assert "receptive field 125 exceeds the window 100" in caplog.text


def test_tcn_is_causal_at_every_position():
    keras.utils.set_random_seed(0)
    model = TCNForecaster(window=24, filters=4)
    assert_causal(per_step(model), window=24)


def test_shapes_and_stacks():
    model = TCNForecaster(window=30, num_features=2, filters=4, dilations=[1, 2], stacks=2)
    assert tuple(model(np.zeros((3, 30, 2), "float32")).shape) == (3, 1)
    assert len([layer for layer in model.layers if layer.name.startswith("block_")]) == 4
    assert model.receptive_field == 1 + 2 * 2 * 2 * 3


def test_round_trip(tmp_path):
    model = TCNForecaster(window=20, num_features=2, filters=4, dropout=0.1, normalization="batch")
    loaded = assert_round_trip(model, tmp_path, channels=2)
    assert loaded.dilations == model.dilations


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"window": 0}, r"Received: window=0"),
        ({"window": 10, "filters": 0}, r"Received: filters=0"),
        ({"window": 10, "dilations": []}, r"Received: dilations=\[\]"),
        ({"window": 10, "dilations": [1, 0]}, r"Received: dilations=0"),
        ({"window": 10, "stacks": 0}, r"Received: stacks=0"),
        ({"window": 10, "dropout": -0.1}, r"Received: dropout=-0.1"),
        ({"window": 10, "normalization": "group"}, r"Received: normalization='group'"),
    ],
)
def test_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TCNForecaster(**kwargs)
