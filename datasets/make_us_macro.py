"""Writes datasets/us_macro_long.csv from statsmodels' bundled `macrodata.csv` (no download).

pip install statsmodels && python datasets/make_us_macro.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import statsmodels.datasets.macrodata as macrodata

# Positive level series; `infl` and `realint` are derived rates, partly negative.
SERIES = [
    "realgdp",
    "realcons",
    "realinv",
    "realgovt",
    "realdpi",
    "cpi",
    "m1",
    "tbilrate",
    "unemp",
    "pop",
]


def main() -> None:
    wide = pd.read_csv(Path(macrodata.__file__).parent / "macrodata.csv")
    quarters = zip(wide.year, wide.quarter, strict=True)
    wide["date"] = [f"{int(y)}-{3 * int(q) - 2:02d}-01" for y, q in quarters]  # first day
    long = wide.melt(id_vars="date", value_vars=SERIES, var_name="series_id", value_name="value")
    out = Path(__file__).parent / "us_macro_long.csv"
    long.sort_values(["date", "series_id"]).to_csv(out, index=False)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
