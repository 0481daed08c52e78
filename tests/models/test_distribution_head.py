"""Distribution heads: positive scales, proper likelihoods, and every model can carry one."""

import keras
import numpy as np
import pytest

from helpers import assert_causal, assert_round_trip, per_step
from tsconv.layers import DistributionHead
from tsconv.layers.distribution_head import gaussian_nll, student_t_nll
from tsconv.models import CausalConvForecaster, TCNForecaster, TransformerForecaster
from tsconv.rollout.loops import compiled_rollout, recursive_rollout

# Keras-only: also run under KERAS_BACKEND=jax (see the README's test command).
pytestmark = pytest.mark.portable

WINDOW = 24
NEURAL = {
    "conv": lambda d: CausalConvForecaster(WINDOW, filters=4, distribution=d),
    "tcn": lambda d: TCNForecaster(WINDOW, filters=4, distribution=d),
    "transformer": lambda d: TransformerForecaster(
        WINDOW, model_dim=8, num_heads=2, distribution=d
    ),
}


def test_head_outputs_location_and_positive_scale():
    head = DistributionHead("student-t", min_scale=0.01)
    x = np.random.default_rng(0).normal(size=(4, 7, 3)).astype("float32") * 100
    out = keras.ops.convert_to_numpy(head(x))
    assert out.shape == (4, 7, 2)
    assert (out[..., 1] >= 0.01).all()
    clone = DistributionHead.from_config(head.get_config())
    assert clone.get_config() == head.get_config()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"distribution": "point"}, r"`distribution` must be one of \('gaussian', 'student-t'\)"),
        ({"distribution": "cauchy"}, "Received: distribution='cauchy'"),
        ({"min_scale": 0.0}, "`min_scale` must be positive. Received: min_scale=0.0"),
    ],
)
def test_head_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DistributionHead(**kwargs)


def test_model_with_unknown_distribution():
    with pytest.raises(ValueError, match="Received: distribution='laplace'"):
        TCNForecaster(WINDOW, distribution="laplace")


@pytest.mark.parametrize("nll", [gaussian_nll, student_t_nll])
def test_likelihoods_are_normalized_densities(nll):
    """exp(-NLL) integrates to 1 over y, for any location and scale: a proper likelihood."""
    grid = np.linspace(-400, 400, 400_001)
    y, step = grid.astype("float32"), grid[1] - grid[0]
    for loc, scale in ((0.0, 1.0), (3.0, 0.5), (-2.0, 4.0)):
        pred = np.tile(np.array([[loc, scale]], "float32"), (len(y), 1))
        density = np.exp(-keras.ops.convert_to_numpy(nll(y[:, None], pred)).astype(float))
        assert abs(density.sum() * step - 1) < 2e-3, (loc, scale)
        assert abs(y[np.argmax(density)] - loc) < 1e-2  # the mode is the location


@pytest.mark.parametrize("name", sorted(NEURAL))
@pytest.mark.parametrize("distribution", ["gaussian", "student-t"])
def test_every_model_carries_a_distribution_head(name, distribution, tmp_path):
    keras.utils.set_random_seed(0)
    model = NEURAL[name](distribution)
    x = np.random.default_rng(0).normal(size=(3, WINDOW, 1)).astype("float32")
    out = keras.ops.convert_to_numpy(model(x))
    assert out.shape == (3, 2) and (out[:, 1] > 0).all()
    assert_round_trip(model, tmp_path)
    if name != "conv":
        assert_causal(lambda v: per_step(model)(v)[..., 0], WINDOW)  # the location per step


@pytest.mark.parametrize("name", ["conv", "tcn"])
def test_cached_sampling_rollout_equals_the_eager_loop(name):
    """loc + scale * noise is fed back, identically with and without the stream cache."""
    keras.utils.set_random_seed(1)
    model = NEURAL[name]("gaussian")
    context = np.random.default_rng(2).normal(size=(4, WINDOW, 1)).astype("float32")
    noise = np.random.default_rng(3).normal(size=(4, 9)).astype("float32")
    expected = recursive_rollout(model, context, 9, noise=noise)
    for cached in (True, False):
        got = compiled_rollout(model, context, 9, noise=noise, cached=cached)
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    first = keras.ops.convert_to_numpy(model(context))
    np.testing.assert_allclose(expected[:, 0], first[:, 0] + first[:, 1] * noise[:, 0], rtol=1e-5)
