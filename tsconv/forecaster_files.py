"""A `Forecaster`'s run files: what `save` writes and `load` reads back.

Only tsconv-written JSON, CSV and Keras files; `runs.read_run_dir` checks the
manifest, checksums and format before anything here reads them.
"""

from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from tsconv import runs
from tsconv.distribute import policy_scope
from tsconv.errors import RunError
from tsconv.plots import plot_fit
from tsconv.scaling import StandardScaler

RESIDUALS = "residuals.json"
TRAINING_FACTS = (
    "seconds",
    "epochs_run",
    "best_epoch",
    "best_val_loss",
    "parameters",
    "receptive_field",
    "train_windows",
)


def write_forecaster_files(fc, folder: Path) -> None:
    """Writes a fitted forecaster's run files into `folder` (see `Forecaster.save`)."""
    write_model_files(
        fc,
        folder,
        forecaster_config(fc),
        "one-step validation errors (target - forecast) in scaled model units; "
        "sample_paths draws from them for a point head",
    )
    plot_fit(fc.history_, fc.predictions_, folder / "fit.png")


def write_model_files(fc, folder: Path, config: dict, about_residuals: str) -> None:
    """The files every forecaster run has: model, config, metrics, residuals, history, CSVs."""
    fc.model_.save(folder / runs.MODEL)
    runs.write_json(folder / runs.CONFIG, config)
    runs.write_json(folder / "metrics.json", fc.metrics_)
    runs.write_json(
        folder / RESIDUALS, {"about": about_residuals, "values": fc.residuals_.tolist()}
    )
    fc.history_.to_csv(folder / "history.csv")
    fc.predictions_.to_csv(folder / "predictions.csv")
    fc.context_.to_csv(folder / "context.csv")


def forecaster_config(fc) -> dict:
    """The run's JSON config: everything needed to reuse the model, in plain types."""
    return {
        "format": runs.FORMAT,
        "versions": _versions(),
        "tsconv_version": _versions()["tsconv"],
        "window": fc.window,
        "model": fc.model,
        "model_options": fc.model_options,
        "objective": fc.objective,
        "strategy": fc.strategy,
        "direct_steps": fc.direct_steps,
        "season": fc.season_,
        "transform": fc.transform_,
        "scaler": fc.scaler_.to_dict(),
        "data": fc.data_,
        "engine": fc.engine_,
        "training": {
            "loss": fc.training_loss,
            "epochs": fc.epochs,
            "batch_size": fc.batch_size,
            "patience": fc.patience,
            "learning_rate": fc.learning_rate,
            "seed": fc.seed,
            "val_fraction": fc.val_fraction,
            "test_fraction": fc.test_fraction,
            **fc.training_,
        },
    }


def settings_from_config(config: dict) -> dict:
    """The constructor arguments a run was fitted with, from its config."""
    t = config["training"]
    return {
        "window": config["window"],
        "model": config["model"],
        "transform": config["transform"],
        "loss": t["loss"],
        "epochs": t["epochs"],
        "batch_size": t["batch_size"],
        "patience": t["patience"],
        "learning_rate": t["learning_rate"],
        "seed": t["seed"],
        "val_fraction": t["val_fraction"],
        "test_fraction": t["test_fraction"],
        "model_options": config["model_options"],
        "objective": config["objective"],
        "strategy": config.get("strategy", "recursive"),
        "direct_steps": config.get("direct_steps", 30),
        "precision": config.get("engine", {}).get("precision", "float32"),
    }


def _from_config(cls, config: dict):
    t = config["training"]
    fc = cls(**settings_from_config(config), season=config["season"])
    fc.engine_ = config.get("engine", {})
    fc.season_ = config["season"]
    fc.transform_ = config["transform"]
    fc.scaler_ = StandardScaler.from_dict(config["scaler"])
    fc.data_ = config["data"]
    fc.training_ = {k: t[k] for k in TRAINING_FACTS}
    return fc


def read_forecaster(cls, path: str | os.PathLike):
    """A `cls` (a `Forecaster`) loaded from a run directory written by its `save`.

    The run is checked (manifest, checksums, format) and the model loaded with `safe_mode=True`.

    Raises:
        RunError: for a missing, incomplete, corrupt or incompatible run.
    """
    path = Path(path)
    config = runs.read_run_dir(path)
    if config.get("kind") == "global-forecaster":
        raise RunError(
            f"run {path} is a global (many-series) forecaster; load it with "
            "tsconv.load or GlobalForecaster.load."
        )
    if config.get("kind", "forecaster") != "forecaster":
        raise RunError(
            f"run {path} is an image classifier, not a forecaster; use `tsconv image predict`."
        )
    try:
        fc = _from_config(cls, config)
    except (KeyError, TypeError, ValueError) as exc:
        raise RunError(f"run {path} has a malformed config.json ({exc!r}); fit it again.") from None
    fc.metrics_ = runs.read_json(path / "metrics.json")
    residuals = path / RESIDUALS
    values = runs.read_json(residuals)["values"] if residuals.exists() else []
    fc.residuals_ = np.asarray(values, np.float32)
    fc.history_ = pd.read_csv(path / "history.csv", index_col=0)
    fc.predictions_ = read_predictions(path, config)
    fc.context_ = _read_timed_csv(path / "context.csv", config["data"])
    with policy_scope(fc.engine_.get("dtype_policy", "float32")):  # the trained precision
        fc.model_ = runs.load_model(path)
    return fc


def read_predictions(path: str | os.PathLike, config: dict) -> pd.DataFrame:
    """A single-series run's one-step predictions (`split`, `actual`, `model`, `naive`), by time."""
    return _read_timed_csv(Path(path) / "predictions.csv", config["data"])


def _read_timed_csv(path: Path, data: dict) -> pd.DataFrame:
    frame = pd.read_csv(path, index_col=0)
    if data.get("time_column") is not None:
        frame.index = pd.DatetimeIndex(pd.to_datetime(frame.index), name=data["time_column"])
    return frame


def _versions() -> dict:
    versions = {"keras": keras.__version__, "backend": keras.backend.backend()}
    for package in ("tsconv", "tensorflow", "numpy", "pandas"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return versions
