"""Writing an output file: atomically for a regular file, through links, pipes and devices.

A regular file (or a new one) is written to a temporary name in its folder and
renamed into place, so it is never half there. A symbolic link is followed and
its target written the same way (the link stays a link: `--out` used to
replace a link to a precious file, or `/dev/stdout`, with a regular file). A
FIFO or a character device (a pipe, a terminal, `/dev/null`) is written
through once the whole output exists; `-` is standard output. Anything else
(a folder, a socket) is refused, as is a place that cannot be written, before
any work is done (`check_writable`).
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tsconv.errors import InputError

STDOUT = "-"


def check_writable(path: str | os.PathLike, option: str = "--out", probe: bool = True) -> None:
    """Raises `InputError` now if `path` could not be written later (after minutes of work).

    With `probe`, a file is created in its folder and removed, to be sure; without, only
    what the path is (a folder, a socket, a missing folder) is checked.

    Example:
    >>> check_writable("/no/such/folder/forecast.csv")
    Traceback (most recent call last):
    tsconv.errors.InputError: cannot write --out /no/such/folder/forecast.csv: the folder ...
    """
    if str(path) == STDOUT:
        return
    path = Path(path)
    target = path.resolve() if path.is_symlink() else path
    if target.exists():
        if target.is_dir():
            raise InputError(f"{option} {path} is a folder; give a file name such as out.csv.")
        kind = target.stat().st_mode
        if not (stat.S_ISREG(kind) or stat.S_ISFIFO(kind) or stat.S_ISCHR(kind)):
            raise InputError(f"{option} {path} is not a file, a pipe or a device; give a file.")
        if not (stat.S_ISREG(kind) or os.access(target, os.W_OK)):
            raise InputError(f"cannot write {option} {path}: permission denied.")
    folder = target.parent
    if not folder.is_dir():
        raise InputError(
            f"cannot write {option} {path}: the folder {folder} does not exist; create it or "
            f"give {option} in a folder that does."
        )
    if probe and (not target.exists() or target.is_file()):  # not a pipe or a device
        check_folder(folder, f"{option} {path}", option)


def check_folder(folder: str | os.PathLike, what: str, option: str) -> None:
    """Raises `InputError` unless a file can be created in `folder` (tried for real: as root,
    permissions say yes where a read-only mount says no).

    Args:
        folder: an existing folder.
        what: names what would be written, in the message (`--out forecast.csv`).
        option: the option that chooses the place, for the advice.
    """
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".tsconv-probe-"):
            pass
    except OSError as exc:
        raise InputError(
            f"cannot write {what}: the folder {folder} is not writable ({exc.strerror}); give "
            f"{option} in a folder you can write."
        ) from None


def write_atomically(
    path: str | os.PathLike, write: Callable[[Path], None], suffix: str = ""
) -> Path:
    """Calls `write(tmp)` and puts the whole file at `path`: never half a file.

    Args:
        path: the file to (re)place; a link (its target is written), a FIFO or
            character device (written through), or `"-"` for standard output.
        write: writes the whole file at the path it is given.
        suffix: ending of the temporary name, for writers that choose the format
            by extension (`".png"` for matplotlib).

    Returns:
        `path` as a `Path`.

    Raises:
        InputError: for a folder, a socket or another special file, or a place
            that cannot be written (see `check_writable`).

    Example:
    >>> write_atomically("forecast.csv", lambda tmp: table.to_csv(tmp))
    PosixPath('forecast.csv')
    """
    check_writable(path, probe=False)  # the write itself says the rest, as an InputError
    if str(path) == STDOUT:
        _write_through(None, write, suffix)
        return Path(path)
    path = Path(path)
    target = path.resolve() if path.is_symlink() else path
    if target.exists() and not target.is_file():  # a FIFO or a device: no rename onto it
        _write_through(target, write, suffix)
        return path
    tmp = target.with_name(f".{target.name}.part{suffix}")  # a stale one is overwritten
    try:
        write(tmp)
        fsync(tmp)
        os.replace(tmp, target)
    except OSError as exc:  # a disk that filled, a folder made read-only meanwhile
        raise InputError(f"cannot write {path} ({exc.strerror or exc}).") from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _write_through(target: Path | None, write: Callable[[Path], None], suffix: str) -> None:
    """Writes the whole output to a private temporary file, then copies it to `target`
    (standard output for None), so a failing writer sends nothing."""
    with tempfile.TemporaryDirectory(prefix="tsconv-out-") as folder:
        tmp = Path(folder) / f"out{suffix}"
        write(tmp)
        with open(tmp, "rb") as source:
            if target is None:
                sys.stdout.flush()
                shutil.copyfileobj(source, sys.stdout.buffer)
                sys.stdout.buffer.flush()
            else:
                with open(target, "wb") as sink:
                    shutil.copyfileobj(source, sink)


def fsync(path: str | os.PathLike) -> None:
    """Flushes a file (or a folder's entries) to disk, so a rename never publishes less."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Text a spreadsheet reads as a formula (`=HYPERLINK(…)` as a target's name): such cells
# are written with a leading `'` (OWASP's advice), which spreadsheets show as text.
FORMULA_START = ("=", "+", "@", "\t", "\r")


def _formula_like(text: str) -> bool:
    """Starts as a spreadsheet formula would (`-5` and `-.5` are numbers; `-x` is not)."""
    return text.startswith(FORMULA_START) or (
        text.startswith("-") and not text[1:2].isdigit() and text[1:2] != "."
    )


def spreadsheet_safe(frame):
    """A copy of a `DataFrame` whose text cells, column and index names cannot run as
    formulas: each that starts like one (after any `'`) gets a leading `'`, so that
    `spreadsheet_text` gives back exactly what was written.

    Example:
    >>> spreadsheet_safe(pd.DataFrame({"=HYPERLINK(1)": [1.0]})).columns.tolist()
    ["'=HYPERLINK(1)"]
    """

    def safe(value):
        if isinstance(value, str) and _formula_like(value.lstrip("'")):
            return f"'{value}"
        return value

    return _map_text(frame, safe)


def spreadsheet_text(frame):
    """`spreadsheet_safe` undone, for a CSV tsconv wrote and reads back (a run's files).

    Example:
    >>> spreadsheet_text(spreadsheet_safe(pd.DataFrame({"'=x": [1.0]}))).columns.tolist()
    ["'=x"]
    """

    def plain(value):
        if isinstance(value, str) and value.startswith("'") and _formula_like(value.lstrip("'")):
            return value[1:]
        return value

    return _map_text(frame, plain)


def _map_text(frame, change):
    """`frame` with `change` applied to its column names, index name and text cells."""
    import pandas as pd

    def texty(values) -> bool:
        return pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)

    frame = frame.rename(columns=change, index=change if texty(frame.index) else None)
    frame.index.name = change(frame.index.name)
    for column in frame.columns:
        if texty(frame[column]):
            frame[column] = frame[column].map(change)
    return frame
