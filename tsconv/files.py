"""Writing an output file atomically: a temporary name in the same folder, then a rename."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def write_atomically(
    path: str | os.PathLike, write: Callable[[Path], None], suffix: str = ""
) -> Path:
    """Calls `write(tmp)`, flushes `tmp` to disk and renames it to `path`: never half a file.

    Args:
        path: the file to (re)place.
        write: writes the whole file at the path it is given.
        suffix: ending of the temporary name, for writers that choose the format
            by extension (`".png"` for matplotlib).

    Returns:
        `path` as a `Path`.

    Example:
    >>> write_atomically("forecast.csv", lambda tmp: table.to_csv(tmp))
    PosixPath('forecast.csv')
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.part{suffix}")  # a stale one is overwritten
    try:
        write(tmp)
        fsync(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def fsync(path: str | os.PathLike) -> None:
    """Flushes a file (or a folder's entries) to disk, so a rename never publishes less."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
