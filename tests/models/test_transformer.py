import keras
import numpy as np
import pytest

from helpers import assert_causal, assert_round_trip, per_step
from tsconv.models import TransformerForecaster

# Keras-only: also run under KERAS_BACKEND=jax (see the README's test command).
pytestmark = pytest.mark.portable


@pytest.mark.parametrize("positional", ["sinusoidal", "alibi"])
def test_transformer_is_causal_at_every_position(positional):
    keras.utils.set_random_seed(0)
    model = TransformerForecaster(window=16, model_dim=8, num_heads=2, positional=positional)
    assert_causal(per_step(model), window=16)


@pytest.mark.parametrize("positional", ["sinusoidal", "alibi"])
def test_round_trip(tmp_path, positional):
    model = TransformerForecaster(
        window=12, num_features=2, model_dim=8, num_heads=2, num_layers=1, positional=positional
    )
    assert_round_trip(model, tmp_path, channels=2)


def test_shapes_and_alibi_has_no_position_layer():
    model = TransformerForecaster(window=10, model_dim=8, num_heads=4, positional="alibi")
    assert tuple(model(np.zeros((2, 10, 1), "float32")).shape) == (2, 1)
    assert "position" not in [layer.name for layer in model.layers]
    assert model.receptive_field == 10


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"model_dim": 10, "num_heads": 4}, r"divisible.*Received: model_dim=10, num_heads=4"),
        ({"model_dim": 9, "num_heads": 3}, r"even for sinusoidal.*Received: model_dim=9"),
        ({"positional": "rope"}, r"Received: positional='rope'"),
        ({"num_layers": 0}, r"Received: num_layers=0"),
        ({"mlp_dim": 0}, r"Received: mlp_dim=0"),
        ({"dropout": 1.0}, r"Received: dropout=1.0"),
    ],
)
def test_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TransformerForecaster(window=10, **kwargs)


def test_odd_width_is_fine_with_alibi():
    model = TransformerForecaster(window=6, model_dim=9, num_heads=3, positional="alibi")
    assert tuple(model(np.zeros((1, 6, 1), "float32")).shape) == (1, 1)
