"""Figures of an image run: training curves and the confusion matrix (PNG, no pyplot state)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def plot_training_curves(history: pd.DataFrame, path: str | os.PathLike) -> None:
    """Loss and accuracy per epoch, training beside validation: overfitting shows as a gap.

    Args:
        history: per-epoch columns `loss`, `accuracy`, `val_loss`, `val_accuracy`
            (any may be missing), and optionally `stage` (head / fine-tune).
        path: PNG file to write.
    """
    fig = Figure(figsize=(10, 4), layout="constrained")
    axes = fig.subplots(1, 2)
    epochs = np.arange(1, len(history) + 1)
    for ax, metric in zip(axes, ("loss", "accuracy"), strict=True):
        for column, style in ((metric, "-"), (f"val_{metric}", "--")):
            if column in history:
                label = "validation" if column.startswith("val_") else "training"
                ax.plot(epochs, history[column].to_numpy(), style, label=label)
        if "stage" in history and history["stage"].nunique() > 1:
            start = int(np.flatnonzero(history["stage"].to_numpy() != history["stage"].iloc[0])[0])
            ax.axvline(start + 0.5, color="grey", linewidth=1, label="fine-tuning starts")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # no epoch 1.5
        ax.set_ylabel(metric)
        ax.set_title(metric)
        ax.legend()
    fig.savefig(path, dpi=100)


def plot_confusion(
    confusion: np.ndarray, class_names: Sequence[str], path: str | os.PathLike
) -> None:
    """The validation confusion matrix with counts (rows: true class; columns: predicted)."""
    confusion = np.asarray(confusion)
    n = len(class_names)
    side = min(max(4.0, 0.5 * n + 2), 16)
    fig = Figure(figsize=(side, side * 0.85), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(confusion, cmap="Blues")
    fig.colorbar(image, ax=ax, shrink=0.8)
    ticks = np.arange(n)
    ax.set_xticks(ticks, class_names, rotation=90 if n > 10 else 0)
    ax.set_yticks(ticks, class_names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if n <= 30:
        high = confusion.max() if confusion.size else 0
        for i in range(n):
            for j in range(n):
                colour = "white" if confusion[i, j] > high / 2 else "black"
                ax.text(j, i, str(confusion[i, j]), ha="center", va="center", color=colour)
    accuracy = np.trace(confusion) / max(confusion.sum(), 1)
    ax.set_title(f"validation confusion matrix (accuracy {accuracy:.3f})")
    fig.savefig(path, dpi=100)
