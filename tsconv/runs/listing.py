"""Looking at saved runs: a table of all of them, and one run's record.

Reading a run here never loads its model: the table and the record come from
the run's JSON files, so listing a folder of runs is quick and cannot run code
(`show_run` checks the manifest and the archive, still without loading it).
What each kind holds comes from `tsconv.runs.kinds`.
"""

from __future__ import annotations

import json
import math
import os
from datetime import datetime
from pathlib import Path

import pandas as pd

from tsconv.errors import InputError, RunError
from tsconv.runs import kinds, run_dir

COLUMNS = [
    "run",
    "latest",
    "kind",
    "model",
    "window",
    "target",
    "data",
    "created",
    "score",
    "status",
]


def list_runs(runs_dir: str | os.PathLike = "runs") -> pd.DataFrame:
    """One row per run folder in `runs_dir`, newest first.

    `score` is the test MAE as a ratio to the naive forecast's for a
    forecaster (the mean over series for a global one; below 1 beats naive),
    and the validation top-1 accuracy for an image classifier. `status` is
    `"ok"`, or `"incomplete"` for a folder without a manifest. Checksums are
    not read here (`show_run` checks them).

    Args:
        runs_dir: the folder of runs (`runs/` for forecasters, `image-runs/` for images).

    Returns:
        A `DataFrame` with columns `COLUMNS`; empty when there is no run.

    Raises:
        InputError: when `runs_dir` does not exist.

    Example:
    >>> list_runs("runs")[["run", "model", "score"]].head(1)
    """
    root = Path(runs_dir)
    if not root.is_dir():
        raise InputError(f"no runs folder {root}; train one with `tsconv fit data.csv`.")
    latest = (root / run_dir.LATEST).resolve() if (root / run_dir.LATEST).is_symlink() else None
    rows = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or folder.name == run_dir.LATEST or not folder.is_dir():
            continue
        rows.append(_row(folder, latest))
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.sort_values("created", ascending=False, kind="stable").reset_index(drop=True)


def _row(folder: Path, latest: Path | None) -> dict:
    row = dict.fromkeys(COLUMNS)
    row.update(run=folder.name, latest=folder.resolve() == latest)
    manifest = folder / run_dir.MANIFEST
    when = manifest if manifest.is_file() else folder
    row["created"] = datetime.fromtimestamp(when.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    if not manifest.is_file():
        row["status"] = "incomplete"
        return row
    try:
        config = _read(folder / run_dir.CONFIG)
        metrics = _read(folder / "metrics.json")
    except RunError:
        row["status"] = "unreadable"
        return row
    try:
        kind = kinds.kind_of(config, folder).name
    except RunError:
        kind = str(config.get("kind"))
    row.update(
        status="ok",
        kind=kind,
        model=config.get("model"),
        window=config.get("window"),
        target=config.get("data", {}).get("target"),
        data=_data_name(config),
        score=score(config, metrics),
    )
    return row


def _data_name(config: dict) -> str | None:
    """The file (or image folder) a run was fitted on, by its name: `msft.csv`."""
    data = config.get("data")
    source = (data.get("source") or data.get("directory")) if isinstance(data, dict) else None
    return (Path(str(source)).name or None) if source else None


def score(config: dict, metrics: dict) -> float | None:
    """The one number that says how good a run is (see `list_runs`), or None.

    Example:
    >>> score({"kind": "image-classifier"}, {"validation": {"top1": 0.9}})
    0.9
    """
    try:
        kind = kinds.kind_of(config)
        if kind.family == kinds.IMAGE_CLASSIFIER.family:
            return float(metrics["validation"]["top1"])
        test = metrics["test"]
        if kind.many_series:
            return float(test["summary"]["mae_ratio_mean"])
        naive = float(test["naive"]["mae"])
        ratio = float(test["model"]["mae"]) / naive if naive > 0 else math.nan
        return ratio if math.isfinite(ratio) else None
    except (KeyError, TypeError, ValueError, RunError):
        return None


def show_run(run: str | os.PathLike | None = None, runs_dir: str | os.PathLike = "runs") -> dict:
    """One run's record: where it is, its config and metrics, checked by its manifest.

    Args:
        run: a run folder, a run name under `runs_dir`, or None for the latest.
        runs_dir: the folder of runs.

    Returns:
        `{"run", "path", "config", "metrics", "score"}` (JSON types).

    Raises:
        RunError: for no such run, or an incomplete or corrupt one.

    Example:
    >>> show_run("msft")["config"]["model"]
    'tcn'
    """
    path = run_dir.resolve_run(run, runs_dir)
    config = run_dir.read_run_dir(path)  # manifest, checksums, format, archive allowlist
    metrics = run_dir.read_json(path / "metrics.json", path)
    return {
        "run": path.name,
        "path": str(path),
        "config": config,
        "metrics": metrics,
        "score": score(config, metrics),
    }


def describe_run(record: dict) -> str:
    """A few readable lines of a `show_run` record.

    Example:
    >>> print(describe_run(show_run("msft")))
    """
    config, metrics = record["config"], record["metrics"]
    kind = kinds.kind_of(config, record["path"])
    lines = [f"run {record['run']} ({record['path']})"]
    if kind.family == kinds.IMAGE_CLASSIFIER.family:
        lines.append(f"image classifier, classes {config.get('class_names')}")
        validation = metrics.get("validation", {})
        lines.append(
            f"validation accuracy {validation.get('top1', float('nan')):.3f} (always the "
            f"commonest class: {validation.get('majority_class_accuracy', float('nan')):.3f})"
        )
        return "\n".join(lines)
    data, training = config.get("data", {}), config.get("training", {})
    lines.append(
        f"{kind.name} {config.get('model')}, window {config.get('window')}, transform "
        f"{config.get('transform')}, target {data.get('target')!r} of {data.get('source')}"
    )
    device = config.get("engine", {}).get("device")
    lines.append(
        f"trained {training.get('epochs_run', '?')} epoch(s), seed {training.get('seed')}"
        + (f", on {device}" if device else "")
    )
    for split in ("validation", "test"):
        part = metrics.get(split, {})
        if "model" in part and "naive" in part:
            model, naive = part["model"]["mae"], part["naive"]["mae"]
            lines.append(f"{split} MAE {model:.4g} (naive {naive:.4g})")
        elif "summary" in part:
            lines.append(
                f"{split} MAE / naive, mean over series {part['summary']['mae_ratio_mean']:.3f}"
            )
    if record["score"] is not None:
        verdict = "beats" if record["score"] < 1 else "does not beat"
        lines.append(f"test MAE / naive {record['score']:.3f}: {verdict} the naive forecast")
    return "\n".join(lines)


def _read(file: Path) -> dict:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise RunError(f"{file} is unreadable.") from None
    if not isinstance(data, dict):
        raise RunError(f"{file} is malformed.")
    return data
