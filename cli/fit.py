"""`tsconv fit`: train a forecaster on a CSV and save it as a run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from tsconv_cli.common import DEBUG, QUIET, VERBOSE, setup, split_list, user_errors


def fit(
    csv: Annotated[Path, typer.Argument(help="CSV file with a time column and a numeric target.")],
    window: Annotated[int, typer.Option(help="Observed steps per forecast.")] = 100,
    target: Annotated[
        str | None,
        typer.Option(
            help="Column to forecast [default: Adj Close/Close, else the only numeric column]."
        ),
    ] = None,
    features: Annotated[
        str | None, typer.Option(help="Extra input columns, comma-separated.")
    ] = None,
    time_column: Annotated[str | None, typer.Option(help="Time column [default: found].")] = None,
    fill: Annotated[
        str | None, typer.Option(help="Missing values: ffill, interpolate or drop.")
    ] = None,
    transform: Annotated[str, typer.Option(help="auto, none, diff or log-return.")] = "auto",
    model: Annotated[str, typer.Option(help="Model to train.")] = "conv",
    filters: Annotated[int, typer.Option(help="Convolution filters.")] = 32,
    kernel_size: Annotated[int, typer.Option(help="Convolution kernel size.")] = 3,
    layers: Annotated[int, typer.Option(help="Stacked convolutions.")] = 2,
    dropout: Annotated[float, typer.Option(help="Dropout rate.")] = 0.0,
    loss: Annotated[str, typer.Option(help="mse, mae or huber.")] = "mse",
    epochs: Annotated[int, typer.Option(help="Most epochs (early stopping on validation).")] = 30,
    batch_size: Annotated[int, typer.Option(help="Windows per training step.")] = 64,
    patience: Annotated[int, typer.Option(help="Epochs without improvement before stopping.")] = 5,
    learning_rate: Annotated[float, typer.Option(help="Adam learning rate.")] = 1e-3,
    seed: Annotated[int, typer.Option(help="Random seed: same seed and data, same forecast.")] = 0,
    name: Annotated[str | None, typer.Option(help="Run name [default: date-time].")] = None,
    runs_dir: Annotated[Path, typer.Option(help="Folder of runs.")] = Path("runs"),
    quiet: Annotated[bool, QUIET] = False,
    verbose: Annotated[bool, VERBOSE] = False,
    debug: Annotated[bool, DEBUG] = False,
) -> None:
    """Train a forecaster on CSV and save it under runs/NAME (runs/latest points at it)."""
    progress = setup(quiet, verbose)
    with user_errors(debug):
        from tsconv.jobs import fit_csv

        report = fit_csv(
            csv,
            target=target,
            features=split_list(features),
            time_column=time_column,
            fill=fill,
            name=name,
            runs_dir=runs_dir,
            window=window,
            model=model,
            transform=transform,
            loss=loss,
            epochs=epochs,
            batch_size=batch_size,
            patience=patience,
            learning_rate=learning_rate,
            seed=seed,
            model_options={
                "filters": filters,
                "kernel_size": kernel_size,
                "num_layers": layers,
                "dropout": dropout,
            },
            verbose=progress,
        )
    typer.echo(report.summary())
