"""`tsconv backtest` and `tsconv compare`: rolling-origin scores beside the naive forecast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tsconv_cli.common import (
    CALENDAR_HELP,
    DATE_FORMAT,
    DAYFIRST,
    DEBUG,
    DECIMAL,
    ENCODING,
    FUTURE_FEATURES_HELP,
    HOLIDAYS_HELP,
    OUTPUT_STEPS,
    QUIET,
    SEP,
    TIMEZONE,
    VERBOSE,
    WINDOW_HELP,
    calendar_option,
    csv_format,
    setup,
    split_list,
    split_numbers,
    stops_at_once,
    user_errors,
    window_option,
)
from tsconv_cli.common import show as show_report

CSV = Annotated[Path, typer.Argument(help="CSV file with a time column and a numeric target.")]
WINDOW = Annotated[str, typer.Option(help=WINDOW_HELP)]
HORIZON = Annotated[int, typer.Option(help="Steps forecast at each origin.")]
FOLDS = Annotated[int, typer.Option(help="Origins, the last ending at the last row.")]
REFIT = Annotated[
    str,
    typer.Option(
        help="After the first origin: warm (start from the previous fold's weights), "
        "cold (a new model) or none (reuse the first fit)."
    ),
]
NO_REFIT = Annotated[bool, typer.Option("--no-refit", help="Fit once at the first origin.")]
AUDIT = Annotated[
    bool,
    typer.Option(
        "--audit", help="Also check that changing the future does not change any forecast."
    ),
]
SAMPLES = Annotated[
    int, typer.Option(help="Sampled trajectories per fold for CRPS and coverage; 0 = none.")
]
TARGET = Annotated[str | None, typer.Option(help="Column to forecast [default: found].")]
TIME_COLUMN = Annotated[str | None, typer.Option(help="Time column [default: found].")]
FILL = Annotated[str | None, typer.Option(help="Missing values: ffill, interpolate or drop.")]
SEASON = Annotated[
    str | None,
    typer.Option(
        help="Season length(s) in steps, e.g. 48,336; the first is seasonal naive's "
        "[default: the frequency's seasons the data support, else found in the data]."
    ),
]
CALENDAR = Annotated[str | None, typer.Option(help=CALENDAR_HELP)]
FEATURES = Annotated[
    str | None,
    typer.Option(help="Extra input columns, comma-separated (past-only: held when forecasting)."),
]
FUTURE_FEATURES = Annotated[str | None, typer.Option(help=FUTURE_FEATURES_HELP)]
HOLIDAYS = Annotated[str | None, typer.Option(help=HOLIDAYS_HELP)]
EPOCHS = Annotated[int, typer.Option(help="Most epochs per fit (early stopping on validation).")]
OBJECTIVE = Annotated[
    str, typer.Option(help="last, or sequence (every step predicts the next; tcn, transformer).")
]
STRATEGY = Annotated[
    str,
    typer.Option(
        help="auto (direct for conv, tcn and transformer when it fits, else recursive), "
        "recursive, or direct (--output-steps at once, default the horizon; neural models)."
    ),
]
OUTPUT_STEPS_OPTION = Annotated[int | None, OUTPUT_STEPS]
ID_COLUMN = Annotated[
    str | None,
    typer.Option(
        help="Many series, long format: the column naming each row's series [default: found by "
        "name]; one global model per fold, scored series by series."
    ),
]
WIDE = Annotated[bool, typer.Option("--wide", help="Many series, one column each.")]
JIT = Annotated[
    bool | None,
    typer.Option(
        "--jit/--no-jit",
        help="XLA-compile each fit's training step [default: on; off on a CPU above batch 128].",
    ),
]
SEED = Annotated[int, typer.Option(help="Seed of training and sampling.")]
OUT = Annotated[
    Path, typer.Option(help="Per-fold scores CSV; the forecasts go beside it (_forecasts.csv).")
]
PLOT = Annotated[
    bool, typer.Option("--plot/--no-plot", help="Write a PNG of the forecasts beside --out.")
]
JSON = Annotated[bool, typer.Option("--json", help="Print the results as JSON.")]


def backtest(
    csv: CSV,
    model: Annotated[
        str, typer.Option(help="conv, tcn, transformer or linear (baselines are always scored).")
    ] = "conv",
    window: WINDOW = "100",
    horizon: HORIZON = 30,
    folds: FOLDS = 5,
    refit: REFIT = "warm",
    no_refit: NO_REFIT = False,
    audit: AUDIT = False,
    samples: SAMPLES = 100,
    target: TARGET = None,
    time_column: TIME_COLUMN = None,
    fill: FILL = None,
    sep: Annotated[str | None, SEP] = None,
    decimal: Annotated[str | None, DECIMAL] = None,
    dayfirst: Annotated[bool | None, DAYFIRST] = None,
    date_format: Annotated[str | None, DATE_FORMAT] = None,
    encoding: Annotated[str | None, ENCODING] = None,
    timezone: Annotated[str | None, TIMEZONE] = None,
    id_column: ID_COLUMN = None,
    wide: WIDE = False,
    season: SEASON = None,
    calendar: CALENDAR = None,
    features: FEATURES = None,
    future_features: FUTURE_FEATURES = None,
    holidays: HOLIDAYS = None,
    epochs: EPOCHS = 30,
    objective: OBJECTIVE = "last",
    strategy: STRATEGY = "auto",
    output_steps: OUTPUT_STEPS_OPTION = None,
    jit: JIT = None,
    seed: SEED = 0,
    out: OUT = Path("backtest.csv"),
    plot: PLOT = True,
    json_output: JSON = False,
    quiet: Annotated[bool, QUIET] = False,
    verbose: Annotated[bool, VERBOSE] = False,
    debug: Annotated[bool, DEBUG] = False,
) -> None:
    """Backtest a model by rolling origin: refit, forecast HORIZON steps, score each fold.

    Naive, seasonal naive and drift are scored on the same origins.
    """
    _run([model], **locals())


def compare(
    csv: CSV,
    models: Annotated[
        str, typer.Option(help="Comma-separated, e.g. naive,conv,tcn,transformer.")
    ] = "naive,conv,tcn,transformer",
    window: WINDOW = "100",
    horizon: HORIZON = 30,
    folds: FOLDS = 5,
    refit: REFIT = "warm",
    no_refit: NO_REFIT = False,
    audit: AUDIT = False,
    samples: SAMPLES = 100,
    target: TARGET = None,
    time_column: TIME_COLUMN = None,
    fill: FILL = None,
    sep: Annotated[str | None, SEP] = None,
    decimal: Annotated[str | None, DECIMAL] = None,
    dayfirst: Annotated[bool | None, DAYFIRST] = None,
    date_format: Annotated[str | None, DATE_FORMAT] = None,
    encoding: Annotated[str | None, ENCODING] = None,
    timezone: Annotated[str | None, TIMEZONE] = None,
    id_column: ID_COLUMN = None,
    wide: WIDE = False,
    season: SEASON = None,
    calendar: CALENDAR = None,
    features: FEATURES = None,
    future_features: FUTURE_FEATURES = None,
    holidays: HOLIDAYS = None,
    epochs: EPOCHS = 30,
    objective: OBJECTIVE = "last",
    strategy: STRATEGY = "auto",
    output_steps: OUTPUT_STEPS_OPTION = None,
    jit: JIT = None,
    seed: SEED = 0,
    out: OUT = Path("compare.csv"),
    plot: PLOT = True,
    json_output: JSON = False,
    quiet: Annotated[bool, QUIET] = False,
    verbose: Annotated[bool, VERBOSE] = False,
    debug: Annotated[bool, DEBUG] = False,
) -> None:
    """Backtest several models on the same origins and rank them by MASE."""
    _run(split_list(models) or [], **locals())


def _run(chosen: list[str], **options) -> None:
    setup(options["quiet"], options["verbose"])
    show = None if options["quiet"] else lambda line: typer.echo(line, err=True)
    out = options["out"]
    with user_errors(options["debug"]), stops_at_once("interrupted; nothing was written."):
        from tsconv.jobs.backtest import backtest_csv

        report = backtest_csv(
            options["csv"],
            chosen,
            horizon=options["horizon"],
            folds=options["folds"],
            target=options["target"],
            features=split_list(options["features"]),
            time_column=options["time_column"],
            fill=options["fill"],
            id_column=options["id_column"],
            wide=options["wide"],
            csv_format=csv_format(
                options["sep"],
                options["decimal"],
                options["dayfirst"],
                options["date_format"],
                options["encoding"],
                options["timezone"],
            ),
            refit="none" if options["no_refit"] else options["refit"],
            audit=options["audit"],
            samples=options["samples"],
            seed=options["seed"],
            season=split_numbers(options["season"], "--season"),
            calendar=calendar_option(options["calendar"]),
            future_features=split_list(options["future_features"]),
            holidays=options["holidays"],
            out=out,
            plot=out.with_suffix(".png") if options["plot"] else None,
            progress=show,
            window=window_option(options["window"]),
            epochs=options["epochs"],
            objective=options["objective"],
            strategy=options["strategy"],
            output_steps=options["output_steps"],
            jit=options["jit"],
        )
    show_report(report, options["json_output"], options["quiet"])
    if report.result.audit is not None and not report.result.audit["passed"]:
        raise typer.Exit(1)
