"""Matplotlib figures written to PNG files (no pyplot state, no screen needed).

Each figure draws one series, or one panel per series for many (the first
`MAX_PANELS`, with a note saying how many were left out).
"""

from __future__ import annotations

import math
import os

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from tsconv.metrics import quantile_name

# Series drawn at most in one figure, one panel each.
MAX_PANELS = 6


def _panels(fig: Figure, count: int):
    """`count` axes in a grid of at most two columns."""
    columns = 1 if count == 1 else 2
    rows = math.ceil(count / columns)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax in axes[count:]:
        ax.set_axis_off()
    return axes[:count]


def _left_out(fig: Figure, shown: int, total: int) -> None:
    if total > shown:
        fig.suptitle(f"the first {shown} of {total} series", fontsize="small")


def plot_fit(
    history: pd.DataFrame,
    predictions: pd.DataFrame,
    path: str | os.PathLike,
    last: int = 150,
    id_column: str | None = None,
    target: str = "value",
) -> None:
    """Training curves, and the last `last` one-step test predictions against the truth.

    Zoomed in, because over years the model, the naive forecast and the truth
    draw one line; at this scale a lagging forecast shows.

    Args:
        history: per-epoch columns such as `loss` and `val_loss`.
        predictions: indexed by time, with `split`, `actual`, `model` and `naive`
            columns (and `id_column` for many series: one panel per series).
        path: PNG file to write.
        last: how many of the latest predictions to draw (per series).
        id_column: the column naming each row's series, or None for one series.
        target: the y-axis label of the predictions (the target's name).

    Example:
    >>> plot_fit(fc.history_, fc.predictions_, "fit.png")
    """
    groups = (
        {None: predictions}
        if id_column is None
        else dict(tuple(predictions.groupby(id_column, sort=False)))
    )
    shown = list(groups)[:MAX_PANELS]
    fig = Figure(figsize=(10, 4 + 3 * math.ceil(len(shown) / 2)), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[1, 2 * math.ceil(len(shown) / 2)])
    curves = top.subplots()
    if len(history):
        for column in ("loss", "val_loss"):
            if column in history:
                curves.plot(history.index + 1, history[column], label=column)
        curves.set_xlabel("epoch")
        curves.xaxis.set_major_locator(MaxNLocator(integer=True))  # no epoch 1.5
        curves.set_ylabel("loss (scaled units)")
        curves.legend()
        curves.set_title("training")
    else:
        curves.text(0.5, 0.5, "no training loop (baseline)", ha="center", va="center")
        curves.set_axis_off()
    for ax, sid in zip(_panels(bottom, len(shown)), shown, strict=True):
        part = groups[sid].iloc[-last:]
        ax.plot(part.index, part["actual"], color="black", linewidth=1.2, label="actual")
        ax.plot(part.index, part["model"], color="tab:blue", linewidth=1, label="model")
        ax.plot(
            part.index,
            part["naive"],
            color="tab:orange",
            linewidth=1,
            linestyle=":",
            label="naive (last value)",
        )
        name = "" if sid is None else f"{sid}: "
        ax.set_title(f"{name}one-step forecasts, last {len(part)} held-out steps")
        ax.set_ylabel(target)
        ax.legend(fontsize="small")
    _left_out(bottom, len(shown), len(groups))
    fig.savefig(path, dpi=100)


def plot_forecast(
    histories: dict[str, pd.Series],
    forecasts: dict[str, pd.DataFrame],
    path: str | os.PathLike,
    last: int = 250,
    total: int | None = None,
) -> None:
    """The last `last` observed values and the forecast after them, one panel per series,
    as a fan chart when the forecast has quantile columns.

    Args:
        histories: observed target values indexed by time, by series id.
        forecasts: by the same ids, indexed by future time; the first column is
            the forecast, and columns `q0.05`, `q0.95`, … (if any) are
            quantiles of sampled paths.
        path: PNG file to write.
        last: how many observed values to draw before each forecast.
        total: how many series there are in all (for the note when fewer are drawn).

    Example:
    >>> plot_forecast({"Close": history}, {"Close": table}, "forecast.png")
    """
    ids = list(forecasts)
    fig = Figure(figsize=(10, 4.5 * math.ceil(len(ids) / 2)), layout="constrained")
    for ax, sid in zip(_panels(fig, len(ids)), ids, strict=True):
        history, forecast = histories[sid], forecasts[sid]
        tail = history.iloc[-last:]
        ax.plot(tail.index, tail.to_numpy(), color="black", linewidth=1, label="observed")
        levels = sorted(float(c[1:]) for c in forecast.columns[1:] if c.startswith("q"))
        # Nested bands: the outermost pair of quantiles lightest, each inner pair darker.
        for i in range(len(levels) // 2):
            low, high = levels[i], levels[-1 - i]
            ax.fill_between(
                forecast.index,
                forecast[quantile_name(low)].to_numpy(),
                forecast[quantile_name(high)].to_numpy(),
                color="tab:red",
                alpha=0.15 + 0.15 * i,
                linewidth=0,
                label=f"{low:g}–{high:g} quantiles",
            )
        ax.plot(forecast.index, forecast.iloc[:, 0].to_numpy(), color="tab:red", label="forecast")
        ax.set_ylabel(str(history.name))
        name = history.name if len(ids) == 1 else f"{sid}"
        ax.set_title(f"{name}: {len(forecast)}-step forecast")
        ax.legend(fontsize="small")
    _left_out(fig, len(ids), total or len(ids))
    fig.savefig(path, dpi=100)


def plot_backtest(
    history: pd.Series | pd.DataFrame,
    forecasts: pd.DataFrame,
    path: str | os.PathLike,
    before: int = 200,
    id_column: str | None = None,
) -> None:
    """The forecasts made at each backtest origin against the truth, one panel per series.

    Args:
        history: observed target values before the first origin, indexed by
            time (`BacktestResult.history`: for many series a frame of the id
            column and the target).
        forecasts: `BacktestResult.forecasts`: `model`, `fold`, `time`, `actual`,
            `forecast`, `q0.05`/`q0.95` where sampled (and `id_column` for many).
        path: PNG file to write.
        before: how many observed values before the first origin to draw.
        id_column: the column naming each row's series, or None for one series.

    Example:
    >>> plot_backtest(result.history, result.forecasts, "backtest.png")
    """
    if id_column is None:
        parts = {None: (history, forecasts)}
    else:
        target = history.columns[-1]
        parts = {
            sid: (history.loc[history[id_column] == sid, target], rows)
            for sid, rows in forecasts.groupby(id_column, sort=False)
        }
    shown = list(parts)[:MAX_PANELS]
    fig = Figure(figsize=(11, 5 * math.ceil(len(shown) / 2)), layout="constrained")
    for ax, sid in zip(_panels(fig, len(shown)), shown, strict=True):
        _draw_backtest(ax, *parts[sid], before, "" if sid is None else f"{sid}: ")
    _left_out(fig, len(shown), len(parts))
    fig.savefig(path, dpi=100)


def _draw_backtest(ax, history: pd.Series, forecasts: pd.DataFrame, before: int, name: str):
    tail = history.iloc[-before:]
    truth = forecasts.drop_duplicates("time")[["time", "actual"]]
    ax.plot(tail.index, tail.to_numpy(), color="black", linewidth=1, label="observed")
    ax.plot(truth["time"], truth["actual"], color="black", linewidth=1)
    # The references apart by colour and by line: naive and drift used to look alike.
    colours = {"naive": "tab:orange", "drift": "tab:gray", "seasonal-naive": "tab:brown"}
    styles = {"naive": ":", "drift": "-.", "seasonal-naive": "--"}
    others = iter(["tab:blue", "tab:red", "tab:green", "tab:purple", "tab:cyan", "tab:pink"])
    # Bands of several models stack into a grey blur: draw them only for a single sampled model.
    sampled = []
    if "q0.05" in forecasts:
        sampled = forecasts.dropna(subset=["q0.05"])["model"].unique().tolist()
    for model, rows in forecasts.groupby("model", sort=False):
        colour = colours.get(model) or next(others, "tab:gray")
        style = styles.get(model, "-")
        for fold, part in rows.groupby("fold"):
            label = model if fold == rows["fold"].min() else None
            ax.plot(part["time"], part["forecast"], color=colour, linestyle=style, label=label)
            if sampled == [model]:
                ax.fill_between(
                    part["time"], part["q0.05"], part["q0.95"], color=colour, alpha=0.12, lw=0
                )
    for start in forecasts.groupby("fold")["time"].min():
        ax.axvline(start, color="gray", linewidth=0.5, linestyle="--")
    folds = forecasts["fold"].nunique()
    horizon = int(forecasts["step"].max())
    bands = f", {sampled[0]}'s 5-95% band" if len(sampled) == 1 else ""
    ax.set_title(
        f"{name}{history.name}: backtest, {folds} origins (dashed), {horizon}-step forecasts{bands}"
    )
    ax.set_ylabel(str(history.name))
    ax.legend(loc="upper left", fontsize="small")
