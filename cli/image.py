"""`tsconv image fit | transfer | predict`: CNN classifiers on class-per-folder images."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tsconv_cli.common import (
    DEBUG,
    JSON,
    QUIET,
    VERBOSE,
    setup,
    show,
    split_numbers,
    stops_at_once,
    user_errors,
)

app = typer.Typer(
    help="Image classifiers: train a CNN, transfer a trained base, predict.",
    no_args_is_help=True,
    rich_markup_mode=None,  # as the main app's: brackets kept, no "<bool>" on flags
)

FOLDER = typer.Argument(help="Folder with one sub-folder of images per class.")
RUNS_DIR = typer.Option(help="Folder of image runs.")
SIZE = typer.Option(help="Resize images to HEIGHTxWIDTH, e.g. 32x32 [default: as found].")
AUGMENT = typer.Option(
    help="Augmentation, e.g. rotation_range=10,zoom_range=0.1,horizontal_flip=true "
    "(ImageDataGenerator's arguments) [default: none]."
)
# Options `fit` and `transfer` share.
Size = Annotated[str | None, SIZE]
Augment = Annotated[str | None, AUGMENT]
ValidationSplit = Annotated[float, typer.Option(help="Share of each class held out.")]
BatchSize = Annotated[int, typer.Option(help="Images per training step.")]
Patience = Annotated[int, typer.Option(help="Epochs without improvement before stopping.")]
Seed = Annotated[int, typer.Option(help="Seed of split, augmentation and weights.")]
RunsDir = Annotated[Path, RUNS_DIR]


def training_options(size, augment, validation_split, batch_size, patience, seed, runs_dir) -> dict:
    """The keyword arguments `fit` and `transfer` pass alike to their library job."""
    return {
        "image_size": parse_size(size),
        "augmentation": parse_augment(augment),
        "validation_split": validation_split,
        "batch_size": batch_size,
        "patience": patience,
        "seed": seed,
        "runs_dir": runs_dir,
    }


def parse_size(text: str | None) -> tuple[int, int] | None:
    """`"32x24"` → `(32, 24)`; `"32"` → `(32, 32)`; anything else exits 2 with one line."""
    if not text:
        return None
    parts = text.lower().replace("×", "x").split("x")
    try:
        size = tuple(int(p) for p in parts)
    except ValueError:
        size = ()
    if len(size) == 1:
        size = size * 2
    if len(size) != 2 or min(size) < 1:
        typer.echo(f"error: --size takes HEIGHTxWIDTH like 32x32. Received: {text!r}", err=True)
        raise typer.Exit(2)
    return size


def parse_augment(text: str | None) -> dict | None:
    """`"rotation_range=10,horizontal_flip=true"` → `{"rotation_range": 10.0, ...}`."""
    if not text:
        return None
    options = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip().lower()
        if not sep or not key:
            typer.echo(f"error: --augment takes name=value pairs. Received: {part!r}", err=True)
            raise typer.Exit(2)
        if value in ("true", "yes", "on"):
            options[key] = True
        elif value in ("false", "no", "off"):
            options[key] = False
        else:
            try:
                options[key] = float(value)
            except ValueError:
                typer.echo(f"error: --augment {key} takes a number. Received: {value!r}", err=True)
                raise typer.Exit(2) from None
    return options


@app.command("fit")
def fit(
    folder: Annotated[Path, FOLDER],
    size: Size = None,
    color_mode: Annotated[
        str | None, typer.Option(help="grayscale or rgb [default: as found].")
    ] = None,
    augment: Augment = None,
    filters: Annotated[str, typer.Option(help="Filters per convolution block.")] = "32,64",
    convs_per_block: Annotated[int, typer.Option(help="Convolutions per block.")] = 2,
    kernel_size: Annotated[int, typer.Option(help="Convolution kernel side.")] = 3,
    pool_size: Annotated[int, typer.Option(help="Max pooling after each block; 0 for none.")] = 2,
    dense_units: Annotated[
        str, typer.Option(help="Hidden dense layers' units, e.g. 128,64.")
    ] = "128",
    dropout: Annotated[float, typer.Option(help="Dropout before each dense layer.")] = 0.0,
    batch_norm: Annotated[
        bool, typer.Option(help="Batch normalization after each convolution.")
    ] = False,
    global_pooling: Annotated[
        str | None, typer.Option(help="avg or max instead of flattening [default: flatten].")
    ] = None,
    validation_split: ValidationSplit = 0.2,
    epochs: Annotated[int, typer.Option(help="Most epochs (early stopping on validation).")] = 30,
    batch_size: BatchSize = 32,
    learning_rate: Annotated[float, typer.Option(help="Adam learning rate.")] = 1e-3,
    patience: Patience = 10,
    seed: Seed = 0,
    name: Annotated[str | None, typer.Option(help="Run name [default: cnn-date-time].")] = None,
    runs_dir: RunsDir = Path("image-runs"),
    as_json: Annotated[bool, JSON] = False,
    quiet: Annotated[bool, QUIET] = False,
    verbose: Annotated[bool, VERBOSE] = False,
    debug: Annotated[bool, DEBUG] = False,
) -> None:
    """Train a CNN classifier on FOLDER/<class>/*.png and save it under image-runs/NAME."""
    progress = setup(quiet, verbose)
    model_options = {
        "filters": split_numbers(filters, "--filters"),
        "convs_per_block": convs_per_block,
        "kernel_size": kernel_size,
        "pool_size": pool_size or None,
        "dense_units": split_numbers(dense_units, "--dense-units") or [],
        "dropout": dropout,
        "batch_normalization": batch_norm,
        "global_pooling": global_pooling,
    }
    with user_errors(debug), stops_at_once("interrupted; nothing was published."):
        from tsconv.jobs.image import fit_image_folder

        report = fit_image_folder(
            folder,
            color_mode=color_mode,
            model_options=model_options,
            epochs=epochs,
            learning_rate=learning_rate,
            name=name,
            verbose=progress,
            **training_options(
                size, augment, validation_split, batch_size, patience, seed, runs_dir
            ),
        )
    show(report, as_json, quiet)


@app.command("transfer")
def transfer(
    folder: Annotated[Path, FOLDER],
    base: Annotated[
        str,
        typer.Option(
            help="A saved model (.keras file or image run folder) or mobilenetv3small, "
            "mobilenetv3large, efficientnetb0, resnet50, vgg16."
        ),
    ],
    weights: Annotated[
        str | None,
        typer.Option(help="For an application base: local weights file, or imagenet (downloads)."),
    ] = None,
    base_layer: Annotated[
        str | None,
        typer.Option(help="Saved model's layer to cut after [default: its last feature map]."),
    ] = None,
    fine_tune: Annotated[
        int, typer.Option(help="Unfreeze this many top base layers after head training.")
    ] = 0,
    fine_tune_epochs: Annotated[int, typer.Option(help="Most epochs of fine-tuning.")] = 10,
    fine_tune_learning_rate: Annotated[
        float, typer.Option(help="Fine-tuning learning rate.")
    ] = 1e-5,
    dropout: Annotated[float, typer.Option(help="Dropout before the new softmax.")] = 0.2,
    size: Size = None,
    augment: Augment = None,
    validation_split: ValidationSplit = 0.2,
    epochs: Annotated[int, typer.Option(help="Most epochs of head training.")] = 30,
    batch_size: BatchSize = 32,
    learning_rate: Annotated[float, typer.Option(help="Head training learning rate.")] = 3e-3,
    patience: Patience = 10,
    seed: Seed = 0,
    name: Annotated[
        str | None, typer.Option(help="Run name [default: transfer-date-time].")
    ] = None,
    runs_dir: RunsDir = Path("image-runs"),
    as_json: Annotated[bool, JSON] = False,
    quiet: Annotated[bool, QUIET] = False,
    verbose: Annotated[bool, VERBOSE] = False,
    debug: Annotated[bool, DEBUG] = False,
) -> None:
    """Reuse a trained convolutional base: freeze it, train a new head, optionally fine-tune."""
    progress = setup(quiet, verbose)
    with user_errors(debug), stops_at_once("interrupted; nothing was published."):
        from tsconv.jobs.image import transfer_image_folder

        report = transfer_image_folder(
            folder,
            base,
            weights=weights,
            base_layer=base_layer,
            fine_tune_layers=fine_tune,
            fine_tune_epochs=fine_tune_epochs,
            fine_tune_learning_rate=fine_tune_learning_rate,
            dropout=dropout,
            epochs=epochs,
            learning_rate=learning_rate,
            name=name,
            verbose=progress,
            **training_options(
                size, augment, validation_split, batch_size, patience, seed, runs_dir
            ),
        )
    show(report, as_json, quiet)


@app.command("predict")
def predict(
    images: Annotated[list[Path], typer.Argument(help="Image files to classify.")],
    run: Annotated[str | None, typer.Option(help="Run name or folder [default: latest].")] = None,
    top: Annotated[int, typer.Option(help="Most probable classes listed per image.")] = 5,
    runs_dir: RunsDir = Path("image-runs"),
    as_json: Annotated[bool, JSON] = False,
    quiet: Annotated[bool, QUIET] = False,
    verbose: Annotated[bool, VERBOSE] = False,
    debug: Annotated[bool, DEBUG] = False,
) -> None:
    """Classify image files with a saved image run."""
    setup(quiet, verbose)
    progress = None if quiet else lambda line: typer.echo(line, err=True)
    with user_errors(debug):
        from tsconv.jobs.image import predict_images

        report = predict_images(images, run=run, runs_dir=runs_dir, top=top, progress=progress)
    show(report, as_json, quiet)
