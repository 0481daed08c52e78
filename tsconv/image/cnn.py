"""The classic image CNN: `[(CONV-RELU)*N - POOL?]*M - (FC-RELU)*K - SOFTMAX`."""

from __future__ import annotations

from collections.abc import Sequence

import keras

from tsconv.arguments import check_choice, check_positive_int, check_rate

GLOBAL_POOLING = (None, "avg", "max")


@keras.saving.register_keras_serializable(package="tsconv")
class CNNClassifier(keras.Model):
    """Blocks of 3×3-style convolutions with ReLU and pooling, then dense layers and softmax.

    The pattern of the Stanford CS231n notes, `[(CONV-RELU)*N - POOL?]*M -
    (FC-RELU)*K - SOFTMAX`: `M = len(filters)` blocks, each of
    `convs_per_block` convolutions (`padding="same"`) and an optional max
    pooling; then the feature map is flattened (or globally pooled), and
    `K = len(dense_units)` dense ReLU layers, each followed by dropout, lead
    to the softmax. Inputs are raw pixel values (e.g. 0–255): the model
    rescales them itself, so a saved model predicts on images as loaded.

    Layer names follow `keras.applications.VGG16` (`block1_conv1`,
    `block1_pool`, …, `flatten`/`global_pool`, `fc1`, `predictions`), so
    `tsconv.image.convolutional_base` can cut the dense top off.

    Args:
        image_shape: `(height, width, channels)` of the images.
        num_classes: classes of the softmax.
        filters: convolution filters of each block; one block per entry.
        convs_per_block: convolutions per block (N).
        kernel_size: side of each convolution kernel.
        pool_size: side of the max pooling after each block; None for no pooling.
        dense_units: units of each hidden dense layer (K entries; may be empty).
        dropout: dropout rate before each dense layer (hidden ones and the
            softmax), in `[0, 1)`.
        batch_normalization: whether each convolution is followed by batch
            normalization (before its ReLU; the convolution then has no bias).
        global_pooling: None (flatten the last feature map), `"avg"` or `"max"`.
        rescale: factor applied to the raw pixels first (1/255 maps 0–255 to 0–1).
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Raises:
        ValueError: for non-positive sizes, a dropout outside `[0, 1)`, an
            unknown `global_pooling`, or pooling that would shrink the image below one pixel.

    Example:
    >>> model = CNNClassifier(image_shape=(8, 8, 1), num_classes=10)
    >>> model(np.zeros((4, 8, 8, 1), "float32")).shape  # (batch, num_classes)
    (4, 10)
    """

    @classmethod
    def estimated_parameters(cls, config: dict) -> int:
        """The parameters `cls(**config)` builds, without building it (`tsconv.runs.model_size`).

        Example:
        >>> CNNClassifier.estimated_parameters({"image_shape": [28, 28, 1], "num_classes": 10})
        467818
        """
        height, width, channels = config["image_shape"]
        k, norm = config.get("kernel_size", 3), config.get("batch_normalization", False)
        pool = config.get("pool_size", 2)
        total = 0
        for width_ in config.get("filters", (32, 64)):
            for _ in range(config.get("convs_per_block", 2)):
                total += k * k * channels * width_ + (4 * width_ if norm else width_)
                channels = width_
            if pool is not None:
                height, width = height // pool, width // pool
        features = channels if config.get("global_pooling") else height * width * channels
        for units in (*config.get("dense_units", (128,)), config["num_classes"]):
            total += features * units + units
            features = units
        return total

    def __init__(
        self,
        image_shape: Sequence[int],
        num_classes: int,
        filters: Sequence[int] = (32, 64),
        convs_per_block: int = 2,
        kernel_size: int = 3,
        pool_size: int | None = 2,
        dense_units: Sequence[int] = (128,),
        dropout: float = 0.0,
        batch_normalization: bool = False,
        global_pooling: str | None = None,
        rescale: float = 1.0 / 255.0,
        **kwargs,
    ):
        image_shape, filters, dense_units = tuple(image_shape), tuple(filters), tuple(dense_units)
        if len(image_shape) != 3:
            raise ValueError(
                f"`image_shape` must be (height, width, channels). Received: "
                f"image_shape={image_shape!r}"
            )
        for i, side in enumerate(image_shape):
            check_positive_int(f"image_shape[{i}]", side)
        check_positive_int("num_classes", num_classes)
        if not filters:
            raise ValueError(f"`filters` needs one entry per block. Received: filters={filters!r}")
        for i, value in enumerate(filters):
            check_positive_int(f"filters[{i}]", value)
        for i, value in enumerate(dense_units):
            check_positive_int(f"dense_units[{i}]", value)
        check_positive_int("convs_per_block", convs_per_block)
        check_positive_int("kernel_size", kernel_size)
        if pool_size is not None:
            check_positive_int("pool_size", pool_size)
            smallest = min(image_shape[:2]) // pool_size ** len(filters)
            if smallest < 1:
                raise ValueError(
                    f"{len(filters)} pooling steps of {pool_size} shrink a "
                    f"{image_shape[0]}×{image_shape[1]} image below one pixel; use fewer blocks, "
                    f"pool_size=None or larger images. Received: pool_size={pool_size}"
                )
        check_rate("dropout", dropout)
        check_choice("global_pooling", global_pooling, GLOBAL_POOLING)

        # === Functional Model ===
        inputs = keras.Input(shape=image_shape, name="image")
        x = keras.layers.Rescaling(rescale, name="rescaling")(inputs)
        for b, width in enumerate(filters, start=1):
            for c in range(1, convs_per_block + 1):
                x = keras.layers.Conv2D(
                    width,
                    kernel_size,
                    padding="same",
                    use_bias=not batch_normalization,
                    name=f"block{b}_conv{c}",
                )(x)  # (batch, height, width, filters[b])
                if batch_normalization:
                    x = keras.layers.BatchNormalization(name=f"block{b}_bn{c}")(x)
                x = keras.layers.ReLU(name=f"block{b}_relu{c}")(x)
            if pool_size is not None:
                x = keras.layers.MaxPooling2D(pool_size, name=f"block{b}_pool")(x)
        if global_pooling == "avg":
            x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)  # (batch, filters)
        elif global_pooling == "max":
            x = keras.layers.GlobalMaxPooling2D(name="global_pool")(x)  # (batch, filters)
        else:
            x = keras.layers.Flatten(name="flatten")(x)  # (batch, height * width * filters)
        for k, units in enumerate(dense_units, start=1):
            if dropout > 0:
                x = keras.layers.Dropout(dropout, name=f"dropout{k}")(x)
            x = keras.layers.Dense(units, activation="relu", name=f"fc{k}")(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, name="dropout_top")(x)
        outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)

        # === Config ===
        self.image_shape = image_shape
        self.num_classes = num_classes
        self.filters = filters
        self.convs_per_block = convs_per_block
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.dense_units = dense_units
        self.dropout = dropout
        self.batch_normalization = batch_normalization
        self.global_pooling = global_pooling
        self.rescale = rescale

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "image_shape": list(self.image_shape),
            "num_classes": self.num_classes,
            "filters": list(self.filters),
            "convs_per_block": self.convs_per_block,
            "kernel_size": self.kernel_size,
            "pool_size": self.pool_size,
            "dense_units": list(self.dense_units),
            "dropout": self.dropout,
            "batch_normalization": self.batch_normalization,
            "global_pooling": self.global_pooling,
            "rescale": self.rescale,
        }
