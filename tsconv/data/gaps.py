"""Missing timestamps: filled on request, bridged when short, refused when long.

A monthly file with 40 months left out used to get the frequency `31D` and
future dates that walked off month starts; a ten-year hole was bridged as if
the rows before and after it were neighbours. Here the frequency comes from
the timestamps that are present (`calendar.frequency_and_gaps`), and then:

- with `fill="ffill"` or `"interpolate"` the missing timestamps are added and
  their values filled like any other missing value;
- without a fill, gaps of at most `max_bridged_steps` steps are bridged (rows
  either side become neighbours in the windows) with a warning that names the
  largest; a longer gap is refused: windows across it would join stretches far
  apart in time, and a seasonal model would learn a broken phase.
"""

from __future__ import annotations

import logging

import pandas as pd

from tsconv.data.calendar import frequency_and_gaps
from tsconv.data.columns import handle_missing
from tsconv.data.seasons import calendar_seasons
from tsconv.errors import InputError

logger = logging.getLogger(__name__)

# Gaps up to this many steps (or the frequency's shortest season, when shorter) are
# bridged without --fill: a day of hours is 10, a week of days 7, a year of quarters 4.
MAX_BRIDGED_STEPS = 10
FILLS_TIMESTAMPS = ("ffill", "interpolate")


def max_bridged_steps(freq: str | None) -> int:
    """The longest gap bridged without a fill: 10 steps, or the shortest season if shorter.

    Example:
    >>> max_bridged_steps("MS"), max_bridged_steps("QS-JAN"), max_bridged_steps("D")
    (10, 4, 7)
    """
    seasons = calendar_seasons(freq)
    return min(MAX_BRIDGED_STEPS, seasons[0]) if seasons else MAX_BRIDGED_STEPS


def settle_frequency(
    frame: pd.DataFrame, fill: str | None, source: str
) -> tuple[pd.DataFrame, str | None, bool]:
    """The rows with missing timestamps filled (or checked), their frequency, and regularity.

    Args:
        frame: rows indexed by time, sorted (or by step numbers: returned as they are).
        fill: `"ffill"` or `"interpolate"` add the missing timestamps and fill
            them; `"drop"` or None leave them out (bridged if short, see above).
        source: names the data in messages (a path).

    Returns:
        `(frame, freq, regular)`: `freq` as `calendar.infer_frequency` gives it;
        `regular` is True once the gaps are filled.

    Raises:
        InputError: for a gap longer than `max_bridged_steps` without a fill
            that fills timestamps.

    Example:
    >>> months = pd.date_range("1950-01-01", periods=30, freq="MS").delete([7, 8])
    >>> rows = pd.DataFrame({"v": range(28)}, index=months, dtype=float)
    >>> filled, freq, regular = settle_frequency(rows, "interpolate", "data.csv")
    >>> len(filled), freq, regular, round(float(filled["v"].iloc[7]), 2)
    (30, 'MS', True, 6.33)
    """
    freq, regular, note, gaps = frequency_and_gaps(frame.index)
    if gaps is None:
        if not regular:
            logger.warning("%s: %s", source, note)
        elif note:
            logger.info("%s: %s", source, note)
        return frame, freq, regular
    if fill in FILLS_TIMESTAMPS:
        name = frame.index.name
        frame = frame.reindex(gaps.grid)
        frame.index.name = name
        frame = handle_missing(frame, None, fill)
        logger.info("%s: %s; filled them with %r", source, gaps.describe(), fill)
        return frame, gaps.freq, True
    if gaps.largest > max_bridged_steps(gaps.freq):
        raise InputError(
            f"{source}: {gaps.describe()}; windows across a gap that long would join "
            "stretches far apart in time. Give --fill interpolate (or ffill) to fill the "
            "missing timestamps, or keep only the rows after the gap."
        )
    logger.warning(
        "%s: %s; bridged (rows either side are neighbours in the windows); "
        "--fill interpolate fills them",
        source,
        gaps.describe(),
    )
    return frame, gaps.freq, False
