"""Reading a CSV's text into rows: its separator and decimal mark, caps, and in-memory data.

`read_rows` is where `load_csv` and `load_panel_csv` start: a path (or a file
object) is read as text with the separator and decimal mark given in a
`CSVFormat` or found in the file (`sniff_format`); a pandas `DataFrame` or
`Series`, or a NumPy array, becomes the same rows. Every row is labelled with
its line (the header is line 1), so later messages can name it.
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import lzma
import os
import re
import zipfile
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tsconv.data.limits import limit
from tsconv.errors import InputError

SEPARATORS = (",", ";", "\t", "|")
SNIFFED_BYTES = 64 * 1024  # enough lines to tell the separator and the decimal mark
# How workbooks begin: a zip holding xl/… (.xlsx, .xlsm), or an OLE2 file (.xls).
EXCEL_MAGIC = ((b"PK\x03\x04", "xlsx"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"))


@dataclass(frozen=True)
class CSVFormat:
    """How a CSV's text is written; None everywhere means "find it in the file".

    Attributes:
        sep: the field separator (`,` `;` tab `|`); default: the one the header and the
            first lines agree on.
        decimal: the decimal mark (`.` or `,`); default: `,` when the separator is not a
            comma and numbers are written like `23,11`.
        dayfirst: dates like `05/04/1958` are 5 April (True) or May 4 (False); default:
            what the column shows (a first field above 12), refused when every date
            reads both ways.
        date_format: a `strftime` format every date follows, e.g. `%d.%m.%Y`.
        encoding: the file's text encoding, e.g. `latin-1` for an older Excel export.
        timezone: the time zone whose wall clock times with offsets (`+02:00`) were
            written in, e.g. `Europe/Paris`: the index is UTC, and calendar
            features and holiday dates use this zone's local time (`tsconv.data.dates.
            time_zone`); default: the offset itself when it never changes, else UTC.

    Example:
    >>> CSVFormat(sep=";", decimal=",").check().sep
    ';'
    """

    sep: str | None = None
    decimal: str | None = None
    dayfirst: bool | None = None
    date_format: str | None = None
    encoding: str = "utf-8"
    timezone: str | None = None

    def check(self) -> CSVFormat:
        """Returns itself; raises `InputError` for a separator or decimal mark not offered."""
        if self.sep is not None and self.sep not in SEPARATORS:
            raise InputError(
                f"unknown separator {self.sep!r}; use one of , ; | or a tab (--sep ';')."
            )
        if self.decimal is not None and self.decimal not in (".", ","):
            raise InputError(f"unknown decimal mark {self.decimal!r}; use . or , (--decimal ,).")
        if self.sep is not None and self.sep == self.decimal:
            raise InputError(f"the separator and the decimal mark are both {self.sep!r}.")
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise InputError(
                f"unknown encoding {self.encoding!r}; e.g. --encoding latin-1 or cp1252."
            ) from None
        if self.timezone is not None:
            try:
                zoneinfo.ZoneInfo(self.timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise InputError(
                    f"unknown time zone {str(self.timezone)[:80]!r}; give a name like "
                    "Europe/Paris or America/New_York (--timezone)."
                ) from None
        if self.date_format is not None and "%" not in self.date_format:
            raise InputError(
                f"date format {self.date_format!r} has no % field; e.g. --date-format %d.%m.%Y."
            )
        return self


def sniff_format(path: str | os.PathLike, given: CSVFormat) -> tuple[str, str]:
    """The separator and decimal mark of the file at `path`: those given, else detected."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFFED_BYTES)
    for magic, what in EXCEL_MAGIC:
        office = b"xl/" in head[:8192] or b"[Content_Types].xml" in head[:256]
        if head.startswith(magic) and (what == "xls" or office):
            raise InputError(
                f"{path} is an Excel workbook (.{what}), not CSV text; open it and save it "
                "as CSV (UTF-8), then give that file."
            )
    return sniff_text(head.decode(given.encoding, errors="replace"), given)


def sniff_text(head: str, given: CSVFormat) -> tuple[str, str]:
    """The separator and decimal mark of a CSV whose first bytes are `head`.

    The separator is the candidate (`,` `;` tab `|`) that splits the header into the
    most fields and every one of the first lines into as many; a file of one column
    keeps `,`. The decimal mark is `,` when the separator is not a comma and some
    field is a number written like `23,11` (no field like `23.11`).
    """
    lines = [line for line in head.splitlines()[:-1] or head.splitlines() if line.strip()][:50]
    sep = given.sep
    if sep is None:
        sep, best = ",", 1
        for candidate in SEPARATORS:
            counts = {len(row) for row in csv.reader(lines, delimiter=candidate)}
            width = len(next(csv.reader(lines[:1], delimiter=candidate), []))
            if width > best and counts == {width}:
                sep, best = candidate, width
    decimal = given.decimal
    if decimal is None:
        decimal = "."
        if sep != ",":
            fields = [f.strip() for row in csv.reader(lines[1:], delimiter=sep) for f in row]
            if any(re.fullmatch(r"[-+]?\d+,\d+", f) for f in fields) and not any(
                re.fullmatch(r"[-+]?\d+\.\d+", f) for f in fields
            ):
                decimal = ","
    header = head.split("\n", 1)[0]  # all of it, or its first 64 KiB: a lower bound
    columns, cap = header.count(sep) + 1, limit("TSCONV_MAX_CSV_COLUMNS")
    if columns > cap:
        more = "" if "\n" in head else " or more"
        raise InputError(
            f"the file has {columns:,}{more} columns, above the cap of {cap:,}; raise "
            "TSCONV_MAX_CSV_COLUMNS if this file is meant."
        )
    return sep, decimal


def read_csv_rows(path: str | os.PathLike, csv_format: CSVFormat | None = None) -> pd.DataFrame:
    """The CSV's rows, each labelled with its file line, read with its separator and decimal mark.

    Raises:
        InputError: for a missing, empty, oversized or unreadable file, a row with more
            fields than the header, or a header that still holds a separator.
    """
    csv_format = (csv_format or CSVFormat()).check()
    if not isinstance(path, (str, os.PathLike)):
        text = _text_of(path, csv_format.encoding)
        return _read_text(text, str(getattr(path, "name", "the file")), csv_format)
    if not os.path.exists(path):
        raise InputError(f"file not found: {path}. Check the path (e.g. datasets/msft.csv).")
    if os.path.isdir(path):
        raise InputError(f"{path} is a folder; give a CSV file.")
    size = os.path.getsize(path)
    if size == 0:
        raise InputError(f"{path} is empty; give a CSV file with a header row and data rows.")
    max_bytes = limit("TSCONV_MAX_CSV_BYTES")
    if size > max_bytes:
        raise InputError(
            f"{path} is {size:,} bytes, above the cap of {max_bytes:,}; raise "
            "TSCONV_MAX_CSV_BYTES if this file is meant."
        )
    packed = _decompressed(path, max_bytes)
    if packed is not None:  # counted and capped as text, not as compressed bytes
        text = _text_of(io.BytesIO(packed), csv_format.encoding)
        return _read_text(text, str(path), csv_format)
    sep, decimal = sniff_format(path, csv_format)
    return _parse(path, str(path), sep, decimal, csv_format.encoding)


# How compressed files begin; pandas would decompress them by their name, past the byte cap.
COMPRESSION_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
COMPRESSED_SUFFIXES = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd", ".zip": "zip"}


def _decompressed(path: str | os.PathLike, max_bytes: int) -> bytes | None:
    """A compressed file's bytes, decompressed up to `max_bytes`; None for plain text.

    Raises:
        InputError: when the text inside is over `max_bytes` (a 1 MB `.csv.gz` can hold
            a 1 GiB cell), the archive is not one CSV, or the compression is unknown here.
    """
    with open(path, "rb") as f:
        head = f.read(8)
    kind = next((k for magic, k in COMPRESSION_MAGIC if head.startswith(magic)), None)
    suffix = COMPRESSED_SUFFIXES.get(Path(path).suffix.lower())
    if kind is None and suffix == "zip" and head.startswith(b"PK\x03\x04"):
        kind = "zip"
    if kind is None:
        if suffix is not None and suffix != "zip":
            raise InputError(
                f"{path} is named like a {suffix} file but is not one; rename it or decompress it."
            )
        return None
    if kind == "zstd":
        raise InputError(f"{path} is zstd-compressed; decompress it first (unzstd {path}).")
    opener = {"gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}
    try:
        if kind == "zip":
            with zipfile.ZipFile(path) as archive:
                members = [i for i in archive.infolist() if not i.is_dir()]
                if len(members) != 1:
                    raise InputError(
                        f"{path} holds {len(members)} files; a zip must hold one CSV file."
                    )
                with archive.open(members[0]) as member:
                    data = member.read(max_bytes + 1)
        else:
            with opener[kind](path, "rb") as member:
                data = member.read(max_bytes + 1)
    except (OSError, EOFError, lzma.LZMAError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path} is a damaged {kind} file ({str(exc)[:80]}).") from None
    if len(data) > max_bytes:
        raise InputError(
            f"{path} decompresses to more than the cap of {max_bytes:,} bytes; raise "
            "TSCONV_MAX_CSV_BYTES if this file is meant."
        )
    return data


def _text_of(handle, encoding: str = "utf-8") -> str:
    """The text of a file object (its bytes decoded), within the byte cap."""
    max_bytes = limit("TSCONV_MAX_CSV_BYTES")
    data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(
            f"the file is above the cap of {max_bytes:,} bytes; raise TSCONV_MAX_CSV_BYTES "
            "if it is meant."
        )
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"the file is not {encoding} text ({exc.reason} at byte {exc.start}); give "
                "--encoding latin-1 (or cp1252) if it was saved by older software."
            ) from None
    return data


def _read_text(text: str, label: str, csv_format: CSVFormat) -> pd.DataFrame:
    if not text.strip():
        raise InputError(f"{label} is empty; give CSV text with a header row and data rows.")
    sep, decimal = sniff_text(text[:SNIFFED_BYTES], csv_format)
    return _parse(io.StringIO(text), label, sep, decimal, csv_format.encoding)


def _parse(source, path: str, sep: str, decimal: str, encoding: str) -> pd.DataFrame:
    """The rows of `source` (a path or a text buffer; `path` names it in messages)."""
    max_rows = limit("TSCONV_MAX_CSV_ROWS")
    try:
        # One row past the cap is enough to know the file is over it; blank lines are
        # read too (their line numbers count) but not counted: read on past them.
        lines = max_rows + 1
        while True:
            if isinstance(source, io.StringIO):
                source.seek(0)
            raw = pd.read_csv(
                source,
                sep=sep,
                decimal=decimal,
                skipinitialspace=True,
                nrows=lines,
                skip_blank_lines=False,
                encoding=encoding,
                compression=None,  # never by the name: `_decompressed` caps what is inside
            )
            blank = int(raw.isna().all(axis=1).sum())
            if len(raw) < lines or len(raw) - blank > max_rows:
                break
            lines += blank + 1
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start : exc.start + 1].hex().upper()
        raise InputError(
            f"{path} is not {encoding} text (byte 0x{byte} at position {exc.start:,}); a file "
            "saved by older Excel or Windows software is often Latin-1: give --encoding "
            "latin-1 (or cp1252)."
        ) from None
    except pd.errors.EmptyDataError:
        raise InputError(
            f"{path} is empty; give a CSV file with a header row and data rows."
        ) from None
    except (pd.errors.ParserError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path} is not a readable CSV file ({first}).") from None
    if len(raw) - int(raw.isna().all(axis=1).sum()) > max_rows:
        raise InputError(
            f"{path} has more than {max_rows:,} data rows, the cap; raise TSCONV_MAX_CSV_ROWS "
            "if this file is meant."
        )
    if not isinstance(raw.index, pd.RangeIndex):  # pandas made an index of the extra fields
        raise InputError(
            f"{path}: the data rows have more fields separated by {sep!r} than the header "
            f"(line 2 starts {str(raw.index[0])[:40]!r}); check --sep and --decimal."
        )
    raw.columns = [str(c).strip() for c in raw.columns]
    others = [c for c in SEPARATORS if c != sep]
    crowded = [name for name in raw.columns if any(c in name for c in others)]
    if crowded and len(raw.columns) <= len(crowded) + 1:
        other = next(c for c in others if c in crowded[0])
        raise InputError(
            f"{path}: column {crowded[0]!r} holds {other!r}, so the file may be separated "
            f"by {other!r}, not {sep!r}; give --sep {other!r}"
            + (" --decimal ," if other != "," else "")
            + "."
        )
    raw.index = pd.RangeIndex(2, len(raw) + 2)  # file lines: the header is line 1
    raw = raw[~raw.isna().all(axis=1).to_numpy()]  # blank lines, kept until now for the count
    if raw.empty:
        raise InputError(f"{path} has a header but no data rows.")
    return raw


def read_rows(source, csv_format: CSVFormat | None = None) -> tuple[pd.DataFrame, str]:
    """The rows of `source` and a name for it in messages.

    Args:
        source: a CSV path or file object; a pandas `DataFrame` (a `DatetimeIndex`
            becomes its time column); a `Series` (its name the target, its index the
            time); or a NumPy array, 1-D (one series) or 2-D (the target first, then
            feature columns `x1`, `x2`, …), its rows being steps.
        csv_format: how a CSV's text is written (ignored for in-memory data).

    Returns:
        `(rows, name)`: rows labelled by line (header = line 1), as `read_csv_rows`.

    Raises:
        InputError: for a source of another type, and what `read_csv_rows` refuses.

    Example:
    >>> rows, name = read_rows(np.arange(5.0))
    >>> list(rows.columns), name, rows.index[0]
    (['value'], 'a NumPy array', 2)
    """
    if isinstance(source, pd.Series):
        name = "value" if source.name is None else str(source.name)
        return read_rows(source.to_frame(name))[0], "a pandas Series"
    if isinstance(source, np.ndarray):
        if source.ndim not in (1, 2):
            raise InputError(
                f"a NumPy array must be 1-D (one series) or 2-D (rows, columns). "
                f"Received: shape={source.shape}"
            )
        table = source.reshape(len(source), -1)  # (rows, columns)
        names = ["value"] + [f"x{i}" for i in range(1, table.shape[1])]
        return _labelled(pd.DataFrame(table, columns=names)), "a NumPy array"
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        if isinstance(frame.index, pd.DatetimeIndex) and frame.index.name is None:
            frame.index.name = "date"
        # A named or dated index is a column (the time, usually); an unnamed one of
        # numbers is only the rows' labels (after sampling or filtering, say).
        frame = frame.reset_index(drop=frame.index.name is None)
        frame.columns = [str(c).strip() for c in frame.columns]
        if frame.empty:
            raise InputError("the DataFrame has no rows.")
        return _labelled(frame), "a DataFrame"
    if isinstance(source, (str, os.PathLike)) or hasattr(source, "read"):
        name = str(source) if isinstance(source, (str, os.PathLike)) else "the file object"
        return read_csv_rows(source, csv_format), name
    raise InputError(
        "give a CSV path or file object, a pandas DataFrame or Series, or a NumPy array. "
        f"Received: {type(source).__name__}"
    )


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # as the lines of the CSV it would be
    return frame
