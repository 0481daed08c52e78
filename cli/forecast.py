"""`tsconv forecast`: forecast the future with a saved run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tsconv_cli.common import DEBUG, QUIET, VERBOSE, setup, user_errors


def forecast(
    horizon: Annotated[int, typer.Option(help="Steps to forecast.")] = 30,
    run: Annotated[
        str | None, typer.Option(help="Run name or folder [default: runs/latest].")
    ] = None,
    runs_dir: Annotated[Path, typer.Option(help="Folder of runs.")] = Path("runs"),
    input: Annotated[
        Path | None,
        typer.Option(
            "--input", help="Continue from the end of this CSV (same columns as the run)."
        ),
    ] = None,
    fill: Annotated[
        str | None, typer.Option(help="Missing values in --input: ffill, interpolate or drop.")
    ] = None,
    out: Annotated[Path, typer.Option(help="CSV file to write.")] = Path("forecast.csv"),
    plot: Annotated[
        bool, typer.Option("--plot", help="Also write a PNG of history + forecast beside --out.")
    ] = False,
    quiet: Annotated[bool, QUIET] = False,
    verbose: Annotated[bool, VERBOSE] = False,
    debug: Annotated[bool, DEBUG] = False,
) -> None:
    """Forecast HORIZON steps after the end of the data, by autoregressive rollout."""
    setup(quiet, verbose)
    with user_errors(debug):
        from tsconv.jobs import forecast_run

        report = forecast_run(
            horizon,
            run=run,
            runs_dir=runs_dir,
            input_path=input,
            fill=fill,
            out=out,
            plot=out.with_suffix(".png") if plot else None,
        )
    typer.echo(report.summary())
