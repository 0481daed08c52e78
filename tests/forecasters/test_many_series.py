"""One forecaster over many series: per-series scaling, one-batch forecasts, every method, CLI."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import TINY, bad
from tsconv import GlobalForecaster, InputError, load, load_panel_csv
from tsconv.forecasters.forecaster import Forecaster
from tsconv.preprocessing.preparation import encode, prepare
from tsconv.preprocessing.transforms import integrate
from tsconv.rollout.loops import recursive_rollout
from tsconv_cli.main import app

# id: (start, rows, level): levels 1 to 10,000 apart, starts and lengths differ, "tiny" too short.
SERIES = {
    "alpha": ("2020-01-01", 260, 1.0),
    "beta": ("2020-03-02", 200, 10_000.0),
    "gamma": ("2020-02-03", 230, 50.0),
    "tiny": ("2020-01-01", 25, 5.0),
}


def long_frame(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = []
    for k, (sid, (start, rows, level)) in enumerate(SERIES.items()):
        t = np.arange(rows)
        value = level * np.exp(
            np.cumsum(rng.normal(0.0005, 0.01, rows)) + 0.05 * np.sin(t / (3 + k))
        )
        dates = pd.bdate_range(start, periods=rows).strftime("%Y-%m-%d")
        parts.append(pd.DataFrame({"date": dates, "ticker": sid, "close": value}))
    return pd.concat(parts, ignore_index=True)


@pytest.fixture
def panel_csv(tmp_path):
    path = tmp_path / "panel.csv"
    long_frame().to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    path = tmp_path_factory.mktemp("panel") / "panel.csv"
    long_frame().to_csv(path, index=False)
    panel = load_panel_csv(path)
    return panel, GlobalForecaster(model="tcn", **TINY).fit(panel)


def test_each_series_scaled_by_its_own_training_rows(fitted):
    panel, gf = fitted
    assert gf.skipped_ == ["tiny"] and sorted(gf.scalers_) == ["alpha", "beta", "gamma"]
    windows = 0
    for sid, scaler in gf.scalers_.items():
        alone = prepare(panel.series[sid].values, 20, "log-return")
        np.testing.assert_allclose(scaler.mean_, alone.scaler.mean_)
        np.testing.assert_allclose(scaler.scale_, alone.scaler.scale_)
        windows += len(alone.splits["train"])
    assert gf.training_["train_windows"] == windows  # windows from every series
    assert gf.training_["series"] == 3 and gf.training_["skipped_series"] == 1


def test_one_batch_forecast_equals_each_series_alone(fitted):
    panel, gf = fitted
    table = gf.forecast(7)
    assert list(table.columns) == ["ticker", "date", "close"]
    assert table["ticker"].tolist() == [s for s in ("alpha", "beta", "gamma") for _ in range(7)]
    for sid, rows in table.groupby("ticker"):
        levels = panel.series[sid].values
        context = encode("log-return", gf.scalers_[sid], levels)[-20:]
        scaled = recursive_rollout(gf.model_, context, 7)
        scaler = gf.scalers_[sid]
        alone = integrate(
            "log-return", scaled[None] * scaler.scale_[0] + scaler.mean_[0], levels[-1:, 0]
        )[0]
        np.testing.assert_allclose(rows["close"].to_numpy(), alone, rtol=1e-4)
        # The future starts after this series' own last day.
        assert rows["date"].iloc[0] > panel.series[sid].index[-1]


def test_forecast_with_samples_gives_quantiles_per_series(fitted):
    _, gf = fitted
    table = gf.forecast(5, samples=40, seed=1)
    assert list(table.columns) == ["ticker", "date", "close", "q0.05", "q0.5", "q0.95"]
    assert (table["q0.05"] <= table["q0.95"]).all()
    np.testing.assert_allclose(gf.forecast(5, samples=40, seed=1)["q0.5"], table["q0.5"])


def test_save_load_forecasts_the_same(fitted, tmp_path):
    _, gf = fitted
    path = gf.save(tmp_path / "run")
    again = load(path)
    assert isinstance(again, Forecaster) and again.many_series
    pd.testing.assert_frame_equal(again.forecast(6), gf.forecast(6))
    # One class for one series or many: either name loads either kind of run.
    pd.testing.assert_frame_equal(Forecaster.load(path).forecast(6), gf.forecast(6))
    assert GlobalForecaster is Forecaster


def test_leakage_changing_the_test_period_changes_nothing_learned(panel_csv, tmp_path):
    """Scalers and weights depend on the training (and validation) rows only."""
    frame = long_frame()
    changed = frame.copy()
    for _, rows in frame.groupby("ticker"):
        last = rows.index[-max(1, round(0.1 * (len(rows) - 1))) :]  # the test rows
        changed.loc[last, "close"] *= 3.0
    path = tmp_path / "changed.csv"
    changed.to_csv(path, index=False)
    options = {**TINY, "model": "tcn", "deterministic": True}
    a = GlobalForecaster(**options).fit(load_panel_csv(panel_csv))
    b = GlobalForecaster(**options).fit(load_panel_csv(path))
    for sid in a.scalers_:
        np.testing.assert_array_equal(a.scalers_[sid].mean_, b.scalers_[sid].mean_)
    for wa, wb in zip(a.model_.get_weights(), b.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert a.metrics_["test"]["summary"] != b.metrics_["test"]["summary"]


@pytest.mark.parametrize(
    "options, match",
    [
        ({"model": "naive"}, "per-series rule"),
        ({"model": "seasonal-naive"}, "per-series rule"),
        ({"model": "tcn", "distribute": "multiworker"}, "one machine"),
    ],
)
def test_options_a_global_model_refuses(options, match, panel_csv):
    """Per-series rules and multi-worker training fit one series; a panel says so."""
    with pytest.raises(InputError, match=match):
        Forecaster(window=20, **options).fit(load_panel_csv(panel_csv))


def test_every_series_too_short(panel_csv):
    with pytest.raises(InputError, match="every series is too short for window 250"):
        GlobalForecaster(**{**TINY, "window": 250}).fit(load_panel_csv(panel_csv))


def test_forecast_refuses_unknown_series(fitted, write_csv):
    _, gf = fitted
    rows = "date,ticker,close\n" + "".join(f"2021-01-{d:02d},zeta,{d}\n" for d in range(1, 29))
    with pytest.raises(InputError, match="has not seen series"):
        gf.forecast(3, load_panel_csv(write_csv(rows)))
    with pytest.raises(InputError, match=r"no series 'zeta' here; the model forecasts 'alpha'"):
        gf.trajectories(3, series_id="zeta")
    with pytest.raises(InputError, match="give the Series its series_id="):
        gf.forecast(3, load_panel_csv(write_csv(rows)).series["zeta"])


def test_every_method_works_per_series(fitted):
    """Trajectories, sample paths and streams of a panel: per series, equal to its forecast."""
    panel, gf = fitted
    table = gf.forecast(5)
    trajectories = gf.trajectories(5, samples=8, seed=2)
    assert sorted(trajectories) == ["alpha", "beta", "gamma"]
    for sid, (index, paths) in trajectories.items():
        point = table.loc[table["ticker"] == sid, "close"].to_numpy()
        assert paths.shape == (9, 5) and len(index) == 5
        np.testing.assert_allclose(paths[0], point, rtol=1e-5)
    index, paths = gf.trajectories(5, samples=8, seed=2, series_id="beta")
    np.testing.assert_allclose(paths[0], trajectories["beta"][1][0], rtol=1e-5)
    samples = gf.sample_paths(5, samples=6, seed=0)
    assert {sid: p.shape for sid, p in samples.items()} == {s: (6, 5) for s in trajectories}
    assert gf.sample_paths(5, samples=6, seed=0, series_id="gamma").shape == (6, 5)
    streams = gf.stream()
    first = table.groupby("ticker")["close"].first()
    for sid, stream in streams.items():
        assert stream.forecast == pytest.approx(first[sid], rel=1e-4)
    # A newer Series of one known series continues from its own end.
    beta = panel.series["beta"]
    alone = gf.forecast(3, beta, series_id="beta")
    assert set(alone["ticker"]) == {"beta"} and len(alone) == 3


runner = CliRunner()
FAST = [
    "--window",
    "20",
    "--epochs",
    "2",
    "--filters",
    "8",
    "--model",
    "tcn",
    "--quiet",
    "--no-jit",
]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_cli_fit_and_forecast_many_series(panel_csv, tmp_path):
    runs_dir = tmp_path / "runs"
    fit = invoke("fit", panel_csv, *FAST, "--runs-dir", runs_dir)
    assert fit.exit_code == 0, fit.output
    assert "series: 3 trained, 1 skipped (too short)" in fit.stdout
    assert "beats the naive forecast (tomorrow = today) on" in fit.stdout
    assert "MAE seasonal naive (season)" in fit.stdout
    assert "the model beats seasonal naive (the level one season before) on" in fit.stdout
    out = tmp_path / "fc.csv"
    result = invoke("forecast", "--horizon", "4", "--runs-dir", runs_dir, "--out", out)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert list(table.columns) == ["ticker", "date", "close"] and len(table) == 12
    assert set(table["ticker"]) == {"alpha", "beta", "gamma"}
    plot = invoke("forecast", "--runs-dir", runs_dir, "--out", out, "--plot")
    assert plot.exit_code == 0, plot.output
    png = out.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and f"wrote {png}" in plot.stderr
    assert "wrote" not in plot.stdout  # stdout holds the result only


def test_cli_wide_csv(tmp_path):
    frame = long_frame().pivot(index="date", columns="ticker", values="close").reset_index()
    path = tmp_path / "wide.csv"
    frame.to_csv(path, index=False)
    runs_dir = tmp_path / "runs"
    fit = invoke("fit", path, "--wide", *FAST, "--runs-dir", runs_dir)
    assert fit.exit_code == 0, fit.output
    out = tmp_path / "fc.csv"
    assert invoke("forecast", "--horizon", "2", "--runs-dir", runs_dir, "--out", out).exit_code == 0
    table = pd.read_csv(out)
    assert list(table.columns) == ["series_id", "date", "value"] and len(table) == 6


def test_cli_missing_id_column_named(panel_csv, tmp_path):
    bad(
        invoke("fit", panel_csv, "--id-column", "store", "--runs-dir", tmp_path / "r"),
        "id column 'store' not found",
    )


def test_a_runaway_rollout_is_cut_per_series_with_a_warning(panel_csv, caplog):
    panel = load_panel_csv(panel_csv)
    gf = GlobalForecaster(model="linear", window=20).fit(panel)
    kernel = np.zeros((20, 1), "float32")
    kernel[-1] = 3.0  # every step triples the last: a rollout that runs away
    gf.model_.get_layer("head").set_weights([kernel, np.zeros(1, "float32")])
    with caplog.at_level("WARNING", logger="tsconv"):
        table = gf.forecast(100)
    assert np.isfinite(table["close"].to_numpy()).all()
    for sid in ("alpha", "beta", "gamma"):
        rows = int((table["ticker"] == sid).sum())
        assert 0 < rows < 100
        assert f"series {sid}: rollout stopped at step {rows + 1} of 100" in caplog.text
