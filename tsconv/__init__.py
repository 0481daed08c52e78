"""tsconv: forecast time series with convolutional and attention Keras models.

Importing tsconv registers its Keras models, so `keras.saving.load_model`
reads any saved tsconv model with `safe_mode=True` and no `custom_objects`.
"""

import importlib.metadata
import logging
import os

from tsconv import runs
from tsconv.backtest import BacktestResult, run_backtest
from tsconv.backtest_jobs import BacktestReport, backtest_csv
from tsconv.calendar import future_index, infer_frequency
from tsconv.data import Series, load_csv
from tsconv.errors import (
    ForecastDivergedError,
    InputError,
    RunError,
    TrainingDivergedError,
    TsconvError,
)
from tsconv.forecaster import Forecaster
from tsconv.global_forecaster import GlobalForecaster
from tsconv.jobs import FitReport, ForecastReport, fit_csv, forecast_run
from tsconv.models import (
    MODELS,
    CausalConvForecaster,
    DriftForecaster,
    LinearForecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    TCNForecaster,
    TransformerForecaster,
    build_model,
)
from tsconv.panel import Panel, load_panel_csv
from tsconv.rollout import compiled_rollout, recursive_rollout
from tsconv.scaling import StandardScaler
from tsconv.streaming import ForecastStream
from tsconv.windowing import Windows, make_windows, split_rows

try:
    __version__ = importlib.metadata.version("tsconv")
except importlib.metadata.PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+local"

logging.getLogger(__name__).addHandler(logging.NullHandler())


def load(path: str | os.PathLike) -> Forecaster:
    """Loads a run directory: a `Forecaster`, or a `GlobalForecaster` for a many-series run.

    Example:
    >>> fc = tsconv.load("runs/msft")
    >>> fc.forecast(30).shape
    (30, 1)
    """
    if runs.read_run_dir(path).get("kind") == "global-forecaster":
        return GlobalForecaster.load(path)
    return Forecaster.load(path)


__all__ = [
    "MODELS",
    "BacktestReport",
    "BacktestResult",
    "CausalConvForecaster",
    "DriftForecaster",
    "FitReport",
    "ForecastDivergedError",
    "ForecastReport",
    "ForecastStream",
    "Forecaster",
    "GlobalForecaster",
    "InputError",
    "LinearForecaster",
    "NaiveForecaster",
    "Panel",
    "RunError",
    "SeasonalNaiveForecaster",
    "Series",
    "StandardScaler",
    "TCNForecaster",
    "TrainingDivergedError",
    "TransformerForecaster",
    "TsconvError",
    "Windows",
    "__version__",
    "backtest_csv",
    "build_model",
    "compiled_rollout",
    "fit_csv",
    "forecast_run",
    "future_index",
    "infer_frequency",
    "load",
    "load_csv",
    "load_panel_csv",
    "make_windows",
    "recursive_rollout",
    "run_backtest",
    "split_rows",
]
