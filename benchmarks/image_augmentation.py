"""Does augmentation fight overfitting? The same CNN on a small digits subset, with and without.

Question: trained on a small subset of the embedded digits (scikit-learn's
8×8 images), does the CNN overfit — training accuracy far above validation
accuracy — and do augmentation and dropout narrow that gap and raise
validation accuracy?

Protocol: `--per-class` training images per digit drawn at random (one draw
per seed); every other image of the 1,797 is validation. The same
`CNNClassifier` (defaults: filters 32,64, two convolutions per block, dense
128) trains for a fixed number of epochs with Adam 1e-3, batch 32, no early
stopping, so overfitting can show. Training accuracy and loss are
measured on the training images unaugmented. Mean ± std over seeds.

    python benchmarks/image_augmentation.py                 # 10 per class, 3 seeds
    python benchmarks/image_augmentation.py --per-class 20 --seeds 5
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time

import keras
import numpy as np
from results_file import write_results

from tsconv.image import CNNClassifier, ImageDataGenerator, digits_arrays

AUGMENTATION = {
    "rotation_range": 15,
    "width_shift_range": 0.15,
    "height_shift_range": 0.15,
    "zoom_range": 0.15,
}
CONFIGS = {
    "plain": ({}, {}),
    "dropout 0.3": ({"dropout": 0.3}, {}),
    "augmentation": ({}, AUGMENTATION),
    "augmentation + dropout 0.3": ({"dropout": 0.3}, AUGMENTATION),
}


def few_per_class(y: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(y == c), per_class, replace=False) for c in np.unique(y)]
    return np.sort(np.concatenate(picks))


def run(config: str, x, y, train, val, epochs: int, seed: int) -> dict:
    model_options, augmentation = CONFIGS[config]
    keras.utils.set_random_seed(seed)
    model = CNNClassifier((8, 8, 1), 10, **model_options)
    model.compile(keras.optimizers.Adam(1e-3), "categorical_crossentropy", metrics=["accuracy"])
    flow = ImageDataGenerator(**augmentation, seed=seed).flow(x[train], y[train], batch_size=32)
    start = time.perf_counter()
    history = model.fit(flow, epochs=epochs, verbose=0)
    seconds = time.perf_counter() - start
    onehot = np.eye(10, dtype="float32")
    train_loss, train_acc = model.evaluate(x[train], onehot[y[train]], verbose=0)
    val_loss, val_acc = model.evaluate(x[val], onehot[y[val]], verbose=0)
    return {
        "train_acc": train_acc,
        "val_acc": val_acc,
        "gap": train_acc - val_acc,
        "train_loss": train_loss,
        "val_loss": val_loss,
        "loss_gap": val_loss - train_loss,
        "last_epoch_loss": history.history["loss"][-1],
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=10)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=150)
    args = parser.parse_args()
    x, y = digits_arrays()
    results = {name: [] for name in CONFIGS}
    for seed in range(args.seeds):
        train = few_per_class(y, args.per_class, seed)
        val = np.setdiff1d(np.arange(len(y)), train)
        for name in CONFIGS:
            results[name].append(run(name, x, y, train, val, args.epochs, seed))
            r = results[name][-1]
            print(
                f"seed {seed} {name}: train {r['train_acc']:.3f} val {r['val_acc']:.3f}", flush=True
            )

    def cell(name, key, digits=3):
        values = np.array([r[key] for r in results[name]])
        return f"{values.mean():.{digits}f} ± {values.std():.{digits}f}"

    plain_gap = np.mean([r["gap"] for r in results["plain"]])
    plain_loss_gap = np.mean([r["loss_gap"] for r in results["plain"]])
    lines = [
        "| configuration | training accuracy | validation accuracy | accuracy gap (train − val) "
        "| ÷ plain | training loss | validation loss | loss gap (val − train) | ÷ plain "
        "| seconds |",
        "|---|---|---|---|---:|---|---|---|---:|---|",
    ]
    for name in CONFIGS:
        gap = np.mean([r["gap"] for r in results[name]])
        loss_gap = np.mean([r["loss_gap"] for r in results[name]])
        lines.append(
            f"| {name} | {cell(name, 'train_acc')} | {cell(name, 'val_acc')} | "
            f"{cell(name, 'gap')} | {gap / plain_gap:.2f}× | {cell(name, 'train_loss')} | "
            f"{cell(name, 'val_loss')} | {cell(name, 'loss_gap')} | "
            f"{loss_gap / plain_loss_gap:.2f}× | {cell(name, 'seconds', 1)} |"
        )
    table = "\n".join(lines)
    print(table)
    n_train = 10 * args.per_class
    arguments = ", ".join(f"{k}={v}" for k, v in AUGMENTATION.items())
    about = (
        f"Digits, {args.per_class} training images per class ({n_train} in all; validation: "
        f"the other {len(y) - n_train}), {args.epochs} epochs, batch 32, Adam 1e-3, no early "
        f"stopping; mean ± std over {args.seeds} seeds (each seed draws its own subset and "
        f"initialisation). Augmentation: `ImageDataGenerator({arguments})`, "
        "fed by `flow`; dropout is `CNNClassifier(dropout=0.3)` before each dense layer."
    )
    write_results(
        "image_augmentation",
        "Augmentation and dropout against overfitting on a small digits subset",
        table,
        about,
        command="python "
        + " ".join(shlex.quote(a) for a in ["benchmarks/image_augmentation.py", *sys.argv[1:]]),
    )


if __name__ == "__main__":
    main()
