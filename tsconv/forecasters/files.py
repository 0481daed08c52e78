"""A `Forecaster`'s run files: what `save` writes and `load` reads back, for one series or many.

Only tsconv-written JSON, CSV and Keras files; `runs.read_run_dir` checks the
manifest, checksums and format before anything here reads them. One config
holds the settings, the scaler(s), the data facts and the versions; a
many-series run (kind `global-forecaster`) keeps a scaler per series and its
CSVs in long format (the id column first).
"""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path

import numpy as np
import pandas as pd

from tsconv.data.dates import local_index
from tsconv.errors import RunError
from tsconv.files import spreadsheet_safe, spreadsheet_text
from tsconv.plots import plot_fit
from tsconv.preprocessing.scaling import StandardScaler
from tsconv.runs import kinds, run_dir
from tsconv.training.engine import Engine, policy_scope

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
    fc.model_.save(folder / run_dir.MODEL)
    run_dir.write_json(folder / run_dir.CONFIG, forecaster_config(fc))
    run_dir.write_json(folder / "metrics.json", fc.metrics_)
    about = (
        "one-step validation errors (target - forecast) "
        + ("of all series " if fc.many_series else "")
        + "in scaled model units; sampled forecasts draw from them for a point head"
    )
    run_dir.write_json(folder / RESIDUALS, {"about": about, "values": fc.residuals_.tolist()})
    # Names and ids that start like a formula are written as text (read back by
    # `_read_timed_csv`): a run's CSVs are opened in spreadsheets too.
    spreadsheet_safe(fc.history_).to_csv(folder / "history.csv")
    spreadsheet_safe(fc.predictions_).to_csv(folder / "predictions.csv")
    spreadsheet_safe(fc.context_).to_csv(folder / "context.csv")
    id_column = fc.data_["id_column"] if fc.many_series else None
    plot_fit(
        fc.history_,
        fc.predictions_,
        folder / "fit.png",
        id_column=id_column,
        target=fc.data_["target"],
    )


def forecaster_config(fc) -> dict:
    """The run's JSON config: everything needed to reuse the model, in plain types."""
    kind = kinds.GLOBAL_FORECASTER if fc.many_series else kinds.FORECASTER
    versions = run_dir.versions()
    config = {
        "format": run_dir.FORMAT,
        "kind": kind.name,
        "versions": versions,
        "tsconv_version": versions["tsconv"],
        "window": fc.window_,
        "model": fc.model,
        "model_options": fc.model_options,
        "objective": fc.objective,
        "strategy": fc.strategy_,
        "output_steps": fc.output_steps_,
        "strategy_reason": fc.strategy_reason_,
        "season": fc.season_,
        "calendar": list(fc.calendar_),
        "future_features": list(fc.future_features_),
        "holidays": fc.holidays_,
        "transform": fc.transform_,
        "transform_reason": fc.transform_reason_,
        "window_reason": fc.window_reason_,
    }
    if fc.many_series:
        config["scalers"] = {sid: scaler.to_dict() for sid, scaler in fc.scalers_.items()}
        config["skipped_series"] = list(fc.skipped_)
    else:
        config["scaler"] = fc.scaler_.to_dict()
    config.update(
        data=fc.data_,
        engine=fc.engine_.to_dict(),
        training={
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
    )
    return config


def settings_from_config(config: dict) -> dict:
    """The constructor arguments a run was fitted with, from its config.

    Runs written before `output_steps` was the one name kept `direct_steps`
    (30 even for the recursive strategy, where it meant nothing).

    Example:
    >>> settings_from_config(tsconv.runs.read_run_dir("runs/msft"))["window"]
    100
    """
    t = config["training"]
    strategy = config.get("strategy", "recursive")
    output_steps = config.get("output_steps")
    if output_steps is None:
        output_steps = config.get("direct_steps", 30) if strategy == "direct" else 1
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
        "strategy": strategy,
        "output_steps": output_steps,
        "season": config.get("season"),
        "calendar": config.get("calendar") or "none",  # what it fitted with; older runs: none
        "future_features": config.get("future_features") or None,
        "holidays": config.get("holidays"),
        "precision": config.get("engine", {}).get("precision", "float32"),
    }


def read_forecaster(path: str | os.PathLike, cls: type):
    """A `Forecaster` loaded from a run directory of either forecaster kind.

    The run is checked (manifest, checksums, format, archive allowlist) and
    the model loaded with `safe_mode=True`.

    Args:
        path: the run directory.
        cls: the class to make: `Forecaster` (or a subclass).

    Raises:
        RunError: for a missing, incomplete, corrupt or incompatible run, or
            one of another kind.

    Example:
    >>> read_forecaster("runs/msft", Forecaster).model
    'tcn'
    """
    path = Path(path)
    config = run_dir.read_run_dir(path)
    kind = kinds.kind_of(config, path)
    kinds.require(kind, kinds.FORECASTER.family, path)
    try:
        t = config["training"]
        fc = cls(**settings_from_config(config))
        fc.engine_ = Engine.from_dict(config.get("engine", {}))
        fc.season_ = config.get("season")
        fc.calendar_ = tuple(int(m) for m in config.get("calendar") or ())
        fc.future_features_ = list(fc.future_features or [])
        fc.holidays_ = fc.holidays
        fc.transform_ = config["transform"]
        fc.window_ = int(config["window"])
        fc.strategy_, fc.output_steps_ = fc.strategy, fc.output_steps
        fc.strategy_reason_ = str(config.get("strategy_reason", "given"))  # older runs: given
        fc.window_reason_ = str(config.get("window_reason", "given"))  # older runs: given
        fc.transform_reason_ = str(config.get("transform_reason", ""))  # older runs: none
        fc.data_ = check_data_facts(config["data"], kind.many_series)
        if kind.many_series:
            fc.scalers_ = {sid: StandardScaler.from_dict(s) for sid, s in config["scalers"].items()}
            fc.skipped_ = list(config["skipped_series"])
        else:
            fc.scalers_ = {fc.data_["target"]: StandardScaler.from_dict(config["scaler"])}
            fc.skipped_ = []
        fc.training_ = {k: t[k] for k in TRAINING_FACTS}
        fc.training_["series"] = t.get("series", len(fc.scalers_))
        fc.training_["skipped_series"] = t.get("skipped_series", len(fc.skipped_))
        fc.training_["warm_start"] = t.get("warm_start", False)  # runs before it: cold
        for key in ("learning_rate_schedule", "final_learning_rate"):  # runs since issue 20
            if key in t:
                fc.training_[key] = t[key]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        text = str(exc)[:200] or type(exc).__name__
        raise RunError(f"run {path} is malformed (config.json: {text}); fit it again.") from None
    fc.metrics_ = run_dir.read_json(path / "metrics.json")
    residuals = path / RESIDUALS
    try:
        values = run_dir.read_json(residuals)["values"] if residuals.exists() else []
        fc.residuals_ = np.asarray(values, np.float32).reshape(-1)
        fc.history_ = spreadsheet_text(pd.read_csv(path / "history.csv", index_col=0))
        fc.predictions_ = read_predictions(path, config)
        columns = [fc.data_["target"], *fc.data_["features"], *fc.future_features_]
        fc.context_ = _read_timed_csv(path / "context.csv", fc.data_, columns)
    except (KeyError, TypeError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise RunError(f"run {path} is malformed ({text}); fit it again.") from None
    with policy_scope(fc.engine_.dtype_policy):  # the trained precision
        fc.model_ = run_dir.load_model(path)
    return fc


def read_predictions(path: str | os.PathLike, config: dict) -> pd.DataFrame:
    """A run's one-step predictions (`split`, `actual`, `model`, `naive`; the id first for many).

    Example:
    >>> read_predictions("runs/msft", config).columns.tolist()
    ['split', 'actual', 'model', 'naive']
    """
    return _read_timed_csv(Path(path) / "predictions.csv", config["data"])


def _read_timed_csv(path: Path, data: dict, numeric: list[str] | None = None) -> pd.DataFrame:
    """A CSV the run wrote, indexed by time (ids read as text in long format).

    Raises:
        ValueError: when it is not the CSV the run wrote: a time that is not a
            date, or a `numeric` column missing or not all finite numbers.
    """
    ids = {data["id_column"]: str, f"'{data['id_column']}": str} if data.get("id_column") else None
    frame = spreadsheet_text(pd.read_csv(path, index_col=0, dtype=ids, compression=None))
    if data.get("time_column") is not None:
        frame.index = pd.DatetimeIndex(
            pd.to_datetime(frame.index, format="ISO8601"), name=data["time_column"]
        )
    for column in numeric or []:
        values = pd.to_numeric(frame[column], errors="coerce") if column in frame else None
        if values is None or not np.isfinite(values.to_numpy(dtype=np.float64)).all():
            raise ValueError(f"{path.name}: column {column!r} is missing or not numbers")
    return frame


def check_data_facts(data, many: bool) -> dict:
    """The run's `data` entry, checked for what forecasting reads from it.

    Raises:
        ValueError: naming the first field that is missing or malformed (a junk
            frequency used to surface as a traceback at forecast time).

    Example:
    >>> check_data_facts({"target": "Close", "features": [], "freq": "B"}, False)["freq"]
    'B'
    """
    from pandas.tseries.frequencies import to_offset

    if not isinstance(data, dict):
        raise ValueError("data is not an object")
    if not isinstance(data.get("target"), str):
        raise ValueError("data.target is missing or not text")
    features = data.setdefault("features", [])
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        raise ValueError(f"data.features={str(features)[:80]}")
    for key in ("time_column", "id_column", "timezone"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ValueError(f"data.{key}={str(data[key])[:80]}")
    if many and not isinstance(data.get("id_column"), str):
        raise ValueError("data.id_column is missing")
    freqs = data.get("freq")
    if many and not isinstance(freqs, dict):
        raise ValueError("data.freq is not a frequency per series")
    for freq in freqs.values() if many else [freqs]:
        if freq is None:
            continue
        try:
            to_offset(freq)
        except (TypeError, ValueError):
            raise ValueError(f"data.freq={str(freq)[:80]!r} is not a frequency") from None
    if data.get("timezone") is not None:
        try:
            local_index(pd.DatetimeIndex(["2000-01-01"]), data["timezone"])
        except (ValueError, KeyError, zoneinfo.ZoneInfoNotFoundError):
            raise ValueError(f"data.timezone={data['timezone'][:80]!r} is not a zone") from None
    floors = data.get("lower", {})  # since issue 22: {id: 0.0 or None}
    if not isinstance(floors, dict) or not all(
        v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
        for v in floors.values()
    ):
        raise ValueError(f"data.lower={str(floors)[:80]}")
    return data
