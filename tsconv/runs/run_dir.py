"""Run directories: written atomically, named, checked by manifest, loaded safely.

A run is written into a hidden temporary folder beside its final place,
sealed with `manifest.json` (the SHA-256 of every file, written last), and
renamed into place in one step; only then does `latest` point at it. An
interrupted fit therefore never leaves a folder that a later forecast would
pick up. Every kind of run (`tsconv.runs.kinds`) is written and read here;
`run_name` names them and `versions` records what wrote them.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import shutil
import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tsconv.errors import InputError, RunError
from tsconv.files import check_folder, fsync

if TYPE_CHECKING:
    import keras

logger = logging.getLogger(__name__)

FORMAT = 1  # bump when a run directory written by an older tsconv can no longer be read
MANIFEST = "manifest.json"
CONFIG = "config.json"
MODEL = "model.keras"
LATEST = "latest"
TMP_PREFIX = ".tmp-"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def run_name(runs_dir: str | os.PathLike, prefix: str = "") -> str:
    """A new run's default name: the current time, `YYYYmmdd-HHMMSS` (`-2`, `-3`… when taken).

    Args:
        runs_dir: the folder the run goes into.
        prefix: put in front, with a dash (`"cnn"` gives `cnn-20261202-101500`).

    Example:
    >>> run_name("runs")
    '20261202-101500'
    """
    base = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = f"{prefix}-{base}" if prefix else base
    name, k = base, 1
    while (Path(runs_dir) / name).exists():
        k += 1
        name = f"{base}-{k}"
    return name


def versions(*packages: str) -> dict:
    """The versions that wrote a run: Keras and its backend, tsconv, NumPy, pandas and `packages`.

    Example:
    >>> sorted(versions("pillow"))
    ['backend', 'keras', 'numpy', 'pandas', 'pillow', 'tensorflow', 'tsconv']
    """
    import keras  # a run is only written after a model was built: Keras is loaded already

    found = {"keras": keras.__version__, "backend": keras.backend.backend()}
    for package in ("tsconv", "tensorflow", "numpy", "pandas", *packages):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = None
    return found


def write_run_dir(path: str | os.PathLike, write_files: Callable[[Path], None]) -> Path:
    """Writes a run directory atomically.

    Args:
        path: the final directory; it must not exist yet.
        write_files: writes the run's files into the folder it is given.

    Returns:
        The final path.

    Raises:
        RunError: when `path` already exists.
    """
    final = Path(path)
    if final.exists():
        raise RunError(f"{final} already exists; choose another name or delete it.")
    final.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(final.parent)
    tmp = final.parent / f"{TMP_PREFIX}{final.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        write_files(tmp)
        write_manifest(tmp)
        for file in tmp.iterdir():
            fsync(file)
        fsync(tmp)
        try:
            os.rename(tmp, final)
        except OSError as exc:  # another process published the same name meanwhile
            if not final.exists():
                raise
            raise RunError(
                f"run {final.name!r} already exists in {final.parent}/ (written meanwhile); "
                "choose another --name."
            ) from exc
        fsync(final.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def publish(runs_dir: str | os.PathLike, name: str, write_files: Callable[[Path], None]) -> Path:
    """Writes run `name` under `runs_dir` atomically and points `latest` at it.

    Raises:
        InputError: for a name that is not a plain folder name.
        RunError: when a run of that name exists.
    """
    if not NAME_PATTERN.match(name) or name == LATEST:
        raise InputError(
            f"run name must be letters, digits, '.', '_' or '-' (not {LATEST!r}). Received: "
            f"name={name!r}"
        )
    final = write_run_dir(Path(runs_dir) / name, write_files)
    set_latest(runs_dir, name)
    return final


def check_runs_dir(runs_dir: str | os.PathLike, option: str = "--runs-dir") -> None:
    """Raises `InputError` now for a runs folder a fit could not publish into (after training).

    A file in its place, a `latest` that is a folder of its own (tsconv keeps a link
    there), or a place that cannot be written.
    """
    runs_dir = Path(runs_dir)
    if runs_dir.exists() and not runs_dir.is_dir():
        raise InputError(f"{option} {runs_dir} is a file; give a folder for the runs.")
    latest = runs_dir / LATEST
    if latest.exists() and not latest.is_symlink():
        raise InputError(
            f"{latest} is a {'folder' if latest.is_dir() else 'file'}, not the link tsconv keeps "
            f"to the newest run; rename it, or give another {option}."
        )
    existing = runs_dir
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(f"{option} {runs_dir} is inside a file ({existing}); give a folder.")
    check_folder(existing, f"runs into {runs_dir}", option)


def set_latest(runs_dir: str | os.PathLike, name: str) -> None:
    """Points `runs_dir/latest` at run `name` by an atomic symlink swap."""
    runs_dir = Path(runs_dir)
    tmp = runs_dir / f"{TMP_PREFIX}{LATEST}-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(name, tmp)
    os.replace(tmp, runs_dir / LATEST)


def clean_stale(runs_dir: Path) -> None:
    """Removes temporary folders left by fits that were killed (their process is gone)."""
    if not runs_dir.is_dir():
        return
    for entry in runs_dir.iterdir():
        if not entry.name.startswith(TMP_PREFIX):
            continue
        pid = entry.name.rsplit("-", 1)[-1]
        if pid.isdigit() and process_alive(int(pid)):
            continue
        logger.info("removing %s, left by an interrupted fit", entry)
        if entry.is_symlink() or entry.is_file():
            entry.unlink()
        else:
            shutil.rmtree(entry, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """Whether process `pid` is running (one owned by another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path) -> None:
    """Seals a run folder: `manifest.json` with the format and every other file's SHA-256."""
    files = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != MANIFEST)
    manifest = {"format": FORMAT, "files": {name: _sha256(folder / name) for name in files}}
    write_json(folder / MANIFEST, manifest)


def write_json(path: Path, data: dict) -> None:
    """Writes JSON to a temporary name, flushes it, then renames it into place."""
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, allow_nan=True)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def resolve_run(run: str | os.PathLike | None, runs_dir: str | os.PathLike = "runs") -> Path:
    """The run directory meant by `run`: a path, a name under `runs_dir`, or None for the latest.

    Raises:
        RunError: when there is no such run, or no run yet.
    """
    runs_dir = Path(runs_dir)
    if run is None:
        latest = runs_dir / LATEST
        if not latest.exists():
            raise RunError(
                f"no run yet in {runs_dir}/; train one first with `tsconv fit data.csv`, "
                "or give a run's name or folder."
            )
        return latest.resolve()
    path = Path(run)
    if path.is_dir():
        return path
    if (runs_dir / path).is_dir():
        return runs_dir / path
    names = sorted(
        p.name
        for p in (runs_dir.iterdir() if runs_dir.is_dir() else ())
        if p.is_dir() and not p.name.startswith(".") and p.name != LATEST
    )
    close = difflib.get_close_matches(str(run), names, n=3)
    hint = (
        f"did you mean {', '.join(repr(n) for n in close)}?"
        if close
        else f"`tsconv runs --runs-dir {runs_dir}` lists the {len(names)} run(s) there."
        if names
        else f"there are no runs in {runs_dir}/ yet."
    )
    raise RunError(f"run {str(run)!r} not found (looked for {path} and {runs_dir / path}); {hint}")


def read_run_dir(path: str | os.PathLike) -> dict:
    """Checks a run directory and returns its config.

    Checks, in order: the manifest exists (else the run is incomplete), every
    file matches its SHA-256 (else it is corrupt), the format is one this
    tsconv reads, and the model file is a Keras archive naming only what tsconv
    writes (`tsconv.runs.keras_archive.check_keras_archive`).

    Raises:
        RunError: naming what is wrong and what to do.
    """
    path = Path(path)
    if not path.is_dir():
        raise RunError(f"run {path} not found; give a run folder written by `tsconv fit`.")
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise RunError(f"run {path} is incomplete (no {MANIFEST}); fit it again.")
    manifest = read_json(manifest_path, path)
    files = manifest.get("files")
    if not isinstance(files, dict) or CONFIG not in files or MODEL not in files:
        raise RunError(f"run {path} has a malformed {MANIFEST}; fit it again.")
    for entry in sorted(path.iterdir()):  # every file tsconv may read is sealed
        if entry.name == MANIFEST:
            continue
        if entry.is_symlink() or not entry.is_file():  # a FIFO would hang a reader
            raise RunError(f"run {path} is malformed ({entry.name} is not a regular file).")
        if entry.name not in files:
            raise RunError(
                f"run {path} is corrupt ({entry.name} is not in its {MANIFEST}); fit it again."
            )
    for name, digest in files.items():
        file = path / name
        if not isinstance(name, str) or Path(name).name != name or not file.is_file():
            raise RunError(f"run {path} is corrupt ({str(name)[:80]} is missing); fit it again.")
        if _sha256(file) != digest:
            raise RunError(f"run {path} is corrupt (checksum mismatch in {name}); fit it again.")
    config = read_json(path / CONFIG, path)
    if config.get("format") != FORMAT:
        raise RunError(
            f"run {path} was written by tsconv {config.get('tsconv_version', '?')} in run format "
            f"{config.get('format')!r}; this tsconv reads format {FORMAT}. Fit it again."
        )
    from tsconv.runs.keras_archive import check_keras_archive  # imports Keras

    check_keras_archive(path / MODEL)
    return config


def load_model(path: str | os.PathLike) -> keras.Model:
    """Loads a run's model from bytes read once and matched to its manifest: allowlist, then
    `safe_mode=True` (see `keras_archive`), so a file swapped after `read_run_dir` is refused.
    """
    from tsconv.runs.keras_archive import load_keras_archive

    path = Path(path)
    digest = read_json(path / MANIFEST, path).get("files", {})
    digest = digest.get(MODEL) if isinstance(digest, dict) else None
    if not isinstance(digest, str):
        raise RunError(f"run {path} has a malformed {MANIFEST}; fit it again.")
    return load_keras_archive(path / MODEL, sha256=digest)


# A run's JSON files are a few KiB to a few MiB (residuals: 5,000 numbers).
MAX_JSON_BYTES = 64 << 20


def read_json(file: Path, run: Path | None = None) -> dict:
    """Reads a JSON object from a run's file, as a `RunError` if it is unreadable, larger
    than `MAX_JSON_BYTES`, nested too deeply, or not a regular file."""
    run = file.parent if run is None else run
    try:
        with os.fdopen(os.open(file, os.O_RDONLY | os.O_NONBLOCK), "rb") as f:  # no FIFO wait
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise RunError(f"run {run} is malformed ({file.name} is not a regular file).")
            text = f.read(MAX_JSON_BYTES + 1)
        if len(text) > MAX_JSON_BYTES:
            raise RunError(
                f"run {run} is malformed ({file.name} is over {MAX_JSON_BYTES:,} bytes)."
            )
        data = json.loads(text)
    except RecursionError:
        raise RunError(f"run {run} is malformed ({file.name} is nested too deeply).") from None
    except (OSError, ValueError) as exc:
        text = str(exc)[:200]
        raise RunError(f"run {run}: {file.name} is unreadable ({text}); fit it again.") from None
    if not isinstance(data, dict):
        raise RunError(f"run {run}: {file.name} is malformed; fit it again.")
    return data
