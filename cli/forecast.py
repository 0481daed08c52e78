"""`tsconv forecast`: forecast the future with a saved run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tsconv_cli.common import (
    DEBUG,
    JSON,
    QUIET,
    VERBOSE,
    setup,
    show,
    split_numbers,
    user_errors,
)

FORMATS = ("table", "csv", "json")


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
    future: Annotated[
        Path | None,
        typer.Option(
            "--future",
            help="CSV of the run's --future-features at the forecast steps (its time column "
            "and those columns, a row per step).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="CSV file to write, or - for standard output [default: forecast.csv; none "
            "with --format csv, whose table goes to stdout]. A link is written through.",
            show_default=False,
        ),
    ] = None,
    plot: Annotated[
        bool, typer.Option("--plot", help="Also write a PNG of history + forecast beside --out.")
    ] = False,
    samples: Annotated[
        int | None,
        typer.Option(
            help="Sampled trajectories (each step samples and feeds back); 0 = point forecast "
            "only [default: 200 with --quantiles]."
        ),
    ] = None,
    quantiles: Annotated[
        str | None,
        typer.Option(help="Quantiles of the samples to write, e.g. 0.05,0.5,0.95."),
    ] = None,
    temperature: Annotated[
        float, typer.Option(help="Sampling spread: 1 = fitted, <1 sharper, >1 wider, 0 = point.")
    ] = 1.0,
    seed: Annotated[int | None, typer.Option(help="Seed for reproducible samples.")] = None,
    lower: Annotated[
        str,
        typer.Option(
            help="Floor of the forecast and its quantiles: a number, none, or auto (0 for a "
            "series that reached 0 and never went below: counts, sales)."
        ),
    ] = "auto",
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="What stdout gets: table (a summary), csv (the forecast only, for pipes) or json.",
        ),
    ] = "table",
    as_json: Annotated[bool, JSON] = False,
    quiet: Annotated[bool, QUIET] = False,
    verbose: Annotated[bool, VERBOSE] = False,
    debug: Annotated[bool, DEBUG] = False,
) -> None:
    """Forecast HORIZON steps after the end of the data, by autoregressive rollout.

    With --samples or --quantiles, sampled trajectories give per-step quantiles
    (written beside the forecast; --plot draws them as a fan chart), centred on the
    point forecast: q0.5 is the forecast.
    """
    setup(quiet, verbose)
    output_format = "json" if as_json else output_format
    with user_errors(debug):
        from tsconv.errors import InputError
        from tsconv.jobs.forecast import forecast_run

        if output_format not in FORMATS:
            raise InputError(
                f"--format must be one of {', '.join(FORMATS)}. Received: {output_format!r}"
            )

        if out is not None and str(out) == "-":  # standard output: the CSV alone, as --format csv
            output_format, out = "csv", None
        if out is None and output_format != "csv":
            out = Path("forecast.csv")
        report = forecast_run(
            horizon,
            run=run,
            runs_dir=runs_dir,
            input_path=input,
            fill=fill,
            future_path=future,
            out=out,
            plot=(out or Path("forecast.csv")).with_suffix(".png") if plot else None,
            samples=samples,
            quantiles=split_numbers(quantiles, "--quantiles", float),
            temperature=temperature,
            seed=seed,
            lower=lower,
        )
    if output_format == "csv":
        typer.echo(report.to_csv(), nl=False)
    else:
        show(report, output_format == "json", quiet)
