"""tsconv's Keras layers, registered serializable under the package name `tsconv`."""

# Keras first: when this import is what loads Keras, tsconv registers its classes
# (see `tsconv/__init__.py`) before any layer module here is half-imported.
import keras  # noqa: F401

from tsconv.layers.attention import CausalSelfAttention, SinusoidalPositionEncoding
from tsconv.layers.distribution_head import DistributionHead
from tsconv.layers.instance_norm import WindowDenormalization, WindowNormalization
from tsconv.layers.last_step import LastStep
from tsconv.layers.tcn import TCNBlock
from tsconv.layers.transformer import TransformerBlock

__all__ = [
    "CausalSelfAttention",
    "DistributionHead",
    "LastStep",
    "SinusoidalPositionEncoding",
    "TCNBlock",
    "TransformerBlock",
    "WindowDenormalization",
    "WindowNormalization",
]
