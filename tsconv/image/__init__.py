"""tsconv's image side: a CNN classifier, ImageDataGenerator-style augmentation, transfer.

`import tsconv.image` is quick: its names load on first use (PEP 562), so the
folder checks of `tsconv image fit` answer before TensorFlow starts. Its Keras
classes are registered the moment Keras is imported (see `tsconv/__init__.py`),
so saved image models load with `safe_mode=True` and no `custom_objects`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Public name -> the module that defines it; imported on first access.
_EXPORTS = {
    "ImageDataGenerator": "tsconv.image.data_generator",
    "RandomChannelShift": "tsconv.image.augmentation_layers",
    "RandomCutMix": "tsconv.image.augmentation_layers",
    "RandomGaussianNoise": "tsconv.image.augmentation_layers",
    "RandomResizedCrop": "tsconv.image.augmentation_layers",
    "RandomSaltAndPepper": "tsconv.image.augmentation_layers",
    "CNNClassifier": "tsconv.image.cnn",
    "digits_arrays": "tsconv.image.digits",
    "write_digits_folder": "tsconv.image.digits",
    "ArrayFlow": "tsconv.image.flows",
    "DirectoryFlow": "tsconv.image.flows",
    "split_indices": "tsconv.image.flows",
    "load_image": "tsconv.image.folders",
    "load_images": "tsconv.image.folders",
    "scan_image_folder": "tsconv.image.folders",
    "CaffePreprocessing": "tsconv.image.transfer",
    "application_base": "tsconv.image.transfer",
    "build_transfer_model": "tsconv.image.transfer",
    "convolutional_base": "tsconv.image.transfer",
    "unfreeze_top": "tsconv.image.transfer",
}

if TYPE_CHECKING:  # what linters and IDEs see; at run time __getattr__ imports on demand
    from tsconv.image.augmentation_layers import (
        RandomChannelShift,
        RandomCutMix,
        RandomGaussianNoise,
        RandomResizedCrop,
        RandomSaltAndPepper,
    )
    from tsconv.image.cnn import CNNClassifier
    from tsconv.image.data_generator import ImageDataGenerator
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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tsconv.image' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
