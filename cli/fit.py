"""`tsconv fit`: train a forecaster on a CSV and save it as a run."""

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
    JSON,
    OUTPUT_STEPS,
    QUIET,
    SEP,
    TIMEZONE,
    VERBOSE,
    WINDOW_HELP,
    calendar_option,
    csv_format,
    given,
    setup,
    show,
    split_list,
    split_numbers,
    stops_at_once,
    user_errors,
    window_option,
)


def fit(
    csv: Annotated[
        Path,
        typer.Argument(
            help="CSV file with a time column and a numeric target; or many series: long "
            "format with an id column (series_id, unique_id, id, symbol, ticker), or --wide."
        ),
    ],
    window: Annotated[str, typer.Option(help=WINDOW_HELP)] = "100",
    target: Annotated[
        str | None,
        typer.Option(
            help="Column to forecast [default: Adj Close/Close, else the only numeric column]."
        ),
    ] = None,
    features: Annotated[
        str | None,
        typer.Option(
            help="Extra input columns, comma-separated (past-only: held when forecasting)."
        ),
    ] = None,
    future_features: Annotated[str | None, typer.Option(help=FUTURE_FEATURES_HELP)] = None,
    time_column: Annotated[str | None, typer.Option(help="Time column [default: found].")] = None,
    fill: Annotated[
        str | None, typer.Option(help="Missing values: ffill, interpolate or drop.")
    ] = None,
    sep: Annotated[str | None, SEP] = None,
    decimal: Annotated[str | None, DECIMAL] = None,
    dayfirst: Annotated[bool | None, DAYFIRST] = None,
    date_format: Annotated[str | None, DATE_FORMAT] = None,
    encoding: Annotated[str | None, ENCODING] = None,
    timezone: Annotated[str | None, TIMEZONE] = None,
    id_column: Annotated[
        str | None,
        typer.Option(
            help="Many series, long format: the column naming each row's series "
            "[default: found by name]; trains one global model."
        ),
    ] = None,
    wide: Annotated[
        bool,
        typer.Option("--wide", help="Many series, one column each: trains one global model."),
    ] = False,
    transform: Annotated[str, typer.Option(help="auto, none, diff or log-return.")] = "auto",
    model: Annotated[
        str, typer.Option(help="conv, tcn, transformer, naive, seasonal-naive, drift or linear.")
    ] = "conv",
    objective: Annotated[
        str,
        typer.Option(help="last, or sequence (every step predicts the next; tcn, transformer)."),
    ] = "last",
    season: Annotated[
        str | None,
        typer.Option(
            help="Season length(s) in steps, e.g. 48,336, for seasonal-naive (the first) "
            "[default: the frequency's seasons the data support, else found in the data]."
        ),
    ] = None,
    calendar: Annotated[str | None, typer.Option(help=CALENDAR_HELP)] = None,
    holidays: Annotated[str | None, typer.Option(help=HOLIDAYS_HELP)] = None,
    filters: Annotated[int | None, typer.Option(help="conv, tcn: convolution filters.")] = None,
    kernel_size: Annotated[int | None, typer.Option(help="conv, tcn: kernel size.")] = None,
    dilations: Annotated[
        str | None, typer.Option(help="tcn: dilations, e.g. 1,2,4,8 [default: cover the window].")
    ] = None,
    stacks: Annotated[int | None, typer.Option(help="tcn: repeats of the dilations.")] = None,
    normalization: Annotated[str | None, typer.Option(help="tcn: layer, batch or none.")] = None,
    layers: Annotated[int | None, typer.Option(help="conv, transformer: number of layers.")] = None,
    model_dim: Annotated[int | None, typer.Option(help="transformer: width.")] = None,
    num_heads: Annotated[int | None, typer.Option(help="transformer: attention heads.")] = None,
    mlp_dim: Annotated[int | None, typer.Option(help="transformer: MLP width.")] = None,
    positional: Annotated[
        str | None, typer.Option(help="transformer: sinusoidal or alibi.")
    ] = None,
    dropout: Annotated[
        float | None, typer.Option(help="conv, tcn, transformer: dropout rate.")
    ] = None,
    ridge: Annotated[float | None, typer.Option(help="linear: ridge penalty.")] = None,
    distribution: Annotated[
        str | None,
        typer.Option(
            help="conv, tcn, transformer: point, gaussian or student-t (a head with a learned "
            "scale, trained by likelihood) [default: point]."
        ),
    ] = None,
    revin: Annotated[
        bool | None,
        typer.Option(
            "--revin",
            help="conv, tcn, transformer: scale each window by its own mean and spread "
            "(reversible instance normalization).",
        ),
    ] = None,
    strategy: Annotated[
        str,
        typer.Option(
            help="auto (direct for conv, tcn and transformer when it fits, else recursive), "
            "recursive (forecast one step, feed it back) or direct (forecast --output-steps "
            "at once; conv, tcn, transformer)."
        ),
    ] = "auto",
    output_steps: Annotated[int | None, OUTPUT_STEPS] = None,
    loss: Annotated[
        str | None,
        typer.Option(help="mse, mae or huber [default: mse; a likelihood for distributions]."),
    ] = None,
    epochs: Annotated[int, typer.Option(help="Most epochs (early stopping on validation).")] = 30,
    batch_size: Annotated[int, typer.Option(help="Windows per training step.")] = 64,
    patience: Annotated[int, typer.Option(help="Epochs without improvement before stopping.")] = 5,
    learning_rate: Annotated[float, typer.Option(help="Adam learning rate.")] = 1e-3,
    seed: Annotated[int, typer.Option(help="Random seed: same seed and data, same forecast.")] = 0,
    device: Annotated[
        str, typer.Option(help="auto (a GPU when TensorFlow sees one), cpu or gpu.")
    ] = "auto",
    precision: Annotated[
        str,
        typer.Option(help="float32, or mixed (float16 on GPU, bfloat16 on CPU; float32 output)."),
    ] = "float32",
    jit: Annotated[
        bool | None,
        typer.Option(
            "--jit/--no-jit",
            help="XLA-compile the training step [default: on; off on a CPU above batch 128].",
        ),
    ] = None,
    deterministic: Annotated[
        bool, typer.Option(help="Deterministic ops: same --seed, bit-identical fit (CPU).")
    ] = False,
    distribute: Annotated[
        str,
        typer.Option(
            help="none, mirrored (all local GPUs) or multiworker (the machines in TF_CONFIG)."
        ),
    ] = "none",
    resume: Annotated[
        bool,
        typer.Option(
            help="Continue an interrupted fit with the same CSV and options from its last "
            "finished epoch (else start afresh)."
        ),
    ] = False,
    name: Annotated[str | None, typer.Option(help="Run name [default: date-time].")] = None,
    runs_dir: Annotated[Path, typer.Option(help="Folder of runs.")] = Path("runs"),
    as_json: Annotated[bool, JSON] = False,
    quiet: Annotated[bool, QUIET] = False,
    verbose: Annotated[bool, VERBOSE] = False,
    debug: Annotated[bool, DEBUG] = False,
) -> None:
    """Train a forecaster on CSV and save it under runs/NAME (runs/latest points at it)."""
    progress = setup(quiet, verbose)
    if as_json:
        progress = 0  # Keras's progress bar writes to stdout
    stopped = (
        "interrupted; nothing was published. Run the same command with --resume to continue "
        "from the last finished epoch."
    )
    with user_errors(debug), stops_at_once(stopped):
        from tsconv.jobs.fit import fit_csv

        report = fit_csv(
            csv,
            target=target,
            features=split_list(features),
            time_column=time_column,
            fill=fill,
            id_column=id_column,
            wide=wide,
            csv_format=csv_format(sep, decimal, dayfirst, date_format, encoding, timezone),
            name=name,
            runs_dir=runs_dir,
            resume=resume,
            window=window_option(window),
            model=model,
            transform=transform,
            loss=loss,
            epochs=epochs,
            batch_size=batch_size,
            patience=patience,
            learning_rate=learning_rate,
            seed=seed,
            objective=objective,
            season=split_numbers(season, "--season"),
            calendar=calendar_option(calendar),
            future_features=split_list(future_features),
            holidays=holidays,
            strategy=strategy,
            output_steps=output_steps,
            model_options=given(
                filters=filters,
                kernel_size=kernel_size,
                dilations=split_numbers(dilations, "--dilations"),
                stacks=stacks,
                normalization=normalization,
                num_layers=layers,
                model_dim=model_dim,
                num_heads=num_heads,
                mlp_dim=mlp_dim,
                positional=positional,
                dropout=dropout,
                ridge=ridge,
                distribution=distribution,
                revin=revin,
            ),
            device=device,
            precision=precision,
            jit=jit,
            deterministic=deterministic,
            distribute=distribute,
            verbose=progress,
        )
    show(report, as_json, quiet)
