"""Reversible instance normalization (`revin=True`) in the conv, TCN and transformer models."""

import keras
import numpy as np
import pytest

from tests.helpers import assert_round_trip
from tsconv.layers import WindowDenormalization, WindowNormalization
from tsconv.models import build_model

# Keras-only: also run under KERAS_BACKEND=jax (see the README's test command).
pytestmark = pytest.mark.portable

NEURAL = ["conv", "tcn", "transformer"]


@pytest.mark.parametrize("name", NEURAL)
@pytest.mark.parametrize("distribution", ["point", "gaussian"])
def test_a_revin_forecast_moves_and_scales_with_the_window(name, distribution):
    # The property RevIN exists for: the target shifted by b and scaled by a gives the
    # forecast shifted and scaled alike (a distribution's scale only scaled), whatever
    # the other channels hold.
    keras.utils.set_random_seed(0)
    model = build_model(name, 40, 2, revin=True, distribution=distribution)
    x = np.random.default_rng(0).normal(size=(3, 40, 2)).astype("float32")
    moved = x.copy()
    moved[:, :, 0] = 3.0 * x[:, :, 0] + 5.0
    base, out = np.asarray(model(x)), np.asarray(model(moved))
    expected = base.copy()
    expected[:, 0] = 3.0 * base[:, 0] + 5.0
    if distribution == "gaussian":
        expected[:, 1] = 3.0 * base[:, 1]
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", NEURAL)
def test_without_revin_the_forecast_does_not_follow_the_level(name):
    # The check above can fail: a model without RevIN does not shift with its input.
    keras.utils.set_random_seed(0)
    model = build_model(name, 40, 1)
    x = np.random.default_rng(0).normal(size=(3, 40, 1)).astype("float32")
    assert not np.allclose(np.asarray(model(x + 5.0)), np.asarray(model(x)) + 5.0, atol=1e-2)


@pytest.mark.parametrize("name", NEURAL)
def test_revin_models_round_trip_and_have_no_stream_cache(name, tmp_path):
    model = build_model(name, 24, 2, revin=True, output_steps=3)
    assert model.get_config()["revin"] is True
    assert model.supports_cache is False  # the window's statistics move every forecast
    assert model.supports_sequence_objective is False
    assert_round_trip(model, tmp_path, channels=2)


@pytest.mark.parametrize("name", NEURAL)
def test_revin_must_be_a_bool(name):
    with pytest.raises(ValueError, match=r"`revin` must be True or False. Received: revin=1"):
        build_model(name, 24, 1, revin=1)


def test_window_layers_check_and_invert():
    with pytest.raises(ValueError, match=r"`distribution` must be one of .*Received: dist"):
        WindowDenormalization("laplace")
    x = np.random.default_rng(2).normal(size=(2, 10, 3)).astype("float32") * 4 + 7
    normalized, stats = WindowNormalization()(x)
    normalized = np.asarray(normalized)
    np.testing.assert_allclose(normalized[:, :, 0].mean(axis=1), 0.0, atol=1e-5)
    np.testing.assert_allclose(normalized[:, :, 0].std(axis=1), 1.0, atol=1e-3)
    np.testing.assert_array_equal(normalized[:, :, 1:], x[:, :, 1:])  # other channels kept
    back = np.asarray(WindowDenormalization()([normalized[:, -1, :1], stats]))
    np.testing.assert_allclose(back, x[:, -1, :1], rtol=1e-5)
