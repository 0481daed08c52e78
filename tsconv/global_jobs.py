"""The many-series side of the CLI jobs: what a global fit reports, and its forecast.

`tsconv.jobs` dispatches here when a CSV holds many series (an id column, or
`wide=True`) or a run is a `GlobalForecaster`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tsconv.data.panel import load_panel_csv
from tsconv.errors import InputError
from tsconv.forecasters.forecaster import GlobalForecaster
from tsconv.json_values import plain
from tsconv.training.engine import describe_engine

logger = logging.getLogger(__name__)

# Series listed one by one in a fit summary; beyond this, the best and worst few.
LISTED_SERIES = 12


@dataclass
class GlobalFitReport:
    """What `fit_csv` made of a many-series CSV: the run directory and the forecaster."""

    run_dir: Path | None
    forecaster: GlobalForecaster

    def to_json(self) -> dict:
        """The run, model, training facts and per-series metrics, as plain JSON values."""
        gf = self.forecaster
        return plain(
            {
                "run": self.run_dir,
                "model": gf.model,
                "window": gf.window,
                "transform": gf.transform_,
                "target": gf.data_["target"],
                "engine": gf.engine_,
                "training": gf.training_,
                "skipped_series": gf.skipped_,
                "metrics": gf.metrics_,
            }
        )

    def summary(self) -> str:
        """Run, model, series trained and skipped, and each series' test error beside naive."""
        gf, t = self.forecaster, self.forecaster.training_
        how = (
            f"trained {t['epochs_run']} epoch(s) in {t['seconds']:.1f}s (best validation loss "
            f"at epoch {t['best_epoch']}, objective {gf.objective})"
            if t["best_epoch"] is not None
            else f"fitted without a training loop in {t['seconds']:.1f}s"
        )
        lines = [
            f"run: {self.run_dir}",
            describe_engine(gf.engine_),
            f"model: global {gf.model}, {t['parameters']:,} parameters, window {gf.window}, "
            f"transform {gf.transform_}, each series scaled by its own training rows",
            f"series: {t['series']} trained"
            + (f", {t['skipped_series']} skipped (too short)" if t["skipped_series"] else ""),
            f"{how} on {t['train_windows']:,} windows from all series",
        ]
        test = gf.metrics_["test"]
        per_series = test["series"]
        ratios = {
            sid: m["model"]["mae"] / m["naive"]["mae"]
            for sid, m in per_series.items()
            if m["naive"]["mae"] > 0
        }
        order = sorted(ratios, key=ratios.get)
        if len(order) > LISTED_SERIES:
            half = LISTED_SERIES // 2
            order = [*order[:half], None, *order[-half:]]
        lines.append(f"one-step test error per series ({test['windows']:,} windows):")
        lines.append(f"  {'series':16} {'MAE model':>12} {'MAE naive':>12} {'ratio':>7}")
        for sid in order:
            if sid is None:
                lines.append("  …")
                continue
            m = per_series[sid]
            lines.append(
                f"  {sid[:16]:16} {m['model']['mae']:12.4g} {m['naive']['mae']:12.4g} "
                f"{ratios[sid]:7.3f}"
            )
        s = test["summary"]
        lines.append(
            f"test MAE model/naive: mean {s['mae_ratio_mean']:.3f}, median "
            f"{s['mae_ratio_median']:.3f}; the model beats the naive forecast (tomorrow = today) "
            f"on {s['beats_naive']} of {s['series']} series."
        )
        return "\n".join(lines)


def load_panel_for_forecast(gf: GlobalForecaster, path, fill: str | None):
    """The many-series CSV a forecast continues from, read the way the run's data was."""
    data = gf.data_
    return load_panel_csv(
        path,
        id_column=data["id_column"] if data["layout"] == "long" else None,
        wide=data["layout"] == "wide",
        target=data["target"] if data["layout"] == "long" else None,
        features=data["features"] or None,
        time_column=data["time_column"],
        fill=fill,
    )


def check_global_forecast_options(plot) -> None:
    """Raises `InputError` for forecast options a many-series run does not offer."""
    if plot is not None:
        raise InputError(
            "--plot draws one series; a many-series run writes the forecast CSV only. "
            "Leave out --plot."
        )


def preview(table: pd.DataFrame, rows: int = 40) -> str:
    """The first `rows` of a long forecast table, and how many more there are."""
    text = table.head(rows).to_string(index=False, float_format=lambda v: f"{v:.4f}")
    more = len(table) - rows
    if more <= 0:
        return text
    return f"{text}\n… {more} more rows ({table.iloc[:, 0].nunique()} series in all)"
