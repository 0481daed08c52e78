"""What the figures draw (issue 22, item 16): whole epochs, labelled axes, references told
apart. Each figure is caught as it is saved and its axes read back."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from tsconv.image.plots import plot_training_curves
from tsconv.plots import plot_backtest, plot_fit, plot_forecast


@pytest.fixture
def saved(monkeypatch):
    """The figures the plot functions save, instead of PNG files."""
    figures = []
    monkeypatch.setattr(Figure, "savefig", lambda fig, *a, **k: figures.append(fig))
    return figures


def test_training_curves_count_whole_epochs_and_label_the_axes(saved):
    history = pd.DataFrame({"loss": [1.0, 0.8, 0.7], "val_loss": [1.1, 0.9, 0.85]})
    when = pd.date_range("2020-01-01", periods=5, freq="D")
    predictions = pd.DataFrame(
        {"split": "test", "actual": 1.0, "model": 1.1, "naive": 0.9}, index=when
    )
    plot_fit(history, predictions, "fit.png", target="Close")
    curves, one_step = saved[0].subfigs[0].axes[0], saved[0].subfigs[1].axes[0]
    curves.figure.canvas.draw()
    ticks = [t for t in curves.get_xticks() if 1 <= t <= 3]
    assert ticks and all(float(t).is_integer() for t in ticks)
    assert curves.get_ylabel() == "loss (scaled units)" and one_step.get_ylabel() == "Close"
    image = pd.DataFrame({"loss": [1.0, 0.5], "accuracy": [0.5, 0.8], "stage": "train"})
    plot_training_curves(image, "curves.png")
    for ax, metric in zip(saved[1].axes, ("loss", "accuracy"), strict=True):
        ax.figure.canvas.draw()
        assert ax.get_ylabel() == metric
        assert all(float(t).is_integer() for t in ax.get_xticks() if 1 <= t <= 2)


def test_backtest_references_differ_in_colour_and_line_and_axes_are_labelled(saved):
    history = pd.Series(np.arange(20.0), index=pd.date_range("2020", periods=20), name="sales")
    rows = []
    for model in ("naive", "drift", "seasonal-naive", "conv"):
        for step, time in enumerate(pd.date_range("2020-01-21", periods=4), start=1):
            rows.append({"model": model, "fold": 1, "time": time, "step": step,
                         "actual": 20.0 + step, "forecast": 20.0})  # fmt: skip
    plot_backtest(history, pd.DataFrame(rows), "bt.png")
    ax = saved[0].axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    looks = {(lines[m].get_color(), lines[m].get_linestyle()) for m in ("naive", "drift")}
    assert len(looks) == 2 and lines["naive"].get_color() != lines["drift"].get_color()
    assert ax.get_ylabel() == "sales"
    forecast = pd.DataFrame({"sales": [1.0, 2.0]}, index=pd.date_range("2020-01-21", periods=2))
    plot_forecast({"sales": history}, {"sales": forecast}, "fc.png")
    assert saved[1].axes[0].get_ylabel() == "sales"
