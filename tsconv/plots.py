"""Matplotlib figures written to PNG files (no pyplot state, no screen needed)."""

from __future__ import annotations

import os

import pandas as pd
from matplotlib.figure import Figure

from tsconv.sampling import quantile_name


def plot_fit(
    history: pd.DataFrame, predictions: pd.DataFrame, path: str | os.PathLike, last: int = 150
) -> None:
    """Training curves, and the last `last` one-step test predictions against the truth.

    Zoomed in, because over years the model, the naive forecast and the truth
    draw one line; at this scale a lagging forecast shows.

    Args:
        history: per-epoch columns such as `loss` and `val_loss`.
        predictions: indexed by time, with `split`, `actual`, `model` and `naive` columns.
        path: PNG file to write.
        last: how many of the latest predictions to draw.
    """
    fig = Figure(figsize=(10, 7), layout="constrained")
    curves, series = fig.subplots(2, 1, height_ratios=[1, 2])
    if len(history):
        for column in ("loss", "val_loss"):
            if column in history:
                curves.plot(history.index + 1, history[column], label=column)
        curves.set_xlabel("epoch")
        curves.set_ylabel("loss (scaled units)")
        curves.legend()
        curves.set_title("training")
    else:
        curves.text(0.5, 0.5, "no training loop (baseline)", ha="center", va="center")
        curves.set_axis_off()
    part = predictions.iloc[-last:]
    series.plot(part.index, part["actual"], color="black", linewidth=1.2, label="actual")
    series.plot(part.index, part["model"], color="tab:blue", linewidth=1, label="model")
    series.plot(
        part.index,
        part["naive"],
        color="tab:orange",
        linewidth=1,
        linestyle=":",
        label="naive (last value)",
    )
    series.set_title(f"one-step forecasts, last {len(part)} held-out steps")
    series.legend()
    fig.savefig(path, dpi=100)


def plot_forecast(
    history: pd.Series, forecast: pd.DataFrame, path: str | os.PathLike, last: int = 250
) -> None:
    """The last `last` observed values and the forecast after them, as a fan chart
    when the forecast has quantile columns.

    Args:
        history: observed target values indexed by time.
        forecast: indexed by future time; its first column is the forecast,
            and columns `q0.05`, `q0.95`, … (if any) are quantiles of sampled paths.
        path: PNG file to write.
    """
    fig = Figure(figsize=(10, 4.5), layout="constrained")
    ax = fig.subplots()
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
    ax.set_title(f"{history.name}: {len(forecast)}-step forecast")
    ax.legend()
    fig.savefig(path, dpi=100)


def plot_backtest(
    history: pd.Series, forecasts: pd.DataFrame, path: str | os.PathLike, before: int = 200
) -> None:
    """The forecasts made at each backtest origin against the truth.

    Args:
        history: observed target values before the first origin, indexed by time.
        forecasts: `BacktestResult.forecasts`: `model`, `fold`, `time`, `actual`,
            `forecast`, and `q0.05`/`q0.95` where sampled.
        path: PNG file to write.
        before: how many observed values before the first origin to draw.
    """
    fig = Figure(figsize=(11, 5), layout="constrained")
    ax = fig.subplots()
    tail = history.iloc[-before:]
    truth = forecasts.drop_duplicates("time")[["time", "actual"]]
    ax.plot(tail.index, tail.to_numpy(), color="black", linewidth=1, label="observed")
    ax.plot(truth["time"], truth["actual"], color="black", linewidth=1)
    colours = dict(naive="tab:orange", drift="tab:olive")
    colours["seasonal-naive"] = "tab:brown"
    others = iter(["tab:blue", "tab:red", "tab:green", "tab:purple", "tab:cyan", "tab:pink"])
    # Bands of several models stack into a grey blur: draw them only for a single sampled model.
    sampled = []
    if "q0.05" in forecasts:
        sampled = forecasts.dropna(subset=["q0.05"])["model"].unique().tolist()
    for model, rows in forecasts.groupby("model", sort=False):
        colour = colours.get(model) or next(others, "tab:gray")
        style = ":" if model in colours else "-"
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
        f"{history.name}: backtest, {folds} origins (dashed), {horizon}-step forecasts{bands}"
    )
    ax.legend(loc="upper left", fontsize="small")
    fig.savefig(path, dpi=100)
