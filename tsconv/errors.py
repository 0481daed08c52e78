"""Errors that tsconv raises for problems a user can fix.

The CLI turns every `TsconvError` into a one-line message and exit code 2;
anything else is a bug and keeps its traceback.
"""


class TsconvError(Exception):
    """Base class of tsconv's user-facing errors.

    Example:
    >>> try:
    ...     tsconv.load_csv("missing.csv")
    ... except tsconv.TsconvError as exc:
    ...     print(exc)
    file not found: missing.csv. Check the path (e.g. datasets/msft.csv).
    """


class InputError(TsconvError, ValueError):
    """The input data or an argument is unusable; the message says how to fix it.

    Example:
    >>> tsconv.Forecaster(window=0)
    Traceback (most recent call last):
    InputError: ...
    """


class RunError(TsconvError):
    """A run directory is missing, incomplete, corrupt or from another version.

    Example:
    >>> tsconv.load("runs/ghost")
    Traceback (most recent call last):
    RunError: run runs/ghost not found; give a run folder written by `tsconv fit`.
    """


class TrainingDivergedError(TsconvError):
    """Training's loss became NaN or infinite; nothing of the run is written.

    Example:
    >>> tsconv.Forecaster(learning_rate=1e20).fit(series)
    Traceback (most recent call last):
    TrainingDivergedError: training diverged: the loss became nan at epoch 1, batch 2; ...
    """


class ForecastDivergedError(TsconvError):
    """A rollout ran away from its first step; there is no forecast to show.

    Example:
    >>> fc.forecast(30)  # a model whose first step already runs away
    Traceback (most recent call last):
    ForecastDivergedError: the forecast ran away at step 1 ...
    """
