"""How big a model file would make a model, read from its bytes before anything is built.

A 15 KB archive can declare a 1 GiB weight dataset, and a config of a few KB
with `filters: 12000` makes Keras allocate gigabytes while it builds the
model, before any weight is read. So `keras_archive` asks two questions
first, reading metadata only:

- `declared_weight_bytes`: the bytes of every dataset the HDF5 weights file
  declares (shape × item size; nothing is read), refusing links to other
  files and virtual datasets;
- `estimated_parameters`: the parameters the config implies — tsconv's models
  by their own `estimated_parameters(config)` (each tested equal to
  `count_params()`), Keras layers from their saved input shapes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import h5py
import keras


def declared_weight_bytes(fileobj) -> int:
    """Total bytes of the datasets an HDF5 file declares, reading no data.

    Raises:
        ValueError: for an unreadable file, a link to another file, or a virtual dataset.

    Example:
    >>> with zipfile.ZipFile("model.keras").open("model.weights.h5") as f:
    ...     declared_weight_bytes(f)
    75528
    """
    total = 0
    try:
        with h5py.File(fileobj, "r") as weights:
            pending = [weights]
            while pending:  # iterative: a deep file cannot exhaust the stack
                group = pending.pop()
                for name in group:
                    link = group.get(name, getlink=True)
                    if isinstance(link, h5py.ExternalLink):
                        raise ValueError(f"a link to another file ({name})")
                    if isinstance(link, h5py.SoftLink):
                        continue  # points inside the file: counted where it points
                    item = group[name]
                    if isinstance(item, h5py.Group):
                        pending.append(item)
                    elif isinstance(item, h5py.Dataset):
                        if item.is_virtual:
                            raise ValueError(f"a virtual dataset ({name})")
                        total += math.prod(item.shape or ()) * item.dtype.itemsize
    except (OSError, KeyError, TypeError) as exc:
        raise ValueError(f"its weights file is unreadable: {exc}") from None
    return int(total)


def estimated_parameters(config) -> int:
    """The parameters a Keras model config would build (an estimate, to cap memory).

    Walks the config: a class registered under `tsconv>` answers with its
    `estimated_parameters(config)` (its inner layers are not in the config);
    a Keras layer with a saved input shape by the formula of its kind (dense,
    convolutions, normalization, embedding, attention); other nodes add their
    children.

    Raises:
        ValueError: for sizes that are not whole numbers.

    Example:
    >>> estimated_parameters({"class_name": "Dense", "module": "keras.layers",
    ...     "config": {"units": 10}, "build_config": {"input_shape": [None, 4]}})
    50
    """
    total, pending = 0, [config]
    while pending:  # iterative: the allowlist has bounded the nesting already
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        registered = node.get("registered_name")
        if isinstance(registered, str) and registered.startswith("tsconv>"):
            cls = keras.saving.get_custom_objects().get(registered)
            estimate = getattr(cls, "estimated_parameters", None)
            if estimate is not None and isinstance(node.get("config"), dict):
                total += int(estimate(node["config"]))
                continue
        if node.get("module") == "keras.layers" and isinstance(node.get("config"), dict):
            total += _keras_layer(node.get("class_name"), node["config"], node.get("build_config"))
        pending.extend(v for k, v in node.items() if isinstance(v, (dict, list)))
    return total


def _keras_layer(name, config: dict, build) -> int:
    """Parameters of one Keras layer from its config and saved input shape (0 if unknown)."""
    shape = build.get("input_shape") if isinstance(build, dict) else None
    channels = _channels(shape, config.get("data_format", "channels_last"))
    if channels is None:
        return 0
    bias = 1 if config.get("use_bias", True) else 0
    kernel = math.prod(_ints(config.get("kernel_size", 1)))
    if name in ("Dense", "EinsumDense"):
        units = _int(config.get("units", 0))
        return channels * units + bias * units
    if name in ("Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose"):
        filters, groups = _int(config.get("filters")), max(_int(config.get("groups", 1)), 1)
        return kernel * channels // groups * filters + bias * filters
    if name in ("DepthwiseConv1D", "DepthwiseConv2D"):
        out = channels * _int(config.get("depth_multiplier", 1))
        return kernel * out + bias * out
    if name in ("SeparableConv1D", "SeparableConv2D"):
        depth = channels * _int(config.get("depth_multiplier", 1))
        filters = _int(config.get("filters"))
        return kernel * depth + depth * filters + bias * filters
    if name == "BatchNormalization":
        return 4 * channels
    if name in ("LayerNormalization", "GroupNormalization"):
        return 2 * channels
    if name == "Embedding":
        return _int(config.get("input_dim")) * _int(config.get("output_dim"))
    if name == "MultiHeadAttention":
        inner = _int(config.get("num_heads")) * _int(config.get("key_dim"))
        return 4 * channels * inner + 3 * inner + channels
    return 0


def _channels(shape, data_format: str) -> int | None:
    """The input's channel count from a saved input shape (the first input's, if several)."""
    while isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    if not isinstance(shape, (list, tuple)) or len(shape) < 2:
        return None
    value = shape[1] if data_format == "channels_first" else shape[-1]
    return _int(value) if value is not None else None


def _ints(value) -> Iterable[int]:
    return [_int(v) for v in value] if isinstance(value, (list, tuple)) else [_int(value)]


def _int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"a size that is not a whole number ({value!r})")
    return value
