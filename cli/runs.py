"""`tsconv runs`, `tsconv show` and `tsconv plot`: look at saved runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tsconv_cli.common import DEBUG, setup, user_errors

RUNS_DIR = typer.Option(help="Folder of runs (image-runs for image classifiers).")
JSON = typer.Option("--json", help="Print the result as JSON.")
RUN = typer.Argument(help="Run name or folder [default: the latest].", show_default=False)


def list_command(
    runs_dir: Annotated[Path, RUNS_DIR] = Path("runs"),
    as_json: Annotated[bool, JSON] = False,
    debug: Annotated[bool, DEBUG] = False,
) -> None:
    """List runs, newest first: model, window, date and the test score against naive."""
    setup(quiet=True)
    with user_errors(debug):
        from tsconv.jobs.runs import list_runs

        table = list_runs(runs_dir)
    if as_json:
        typer.echo(table.to_json(orient="records", indent=2))
    elif table.empty:
        typer.echo(f"no runs in {runs_dir}/ yet; train one with `tsconv fit data.csv`.")
    else:
        shown = table.assign(
            latest=table["latest"].map({True: "*", False: ""}),
            score=table["score"].map(lambda v: "-" if v is None or v != v else f"{v:.3f}"),
        ).fillna("-")
        typer.echo(shown.to_string(index=False))
        typer.echo("score: test MAE / naive (below 1 beats naive); image runs: accuracy")


def show(
    run: Annotated[str | None, RUN] = None,
    runs_dir: Annotated[Path, RUNS_DIR] = Path("runs"),
    as_json: Annotated[bool, JSON] = False,
    debug: Annotated[bool, DEBUG] = False,
) -> None:
    """Show one run's config and metrics (checked against its manifest)."""
    setup(quiet=True)
    with user_errors(debug):
        from tsconv.jobs.runs import describe_run, show_run

        record = show_run(run, runs_dir)
    typer.echo(json.dumps(record, indent=2) if as_json else describe_run(record))


def plot(
    run: Annotated[str | None, RUN] = None,
    runs_dir: Annotated[Path, RUNS_DIR] = Path("runs"),
    out: Annotated[Path, typer.Option(help="Folder to write the PNGs into.")] = Path("."),
    debug: Annotated[bool, DEBUG] = False,
) -> None:
    """Draw a run's plots again, as PNGs beside you (the run itself stays sealed)."""
    setup(quiet=True)
    with user_errors(debug):
        from tsconv.jobs.runs import plot_run

        files = plot_run(run, runs_dir, out)
    for file in files:
        typer.echo(str(file))
