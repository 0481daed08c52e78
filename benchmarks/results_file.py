"""Writes a benchmark's results file: title, exact command, machine, date, then the body."""

from __future__ import annotations

import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

import keras

import tsconv

RESULTS = Path(__file__).resolve().parent / "results"


def write_results(
    name: str, title: str, body: str, about: str = "", command: str | None = None
) -> Path:
    """Writes `benchmarks/results/{name}.md` and returns its path.

    Args:
        name: the script's name without `.py` (also the results file's name).
        title: the question the benchmark answers.
        body: the tables, in Markdown.
        about: what was measured (data, model, settings), one paragraph.
        command: the exact command, when it is not `python benchmarks/{name}.py`.
    """
    header = (
        f"# {title}\n\n"
        f"Command: `{command or f'python benchmarks/{name}.py'}`  \n"
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"Keras {keras.__version__} ({keras.backend.backend()}), tsconv {tsconv.__version__}  \n"
        f"Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC  \n"
    )
    out = RESULTS / f"{name}.md"
    out.write_text(header + (f"{about}\n\n" if about else "\n") + f"{body}\n")
    print(f"wrote {out}")
    return out


def markdown_table(table) -> str:
    """A `DataFrame` as a Markdown table: numbers to 3 decimals, columns named like
    `seconds` whole, NaN as `–`.

    Example:
    >>> markdown_table(pd.DataFrame({"model": ["tcn"], "MASE": [1.23456], "seconds": [61.2]}))
    '| model | MASE | seconds |\\n|---|---|---|\\n| tcn | 1.235 | 61 |'
    """

    def cell(column: str, value) -> str:
        if not isinstance(value, float):
            return str(value)
        if value != value:
            return "–"
        return f"{value:.0f}" if "seconds" in column else f"{value:.3f}"

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    for _, row in table.iterrows():
        lines.append("| " + " | ".join(cell(c, row[c]) for c in table.columns) + " |")
    return "\n".join(lines)
