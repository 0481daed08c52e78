"""Training that survives being killed: a backup after every epoch, and resuming from it.

Keras's `BackupAndRestore` keeps weights, optimizer and epoch, but not early
stopping's best weights and patience, nor the history of the finished
epochs, so a resumed run would forget its best epoch. `EpochBackup` keeps all
of it. Each backup is written to a temporary folder and renamed into place, so
a kill at any moment leaves the previous backup whole.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np

from tsconv.files import fsync

logger = logging.getLogger(__name__)

PREFIX = "epoch-"
# What `ReduceLROnPlateau` counts between epochs (its attributes).
PLATEAU_STATE = ("wait", "best", "cooldown_counter")


@dataclass
class Backup:
    """What `latest_backup` found: the epochs finished and early stopping's state."""

    folder: Path
    epochs: int
    history: dict = field(default_factory=dict)
    best: float | None = None
    wait: int = 0
    best_epoch: int = 0
    stopped: bool = False
    plateau: dict = field(default_factory=dict)


def latest_backup(backup_dir: str | Path | None) -> Backup | None:
    """The newest complete backup in `backup_dir`, or None.

    A folder is complete once it has its final name (`epoch-<k>`); a kill
    during a write leaves only a `tmp-` folder, which is ignored.
    """
    if backup_dir is None or not Path(backup_dir).is_dir():
        return None
    done = sorted(
        (p for p in Path(backup_dir).glob(f"{PREFIX}*") if p.name[len(PREFIX) :].isdigit()),
        key=lambda p: int(p.name[len(PREFIX) :]),
    )
    if not done:
        return None
    state = json.loads((done[-1] / "state.json").read_text())
    return Backup(
        folder=done[-1],
        epochs=int(state["epochs"]),
        history=state["history"],
        best=state["best"],
        wait=int(state["wait"]),
        best_epoch=int(state["best_epoch"]),
        stopped=bool(state["stopped"]),
        plateau=state.get("plateau", {}),  # backups before the learning-rate schedule: none
    )


def restore(model: keras.Model, backup: Backup, stop: keras.callbacks.EarlyStopping) -> None:
    """Loads the backup's weights and optimizer state into the compiled `model`.

    Early stopping's best value, patience count and best weights are set on
    `stop` when training begins (see `EpochBackup.on_train_begin`).
    """
    # Build the optimizer first, or Keras skips its saved moments with a warning.
    model.optimizer.build(model.trainable_variables)
    model.load_weights(backup.folder / "last.weights.h5")
    logger.info("resuming after epoch %d from %s", backup.epochs, backup.folder)


class EpochBackup(keras.callbacks.Callback):
    """Saves weights, optimizer, history and early stopping after every epoch.

    Place it after the `EarlyStopping` callback `stop`, so that it saves the
    state after `stop` has seen the epoch.

    Args:
        backup_dir: folder of the backups (created).
        stop: the training's `EarlyStopping` (with `restore_best_weights`).
        resumed: the backup training resumes from, or None.
        plateau: the training's `ReduceLROnPlateau`, whose count and best are kept
            too (the learning rate itself is in the optimizer's saved state).
    """

    def __init__(
        self,
        backup_dir: str | Path,
        stop: keras.callbacks.EarlyStopping,
        resumed: Backup | None,
        plateau: keras.callbacks.ReduceLROnPlateau | None = None,
    ):
        super().__init__()
        self.backup_dir = Path(backup_dir)
        self.stop = stop
        self.plateau = plateau
        self.resumed = resumed
        self.history: dict = dict(resumed.history) if resumed else {}

    def on_train_begin(self, logs=None):
        # Runs after EarlyStopping.on_train_begin has reset its state.
        if self.resumed is None:
            return
        self.stop.best = self.resumed.best
        self.stop.wait = self.resumed.wait
        self.stop.best_epoch = self.resumed.best_epoch
        if self.plateau is not None and self.resumed.plateau:
            for name in PLATEAU_STATE:
                setattr(self.plateau, name, self.resumed.plateau[name])
        best = self.resumed.folder / "best.npz"
        if best.exists():
            with np.load(best, allow_pickle=False) as saved:
                self.stop.best_weights = [saved[f"w{i}"] for i in range(len(saved.files))]

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.backup_dir / f"tmp-{epoch + 1}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        self.model.save_weights(tmp / "last.weights.h5")
        if self.stop.best_weights is not None:
            arrays = {f"w{i}": w for i, w in enumerate(self.stop.best_weights)}
            np.savez(tmp / "best.npz", **arrays)
        best = self.stop.best
        state = {
            "epochs": epoch + 1,
            "history": self.history,
            "best": None if best is None or not np.isfinite(best) else float(best),
            "wait": int(self.stop.wait),
            "best_epoch": int(self.stop.best_epoch),
            # Early stopping ended training: a resume only restores the best weights.
            "stopped": bool(self.model.stop_training),
        }
        if self.plateau is not None:
            values = {name: getattr(self.plateau, name) for name in PLATEAU_STATE}
            finite = values["best"] is not None and np.isfinite(values["best"])
            values["best"] = float(values["best"]) if finite else None
            state["plateau"] = values
        (tmp / "state.json").write_text(json.dumps(state))
        for file in tmp.iterdir():
            fsync(file)
        final = self.backup_dir / f"{PREFIX}{epoch + 1}"
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)  # atomic: the backup exists whole or not at all
        for old in self.backup_dir.glob(f"{PREFIX}*"):
            if old != final:
                shutil.rmtree(old, ignore_errors=True)
