"""Question: is one global model over many series as good as one model per series, and how
much faster is forecasting every series in one batch than one series at a time?

Two panels, each loaded through `tsconv.load_panel_csv`:
- `us_macro`: datasets/us_macro_long.csv, 10 real quarterly US macro series (203 rows each).
- `synthetic`: 40 seeded series of 300–600 business days with different starts, levels
  from 1 to 10,000, their own drift, AR(1) returns and a weekly or monthly cycle; 3 more of
  80 days are shorter than the window needs and are skipped. Synthetic, so the shared
  structure is known to exist: it shows what pooling can gain, not what a real panel will.

For each: the global TCN (`GlobalForecaster`, default TCN, window as listed, 10 epochs at
most, patience 3) against one TCN per series (`Forecaster`, same settings, same splits:
each series' own chronological 80/10/10) and the naive forecast, on every series' test
windows. "MAE ratio" is a series' one-step test MAE over the naive forecast's; the table
gives the mean and median over the series and how many beat naive. Time is total fit time.

Then forecasting: all series' 30-step rollouts as one batch (`compiled_rollout`, as
`GlobalForecaster.forecast` does) against a loop with one series per call, the same model
and compiled loops, both warm (compiled beforehand), best of 5.

Targets: the global model's mean MAE ratio no worse than the per-series models' (+0.02)
in less total fit time; the one batch of N series costs at most two single-series calls
(a speed-up of at least N / 2 over the loop).

Run: python benchmarks/global_models.py   (about 16 minutes on 2 CPU cores)
Writes: benchmarks/results/global_models.md
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pandas as pd
from results_file import write_results

from tsconv import Forecaster, GlobalForecaster, load_panel_csv
from tsconv.preprocessing.preparation import encode
from tsconv.preprocessing.windowing import last_window
from tsconv.rollout.loops import compiled_rollout

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {"model": "tcn", "epochs": 10, "patience": 3, "seed": 0}
HORIZON = 30


def synthetic_csv(path: Path, series: int = 43, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    parts = []
    for k in range(series):
        rows = int(rng.integers(300, 600)) if k % 15 else 80  # 3 of 43: too short
        start = pd.Timestamp("2015-01-01") + pd.offsets.BDay(int(rng.integers(0, 300)))
        period = int(rng.choice([5, 21]))
        phi, drift, sigma = rng.uniform(-0.3, 0.5), rng.normal(0, 5e-4), rng.uniform(0.005, 0.02)
        shocks = rng.normal(drift, sigma, rows)
        returns = np.empty(rows)
        returns[0] = shocks[0]
        for t in range(1, rows):
            returns[t] = phi * returns[t - 1] + shocks[t]
        cycle = rng.uniform(0.01, 0.05) * np.sin(2 * np.pi * np.arange(rows) / period)
        value = 10 ** rng.uniform(0, 4) * np.exp(np.cumsum(returns) + cycle)
        dates = pd.bdate_range(start, periods=rows).strftime("%Y-%m-%d")
        parts.append(pd.DataFrame({"date": dates, "series_id": f"s{k:03d}", "value": value}))
    pd.concat(parts).to_csv(path, index=False)
    return path


def ratios(per_series: dict) -> np.ndarray:
    return np.array([m["model"]["mae"] / m["naive"]["mae"] for m in per_series.values()])


def accuracy(name: str, path: Path, window: int) -> tuple[list[str], GlobalForecaster, object]:
    panel = load_panel_csv(path)
    keras.utils.set_random_seed(0)
    started = time.perf_counter()
    gf = GlobalForecaster(window=window, **SETTINGS).fit(panel)
    global_seconds = time.perf_counter() - started
    global_ratios = ratios(gf.metrics_["test"]["series"])
    local = {}
    started = time.perf_counter()
    for sid in gf.scalers_:
        keras.utils.set_random_seed(0)
        fc = Forecaster(window=window, transform=gf.transform_, **SETTINGS)
        local[sid] = fc.fit(panel.series[sid]).metrics_["test"]
    local_seconds = time.perf_counter() - started
    local_ratios = ratios(local)
    rows = []
    for who, r, seconds in (
        ("global TCN (one model)", global_ratios, global_seconds),
        (f"per-series TCN ({len(local)} models)", local_ratios, local_seconds),
    ):
        rows.append(
            f"| {name} | {who} | {len(r)} (+{len(gf.skipped_)} skipped) | {r.mean():.3f} | "
            f"{np.median(r):.3f} | {(r < 1).sum()} | {seconds:.0f} s |"
        )
    verdict = global_ratios.mean() <= local_ratios.mean() + 0.02 and global_seconds < local_seconds
    return rows, gf, (global_ratios.mean(), local_ratios.mean(), verdict)


def forecast_speed(name: str, gf: GlobalForecaster) -> tuple[str, float]:
    # The rows each series' forecast starts from: the run's public context, by series.
    frames = dict(tuple(gf.context_.groupby(gf.data_["id_column"], sort=False)))
    contexts = np.stack(
        [
            last_window(
                encode(gf.transform_, gf.scalers_[sid], f[[gf.data_["target"]]].to_numpy()),
                gf.window,
            )
            for sid, f in frames.items()
        ]
    )  # (series, window, 1)
    cache: dict = {}
    compiled_rollout(gf.model_, contexts, HORIZON, cache=cache, jit_compile=False)  # warm
    compiled_rollout(gf.model_, contexts[:1], HORIZON, cache=cache, jit_compile=False)
    batch, loop = [], []
    for _ in range(5):
        started = time.perf_counter()
        together = compiled_rollout(gf.model_, contexts, HORIZON, cache=cache, jit_compile=False)
        batch.append(time.perf_counter() - started)
        started = time.perf_counter()
        alone = [
            compiled_rollout(gf.model_, c[None], HORIZON, cache=cache, jit_compile=False)
            for c in contexts
        ]
        loop.append(time.perf_counter() - started)
    np.testing.assert_allclose(np.concatenate(alone), together, rtol=1e-4, atol=1e-5)
    b, lo = min(batch), min(loop)
    return (
        f"| {name} | {len(contexts)} | {HORIZON} | {1e3 * b:.1f} ms | {1e3 * lo:.1f} ms | "
        f"{lo / b:.1f}x |",
        lo / b,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        panels = (
            ("us_macro", ROOT / "datasets" / "us_macro_long.csv", 40),
            ("synthetic", synthetic_csv(Path(tmp) / "synthetic.csv"), 60),
        )
        acc_rows, speed_rows, verdicts = [], [], []
        for name, path, window in panels:
            rows, gf, verdict = accuracy(name, path, window)
            acc_rows += rows
            row, speedup = forecast_speed(name, gf)
            speed_rows.append(row)
            verdicts.append((name, verdict, speedup, len(gf.scalers_)))
            print("\n".join(rows), row, sep="\n", flush=True)
    body = "\n".join(
        [
            "## One global model against one model per series (one-step test MAE over naive)",
            "",
            "| panel | model | series | mean ratio | median ratio | beat naive | fit time |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            *acc_rows,
            "",
            "## Forecasting every series: one batch against one series per call (warm)",
            "",
            "| panel | series | horizon | one batch | one per call | speed-up |",
            "| --- | --- | --- | --- | --- | --- |",
            *speed_rows,
            "",
            "## Targets",
            "",
            *[
                f"- {name}: global mean ratio {g:.3f} vs per-series {lo:.3f}, "
                f"{'met' if ok else 'NOT met'} (no worse +0.02, less fit time); one-batch "
                f"forecast {s:.1f}x for {n} series, {'met' if s >= n / 2 else 'NOT met'} "
                f"(>= {n / 2:g}x)"
                for name, (g, lo, ok), s, n in verdicts
            ],
        ]
    )
    print(body)
    write_results(
        "global_models",
        "One global model over many series: accuracy against per-series models, forecast speed",
        body,
        about=__doc__.split("\n\n", 1)[1].rsplit("\n\nRun:", 1)[0],
    )


if __name__ == "__main__":
    main()
