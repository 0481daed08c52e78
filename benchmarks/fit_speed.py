"""Question: how long do users wait for `tsconv fit`, `backtest` and `compare`?

In one run on one machine, each command in its own process exactly as a user types it
(`tsconv ...`, defaults unless shown, files into a temporary folder), wall time from
start to exit:
1. `tsconv fit datasets/msft.csv --model M` for conv, tcn and transformer, against
   `--model linear` (closed form: what is left is the start-up cost: imports, CSV,
   windows, scoring, the run's files and plots). Target ratios: conv ≤ 2x, tcn ≤ 3x,
   transformer ≤ 4x.
2. `tsconv backtest FILE --model tcn --folds 5` (warm refits, the default) against one
   `tsconv fit FILE --model tcn`, for datasets/msft.csv and datasets/co2_weekly.csv
   (target ≤ 2.5x on MSFT); and the same backtest with `--refit cold`: its time and
   whether warm starts change the TCN's MASE (goal: within 3% of cold refits).
3. darts' `TCNModel` on the same windows and epochs, when darts is installed
   (it needs PyTorch, which the `[bench]` extra does not pull in: off otherwise, said so).

`tsconv compare datasets/msft.csv` with every default model is timed by
`benchmarks/accuracy_backtest.py msft` (the same call, plus linear), not again here.

Run: python benchmarks/fit_speed.py   (about 20 minutes on 2 CPU cores)
Writes: benchmarks/results/fit_speed.md
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results_file import write_results

ROOT = Path(__file__).resolve().parents[1]
MSFT = ROOT / "datasets" / "msft.csv"
CO2 = ROOT / "datasets" / "co2_weekly.csv"
# The options a file needs to load (CO2 has weeks without a reading).
LOADING = {MSFT: (), CO2: ("--fill", "interpolate")}
TSCONV = shutil.which("tsconv") or str(Path(sys.executable).parent / "tsconv")


def timed(*args: str) -> tuple[float, dict]:
    """Runs `tsconv ARGS --json --quiet` in a fresh process: wall seconds and its JSON."""
    started = time.perf_counter()
    done = subprocess.run(
        [TSCONV, *args, "--json", "--quiet"], capture_output=True, text=True, cwd=WORK
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"tsconv {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return seconds, json.loads(done.stdout)


def tcn_mase(report: dict) -> float:
    return next(m["mase"]["mean"] for m in report["models"] if m["model"] == "tcn")


def fits() -> tuple[list[str], dict]:
    rows, seconds = [], {}
    for model in ("linear", "conv", "tcn", "transformer"):
        s, report = timed("fit", str(MSFT), "--model", model, "--runs-dir", "runs")
        seconds[model] = s
        training = report.get("training", {})
        ratio = report["test_mae_ratio"]
        rows.append((model, s, training.get("epochs_run"), training.get("seconds"), ratio))
        print(f"fit {model}: {s:.1f} s", flush=True)
    targets = {"linear": None, "conv": 2.0, "tcn": 3.0, "transformer": 4.0}
    table = [
        "| `tsconv fit datasets/msft.csv --model M` | wall s | epochs | training s | × linear "
        "| target | met | test MAE / naive |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for model, s, epochs, training, mae_ratio in rows:
        ratio = s / seconds["linear"]
        target = targets[model]
        table.append(
            f"| {model} | {s:.1f} | {epochs if epochs is not None else ''} "
            f"| {training if training is not None else ''} | {ratio:.2f} "
            f"| {'' if target is None else f'≤ {target:g}'} "
            f"| {'' if target is None else ('yes' if ratio <= target else 'no')} "
            f"| {mae_ratio:.3f} |"
        )
    return table, seconds


def backtests(fit_seconds: dict) -> list[str]:
    table = [
        "| data | one TCN fit s | backtest warm s | × fit | backtest cold s | × fit "
        "| TCN MASE warm | cold | warm / cold |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for path in (MSFT, CO2):
        load = LOADING[path]
        fit_s = (
            fit_seconds["tcn"]
            if path == MSFT
            else timed("fit", str(path), *load, "--model", "tcn", "--runs-dir", "runs")[0]
        )
        common = ("backtest", str(path), *load, "--model", "tcn", "--folds", "5", "--no-plot")
        warm_s, warm = timed(*common, "--out", f"{path.stem}_warm.csv")
        print(f"backtest {path.name} warm: {warm_s:.1f} s", flush=True)
        cold_s, cold = timed(*common, "--refit", "cold", "--out", f"{path.stem}_cold.csv")
        print(f"backtest {path.name} cold: {cold_s:.1f} s", flush=True)
        w, c = tcn_mase(warm), tcn_mase(cold)
        table.append(
            f"| {path.name} | {fit_s:.1f} | {warm_s:.1f} | {warm_s / fit_s:.2f} | {cold_s:.1f} "
            f"| {cold_s / fit_s:.2f} | {w:.3f} | {c:.3f} | {w / c:.3f} |"
        )
    return table


def darts() -> list[str]:
    if importlib.util.find_spec("darts") is None:
        return [
            "darts' `TCNModel`: not measured — darts is not installed here (it needs PyTorch, "
            "which the `[bench]` extra leaves out)."
        ]
    return ["darts' `TCNModel`: installed but not wired into this benchmark yet."]


def main() -> None:
    fit_table, fit_seconds = fits()
    print("\n".join(fit_table), flush=True)
    backtest_table = backtests(fit_seconds)
    print("\n".join(backtest_table), flush=True)
    body = "\n".join(
        [
            "Fits (one process each):",
            "",
            *fit_table,
            "",
            "Backtests, 5 folds, CLI defaults otherwise (horizon 30, window 100, 100 sampled "
            "paths per fold); one TCN fit of the same file for scale:",
            "",
            *backtest_table,
            "",
            "`tsconv compare datasets/msft.csv` with the default models: see "
            "`accuracy_msft.md` (total seconds, warm refits).",
            "",
            *darts(),
        ]
    )
    write_results(
        "fit_speed",
        "Wall time of tsconv fit, backtest and compare",
        body,
        "Each command in a fresh process, timed from start to exit, on the embedded "
        "datasets; ratios are to commands timed in this same run.",
    )
    print(body)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        WORK = Path(folder)
        main()
