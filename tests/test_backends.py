"""tsconv's models are backend-agnostic: importing tsconv under JAX loads no TensorFlow."""

import os
import subprocess
import sys

import pytest


def test_import_under_jax_does_not_import_tensorflow():
    pytest.importorskip("jax", reason="the test extra installs jax[cpu]")
    code = (
        "import sys, numpy as np, tsconv\n"
        "m = tsconv.TCNForecaster(window=16, filters=4)\n"
        "assert m(np.zeros((1, 16, 1), 'float32')).shape == (1, 1)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'tensorflow'))\n"
    )
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"
