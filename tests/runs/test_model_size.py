"""`tsconv.runs.model_size`: the parameters a config implies equal what Keras builds, so the
memory cap on untrusted archives measures the real thing (issue 23, item 2)."""

import json
import zipfile

import pytest

from tsconv.image.cnn import CNNClassifier
from tsconv.image.transfer import application_base, build_transfer_model
from tsconv.models import MODELS, build_model
from tsconv.models.conv import CausalConvForecaster
from tsconv.models.tcn import TCNForecaster
from tsconv.models.transformer import TransformerForecaster
from tsconv.runs.model_size import declared_weight_bytes, estimated_parameters

CASES = [
    (CausalConvForecaster, {"window": 30, "num_features": 3, "filters": 8, "num_layers": 3,
                            "output_steps": 5}),
    (CausalConvForecaster, {"window": 30, "num_features": 2, "distribution": "gaussian"}),
    (TCNForecaster, {"window": 50, "num_features": 32, "filters": 32, "normalization": "batch",
                     "stacks": 2, "output_steps": 4}),
    (TCNForecaster, {"window": 50, "num_features": 3, "filters": 16, "normalization": "none",
                     "distribution": "student-t", "revin": True}),
    (TransformerForecaster, {"window": 40, "num_features": 4, "model_dim": 16, "num_heads": 2,
                             "num_layers": 3, "mlp_dim": 24, "output_steps": 7,
                             "positional": "alibi"}),
    (CNNClassifier, {"image_shape": [32, 32, 3], "num_classes": 5, "filters": [8, 16, 32],
                     "batch_normalization": True, "global_pooling": "avg",
                     "dense_units": [20, 10]}),
    (CNNClassifier, {"image_shape": [28, 28, 1], "num_classes": 10}),
]  # fmt: skip


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_model_estimates_its_own_parameters(name):
    model = build_model(name, 24, 2)
    assert type(model).estimated_parameters(model.get_config()) == model.count_params()


@pytest.mark.parametrize(("cls", "config"), CASES)
def test_other_configs_estimate_exactly(cls, config):
    model = cls(**config)
    assert cls.estimated_parameters(model.get_config()) == model.count_params()


def test_a_saved_transfer_model_is_estimated_from_its_keras_layers(tmp_path):
    model = build_transfer_model(application_base("mobilenetv3small", (48, 48, 3), None), 4)
    model.save(tmp_path / "transfer.keras")
    with zipfile.ZipFile(tmp_path / "transfer.keras") as archive:
        config = json.loads(archive.read("config.json"))
        with archive.open("model.weights.h5") as weights:
            declared = declared_weight_bytes(weights)
    assert estimated_parameters(config) == model.count_params()
    assert declared == 4 * model.count_params()  # float32 weights, every one declared


def test_sizes_that_are_not_whole_numbers_are_refused():
    layer = {"class_name": "Dense", "module": "keras.layers", "config": {"units": "many"},
             "build_config": {"input_shape": [None, 4]}}  # fmt: skip
    with pytest.raises(ValueError, match="a size that is not a whole number"):
        estimated_parameters(layer)
