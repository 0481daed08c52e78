"""Run directories of every kind: written atomically, sealed, listed, checked, loaded safely.

`run_dir` writes and checks one run (manifest, checksums, format; names and
versions), `kinds` knows each kind of run and its reader, `listing` reads
many runs' JSON for `tsconv runs` and `show`, `unfinished` keeps the backups
of fits under way, and `keras_archive` checks a `.keras` file before Keras
reads it. Only `keras_archive` imports Keras, and only when a model is checked.
"""

from tsconv.runs.run_dir import (
    CONFIG,
    FORMAT,
    LATEST,
    MANIFEST,
    MODEL,
    check_runs_dir,
    clean_stale,
    load_model,
    publish,
    read_json,
    read_run_dir,
    resolve_run,
    run_name,
    set_latest,
    versions,
    write_json,
    write_manifest,
    write_run_dir,
)

__all__ = [
    "CONFIG",
    "FORMAT",
    "LATEST",
    "MANIFEST",
    "MODEL",
    "check_runs_dir",
    "clean_stale",
    "load_model",
    "publish",
    "read_json",
    "read_run_dir",
    "resolve_run",
    "run_name",
    "set_latest",
    "versions",
    "write_json",
    "write_manifest",
    "write_run_dir",
]
