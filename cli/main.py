"""The `tsconv` command: one Typer app, one module per command, TensorFlow loaded lazily."""

from __future__ import annotations

import importlib.metadata
import os
import sys
from typing import Annotated

import typer

from tsconv_cli.backtest import backtest, compare
from tsconv_cli.fit import fit
from tsconv_cli.forecast import forecast
from tsconv_cli.image import app as image_app
from tsconv_cli.runs import list_command, plot, show

app = typer.Typer(
    name="tsconv",
    help="Forecast time series with convolutional Keras models, always beside the naive forecast.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    # Plain help: rich's markup read "[default: …]" as a style tag (leaving "Column to
    # forecast .") and gave every flag a "<bool>" metavar.
    rich_markup_mode=None,
)
app.command("fit")(fit)
app.command("forecast")(forecast)
app.command("backtest")(backtest)
app.command("compare")(compare)
app.command("runs")(list_command)
app.command("show")(show)
app.command("plot")(plot)
app.add_typer(image_app, name="image")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tsconv {importlib.metadata.version('tsconv')}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """tsconv: `tsconv fit data.csv --window 100`, then `tsconv forecast --horizon 30`."""


def _silence_native_stderr() -> None:
    """Sends fd 2 to /dev/null while Python's `sys.stderr` keeps the real stream.

    TensorFlow's C++ start-up messages (CUDA probing, absl) are written to
    fd 2 before any log-level setting applies; tsconv's own logs and errors
    go through `sys.stderr` and still show.
    """
    try:
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        sys.stderr = os.fdopen(saved, "w", buffering=1)
    except OSError:  # no usable fd 2: nothing to silence
        pass


def main() -> None:
    """Entry point of the `tsconv` command."""
    if not {"-v", "--verbose", "--debug"} & set(sys.argv[1:]):
        _silence_native_stderr()
    app()


if __name__ == "__main__":
    main()
