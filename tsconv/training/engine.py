"""Where and how training runs: device, precision, XLA, determinism, the distribution strategy.

The only tsconv module that imports TensorFlow itself (the models use
`keras.ops`, so they also run under JAX). Everything here configures
TensorFlow's own engine; nothing replaces it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
from dataclasses import dataclass

import keras

from tsconv.errors import InputError

logger = logging.getLogger(__name__)

DEVICES = ("auto", "cpu", "gpu")
PRECISIONS = ("float32", "mixed")
DISTRIBUTE = ("none", "mirrored", "multiworker")


def check_engine_options(
    device: str = "auto",
    precision: str = "float32",
    jit: bool | None = None,
    deterministic: bool = False,
    distribute: str = "none",
) -> None:
    """Raises `InputError` for a choice of where and how to train that cannot work.

    Args:
        device: `"auto"` (a GPU when TensorFlow sees one, else the CPU),
            `"cpu"` (hide the GPUs) or `"gpu"` (fail when there is none).
        precision: `"float32"`, or `"mixed"`: float16 (GPU) or bfloat16 (CPU)
            compute with float32 weights and a float32 output layer. Inputs are
            scaled before the model, so no unscaled value meets half precision.
        jit: XLA compilation of the training step: None picks what measured
            fastest here (`default_jit`), True or False forces it.
        deterministic: make TensorFlow's ops deterministic, so that the same
            seed and data give bit-identical weights (CPU; slower on GPU). XLA
            is then off: TensorFlow's determinism does not cover it.
        distribute: the distribution strategy: `"none"`, `"mirrored"` (all local
            GPUs, or the CPU's logical devices) or `"multiworker"` (machines
            listed in `TF_CONFIG`).

    Example:
    >>> check_engine_options(precision="half")
    Traceback (most recent call last):
    tsconv.errors.InputError: unknown precision 'half'; use one of ['float32', 'mixed']. ...
    """
    for name, value, choices in (
        ("device", device, DEVICES),
        ("precision", precision, PRECISIONS),
        ("distribute", distribute, DISTRIBUTE),
    ):
        if value not in choices:
            raise InputError(
                f"unknown {name} {value!r}; use one of {list(choices)}. Received: {name}={value!r}"
            )
    if jit not in (None, True, False):
        raise InputError(f"jit must be True, False or None. Received: jit={jit!r}")
    if deterministic and distribute != "none":
        raise InputError(
            "--deterministic covers training on one device; leave out --distribute "
            f"or --deterministic. Received: distribute={distribute!r}"
        )


@dataclass(frozen=True)
class Engine:
    """Where and how a model trained: a fitted forecaster's `engine_`, its run's `engine`.

    Attributes:
        device: what trained, e.g. `"CPU (2 cores)"` or `"GPU (1 x NVIDIA H100)"`.
        requested_device: the `device` option (`"auto"`, `"cpu"`, `"gpu"`).
        precision: `"float32"` or `"mixed"`.
        dtype_policy: the Keras dtype policy the model was built under.
        jit: whether the training step was XLA-compiled.
        deterministic: whether TensorFlow's op determinism was on.
        distribute: the distribution strategy (`"none"`, `"mirrored"`, `"multiworker"`).
        seed: the training seed.
        replicas: devices that shared each batch.

    Example:
    >>> Engine.from_dict({"device": "CPU (2 cores)", "jit": True}).precision
    'float32'
    """

    device: str = "unknown"
    requested_device: str = "auto"
    precision: str = "float32"
    dtype_policy: str = "float32"
    jit: bool = False
    deterministic: bool = False
    distribute: str = "none"
    seed: int = 0
    replicas: int = 1

    def to_dict(self) -> dict:
        """The plain JSON values of the run's `engine` entry."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> Engine:
        """An `Engine` from a run's `engine` entry (older runs lack some keys: the defaults)."""
        known = {f.name for f in dataclasses.fields(cls)}
        engine = cls(**{k: v for k, v in values.items() if k in known})
        if engine.dtype_policy not in ("float32", "mixed_float16", "mixed_bfloat16"):
            raise ValueError(f"engine.dtype_policy={str(engine.dtype_policy)[:80]!r}")
        if engine.precision not in PRECISIONS:
            raise ValueError(f"engine.precision={str(engine.precision)[:80]!r}")
        return engine


# Largest batch that XLA trains faster on a CPU (see `default_jit`).
XLA_CPU_MAX_BATCH = 128


def default_jit(batch_size: int, device: str = "CPU") -> bool:
    """Whether to XLA-compile the training step when the user has not said.

    Measured on 2 CPU cores with the TCN of `benchmarks/training_throughput.py`, fed by
    `tf.data`, each in a fresh process: XLA 2,560 against 2,230 windows/s at batch 64,
    but 1,940 against 2,420 at batch 256. So on a CPU: on up to `XLA_CPU_MAX_BATCH`,
    off above. Elsewhere (GPUs): on.
    """
    return not device.startswith("CPU") or batch_size <= XLA_CPU_MAX_BATCH


def resolve_engine(
    device: str,
    precision: str,
    jit: bool | None,
    deterministic: bool,
    distribute: str,
    seed: int,
    batch_size: int,
) -> Engine:
    """Applies the device choice and decides the rest: the `Engine` a fit trains with.

    XLA: off under TensorFlow's op determinism (Keras would fall back with a
    warning) and under multi-worker training (its loop runs without XLA);
    opt-in under any other distribution strategy (a function compiled for one
    device cannot read the replicas' variables on the CPU's logical devices,
    XLA's known issues); else `jit`, or `default_jit` when None. `replicas` is
    1 here; the fit sets it once the distribution strategy exists.

    Example:
    >>> resolve_engine("cpu", "float32", None, False, "none", 0, 64).jit
    True
    """
    label = select_device(device)
    if deterministic or distribute == "multiworker":
        chosen_jit = False
    elif distribute != "none" or jit is not None:
        chosen_jit = bool(jit)
    else:
        chosen_jit = default_jit(batch_size, label)
    return Engine(
        device=label,
        requested_device=device,
        precision=precision,
        dtype_policy=dtype_policy(precision, label),
        jit=chosen_jit,
        deterministic=deterministic,
        distribute=distribute,
        seed=seed,
    )


def _tf():
    import tensorflow as tf  # only when an engine is set up: `tsconv --help` stays fast

    return tf


def select_device(device: str) -> str:
    """Applies `device` to TensorFlow and returns what trains, e.g. `"GPU (1 x NVIDIA H100)"`.

    Must run before TensorFlow first uses a device; hiding GPUs later fails
    with an `InputError` naming the fix.

    Raises:
        InputError: for `"gpu"` without a GPU, or a device change too late.
    """
    backend = keras.backend.backend()
    if backend != "tensorflow":
        if device != "auto":
            raise InputError(
                f"--device {device} needs the TensorFlow backend; with {backend}, choose the "
                "device through the backend (e.g. JAX_PLATFORMS=cpu) and use --device auto."
            )
        return f"{backend} (its default device)"
    tf = _tf()
    gpus = tf.config.list_physical_devices("GPU")
    if device == "cpu" and gpus:
        try:
            tf.config.set_visible_devices([], "GPU")
        except RuntimeError:
            raise InputError(
                "TensorFlow already uses the GPU in this process; set CUDA_VISIBLE_DEVICES= "
                "before starting Python to train on the CPU."
            ) from None
        gpus = []
    if device == "gpu" and not gpus:
        raise InputError(
            "--device gpu: TensorFlow sees no GPU here (install tsconv[gpu] on a machine with "
            "CUDA); use --device auto or cpu."
        )
    if device != "cpu" and gpus:
        names = []
        for gpu in gpus:
            details = tf.config.experimental.get_device_details(gpu)
            names.append(details.get("device_name", gpu.name))
        return f"GPU ({len(gpus)} x {names[0]})"
    return f"CPU ({os.cpu_count()} cores)"


def mixed_policy(device_label: str) -> str:
    """Keras's mixed policy for the device: float16 on GPUs, bfloat16 on CPUs."""
    return "mixed_float16" if device_label.startswith("GPU") else "mixed_bfloat16"


def dtype_policy(precision: str, device_label: str) -> str:
    """The Keras dtype policy of `precision` on the device: `"float32"` or a mixed one."""
    return mixed_policy(device_label) if precision == "mixed" else "float32"


@contextlib.contextmanager
def policy_scope(policy: str):
    """Builds (or loads) layers under Keras dtype policy `policy`, then restores the old one.

    Layers keep the policy they were built with, but the models create their
    inner layers in code, so loading a saved model needs the scope too.
    """
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(policy)
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy(previous)


def set_determinism(seed: int, deterministic: bool) -> None:
    """Seeds Python, NumPy and the backend; with `deterministic`, also TF's op determinism."""
    keras.utils.set_random_seed(seed)
    if deterministic and keras.backend.backend() == "tensorflow":
        _tf().config.experimental.enable_op_determinism()


def make_distribution_strategy(distribute: str):
    """The `tf.distribute` distribution strategy for `distribute`, or None for one device.

    `"multiworker"` reads the cluster from `TF_CONFIG` (see `cluster_role`);
    train under it with `tsconv.training.multiworker.train_multiworker`, as
    Keras 3's `fit` fails under that strategy.

    Raises:
        InputError: for `"multiworker"` without a usable `TF_CONFIG`, or a
            strategy under a backend other than TensorFlow.
    """
    if distribute == "none":
        return None
    if keras.backend.backend() != "tensorflow":
        raise InputError(
            f"--distribute {distribute} uses tf.distribute: run with KERAS_BACKEND=tensorflow."
        )
    tf = _tf()
    if distribute == "mirrored":
        # MirroredStrategy() alone takes one CPU when there is no GPU; name the CPU's
        # logical devices (tf.config.set_logical_device_configuration) instead.
        devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
        return tf.distribute.MirroredStrategy([d.name for d in devices])
    cluster_role()  # a bad TF_CONFIG fails with its own message, not a connection error
    return tf.distribute.MultiWorkerMirroredStrategy()


def cluster_role() -> tuple[str, int, bool]:
    """`(task type, index, is chief)` from `TF_CONFIG`; `("worker", 0, True)` without one.

    The chief is the task of type `"chief"`, or worker 0 when the cluster has
    no chief (TensorFlow's convention). Only the chief writes run files.

    Raises:
        InputError: for a `TF_CONFIG` that is not JSON or lacks `cluster` / `task`.
    """
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        return "worker", 0, True
    try:
        config = json.loads(raw)
        cluster, task = config["cluster"], config["task"]
        kind, index = str(task["type"]), int(task["index"])
    except (ValueError, KeyError, TypeError):
        raise InputError(
            'TF_CONFIG must be JSON like {"cluster": {"worker": ["host:port", ...]}, '
            '"task": {"type": "worker", "index": 0}}. Received: TF_CONFIG=' + raw[:200]
        ) from None
    if kind not in cluster or index >= len(cluster[kind]):
        raise InputError(
            f"TF_CONFIG's task {kind} {index} is not in its cluster {sorted(cluster)}; "
            "fix the task's type or index."
        )
    chief = kind == "chief" or (kind == "worker" and index == 0 and "chief" not in cluster)
    return kind, index, chief


def distribution_scope(strategy):
    """The distribution strategy's `scope()`, or a no-op scope for one device."""
    return strategy.scope() if strategy is not None else contextlib.nullcontext()


def replicas(strategy) -> int:
    """Devices that share each batch (1 without a strategy)."""
    return 1 if strategy is None else int(strategy.num_replicas_in_sync)


def describe_engine(engine: Engine) -> str:
    """`"engine: CPU (2 cores), float32, XLA on"` (and the replicas), for fit summaries."""
    line = f"engine: {engine.device}, {engine.precision}, XLA {'on' if engine.jit else 'off'}"
    if engine.replicas > 1:
        line += f", {engine.distribute} over {engine.replicas} replicas"
    return line
