import numpy as np
import pytest

from tsconv.errors import InputError
from tsconv.preprocessing import transforms
from tsconv.preprocessing.scaling import StandardScaler


def test_scaler_contract_and_round_trip():
    x = np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]])
    scaler = StandardScaler()
    assert scaler.fit(x) is scaler
    np.testing.assert_allclose(scaler.mean_, [3.0, 20.0])
    np.testing.assert_allclose(scaler.transform(x).mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(scaler.transform(x).std(axis=0), 1)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(x)), x)
    again = StandardScaler.from_dict(scaler.to_dict())
    np.testing.assert_array_equal(again.transform(x), scaler.transform(x))


def test_scaler_constant_column_does_not_divide_by_zero():
    scaler = StandardScaler().fit(np.full((50, 1), 7.0))
    assert scaler.scale_[0] == 1.0
    out = scaler.transform(np.array([[7.0], [8.0]]))
    np.testing.assert_array_equal(out, [[0.0], [1.0]])


def test_scaler_refuses_malformed_parameters():
    with pytest.raises(InputError, match="malformed"):
        StandardScaler.from_dict({"mean": [0.0], "scale": [0.0]})
    with pytest.raises(InputError, match="Received: shape="):
        StandardScaler().fit(np.zeros((0, 1)))


def test_transforms_by_hand():
    levels = np.array([100.0, 110.0, 99.0])
    np.testing.assert_allclose(transforms.forward("diff", levels), [10.0, -11.0])
    np.testing.assert_allclose(
        transforms.forward("log-return", levels), [np.log(1.1), np.log(99 / 110)]
    )
    np.testing.assert_allclose(transforms.forward("none", levels), [110.0, 99.0])
    # One step: each change is applied to its own previous level.
    np.testing.assert_allclose(
        transforms.inverse("log-return", [np.log(1.1), 0.0], [100.0, 50.0]), [110.0, 50.0]
    )
    # A path: changes accumulate from the last level. 100 → +10 → -11 = 110, 99.
    np.testing.assert_allclose(transforms.integrate("diff", [[10.0, -11.0]], [100.0]), [[110, 99]])
    np.testing.assert_allclose(
        transforms.integrate("log-return", [[np.log(1.1), np.log(0.9)]], [100.0]), [[110, 99]]
    )


@pytest.mark.parametrize("name", ["none", "diff", "log-return"])
def test_inverse_undoes_forward(name):
    levels = np.array([5.0, 6.0, 4.5, 4.6, 8.0])
    changes = transforms.forward(name, levels)
    np.testing.assert_allclose(transforms.inverse(name, changes, levels[:-1]), levels[1:])
    np.testing.assert_allclose(transforms.integrate(name, changes[None], levels[:1])[0], levels[1:])
