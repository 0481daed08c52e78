"""Transfer learning: a trained convolutional base, frozen, under a new dense head.

The recipe of the Keras transfer-learning guide: cut the dense top off a
trained model, freeze the base, train a new head for the new classes, then
optionally unfreeze the top of the base and fine-tune at a low learning rate.
Batch normalization stays frozen throughout: a non-trainable
`BatchNormalization` runs in inference mode in Keras 3, so its statistics
never drift. (In Keras 3.15 a functional `base(x, training=False)` call alone
did not keep batch norm in inference mode once the base was unfrozen: in a probe,
its moving mean moved by 2.4 in two epochs. The tests check that nothing frozen moves.)
"""

from __future__ import annotations

import os
from pathlib import Path

import keras
from keras import ops

from tsconv.arguments import check_choice, check_positive_int, check_rate
from tsconv.errors import InputError

# keras.applications backbones: constructor, whether it rescales 0–255 pixels itself.
APPLICATIONS = {
    "mobilenetv3small": ("MobileNetV3Small", True),
    "mobilenetv3large": ("MobileNetV3Large", True),
    "efficientnetb0": ("EfficientNetB0", True),
    "resnet50": ("ResNet50", False),
    "vgg16": ("VGG16", False),
}
POOLINGS = ("avg", "max", "flatten")
# The smallest input side keras.applications accepts.
MIN_APPLICATION_SIZE = 32


@keras.saving.register_keras_serializable(package="tsconv")
class CaffePreprocessing(keras.layers.Layer):
    """ResNet50's and VGG16's input preprocessing as a layer: RGB → BGR, minus ImageNet means.

    `keras.applications.resnet50.preprocess_input` in `"caffe"` mode, inside
    the model, so a saved model predicts on 0–255 RGB pixels as loaded.

    Example:
    >>> CaffePreprocessing()(np.zeros((2, 32, 32, 3))).shape
    (2, 32, 32, 3)
    """

    MEANS = (103.939, 116.779, 123.68)  # B, G, R

    def call(self, inputs):
        bgr = ops.flip(ops.cast(inputs, self.compute_dtype), axis=-1)  # (batch, h, w, 3)
        return bgr - ops.convert_to_tensor(self.MEANS, dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape


def convolutional_base(
    model: keras.Model, layer: str | None = None, name: str = "base"
) -> keras.Model:
    """The part of a trained image model up to its last spatial feature map (or `layer`).

    Walks the layers of a functional or sequential model (a `CNNClassifier`,
    a `keras.applications` model with its top, any saved Keras CNN) and keeps
    everything up to the last layer whose output is `(batch, height, width,
    channels)`: the flatten or global pooling and the dense layers are dropped.
    Earlier layers hold more generic features (edges, strokes); name one to cut there.

    Args:
        model: a built functional or sequential Keras model with one image input.
        layer: the name of the layer to cut after [default: the last feature map].
        name: name of the returned model.

    Returns:
        A functional `keras.Model` sharing the layers (and weights) of `model`.

    Raises:
        InputError: when the model has no 4-D feature map to cut at, or `layer`
            is not one of its feature-map layers.

    Example:
    >>> base = convolutional_base(CNNClassifier((8, 8, 1), 10))
    >>> base.output.shape  # (batch, height, width, filters)
    (None, 2, 2, 64)
    """
    maps = {}
    try:
        for candidate in model.layers:
            if isinstance(candidate, keras.layers.InputLayer):
                continue
            if len(candidate.output.shape) == 4:
                maps[candidate.name] = candidate.output
    except (AttributeError, ValueError):
        maps = {}
    if not maps:
        raise InputError(
            f"model {model.name!r} has no convolutional feature map to transfer; give a CNN "
            "(e.g. a tsconv image run's model.keras) or a keras.applications name."
        )
    if layer is None:
        return keras.Model(model.inputs, list(maps.values())[-1], name=name)
    if layer not in maps:
        raise InputError(
            f"layer {layer!r} is not a feature-map layer of {model.name!r}; choose one of "
            f"{', '.join(maps)}."
        )
    return keras.Model(model.inputs, maps[layer], name=name)


def top_pooling(model: keras.Model) -> str:
    """How `model`'s own top turned its last feature map into a vector: the new head does the same.

    `"flatten"` after a `Flatten` layer, `"max"` after global max pooling, else `"avg"`.
    """
    kinds = {keras.layers.Flatten: "flatten", keras.layers.GlobalMaxPooling2D: "max"}
    for layer in getattr(model, "layers", []):
        for kind, pooling in kinds.items():
            if isinstance(layer, kind):
                return pooling
        if isinstance(layer, keras.layers.GlobalAveragePooling2D):
            return "avg"
    return "avg"


def application_base(
    name: str, image_shape: tuple[int, int, int], weights: str | os.PathLike | None = None
) -> keras.Model:
    """A `keras.applications` backbone without its top, with preprocessing built in.

    Args:
        name: one of `APPLICATIONS` (e.g. `"mobilenetv3small"`).
        image_shape: `(height, width, 3)`; sides of at least 32.
        weights: a local weights file (`.weights.h5` or Keras's `*_notop.h5`),
            `"imagenet"` (downloads; needs the network) or None (random).

    Returns:
        A functional model from 0–255 RGB pixels to the backbone's last feature map.

    Raises:
        InputError: for an unknown name, a missing weights file, an image
            shape the backbone cannot take, or weights that do not fit.

    Example:
    >>> base = application_base("MobileNetV3Small", (96, 96, 3), weights=None)
    >>> build_transfer_model(base, num_classes=5).output_shape
    (None, 5)
    """
    key = name.lower().replace("-", "").replace("_", "")
    if key not in APPLICATIONS:
        raise InputError(
            f"unknown base {name!r}; give a .keras file or one of {', '.join(APPLICATIONS)}."
        )
    if image_shape[-1] != 3 or min(image_shape[:2]) < MIN_APPLICATION_SIZE:
        raise InputError(
            f"{name} takes RGB images of at least {MIN_APPLICATION_SIZE}×{MIN_APPLICATION_SIZE}. "
            f"Received: image_shape={tuple(image_shape)}"
        )
    if weights not in (None, "imagenet") and not Path(weights).is_file():
        raise InputError(f"weights file {weights} not found.")
    constructor, rescales_itself = APPLICATIONS[key]
    build = getattr(keras.applications, constructor)
    try:
        backbone = build(
            include_top=False,
            weights=None if weights is None else str(weights),
            input_shape=tuple(image_shape),
        )
    except (ValueError, OSError) as exc:
        first = str(exc).strip().splitlines()[0][:200]
        raise InputError(f"cannot build {name} with weights {weights}: {first}") from None
    inputs = keras.Input(image_shape, name="image")
    x = inputs if rescales_itself else CaffePreprocessing(name="caffe_preprocessing")(inputs)
    return keras.Model(inputs, backbone(x), name=f"{key}_base")


def freeze(base: keras.Model) -> None:
    """Freezes every weight of `base`, batch-norm statistics included."""
    base.trainable = False


def build_transfer_model(
    base: keras.Model,
    num_classes: int,
    dropout: float = 0.2,
    pooling: str = "avg",
    name: str = "transfer_classifier",
) -> keras.Model:
    """The frozen `base` under a new head: pooling (or flattening), dropout, softmax.

    Args:
        base: a convolutional base (`convolutional_base`, `application_base`);
            it is frozen here and called with `training=False`.
        num_classes: classes of the new task.
        dropout: dropout rate before the softmax, in `[0, 1)`.
        pooling: how the feature map becomes a vector: `"avg"` or `"max"`
            (global pooling, the usual choice for `keras.applications` backbones)
            or `"flatten"` (keeps where each feature is, as a small CNN's own top did;
            see `top_pooling`).
        name: the model's name.

    Returns:
        A functional model from the base's input to `(batch, num_classes)` probabilities.

    Example:
    >>> model = build_transfer_model(convolutional_base(trained_cnn), num_classes=5)
    >>> model.get_layer("base").trainable
    False
    """
    check_positive_int("num_classes", num_classes)
    check_rate("dropout", dropout)
    check_choice("pooling", pooling, POOLINGS)
    freeze(base)
    inputs = keras.Input(base.input_shape[1:], name="image")
    x = base(inputs, training=False)  # (batch, height, width, channels)
    if pooling == "flatten":
        x = keras.layers.Flatten(name="flatten")(x)  # (batch, height * width * channels)
    elif pooling == "max":
        x = keras.layers.GlobalMaxPooling2D(name="global_pool")(x)  # (batch, channels)
    else:
        x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)  # (batch, channels)
    if dropout > 0:
        x = keras.layers.Dropout(dropout, name="head_dropout")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def transfer_base_of(model: keras.Model) -> keras.Model:
    """The base inside a model from `build_transfer_model` (its only nested model)."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            return layer
    raise InputError(f"model {model.name!r} has no nested base model.")


def unfreeze_top(model: keras.Model, layers: int) -> int:
    """Unfreezes the top `layers` weighted layers of a transfer model's base for fine-tuning.

    Batch-normalization layers stay frozen (and so in inference mode).
    Compile again afterwards, with a low learning rate.

    Args:
        model: a model from `build_transfer_model`.
        layers: how many of the base's last layers with weights to unfreeze (≥ 1).

    Returns:
        The number of layers unfrozen.

    Example:
    >>> model = build_transfer_model(convolutional_base(cnn), num_classes=5)
    >>> unfreeze_top(model, 2)  # how many weighted layers now train
    2
    """
    check_positive_int("layers", layers)
    base = transfer_base_of(model)
    base.trainable = True
    weighted = [layer for layer in _leaf_layers(base) if layer.weights]
    for layer in weighted:
        layer.trainable = False
    unfrozen = 0
    for layer in reversed(weighted):
        if unfrozen == layers:
            break
        if isinstance(layer, keras.layers.BatchNormalization):
            continue
        layer.trainable = True
        unfrozen += 1
    return unfrozen


def _leaf_layers(model: keras.Model) -> list[keras.layers.Layer]:
    out = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out += _leaf_layers(layer)
        else:
            out.append(layer)
    return out
