"""Fits in progress: where their backups live, and which one `--resume` continues.

Each fit backs up into `runs_dir/.unfinished/<name>/` (its settings in
`fit.json`, the training state in `backup/`, see `tsconv.training.resume`) and removes
the folder once the run is published. A fit killed on the way leaves its
folder behind; `tsconv fit ... --resume` with the same settings continues it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
from pathlib import Path

from tsconv.errors import InputError
from tsconv.files import write_atomically
from tsconv.runs.run_dir import process_alive

logger = logging.getLogger(__name__)

UNFINISHED = ".unfinished"
SETTINGS = "fit.json"


def unfinished_dir(runs_dir: str | Path) -> Path:
    """The folder of unfinished fits under `runs_dir`."""
    return Path(runs_dir) / UNFINISHED


def start_fit(
    runs_dir: str | Path, name: str | None, settings: dict, resume: bool, new_name
) -> tuple[str, Path]:
    """Picks the run name and the backup folder of a fit, resuming one when asked.

    Args:
        runs_dir: the folder of runs.
        name: the requested run name, or None.
        settings: the fit's data and options in JSON types; a fit resumes only
            an unfinished fit with equal settings.
        resume: continue an unfinished fit: the one called `name`, or else the
            newest one with these settings. Without one, the fit starts afresh.
        new_name: called for a fresh name when `name` is None.

    Returns:
        `(name, backup folder)`; the backup folder may hold a backup to resume.

    Raises:
        InputError: when `--resume --name NAME` finds NAME's fit with other settings.
    """
    root = unfinished_dir(runs_dir)
    settings = json.loads(json.dumps(settings))  # as read back: tuples become lists
    if resume:
        found = _matching(root, name, settings)
        if found is not None:
            logger.info("resuming the interrupted fit %r", found.name)
            claim(root, found.name)
            return found.name, found / "backup"
        logger.info("no interrupted fit with these settings to resume; starting afresh")
    elif root.is_dir():
        left = [p.name for p in root.iterdir() if (p / SETTINGS).exists() and p.name != name]
        if left:
            logger.info(
                "%d interrupted fit(s) in %s (%s); `--resume` with the same settings continues one",
                len(left),
                root,
                ", ".join(sorted(left)[:5]),
            )
    name = name or new_name()
    folder = root / name
    claim(root, name)
    shutil.rmtree(folder, ignore_errors=True)  # a stale backup of the same name: start afresh
    folder.mkdir(parents=True)
    text = json.dumps(settings, indent=1, sort_keys=True)
    write_atomically(folder / SETTINGS, lambda tmp: tmp.write_text(text))
    return name, folder / "backup"


def claim(root: Path, name: str) -> None:
    """Claims run `name` for this process: `root/<name>.lock`, created exclusively.

    Two `tsconv fit --name same` at once used to both train, and the second to
    fail with a traceback when it published; now the second stops at once. A
    lock whose process is gone (a killed fit) is taken over.

    Raises:
        InputError: when a living process holds the name.
    """
    root.mkdir(parents=True, exist_ok=True)
    lock = root / f"{name}.lock"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                holder = int(lock.read_text().strip() or 0)
            except (OSError, ValueError):
                holder = 0
            if holder and holder != os.getpid() and process_alive(holder):
                raise InputError(
                    f"run {name!r} is being fitted by another tsconv (process {holder}); wait "
                    "for it or choose another --name."
                ) from None
            lock.unlink(missing_ok=True)  # its process is gone: a killed fit's
            continue
        with os.fdopen(fd, "w") as f:
            f.write(str(os.getpid()))
        return


def finish_fit(backup: Path) -> None:
    """Removes a published fit's backups and its claim on the name."""
    (backup.parent.parent / f"{backup.parent.name}.lock").unlink(missing_ok=True)
    shutil.rmtree(backup.parent, ignore_errors=True)
    for folder in (backup.parent.parent, backup.parent.parent.parent):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty: no other unfinished fit, no runs


def _matching(root: Path, name: str | None, settings: dict) -> Path | None:
    if name is not None:
        folder = root / name
        if not (folder / SETTINGS).exists():
            return None
        saved = _settings(folder)
        if saved is None:
            return None
        if saved != settings:
            differ = sorted(
                k for k in set(saved) | set(settings) if saved.get(k) != settings.get(k)
            )
            raise InputError(
                f"the interrupted fit {name!r} used other settings ({', '.join(differ)} differ); "
                "repeat its command with --resume, or leave out --resume to start afresh."
            )
        return folder
    candidates = [
        p
        for p in (root.iterdir() if root.is_dir() else [])
        if (p / SETTINGS).exists() and _settings(p) == settings
    ]
    return max(candidates, key=lambda p: (p / SETTINGS).stat().st_mtime, default=None)


def _settings(folder: Path) -> dict | None:
    """An unfinished fit's saved settings, or None when they cannot be read."""
    try:
        return json.loads((folder / SETTINGS).read_text())
    except (OSError, ValueError):
        logger.warning("ignoring the unfinished fit in %s: its settings are unreadable", folder)
        return None
