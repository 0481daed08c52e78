"""`tsconv backtest` and `tsconv compare`: a CSV of one series or many → scored folds, files.

`backtest_csv` runs `tsconv.backtesting.backtest.run_backtest` on a CSV and
writes the per-fold scores, the forecasts and a plot; its report's
`summary()` is the ranked table the CLI shows (with each series' MASE for
many series), and `to_json()` the same for scripts.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tsconv.backtesting.references import CLASSICAL
from tsconv.data.known_inputs import with_future_features
from tsconv.data.panel import Panel, load_series_or_panel
from tsconv.data.reading import CSVFormat
from tsconv.data.series import describe_span
from tsconv.errors import InputError
from tsconv.files import check_writable, spreadsheet_safe, write_atomically
from tsconv.metrics import column_format, diebold_mariano
from tsconv.plots import plot_backtest
from tsconv.preprocessing.window_choice import check_window_option

if TYPE_CHECKING:  # importing it imports Keras (seconds): `backtest_csv` does, after the data
    from tsconv.backtesting.backtest import BacktestResult

logger = logging.getLogger(__name__)

# Columns of the terminal table: metric, heading, format.
SHOWN = (
    ("mase", "MASE", "{:.3f}"),
    ("smape", "sMAPE %", "{:.2f}"),
    ("mae", "MAE", None),  # None: in the data's units, decimals to suit the column
    ("rmse", "RMSE", None),
    ("crps", "CRPS", None),
    ("coverage", "cover 90%", "{:.2f}"),
)
# Series listed in a many-series backtest's per-series table.
LISTED_SERIES = 12
# A model is said to beat the best reference surely below this paired p-value.
SURE = 0.05
# Series whose seasons the summary names (the JSON has all).
SEASONS_SHOWN = 3


REFIT_WORDS = {
    "warm": "refitted at each origin from the previous fold's weights",
    "cold": "refitted from scratch at each origin",
    "none": "fitted once at the first origin",
}


@dataclass
class BacktestReport:
    """What `backtest_csv` measured and wrote.

    Example:
    >>> report = backtest_csv("datasets/msft.csv", ["naive", "tcn"], horizon=30, folds=5)
    >>> print(report.summary())  # ranked by MASE, naive first to beat
    """

    result: BacktestResult
    source: str
    target: str
    out: Path | None
    forecasts_out: Path | None
    plot: Path | None
    series: int = 1

    def _seasons(self) -> list[str]:
        """The seasons found before the first origin: one line (the first few of many)."""
        found = self.result.seasons
        if not self.result.id_column:
            return [f"{one.describe()}, before the first origin" for one in found.values()]
        shown = [f"{sid}: {one.describe()}" for sid, one in list(found.items())[:SEASONS_SHOWN]]
        more = f" … {len(found) - SEASONS_SHOWN} more" if len(found) > SEASONS_SHOWN else ""
        return [f"seasons before the first origin — {'; '.join(shown)}{more}"]

    def summary(self) -> str:
        """The ranked table (mean ± spread over folds), the verdict against naive, notes, files."""
        r = self.result
        table = r.table()
        span = describe_span(pd.Index(r.forecasts["time"].drop_duplicates().sort_values()))
        how = REFIT_WORDS[r.refit]
        of = f"{self.series} series, " if r.id_column else ""
        over = "series (each series' mean over folds)" if r.id_column else "folds"
        lines = [
            f"backtest of {self.source}, target {self.target!r}: {of}{r.folds} folds of "
            f"{r.horizon} steps, {span}, models {how}",
            f"mean ± std over {over}; MASE is scaled by the one-step naive error before each "
            "origin",
            *self._seasons(),
        ]
        shown = [
            (m, h, f if f else column_format(table[(m, "mean")]))
            for m, h, f in SHOWN
            if (m, "mean") in table.columns
        ]
        cells = [["rank", "model", *[h for _, h, _ in shown], "MASE/naive", "seconds"]]
        for rank, (model, row) in enumerate(table.iterrows(), start=1):
            cells.append(
                [
                    str(rank),
                    model,
                    *[_mean_std(row[(m, "mean")], row[(m, "std")], f) for m, _, f in shown],
                    _number(row[("mase/naive", "")], "{:.3f}"),
                    _number(row[("seconds", "")], "{:.1f}"),
                ]
            )
        widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
        for row in cells:
            lines.append(
                "  ".join(
                    c.rjust(w) if i != 1 else c.ljust(w)
                    for i, (c, w) in enumerate(zip(row, widths, strict=True))
                )
            )
        if r.id_column is not None:
            lines.extend(self._per_series())
        lines.extend(self._verdicts(table))
        lines.extend(f"note: {n}" for n in r.notes)
        if r.audit is not None:
            a = r.audit
            if a["passed"]:
                lines.append(
                    f"leakage audit passed: changed every value after each of {a['folds']} "
                    f"origins; no forecast changed (largest difference {a['max_difference']:.3g})."
                )
            else:
                lines.append(
                    f"LEAKAGE: forecasts changed when only the future changed: "
                    f"{', '.join(a['leaks'])} (largest difference {a['max_difference']:.3g})."
                )
        for path in (self.out, self.forecasts_out, self.plot):
            if path is not None:
                lines.append(f"wrote {path}")
        return "\n".join(lines)

    def _per_series(self) -> list[str]:
        """Each series' MASE per model (the first `LISTED_SERIES`), for many series."""
        wide = self.result.series_table("mase")
        shown = wide.head(LISTED_SERIES)
        lines = ["MASE per series (mean over folds):"]
        text = shown.to_string(float_format=lambda v: f"{v:.3f}")
        lines.extend(f"  {line}" for line in text.splitlines())
        if len(wide) > len(shown):
            lines.append(f"  … {len(wide) - len(shown)} more series in the scores file")
        return lines

    def _verdicts(self, table) -> list[str]:
        """Each tsconv model against the best reference in the table (naive, seasonal naive
        or drift, whichever has the lowest MASE), with how many folds it won and how sure.

        Sure means a paired test of the folds' MASE (for many series, of each series
        and fold; `tsconv.metrics.diebold_mariano` at lag 0) below p = 0.05.
        """
        references = [m for m in CLASSICAL if m in table.index]
        if not references:
            return []
        best = min(references, key=lambda m: table.loc[m, ("mase", "mean")])
        name = {"naive": "the naive forecast (tomorrow = today)"}.get(best, best)
        scores, keys = self.result.scores, ["fold"]
        if self.result.id_column is not None:
            keys.append(self.result.id_column)
        wide = scores.pivot_table(index=keys, columns="model", values="mase")
        lines = []
        for model, row in table.iterrows():
            if model in CLASSICAL:
                continue
            ratio = row[("mase", "mean")] / table.loc[best, ("mase", "mean")]
            pairs = wide[[model, best]].dropna()
            won = int((pairs[model] < pairs[best]).sum())
            _, p = diebold_mariano(pairs[model].to_numpy(), pairs[best].to_numpy())
            units = "folds" if self.result.id_column is None else "series × folds"
            record = f"better in {won} of {len(pairs)} {units}" + (
                f", paired p = {p:.2g}" if p == p else ""
            )
            if 0.995 <= ratio <= 1.005:
                verdict = f"ties with {name}"
            elif ratio < 1:
                verdict = f"beats {name} by {100 * (1 - ratio):.1f}% ({record})"
                if not p < SURE:
                    verdict += ", but not surely: over so few it can be chance"
            else:
                verdict = f"is {100 * (ratio - 1):.1f}% worse than {name} ({record})"
            naive = row[("mase/naive", "")]
            also = f"; {naive:.3f}× naive" if best != "naive" and naive == naive else ""
            lines.append(
                f"{model}: MASE {ratio:.3f} × {best}, the best reference: it {verdict}{also}."
            )
        return lines

    def to_json(self) -> dict:
        """The table, notes and audit as plain JSON types."""
        r, table = self.result, self.result.table()
        models = []
        for rank, (model, row) in enumerate(table.iterrows(), start=1):
            entry = {"rank": rank, "model": model}
            for metric, stat in table.columns:
                value = _plain(row[(metric, stat)])
                if stat:
                    entry.setdefault(metric, {})[stat] = value
                else:
                    entry[metric] = value
            models.append(entry)
        per_series = None
        if r.id_column is not None:
            per_series = {
                sid: {model: _plain(v) for model, v in row.items()}
                for sid, row in r.series_table("mase").iterrows()
            }
        return {
            "source": self.source,
            "target": self.target,
            "series": self.series,
            "seasons": {sid: found.to_dict() for sid, found in r.seasons.items()},
            "mase_per_series": per_series,
            "horizon": r.horizon,
            "folds": r.folds,
            "refit": r.refit,
            "origins": [str(t) for t in r.scores.drop_duplicates("fold")["origin"]],
            "models": models,
            "notes": r.notes,
            "audit": r.audit,
            "files": [str(p) for p in (self.out, self.forecasts_out, self.plot) if p],
        }


def backtest_csv(
    path: str | os.PathLike,
    models: Sequence[str],
    *,
    horizon: int = 30,
    folds: int = 5,
    target: str | None = None,
    features: list[str] | None = None,
    time_column: str | None = None,
    fill: str | None = None,
    id_column: str | None = None,
    wide: bool = False,
    csv_format: dict | None = None,
    refit: str | bool = "warm",
    audit: bool = False,
    samples: int | None = None,
    seed: int = 0,
    season: int | Sequence[int] | None = None,
    out: str | os.PathLike | None = "backtest.csv",
    plot: str | os.PathLike | None = "backtest.png",
    progress: Callable[[str], None] | None = None,
    **forecaster_options,
) -> BacktestReport:
    """Loads a CSV of one series or many and backtests `models` beside the textbook references.

    Args:
        path: the CSV file.
        models: tsconv model names (one for `tsconv backtest`, several for `compare`).
        horizon, folds, refit, audit, samples, seed, season: see `run_backtest`
            (`samples` None: its default).
        target, features, time_column, fill: see `load_csv` (the `future_features`
            among `forecaster_options` are loaded as features too).
        id_column, wide: many series, as `load_panel_csv` (an id column named
            like one is found by itself); the scores then have the id column.
        csv_format: `CSVFormat` fields (`sep`, `decimal`, `dayfirst`, `date_format`);
            default: found in the file.
        out: per-fold scores CSV (the forecasts go beside it as `<stem>_forecasts.csv`),
            or None for none.
        plot: PNG of each origin's forecasts against the truth, or None.
        progress: called with a line after each fold.
        **forecaster_options: `Forecaster` arguments (`window`, `epochs`, …).

    Returns:
        A `BacktestReport`.

    Raises:
        InputError: for unusable data or options (nothing is written).

    Example:
    >>> report = backtest_csv("datasets/msft.csv", ["naive", "tcn"], horizon=30, folds=5)
    >>> report.result.table().index[0]  # the best model by MASE
    """
    if out is not None and str(out) == "-":
        raise InputError(
            "--out - (standard output) is for `tsconv forecast`; a backtest writes two CSVs "
            "and a plot: give --out a file name, or --json for the results on stdout."
        )
    if out is not None:  # every file the backtest writes, checked before minutes of work
        check_writable(out)
        scores = Path(out)
        check_writable(scores.with_name(f"{scores.stem}_forecasts.csv"), "--out (forecasts)")
    if plot is not None:
        if out is not None and Path(plot).resolve() == Path(out).resolve():
            raise InputError(
                f"--out {out} would hold both the scores CSV and the plot; give --out a .csv name."
            )
        check_writable(plot, "the plot")
    # The data and the cheap checks come first: Keras takes seconds to import, and an
    # input error should come back at once (`check_models` then checks the other options).
    if not models:
        raise InputError("name at least one model, e.g. --models naive,tcn.")
    check_window_option(forecaster_options.get("window", 100))
    loaded = with_future_features(features, forecaster_options.get("future_features"))
    fmt = CSVFormat(**csv_format) if csv_format else None
    data = load_series_or_panel(path, id_column, wide, target, loaded, time_column, fill, fmt)
    from tsconv.backtesting.backtest import run_backtest  # imports Keras
    from tsconv.backtesting.methods import check_models, check_refit

    check_models(models, **forecaster_options)
    refit = check_refit(refit)
    sampling = {} if samples is None else {"samples": samples}  # None: run_backtest's default
    result = run_backtest(
        data,
        models,
        horizon,
        folds,
        refit=refit,
        seed=seed,
        season=season,
        audit=audit,
        progress=progress,
        **sampling,
        **forecaster_options,
    )
    out_path = forecasts_path = plot_path = None
    if out is not None:
        out_path = Path(out)
        forecasts_path = out_path.with_name(f"{out_path.stem}_forecasts.csv")
        scores, forecasts = spreadsheet_safe(result.scores), spreadsheet_safe(result.forecasts)
        write_atomically(out_path, lambda tmp: scores.to_csv(tmp, index=False))
        write_atomically(forecasts_path, lambda tmp: forecasts.to_csv(tmp, index=False))
    if plot is not None:
        plot_path = Path(plot)
        history = result.history
        write_atomically(
            plot_path,
            lambda tmp: plot_backtest(history, result.forecasts, tmp, id_column=result.id_column),
            ".png",
        )
    count = len(data) if isinstance(data, Panel) else 1
    return BacktestReport(
        result, str(path), data.target, out_path, forecasts_path, plot_path, count
    )


def _mean_std(mean: float, std: float, fmt: str) -> str:
    if not np.isfinite(mean):
        return "-"
    return f"{fmt.format(mean)} ± {fmt.format(std)}"


def _number(value: float, fmt: str) -> str:
    return fmt.format(value) if np.isfinite(value) else "-"


def _plain(value):
    value = float(value)
    return None if math.isnan(value) else value
