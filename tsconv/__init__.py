"""tsconv: forecast time series with convolutional and attention Keras models.

The package follows the data's path, each sub-package importing only those
below it (a contract that `lint-imports` checks in CI):

    data/            CSV → Series | Panel: columns, calendar, size limits
    preprocessing/   levels → scaled windows: transforms, scaler, the window rule
    layers/ models/  Keras layers and forecasters (models/base.py: their capabilities)
    training/        batches, the loop, callbacks, tf.data input, engine, resume
    rollout/         compiled and cached rollouts, guard, sampling, streaming
    runs/            run directories: atomic writes, kinds, archive checks, listing
    forecasters/     the estimator for one or many series, its run files, scoring
    image/           CNNs, ImageDataGenerator, transfer, image runs
    backtesting/     folds, rolling-origin backtests, leakage audit, references
    jobs/            what the command line calls: fit, forecast, backtest, runs, image

`import tsconv` is quick: its names load on first use (PEP 562), so commands
and scripts that only read run files (`tsconv runs`) never start TensorFlow.
It also registers tsconv's Keras classes the moment Keras is imported
(before or after tsconv), so `import tsconv` then
`keras.saving.load_model("runs/NAME/model.keras", safe_mode=True)` works
with no `custom_objects`.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.metadata
import importlib.util
import logging
import os
import sys
from typing import TYPE_CHECKING, Any

from tsconv.runs.kinds import registering_modules

# Public name -> the module that defines it; imported on first access.
_EXPORTS = {
    "BacktestResult": "tsconv.backtesting.backtest",
    "run_backtest": "tsconv.backtesting.backtest",
    "BacktestReport": "tsconv.jobs.backtest",
    "backtest_csv": "tsconv.jobs.backtest",
    "future_index": "tsconv.data.calendar",
    "infer_frequency": "tsconv.data.calendar",
    "Series": "tsconv.data.series",
    "load_csv": "tsconv.data.series",
    "ForecastDivergedError": "tsconv.errors",
    "InputError": "tsconv.errors",
    "RunError": "tsconv.errors",
    "TrainingDivergedError": "tsconv.errors",
    "TsconvError": "tsconv.errors",
    "Forecaster": "tsconv.forecasters.forecaster",
    "GlobalForecaster": "tsconv.forecasters.forecaster",
    "FitReport": "tsconv.jobs.fit",
    "fit_csv": "tsconv.jobs.fit",
    "ForecastReport": "tsconv.jobs.forecast",
    "forecast_run": "tsconv.jobs.forecast",
    "MODELS": "tsconv.models",
    "CausalConvForecaster": "tsconv.models",
    "DriftForecaster": "tsconv.models",
    "ForecasterModel": "tsconv.models",
    "LinearForecaster": "tsconv.models",
    "NaiveForecaster": "tsconv.models",
    "SeasonalNaiveForecaster": "tsconv.models",
    "TCNForecaster": "tsconv.models",
    "TransformerForecaster": "tsconv.models",
    "build_model": "tsconv.models",
    "Panel": "tsconv.data.panel",
    "load_panel_csv": "tsconv.data.panel",
    "compiled_rollout": "tsconv.rollout.loops",
    "recursive_rollout": "tsconv.rollout.loops",
    "StandardScaler": "tsconv.preprocessing.scaling",
    "ForecastStream": "tsconv.rollout.streaming",
    "Windows": "tsconv.preprocessing.windowing",
    "make_windows": "tsconv.preprocessing.windowing",
    "split_rows": "tsconv.preprocessing.windowing",
}

if TYPE_CHECKING:  # what linters and IDEs see; at run time __getattr__ imports on demand
    from tsconv.backtesting.backtest import BacktestResult, run_backtest
    from tsconv.data.calendar import future_index, infer_frequency
    from tsconv.data.panel import Panel, load_panel_csv
    from tsconv.data.series import Series, load_csv
    from tsconv.errors import (
        ForecastDivergedError,
        InputError,
        RunError,
        TrainingDivergedError,
        TsconvError,
    )
    from tsconv.forecasters.forecaster import Forecaster, GlobalForecaster
    from tsconv.jobs.backtest import BacktestReport, backtest_csv
    from tsconv.jobs.fit import FitReport, fit_csv
    from tsconv.jobs.forecast import ForecastReport, forecast_run
    from tsconv.models import (
        MODELS,
        CausalConvForecaster,
        DriftForecaster,
        ForecasterModel,
        LinearForecaster,
        NaiveForecaster,
        SeasonalNaiveForecaster,
        TCNForecaster,
        TransformerForecaster,
        build_model,
    )
    from tsconv.preprocessing.scaling import StandardScaler
    from tsconv.preprocessing.windowing import Windows, make_windows, split_rows
    from tsconv.rollout.loops import compiled_rollout, recursive_rollout
    from tsconv.rollout.streaming import ForecastStream


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
    """Loads a forecaster's run directory (one series or many), checked and with `safe_mode=True`.

    Args:
        path: a run folder written by `Forecaster.save` or `tsconv fit`.

    Returns:
        The fitted `Forecaster`.

    Raises:
        RunError: for a missing, incomplete, corrupt or incompatible run, or
            an image classifier's run (use `tsconv image predict`).

    Example:
    >>> fc = tsconv.load("runs/msft")
    >>> fc.forecast(30).shape
    (30, 1)
    """
    from tsconv.runs import kinds

    kind = kinds.kind_at(path)
    kinds.require(kind, kinds.FORECASTER.family, path)
    return kind.read(path)


# === Keras class registration ===
# Keras finds tsconv's classes by their registered names once the modules that
# define them are imported. Importing those modules needs Keras (and with it a
# backend), which `import tsconv` must not start; so they are imported as soon
# as Keras is: now if it already is, else right after its own import ends.


def _register_keras_classes() -> None:
    for module in registering_modules():
        importlib.import_module(module)


class _AfterKerasImport(importlib.abc.MetaPathFinder):
    """Finds `keras` as the other finders would, and registers tsconv's classes after it loads.

    The registering packages import Keras as their first statement, so when a
    tsconv import is what first imports Keras, no tsconv module is half-built
    at that moment except the (still empty) package that triggered it.
    """

    def __init__(self) -> None:
        self.searching = False

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "keras" or self.searching:
            return None
        self.searching = True
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            self.searching = False
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _RegisteringLoader(spec.loader, self)
        return spec


class _RegisteringLoader(importlib.abc.Loader):
    def __init__(self, loader, finder: _AfterKerasImport) -> None:
        self.loader, self.finder = loader, finder

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        with _quiet_native_start():
            self.loader.exec_module(module)
            if module.backend.backend() == "tensorflow":
                # Listing the devices prints the rest of the start-up lines (CUDA probing)
                # now, while they are silenced; memory growth can still be set after it.
                sys.modules["tensorflow"].config.list_physical_devices()
                logging.getLogger("tensorflow").addFilter(_without_retracing_advice)
        if self.finder in sys.meta_path:
            sys.meta_path.remove(self.finder)
        _register_keras_classes()

    def __getattr__(self, name: str):  # get_source, get_resource_reader, … of the real loader
        return getattr(self.loader, name)


def _without_retracing_advice(record: logging.LogRecord) -> bool:
    """Drops TensorFlow's "triggered tf.function retracing" warning, keeps its other logs.

    tsconv traces one predict function per model and per compiled rollout (a few
    horizons share one, see `tsconv.rollout.loops.compiled_horizon`); TensorFlow
    counts those traces together and advises on loops the user did not write.
    """
    return "triggered tf.function retracing" not in str(record.msg)


@contextlib.contextmanager
def _quiet_native_start():
    """Sends fd 2 to /dev/null while Keras imports its backend, unless `TSCONV_BACKEND_LOGS=1`.

    TensorFlow's C++ start-up lines (absl, oneDNN, CUDA probing) are written to
    fd 2 before any log level applies, and a notebook shows them under the cell
    that first used tsconv. Python's logging configuration is left as it is; a
    `TF_CPP_MIN_LOG_LEVEL` already set is kept.
    """
    if os.environ.get("TSCONV_BACKEND_LOGS") == "1":
        yield
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's later INFO lines (XLA)
    try:
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:  # no usable fd 2: nothing to silence
        yield
        return
    try:
        sys.stderr.flush()
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


if "keras" in sys.modules:
    _register_keras_classes()
elif not any(isinstance(finder, _AfterKerasImport) for finder in sys.meta_path):
    sys.meta_path.insert(0, _AfterKerasImport())


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
    "ForecasterModel",
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
