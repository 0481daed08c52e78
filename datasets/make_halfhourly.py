"""Writes datasets/halfhourly_load.csv: a synthetic half-hourly "load" with daily and weekly
cycles, level shifts and noise (numpy only, seeded: the same file every time).

python datasets/make_halfhourly.py

The series is built to look like electricity demand: a two-peaked day (morning and
evening), lower weekends, a slow yearly swell, level shifts every few weeks (a
tariff, a new customer), and noise that persists for a few hours (weather).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parent / "halfhourly_load.csv"
WEEKS = 26
SEED = 20261202
STEPS_PER_DAY = 48


def load(weeks: int = WEEKS, seed: int = SEED) -> pd.DataFrame:
    """The series as a frame with `time` and `load` columns."""
    rng = np.random.default_rng(seed)
    steps = weeks * 7 * STEPS_PER_DAY
    t = np.arange(steps)
    hour = (t % STEPS_PER_DAY) / 2  # 0.0, 0.5, …, 23.5
    day_of_week = (t // STEPS_PER_DAY) % 7  # 0 = Monday (2024-01-01 is one)
    # Two peaks, at 08:00 and 19:00, over a night-time trough.
    daily = 18 * np.exp(-((hour - 8) ** 2) / 4) + 25 * np.exp(-((hour - 19) ** 2) / 6)
    weekend = day_of_week >= 5  # a weekend day: peaks 40% lower, and 6 less all day
    yearly = 8 * np.cos(2 * np.pi * t / (365.25 * STEPS_PER_DAY))  # winter high
    # A level shift every 2 to 6 weeks.
    shifts = np.zeros(steps)
    at = 0
    while at < steps:
        at += int(rng.integers(2 * 7 * STEPS_PER_DAY, 6 * 7 * STEPS_PER_DAY))
        shifts[at:] += rng.normal(0, 4)
    noise = np.zeros(steps)  # AR(1), a few hours' memory
    shocks = rng.normal(0, 1.5, steps)
    for i in range(1, steps):
        noise[i] = 0.9 * noise[i - 1] + shocks[i]
    values = 60 + yearly + shifts + np.where(weekend, 0.6 * daily - 6, daily) + noise
    index = pd.date_range("2024-01-01", periods=steps, freq="30min")
    return pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "load": values.round(2)})


def main() -> None:
    load().to_csv(OUT, index=False)
    print(f"wrote {OUT} ({WEEKS * 7 * STEPS_PER_DAY} rows)")


if __name__ == "__main__":
    main()
