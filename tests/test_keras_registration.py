"""`import tsconv` registers tsconv's Keras classes, so Keras loads a saved model by itself.

Each check runs in a fresh interpreter, since registration is about import
order: tsconv before Keras, Keras before tsconv, and a tsconv sub-package
that is the first to import Keras. The models are those of the legacy fixture
runs: every forecaster family (conv, TCN, transformer, a rule baseline,
linear, a global model) and an image CNN.
"""

import subprocess
import sys

import pytest

from conftest import ROOT

RUNS = ROOT / "tests" / "fixtures" / "legacy_runs" / "runs"
MODELS = sorted(str(p) for p in RUNS.glob("*/model.keras"))

ORDERS = {
    "tsconv first": "import tsconv\nimport keras\n",
    "keras first": "import keras\nimport tsconv\n",
    "a sub-package loads keras": "import tsconv.layers\nimport keras\n",
    "tensorflow first": "import tensorflow\nimport tsconv\nimport keras\n",
}


@pytest.mark.parametrize("order", list(ORDERS))
def test_keras_loads_every_family_after_import_tsconv(order):
    """`keras.saving.load_model(path, safe_mode=True)` works with no custom_objects."""
    assert len(MODELS) == 7
    code = ORDERS[order] + (
        "import numpy as np\n"
        f"for path in {MODELS!r}:\n"
        "    model = keras.saving.load_model(path, safe_mode=True)\n"
        "    x = np.zeros((1, *model.input_shape[1:]), 'float32')\n"
        "    print(type(model).__name__, np.asarray(model(x, training=False)).shape[0])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    names = sorted(line.split()[0] for line in result.stdout.splitlines())
    assert names == sorted(
        [
            "CNNClassifier",
            "CausalConvForecaster",
            "CausalConvForecaster",
            "LinearForecaster",
            "SeasonalNaiveForecaster",
            "TCNForecaster",
            "TransformerForecaster",
        ]
    )


def test_import_tsconv_alone_starts_no_keras():
    """Registration waits for Keras: `import tsconv` by itself imports neither Keras nor TF."""
    code = (
        "import sys, tsconv\n"
        "print(sorted(m for m in ('keras', 'tensorflow', 'jax', 'tsconv.models') "
        "if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_notebook_session_prints_nothing_of_tensorflows(tmp_path):
    """Issue 22, item 7: no absl/oneDNN/CUDA start-up lines, no retracing warnings.

    The image side is the first to import Keras here (its package loads lazily), and
    its classes are registered all the same.
    """
    code = (
        "import numpy as np, pandas as pd\n"
        "import tsconv\n"
        "from tsconv.image import CNNClassifier\n"
        "import keras\n"
        "print(keras.saving.get_registered_object('tsconv>CNNClassifier') is CNNClassifier)\n"
        "values = np.sin(np.arange(300) / 5) + np.arange(300) / 100\n"
        "dates = pd.date_range('2020-01-01', periods=300, freq='D')\n"
        "pd.DataFrame({'date': dates, 'y': values}).to_csv('daily.csv', index=False)\n"
        "series = tsconv.load_csv('daily.csv')\n"
        "fc = tsconv.Forecaster(window=20, epochs=1, jit=False).fit(series)\n"
        "for horizon in (5, 10, 30, 12, 7, 3, 25):\n"
        "    fc.forecast(horizon)\n"
        "print('done')\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["True", "done"]
    assert result.stderr == ""
