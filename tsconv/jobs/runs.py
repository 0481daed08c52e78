"""`tsconv runs`, `tsconv show` and `tsconv plot`: look at saved runs of every kind.

Listing and showing read JSON only (`tsconv.runs.listing`), so `tsconv runs`
never starts TensorFlow; `plot_run` draws a run's plots again outside it (the
run is sealed by its manifest), for a forecaster of one series or many and
for an image classifier.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from tsconv.errors import InputError
from tsconv.files import check_folder, write_atomically
from tsconv.runs import kinds
from tsconv.runs.listing import describe_run, list_runs, show_run

__all__ = ["describe_run", "list_runs", "plot_run", "show_run"]


def plot_run(
    run: str | os.PathLike | None = None,
    runs_dir: str | os.PathLike = "runs",
    out: str | os.PathLike | None = None,
) -> list[Path]:
    """Draws a run's plots again, outside the run (its files are sealed by its manifest).

    A forecaster gets `<run>-fit.png` (training curves and test predictions;
    one panel per series, the first few, for many); an image classifier
    `<run>-curves.png` and `<run>-confusion.png`.

    Args:
        run: a run folder, a run name under `runs_dir`, or None for the latest.
        runs_dir: the folder of runs.
        out: the folder to write into [default: the current folder].

    Returns:
        The files written.

    Raises:
        RunError: for no such run, or an incomplete or corrupt one.

    Example:
    >>> plot_run("msft")
    [PosixPath('msft-fit.png')]
    """
    record = show_run(run, runs_dir)
    path, config = Path(record["path"]), record["config"]
    folder = Path(out) if out is not None else Path.cwd()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {folder} is a file; give a folder for the plots.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder {folder} ({exc.strerror}).") from None
    check_folder(folder, f"plots into {folder}", "--out")
    kind = kinds.kind_of(config, path)
    history = pd.read_csv(path / "history.csv", index_col=0)
    if kind.family == kinds.IMAGE_CLASSIFIER.family:
        from tsconv.image.plots import plot_confusion, plot_training_curves

        curves = folder / f"{path.name}-curves.png"
        confusion = folder / f"{path.name}-confusion.png"
        write_atomically(curves, lambda tmp: plot_training_curves(history, tmp), ".png")
        matrix = np.asarray(record["metrics"]["validation"]["confusion"])
        names = config["class_names"]
        write_atomically(confusion, lambda tmp: plot_confusion(matrix, names, tmp), ".png")
        return [curves, confusion]
    from tsconv.forecasters.files import read_predictions
    from tsconv.plots import plot_fit

    predictions = read_predictions(path, config)
    id_column = config["data"].get("id_column") if kind.many_series else None
    name = str(config["data"].get("target", "value"))
    target = folder / f"{path.name}-fit.png"
    write_atomically(
        target,
        lambda tmp: plot_fit(history, predictions, tmp, id_column=id_column, target=name),
        ".png",
    )
    return [target]
