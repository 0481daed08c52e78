"""Where and how training runs: engine choices, mixed precision, determinism, resuming."""

import json

import keras
import numpy as np
import pytest

import tsconv
from conftest import TINY, price_frame
from tsconv.errors import InputError
from tsconv.preprocessing.windowing import make_windows
from tsconv.runs.unfinished import start_fit
from tsconv.training.batches import WindowBatches, window_order
from tsconv.training.engine import (
    check_engine_options,
    cluster_role,
    make_distribution_strategy,
    mixed_policy,
    resolve_engine,
)
from tsconv.training.resume import latest_backup


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"device": "tpu"}, r"unknown device 'tpu'.*Received: device='tpu'"),
        ({"precision": "float16"}, r"unknown precision 'float16'"),
        ({"distribute": "ring"}, r"unknown distribute 'ring'"),
        ({"jit": "yes"}, r"jit must be True, False or None. Received: jit='yes'"),
        (
            {"deterministic": True, "distribute": "mirrored"},
            r"--deterministic covers training on one device",
        ),
    ],
)
def test_engine_rejects_bad_choices(kwargs, match):
    with pytest.raises(InputError, match=match):
        check_engine_options(**kwargs)
    with pytest.raises(InputError, match=match):
        tsconv.Forecaster(**kwargs)


@pytest.mark.parametrize(
    "config, role",
    [
        (None, ("worker", 0, True)),
        (
            {"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 0}},
            ("worker", 0, True),
        ),
        (
            {"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 1}},
            ("worker", 1, False),
        ),
        (
            {
                "cluster": {"chief": ["a:1"], "worker": ["b:2"]},
                "task": {"type": "worker", "index": 0},
            },
            ("worker", 0, False),
        ),
        (
            {
                "cluster": {"chief": ["a:1"], "worker": ["b:2"]},
                "task": {"type": "chief", "index": 0},
            },
            ("chief", 0, True),
        ),
    ],
)
def test_cluster_role_follows_tensorflows_chief_rule(monkeypatch, config, role):
    if config is None:
        monkeypatch.delenv("TF_CONFIG", raising=False)
    else:
        monkeypatch.setenv("TF_CONFIG", json.dumps(config))
    assert cluster_role() == role


@pytest.mark.parametrize(
    "raw, match",
    [
        ("{not json", r"TF_CONFIG must be JSON like"),
        (json.dumps({"cluster": {"worker": ["a:1"]}}), r"TF_CONFIG must be JSON like"),
        (
            json.dumps({"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 3}}),
            r"task worker 3 is not in its cluster",
        ),
    ],
)
def test_bad_tf_config(monkeypatch, raw, match):
    monkeypatch.setenv("TF_CONFIG", raw)
    with pytest.raises(InputError, match=match):
        cluster_role()
    with pytest.raises(InputError, match=match):
        make_distribution_strategy("multiworker")


def _first_inner_layer(model):
    """A layer inside the first block (built by the block, not the functional model)."""
    if hasattr(model, "dilations"):  # TCN
        return model.get_layer("block_0_0").conv_1
    if hasattr(model, "num_heads"):  # transformer
        return model.get_layer("block_0").mlp_hidden
    return model.get_layer("conv_0")


@pytest.mark.parametrize("model", ["tcn", "transformer", "conv"])
def test_mixed_precision_computes_in_half_and_outputs_float32(prices_csv, tmp_path, model):
    series = tsconv.load_csv(prices_csv)
    options = {**TINY, "model": model, "model_options": {}}
    fc = tsconv.Forecaster(**options, precision="mixed").fit(series)
    half = mixed_policy(fc.engine_.device)
    assert keras.mixed_precision.global_policy().name == "float32"  # restored after building
    inner = _first_inner_layer(fc.model_)
    assert inner.dtype_policy.name == half and inner.compute_dtype != "float32"
    assert inner.kernel.dtype == "float32"  # float32 weights
    assert fc.model_.get_layer("head").compute_dtype == "float32"
    assert fc.model_.output.dtype == "float32"
    table = fc.forecast(5)
    assert np.isfinite(table.to_numpy()).all()
    loaded = tsconv.Forecaster.load(fc.save(tmp_path / "run"))
    assert loaded.engine_.precision == "mixed"
    assert _first_inner_layer(loaded.model_).dtype_policy.name == half
    np.testing.assert_array_equal(loaded.forecast(5).to_numpy(), table.to_numpy())


def test_baselines_ignore_mixed_precision(prices_csv):
    fc = tsconv.Forecaster(window=20, model="linear", precision="mixed")
    fc.fit(tsconv.load_csv(prices_csv))
    assert fc.engine_.precision == "float32"


def test_deterministic_fits_are_bit_identical_and_recorded(prices_csv, tmp_path):
    series = tsconv.load_csv(prices_csv)
    options = {**TINY, "model": "tcn", "seed": 7, "deterministic": True}
    one = tsconv.Forecaster(**options).fit(series)
    two = tsconv.Forecaster(**options).fit(series)
    for a, b in zip(one.model_.get_weights(), two.model_.get_weights(), strict=True):
        assert a.tobytes() == b.tobytes()
    config = json.loads((one.save(tmp_path / "run") / "config.json").read_text())
    assert config["engine"]["seed"] == 7 and config["engine"]["deterministic"] is True
    assert config["engine"]["jit"] is False  # TensorFlow's determinism does not cover XLA
    assert config["engine"]["device"].startswith("CPU")


def test_device_cpu_trains_on_the_cpu(prices_csv):
    fc = tsconv.Forecaster(**TINY, device="cpu").fit(tsconv.load_csv(prices_csv))
    assert fc.engine_.device.startswith("CPU") and fc.engine_.requested_device == "cpu"


def test_device_gpu_without_a_gpu_is_an_input_error(prices_csv):
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        pytest.skip("this machine has a GPU")
    with pytest.raises(InputError, match=r"--device gpu: TensorFlow sees no GPU"):
        tsconv.Forecaster(**TINY, device="gpu").fit(tsconv.load_csv(prices_csv))


def test_window_order_depends_only_on_seed_and_epoch():
    w = make_windows(np.arange(200.0), 10)
    running = WindowBatches(w, 16, shuffle=True, seed=3)
    firsts = []  # the first batch of epochs 0, 1, 2
    for _ in range(3):
        firsts.append(running[0][0].copy())
        running.on_epoch_end()
    resumed = WindowBatches(w, 16, shuffle=True, seed=3, epoch=2)
    np.testing.assert_array_equal(resumed[0][0], firsts[2])
    np.testing.assert_array_equal(resumed.batch(2, 0)[0], firsts[2])  # as tf.data asks
    assert not np.array_equal(firsts[0], firsts[1])
    assert sorted(window_order(len(w), 3, 1)) == list(range(len(w)))


def test_resumed_training_equals_uninterrupted(prices_csv, tmp_path):
    """Two epochs, a stop, two more from the backup == four epochs at once, bit for bit."""
    series = tsconv.load_csv(prices_csv)
    options = {**TINY, "model": "tcn", "epochs": 4, "patience": 10, "deterministic": True}
    options["model_options"] = {"filters": 8, "dropout": 0.0}
    straight = tsconv.Forecaster(**options).fit(series, backup_dir=tmp_path / "a")

    class StopAfterTwo(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt  # as if killed after the second epoch's backup

    from tsconv.training import loop

    original = loop.EpochLogger
    loop.EpochLogger = StopAfterTwo  # called after the backup callback
    try:
        with pytest.raises(KeyboardInterrupt):
            tsconv.Forecaster(**options).fit(series, backup_dir=tmp_path / "b")
    finally:
        loop.EpochLogger = original
    assert latest_backup(tmp_path / "b").epochs == 2
    resumed = tsconv.Forecaster(**options).fit(series, backup_dir=tmp_path / "b")
    assert len(resumed.history_) == 4
    np.testing.assert_array_equal(resumed.history_["loss"], straight.history_["loss"])
    for a, b in zip(straight.model_.get_weights(), resumed.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_resume_picks_the_fit_with_the_same_settings(tmp_path):
    name, backup = start_fit(tmp_path, None, {"csv": "a.csv", "window": 20}, False, lambda: "one")
    assert name == "one" and backup == tmp_path / ".unfinished" / "one" / "backup"
    start_fit(tmp_path, None, {"csv": "a.csv", "window": 30}, False, lambda: "two")
    name, _ = start_fit(tmp_path, None, {"csv": "a.csv", "window": 20}, True, lambda: "new")
    assert name == "one"
    name, _ = start_fit(tmp_path, None, {"csv": "b.csv", "window": 20}, True, lambda: "new")
    assert name == "new"  # nothing to resume: a fresh fit
    with pytest.raises(InputError, match=r"the interrupted fit 'two' used other settings \(window"):
        start_fit(tmp_path, "two", {"csv": "a.csv", "window": 20}, True, lambda: "x")


def test_price_frame_fixture_is_long_enough():
    assert len(price_frame()) >= TINY["window"] * 5


def test_default_jit_follows_the_measurements():
    from tsconv.training.engine import default_jit

    assert default_jit(64, "CPU (2 cores)") and default_jit(128, "CPU (2 cores)")
    assert not default_jit(256, "CPU (2 cores)")
    assert default_jit(256, "GPU (1 x NVIDIA H100)")

    def jit(batch_size, forced=None, deterministic=False, distribute="none"):
        return resolve_engine(
            "cpu", "float32", forced, deterministic, distribute, 0, batch_size
        ).jit

    assert jit(256) is False and jit(256, forced=True) is True and jit(64) is True
    assert jit(64, deterministic=True) is False  # op determinism rules XLA out
    assert jit(64, distribute="mirrored") is False and jit(64, True, False, "mirrored") is True
