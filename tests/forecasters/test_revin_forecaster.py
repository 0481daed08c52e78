"""A Forecaster with `revin` (reversible instance normalization): refusals, runs, the CLI."""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import tsconv
from tsconv import Forecaster
from tsconv.errors import InputError
from tsconv_cli.main import app


def test_revin_and_the_sequence_objective_are_refused_together():
    with pytest.raises(InputError, match="revin scales each window by its own statistics"):
        Forecaster(model="tcn", model_options={"revin": True}, objective="sequence")


def test_a_revin_forecaster_fits_saves_loads_and_forecasts_the_same(tmp_path):
    t = np.arange(400)
    levels = 50 + 0.05 * t + 3 * np.sin(2 * np.pi * t / 24)
    path = tmp_path / "data.csv"
    dates = pd.date_range("2024-01-01", periods=400, freq="h")
    pd.DataFrame({"date": dates, "y": levels}).to_csv(path, index=False)
    fc = Forecaster(window=48, model="conv", epochs=2, model_options={"revin": True})
    fc.fit(tsconv.load_csv(path))
    assert fc.model_.revin is True
    loaded = Forecaster.load(fc.save(tmp_path / "run"))
    assert loaded.model_.revin is True
    np.testing.assert_allclose(
        loaded.forecast(24).to_numpy(), fc.forecast(24).to_numpy(), rtol=1e-6
    )


def test_fit_revin_on_the_command_line_records_it_in_the_run(tmp_path):
    t = np.arange(300)
    dates = pd.date_range("2024-01-01", periods=300, freq="D").strftime("%Y-%m-%d")
    pd.DataFrame({"date": dates, "y": 20 + np.sin(2 * np.pi * t / 7) + 0.01 * t}).to_csv(
        tmp_path / "data.csv", index=False
    )
    args = ["fit", tmp_path / "data.csv", "--model", "conv", "--window", "28", "--epochs", "1"]
    args += ["--revin", "--runs-dir", tmp_path / "runs", "--name", "r", "--quiet"]
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    config = json.loads((tmp_path / "runs" / "r" / "config.json").read_text())
    assert config["model_options"] == {"revin": True}
