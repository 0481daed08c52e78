"""Shared checks of the model tests: causality, round trips."""

import keras
import numpy as np


def per_step(model: keras.Model) -> keras.Model:
    """The model's per-position head output, `(batch, window, 1)`."""
    return keras.Model(model.input, model.get_layer("head").output)


def assert_causal(fn, window: int, channels: int = 1, seed: int = 0) -> None:
    """Perturbing input step t leaves every output step < t unchanged, and moves step t."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, window, channels)).astype("float32")
    base = keras.ops.convert_to_numpy(fn(x))
    for t in (0, window // 3, window // 2, window - 1):
        moved = x.copy()
        moved[:, t, :] += rng.normal(size=(2, channels)).astype("float32") * 3
        out = keras.ops.convert_to_numpy(fn(moved))
        np.testing.assert_allclose(out[:, :t], base[:, :t], atol=1e-5, err_msg=f"t={t}")
        assert not np.allclose(out[:, t], base[:, t], atol=1e-6), f"step {t} ignores its input"


def assert_round_trip(model: keras.Model, tmp_path, channels: int = 1) -> keras.Model:
    """Config and `.keras` round trips give the same config and identical predictions."""
    config = model.get_config()
    clone = type(model).from_config(config)
    assert clone.get_config() == config
    x = np.random.default_rng(1).normal(size=(3, model.window, channels)).astype("float32")
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert type(loaded) is type(model)
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    return loaded
