"""Tiny, fast fixtures: short synthetic series and a small training budget."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
MSFT = ROOT / "datasets" / "msft.csv"

# Small enough to train in a couple of seconds on 2 CPU cores. No XLA: compiling the training
# step costs 6-9 s for a tiny TCN that trains in 2.5 s without it (the default path, XLA on,
# is what the CLI, notebook and engine tests exercise).
TINY = {"window": 20, "epochs": 2, "batch_size": 32, "model_options": {"filters": 8}, "jit": False}


def price_frame(rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """A positive, trending, price-like business-daily series with a volume column."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2020-01-01", periods=rows)
    t = np.arange(rows)
    close = 50 * np.exp(np.cumsum(rng.normal(0.0005, 0.01, rows))) + np.sin(t / 5)
    volume = rng.integers(1_000, 2_000, rows)
    return pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Close": close, "Volume": volume})


@pytest.fixture
def prices_csv(tmp_path: Path) -> Path:
    path = tmp_path / "prices.csv"
    price_frame().to_csv(path, index=False)
    return path


@pytest.fixture
def write_csv(tmp_path: Path):
    """Writes text to a CSV file in the test's folder and returns its path."""

    def write(text: str, name: str = "data.csv") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


def bad(result, match):
    """Exit code 2, one error line naming the problem (last on stderr), no traceback.

    Progress logs may come before it on stderr (a pipe gets INFO lines); stdout stays empty.
    """
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], result.stderr
    assert match in errors[0], errors[0]
    assert "Traceback" not in result.output and result.stdout == ""
