"""What every command shares: logging set-up and turning user errors into one line."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import typer

QUIET = typer.Option("--quiet", "-q", help="Show only the result and errors.")
VERBOSE = typer.Option("--verbose", "-v", help="Show info logs, TensorFlow's included.")
DEBUG = typer.Option("--debug", help="Show the full traceback of an error.")
JSON = typer.Option("--json", help="Print the result as JSON (nothing else on stdout).")
OUTPUT_STEPS = typer.Option(
    "--output-steps",
    "--direct-steps",
    help="Target steps per model call with --strategy direct or auto [default: 30; "
    "backtest, compare: the horizon] (--direct-steps: its former name).",
    show_default=False,
)


SEP = typer.Option("--sep", help="Field separator: , ; | or tab [default: found in the file].")
DECIMAL = typer.Option(
    "--decimal", help="Decimal mark: . or , [default: , in files like 1950-01-01;23,11]."
)
DAYFIRST = typer.Option(
    "--dayfirst/--monthfirst",
    help="Dates like 05/04/1958 are 5 April (--dayfirst) or May 4 [default: what the column "
    "shows; refused when every date reads both ways].",
    show_default=False,
)
DATE_FORMAT = typer.Option("--date-format", help="The format of every date, e.g. %d.%m.%Y.")
ENCODING = typer.Option(
    "--encoding", help="The file's text encoding, e.g. latin-1 [default: utf-8]."
)
TIMEZONE = typer.Option(
    "--timezone",
    help="Zone of times written with offsets (+02:00), e.g. Europe/Paris: calendar features "
    "and holidays follow its clock [default: the offset when it never changes, else UTC].",
)


def csv_format(
    sep: str | None,
    decimal: str | None,
    dayfirst: bool | None,
    date_format: str | None,
    encoding: str | None = None,
    timezone: str | None = None,
) -> dict | None:
    """The CSV-reading options given (`tsconv.data.reading.CSVFormat` fields), or None."""
    if sep is not None and sep.lower() in ("tab", "\\t"):
        sep = "\t"
    given = {
        "sep": sep,
        "decimal": decimal,
        "dayfirst": dayfirst,
        "date_format": date_format,
        "encoding": encoding,
        "timezone": timezone,
    }
    return {k: v for k, v in given.items() if v is not None} or None


def show(report, as_json: bool, quiet: bool = False) -> None:
    """Prints a job's report: its summary, or with `as_json` its `to_json()`.

    The summary's "wrote FILE" lines go to stderr (unless `quiet`): stdout holds
    the result only, so `tsconv forecast ... > table.txt` holds just the table.
    """
    import json

    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2))
        return
    lines = report.summary().splitlines()
    typer.echo("\n".join(line for line in lines if not line.startswith("wrote ")))
    if not quiet:
        for line in lines:
            if line.startswith("wrote "):
                typer.echo(line, err=True)


def setup(quiet: bool = False, verbose: bool = False) -> int:
    """Configures logging to stderr and TensorFlow's noise; returns Keras's `verbose`.

    A terminal gets Keras's progress bar; a pipe or file gets one log line per
    epoch on stderr instead, so stdout holds only the result.
    """
    if verbose:
        os.environ["TSCONV_BACKEND_LOGS"] = "1"  # the library silences them by default
    else:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        # TensorFlow's Python warnings (retracing advice for loops of fits) are not the user's.
        logging.getLogger("tensorflow").setLevel(logging.ERROR)
    interactive = sys.stderr.isatty() and sys.stdout.isatty()
    if quiet:
        level = logging.ERROR
    elif verbose or not interactive:
        level = logging.INFO
    else:
        level = logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    # Python warnings (numpy's overflow and invalid-divide RuntimeWarnings) go through the
    # same handler, so --quiet silences them too: they used to print under -q.
    logging.captureWarnings(True)
    for name in ("tsconv", "py.warnings"):
        log = logging.getLogger(name)
        log.handlers[:] = [handler]
        log.setLevel(level)
        log.propagate = False
    return 1 if interactive and not quiet else 0


@contextmanager
def user_errors(debug: bool) -> Iterator[None]:
    """Shows a tsconv error as one line on stderr and exits with code 2.

    Other exceptions are bugs and keep their traceback. tsconv is imported
    only here, after the fact, so `--help` never loads TensorFlow.
    """
    try:
        yield
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing was published.", err=True)
        raise typer.Exit(130) from None
    except Exception as exc:
        from tsconv.errors import TsconvError

        if debug or not isinstance(exc, TsconvError):
            raise
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


@contextmanager
def stops_at_once(message: str) -> Iterator[None]:
    """Ctrl-C ends the process within moments, saying `message`, exit code 130.

    A KeyboardInterrupt waits until TensorFlow hands control back to Python
    (a TCN fit took 44 s to stop). Here the signal's byte, written by Python's
    C-level handler to a wake-up pipe, is read by a thread that exits at once.
    That is safe because every file tsconv writes is written atomically and a
    fit backs up after each epoch: `tests/test_kill_fit.py` kills fits with
    SIGKILL at random moments and finds no half-written run.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    read, write = os.pipe()
    os.set_blocking(write, False)
    previous = signal.set_wakeup_fd(write, warn_on_full_buffer=False)

    def watch() -> None:
        while True:
            byte = os.read(read, 1)
            if not byte:  # the pipe was closed: the command finished
                return
            if byte[0] == signal.SIGINT:
                with contextlib.suppress(OSError, ValueError):  # fd 2 may be /dev/null
                    sys.stderr.write(f"\n{message}\n")  # (cli/main.py): its own fd
                    sys.stderr.flush()
                os._exit(130)

    watcher = threading.Thread(target=watch, name="tsconv-interrupt", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous)
        os.close(write)
        watcher.join(timeout=1)
        os.close(read)


def split_list(text: str | None) -> list[str] | None:
    """`"a, b"` → `["a", "b"]`; None or empty → None."""
    if not text:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def split_numbers(text: str | None, option: str, kind: type = int) -> list | None:
    """`"1,2,4"` → `[1, 2, 4]` (`kind=float`: `"0.05,0.95"` → `[0.05, 0.95]`).

    Anything else is a one-line error with exit code 2.
    """
    parts = split_list(text)
    if parts is None:
        return None
    try:
        return [kind(part) for part in parts]
    except ValueError:
        example = "1,2,4,8" if kind is int else "0.05,0.5,0.95"
        noun = "integers" if kind is int else "numbers"
        typer.echo(f"error: {option} takes {noun} like {example}. Received: {text!r}", err=True)
        raise typer.Exit(2) from None


WINDOW_HELP = (
    "Observed steps per forecast, or auto: two of the longest season the data show (672 "
    "for half-hours with a weekly cycle), at least 100, at most what the series allows."
)


def window_option(text: str) -> int | str:
    """`--window`: an integer (checked by the library) or `auto`; other text is a one-line
    error with exit code 2."""
    if text.strip().lower() == "auto":
        return "auto"
    try:
        return int(text)
    except ValueError:
        typer.echo(
            f"error: --window takes a positive integer or auto. Received: {text!r}", err=True
        )
        raise typer.Exit(2) from None


def calendar_option(text: str | None) -> str | list[int] | None:
    """`--calendar`: `auto`, `none`, season lengths like `48,336`, or left out (None)."""
    if text is None or text.strip().lower() in ("auto", "none"):
        return None if text is None else text.strip().lower()
    return split_numbers(text, "--calendar")


CALENDAR_HELP = (
    "Calendar features known in advance: auto (Fourier terms of --season, else of the "
    "frequency's seasons: 48,336 for half-hours, 7,365 for days, 12 for months), none, or "
    "season lengths like 48,336 [default: the seasons the data confirm, when one is "
    "longer than the window]."
)


FUTURE_FEATURES_HELP = (
    "Columns known in advance (a planned price, a promotion), comma-separated: loaded as "
    "features, each window sees their values at the step it forecasts, and a forecast needs "
    "their future values (tsconv forecast --future FILE)."
)
HOLIDAYS_HELP = (
    "Country code (US, GB, DE, …) of public holidays to flag as a known-in-advance input "
    "(daily or finer data) [default: none]."
)


def given(**options) -> dict:
    """The options the user set (not None): model options differ between models."""
    return {name: value for name, value in options.items() if value is not None}
