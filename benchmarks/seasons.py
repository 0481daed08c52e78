"""Question: which seasons does tsconv find in each embedded dataset, how strong, how fast?

For every `datasets/*.csv` that holds one series (and each series of the long macro
file), `tsconv.data.seasons.find_seasons` on the whole series: the frequency, the seasons
the calendar suggests, their cross-validated seasonal strength, what was kept and where
from, and the time it took (the median of 5 calls). Plus two controls with a known
answer: a random walk and white noise, 5,000 hourly steps each (no season should be kept).

Run: python benchmarks/seasons.py   (seconds)
Writes: benchmarks/results/seasons.md
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from results_file import write_results

import tsconv
from tsconv.data.seasons import MIN_STRENGTH, calendar_seasons, find_seasons

ROOT = Path(__file__).resolve().parents[1]
LOADING = {"co2_weekly.csv": {"fill": "interpolate"}}


def timed(values: np.ndarray, freq: str | None):
    seconds = []
    for _ in range(5):
        started = time.perf_counter()
        found = find_seasons(values, freq)
        seconds.append(time.perf_counter() - started)
    return found, float(np.median(seconds))


def main() -> None:
    cases = []
    for path in sorted((ROOT / "datasets").glob("*.csv")):
        if path.name == "us_macro_long.csv":
            panel = tsconv.load_panel_csv(path)
            for sid, series in list(panel.series.items())[:3]:
                cases.append((f"{path.name} [{sid}]", series.values[:, 0], series.freq))
            continue
        series = tsconv.load_csv(path, **LOADING.get(path.name, {}))
        cases.append((path.name, series.values[:, 0], series.freq))
    rng = np.random.default_rng(0)
    cases.append(("random walk (control)", np.cumsum(rng.normal(size=5000)), "h"))
    cases.append(("white noise (control)", rng.normal(size=5000), "h"))
    lines = [
        "| data | rows | frequency | calendar suggests | strength of each candidate "
        "| kept | seasonal naive | source | ms |",
        "| --- | ---: | --- | --- | --- | --- | ---: | --- | ---: |",
    ]
    for name, values, freq in cases:
        found, seconds = timed(values, freq)
        strength = ", ".join(f"{m}: {s:.2f}" for m, s in sorted(found.strength.items()))
        suggested = ", ".join(map(str, calendar_seasons(freq))) or "—"
        kept = ", ".join(map(str, found.lengths)) or "—"
        lines.append(
            f"| {name} | {len(values):,} | {freq} | {suggested} | {strength or '—'} | {kept} "
            f"| {found.primary or '—'} | {found.source} | {seconds * 1000:.1f} |"
        )
        print(lines[-1], flush=True)
    about = (
        "A season is kept when its cross-validated seasonal strength reaches "
        f"{MIN_STRENGTH} (each longer season measured beyond the shorter kept ones); "
        "candidates beyond the calendar's are the peaks of the changes' autocorrelation, "
        'tried only when no calendar season holds. "calendar, unconfirmed": the data '
        "support none, and the frequency's shortest season is kept for seasonal naive."
    )
    write_results("seasons", "Seasons found in the embedded datasets", "\n".join(lines), about)


if __name__ == "__main__":
    main()
