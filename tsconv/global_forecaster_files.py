"""A `GlobalForecaster`'s run files: what `save` writes and `load` reads back.

Like `tsconv.forecaster_files`, only tsconv-written JSON, CSV and Keras
files, checked by `runs.read_run_dir` first; the scalers are one entry per
series in `config.json`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from tsconv import runs
from tsconv.distribute import policy_scope
from tsconv.errors import RunError
from tsconv.forecaster_files import (
    RESIDUALS,
    TRAINING_FACTS,
    _versions,
    settings_from_config,
    write_model_files,
)
from tsconv.scaling import StandardScaler

KIND = "global-forecaster"


def write_global_files(gf, folder: Path) -> None:
    """Writes a fitted global forecaster's run files into `folder`."""
    write_model_files(
        gf,
        folder,
        global_config(gf),
        "one-step validation errors (target - forecast) of all series in scaled model "
        "units; sampled forecasts draw from them for a point head",
    )


def global_config(gf) -> dict:
    """The run's JSON config: settings, one scaler per series, data facts, versions."""
    return {
        "format": runs.FORMAT,
        "kind": KIND,
        "versions": _versions(),
        "tsconv_version": _versions()["tsconv"],
        "window": gf.window,
        "model": gf.model,
        "model_options": gf.model_options,
        "objective": gf.objective,
        "strategy": gf.strategy,
        "direct_steps": gf.direct_steps,
        "transform": gf.transform_,
        "scalers": {sid: scaler.to_dict() for sid, scaler in gf.scalers_.items()},
        "skipped_series": list(gf.skipped_),
        "data": gf.data_,
        "engine": gf.engine_,
        "training": {
            "loss": gf.training_loss,
            "epochs": gf.epochs,
            "batch_size": gf.batch_size,
            "patience": gf.patience,
            "learning_rate": gf.learning_rate,
            "seed": gf.seed,
            "val_fraction": gf.val_fraction,
            "test_fraction": gf.test_fraction,
            **gf.training_,
        },
    }


def read_global_forecaster(cls, path: str | os.PathLike):
    """A `GlobalForecaster` loaded from its run directory (checked; `safe_mode=True`).

    Raises:
        RunError: for a missing, incomplete, corrupt or other kind of run.
    """
    path = Path(path)
    config = runs.read_run_dir(path)
    if config.get("kind") != KIND:
        raise RunError(f"run {path} is not a global (many-series) forecaster.")
    try:
        t = config["training"]
        gf = cls(**settings_from_config(config))
        gf.engine_ = config["engine"]
        gf.transform_ = config["transform"]
        gf.season_ = None
        gf.scalers_ = {sid: StandardScaler.from_dict(s) for sid, s in config["scalers"].items()}
        gf.skipped_ = list(config["skipped_series"])
        gf.data_ = config["data"]
        gf.training_ = {k: t[k] for k in (*TRAINING_FACTS, "series", "skipped_series")}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RunError(f"run {path} has a malformed config.json ({exc!r}); fit it again.") from None
    gf.metrics_ = runs.read_json(path / "metrics.json")
    gf.residuals_ = np.asarray(runs.read_json(path / RESIDUALS)["values"], np.float32)
    gf.history_ = pd.read_csv(path / "history.csv", index_col=0)
    gf.predictions_ = _read_long(path / "predictions.csv", gf.data_)
    gf.context_ = _read_long(path / "context.csv", gf.data_)
    with policy_scope(gf.engine_.get("dtype_policy", "float32")):
        gf.model_ = runs.load_model(path)
    return gf


def _read_long(path: Path, data: dict) -> pd.DataFrame:
    """A long CSV written by `write_global_files`, ids as text and times as dates."""
    frame = pd.read_csv(path, index_col=0, dtype={data["id_column"]: str})
    if data.get("time_column") is not None:
        frame.index = pd.DatetimeIndex(pd.to_datetime(frame.index), name=data["time_column"])
    return frame
