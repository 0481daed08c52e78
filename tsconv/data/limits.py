"""Caps on input size, so that a huge or hostile file fails fast with a message.

Each cap has a default generous for real data and can be raised (or lowered)
with an environment variable, or per call where the loader takes it:

- `TSCONV_MAX_CSV_BYTES`: size of a CSV file, as text: a compressed file
  (`.gz`, `.bz2`, `.xz`, `.zip`) counts what it decompresses to [default 2 GiB].
- `TSCONV_MAX_CSV_ROWS`: data rows of a CSV file [default 50 million; blank
  lines are not counted].
- `TSCONV_MAX_CSV_COLUMNS`: columns of a CSV file [default 10,000].
- `TSCONV_MAX_IMAGE_PIXELS`: width × height of one image [default 50 million,
  below Pillow's own decompression-bomb limit of about 179 million].
- `TSCONV_MAX_MODEL_BYTES`: a model file, its weights (as stored and as their
  datasets declare) and the 4 bytes per parameter its config implies [default
  512 MiB; tsconv's largest, a transfer run on ResNet50, is about 100 MiB].
"""

from __future__ import annotations

import os

from tsconv.errors import InputError

DEFAULTS = {
    "TSCONV_MAX_CSV_BYTES": 2 << 30,
    "TSCONV_MAX_CSV_ROWS": 50_000_000,
    "TSCONV_MAX_CSV_COLUMNS": 10_000,
    "TSCONV_MAX_IMAGE_PIXELS": 50_000_000,
    "TSCONV_MAX_MODEL_BYTES": 512 << 20,
}


def limit(name: str) -> int:
    """The cap called `name` (a key of `DEFAULTS`), from the environment or the default.

    Raises:
        InputError: when the environment variable is set but not a positive integer.
    """
    text = os.environ.get(name)
    if text is None or text.strip() == "":
        return DEFAULTS[name]
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise InputError(f"{name} must be a positive whole number. Received: {name}={text!r}")
    return value
