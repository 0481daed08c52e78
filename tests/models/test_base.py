"""Models declare their capabilities through `ForecasterModel`; readers never guess them."""

import keras
import numpy as np
import pytest

from tsconv.models import MODELS, ForecasterModel, build_model, capabilities_of
from tsconv.rollout.loops import compiled_rollout, output_steps, uses_cache

# Keras-only: also run under KERAS_BACKEND=jax (see the README's test command).
pytestmark = pytest.mark.portable

DECLARED = {
    # name: (supports_cache, supports_sequence_objective, supports_direct, needs_scaler,
    #        fits_closed_form)
    "conv": (True, False, True, False, False),
    "tcn": (True, True, True, False, False),
    "transformer": (False, True, True, False, False),
    "naive": (False, False, False, True, False),
    "seasonal-naive": (False, False, False, True, False),
    "drift": (False, False, False, True, False),
    "linear": (False, False, False, False, True),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_every_model_declares_its_capabilities(name):
    cls = MODELS[name]
    assert issubclass(cls, ForecasterModel) and issubclass(cls, keras.Model)
    model = build_model(name, window=12, num_features=1)
    flags = (
        model.supports_cache,
        model.supports_sequence_objective,
        model.supports_direct,
        model.needs_scaler,
        model.fits_closed_form,
    )
    assert flags == DECLARED[name]
    assert (cls.supports_sequence_objective, cls.supports_direct) == flags[1:3]  # before building
    assert model.output_steps == 1 and model.distribution == "point"
    assert model.receptive_field is None or 1 <= model.receptive_field <= 12


def test_a_direct_model_declares_its_steps_per_call():
    model = build_model("tcn", window=12, num_features=1, output_steps=4)
    assert output_steps(model) == 4 and model(np.zeros((2, 12, 1))).shape == (2, 4)


def test_a_plain_keras_model_gets_the_declared_defaults_not_its_attributes():
    """Undeclared attributes are not probed: a plain model is a one-step point forecaster."""
    inputs = keras.Input((6, 1))
    plain = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Flatten()(inputs)))
    plain.supports_cache = True  # not a ForecasterModel: ignored
    plain.output_steps = 3
    caps = capabilities_of(plain)
    assert (caps.output_steps, caps.supports_cache, caps.distribution) == (1, False, "point")
    assert not uses_cache(plain)
    assert compiled_rollout(plain, np.zeros((6, 1)), 5).shape == (5,)
