"""tsconv's image side: a CNN classifier, ImageDataGenerator-style augmentation, transfer.

Importing it registers the image layers and models with Keras, so saved
image models load with `safe_mode=True` and no `custom_objects`.
"""

# Keras first: when this import is what loads Keras, tsconv registers its classes
# (see `tsconv/__init__.py`) before any module here is half-imported.
import keras  # noqa: F401, I001

from tsconv.image.data_generator import ImageDataGenerator
from tsconv.image.augmentation_layers import (
    RandomChannelShift,
    RandomCutMix,
    RandomGaussianNoise,
    RandomResizedCrop,
    RandomSaltAndPepper,
)
from tsconv.image.cnn import CNNClassifier
from tsconv.image.digits import digits_arrays, write_digits_folder
from tsconv.image.flows import ArrayFlow, DirectoryFlow, split_indices
from tsconv.image.folders import load_image, load_images, scan_image_folder
from tsconv.image.transfer import (
    CaffePreprocessing,
    application_base,
    build_transfer_model,
    convolutional_base,
    unfreeze_top,
)

__all__ = [
    "ArrayFlow",
    "CNNClassifier",
    "CaffePreprocessing",
    "DirectoryFlow",
    "ImageDataGenerator",
    "RandomChannelShift",
    "RandomCutMix",
    "RandomGaussianNoise",
    "RandomResizedCrop",
    "RandomSaltAndPepper",
    "application_base",
    "build_transfer_model",
    "convolutional_base",
    "digits_arrays",
    "load_image",
    "load_images",
    "scan_image_folder",
    "split_indices",
    "unfreeze_top",
    "write_digits_folder",
]
