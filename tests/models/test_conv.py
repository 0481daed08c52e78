import subprocess
import sys

import keras
import numpy as np
import pytest

from tsconv.models import CausalConvForecaster, build_model

# Keras-only: also run under KERAS_BACKEND=jax (see the README's test command).
pytestmark = pytest.mark.portable


def test_shapes_and_parameters():
    model = CausalConvForecaster(window=30, num_features=2, filters=4, kernel_size=3, num_layers=2)
    out = model(np.zeros((5, 30, 2), "float32"))
    assert tuple(out.shape) == (5, 1)
    # conv_0: 3*2*4+4, conv_1: 3*4*4+4, head: 30*4+1
    assert model.count_params() == (24 + 4) + (48 + 4) + (120 + 1)
    assert model.conv_receptive_field == 5
    assert model.receptive_field == 30  # the dense head reads every position


def test_config_round_trip():
    model = CausalConvForecaster(window=16, num_features=3, filters=5, dropout=0.1, name="m")
    config = model.get_config()
    for arg in ("window", "num_features", "filters", "kernel_size", "num_layers", "dropout"):
        assert config[arg] == getattr(model, arg)
    clone = CausalConvForecaster.from_config(config)
    assert clone.get_config() == config


def test_keras_file_round_trip_gives_identical_predictions(tmp_path):
    keras.utils.set_random_seed(1)
    model = CausalConvForecaster(window=16, num_features=2, filters=4)
    x = np.random.default_rng(0).normal(size=(7, 16, 2)).astype("float32")
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert type(loaded) is CausalConvForecaster
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


def test_load_model_in_a_fresh_process_needs_only_import_tsconv_models(tmp_path):
    model = CausalConvForecaster(window=8, filters=2)
    path = tmp_path / "model.keras"
    model.save(path)
    code = (
        "import tsconv.models, keras\n"
        f"m = keras.saving.load_model({str(path)!r}, safe_mode=True)\n"
        "print(type(m).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "CausalConvForecaster"


def test_conv_stack_is_causal():
    keras.utils.set_random_seed(2)
    model = CausalConvForecaster(window=20, filters=4, num_layers=3)
    stack = keras.Model(model.input, model.get_layer("conv_2").output)  # (batch, window, filters)
    x = np.random.default_rng(1).normal(size=(1, 20, 1)).astype("float32")
    base = keras.ops.convert_to_numpy(stack(x))
    t = 12
    x2 = x.copy()
    x2[0, t, 0] += 5.0
    moved = keras.ops.convert_to_numpy(stack(x2))
    np.testing.assert_allclose(moved[0, :t], base[0, :t], atol=1e-6)  # the past is untouched
    assert not np.allclose(moved[0, t], base[0, t])  # the present does see the change


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"window": 0}, r"`window` must be a positive integer. Received: window=0"),
        ({"window": 10, "filters": 0}, r"Received: filters=0"),
        ({"window": 10, "kernel_size": 2.5}, r"Received: kernel_size=2.5"),
        ({"window": 10, "num_layers": -1}, r"Received: num_layers=-1"),
        ({"window": 10, "num_features": True}, r"Received: num_features=True"),
        ({"window": 10, "dropout": 1.0}, r"`dropout` must be in \[0, 1\). Received: dropout=1.0"),
    ],
)
def test_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CausalConvForecaster(**kwargs)


def test_build_model_unknown_name():
    with pytest.raises(ValueError, match=r"unknown model.*Received: model='lstm'"):
        build_model("lstm", 10, 1)
