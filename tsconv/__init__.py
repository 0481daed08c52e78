"""tsconv: forecast time series with convolutional and attention Keras models.

`import tsconv` is quick: its names load on first use (PEP 562), so commands and
scripts that only read run files (`tsconv runs`) never start TensorFlow.
Using any model, or `import tsconv.models`, registers tsconv's Keras models, so
`keras.saving.load_model` reads a saved tsconv model with `safe_mode=True` and no
`custom_objects`.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import logging
import os
from typing import TYPE_CHECKING, Any

# Public name -> the module that defines it; imported on first access.
_EXPORTS = {
    "BacktestResult": "tsconv.backtest",
    "run_backtest": "tsconv.backtest",
    "BacktestReport": "tsconv.backtest_jobs",
    "backtest_csv": "tsconv.backtest_jobs",
    "future_index": "tsconv.calendar",
    "infer_frequency": "tsconv.calendar",
    "Series": "tsconv.data",
    "load_csv": "tsconv.data",
    "ForecastDivergedError": "tsconv.errors",
    "InputError": "tsconv.errors",
    "RunError": "tsconv.errors",
    "TrainingDivergedError": "tsconv.errors",
    "TsconvError": "tsconv.errors",
    "Forecaster": "tsconv.forecaster",
    "GlobalForecaster": "tsconv.global_forecaster",
    "FitReport": "tsconv.jobs",
    "ForecastReport": "tsconv.jobs",
    "fit_csv": "tsconv.jobs",
    "forecast_run": "tsconv.jobs",
    "MODELS": "tsconv.models",
    "CausalConvForecaster": "tsconv.models",
    "DriftForecaster": "tsconv.models",
    "LinearForecaster": "tsconv.models",
    "NaiveForecaster": "tsconv.models",
    "SeasonalNaiveForecaster": "tsconv.models",
    "TCNForecaster": "tsconv.models",
    "TransformerForecaster": "tsconv.models",
    "build_model": "tsconv.models",
    "Panel": "tsconv.panel",
    "load_panel_csv": "tsconv.panel",
    "compiled_rollout": "tsconv.rollout",
    "recursive_rollout": "tsconv.rollout",
    "StandardScaler": "tsconv.scaling",
    "ForecastStream": "tsconv.streaming",
    "Windows": "tsconv.windowing",
    "make_windows": "tsconv.windowing",
    "split_rows": "tsconv.windowing",
}

if TYPE_CHECKING:  # what linters and IDEs see; at run time __getattr__ imports on demand
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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # later lookups skip this function
        return value
    if not name.startswith("_") and importlib.util.find_spec(f"tsconv.{name}") is not None:
        return importlib.import_module(f"tsconv.{name}")  # a submodule: tsconv.layers, ...
    raise AttributeError(f"module 'tsconv' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
    from tsconv import runs
    from tsconv.forecaster import Forecaster
    from tsconv.global_forecaster import GlobalForecaster

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
