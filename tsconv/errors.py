"""Errors that tsconv raises for problems a user can fix.

The CLI turns every `TsconvError` into a one-line message and exit code 2;
anything else is a bug and keeps its traceback.
"""


class TsconvError(Exception):
    """Base class of tsconv's user-facing errors."""


class InputError(TsconvError, ValueError):
    """The input data or an argument is unusable; the message says how to fix it."""


class RunError(TsconvError):
    """A run directory is missing, incomplete, corrupt or from another version."""


class TrainingDivergedError(TsconvError):
    """Training's loss became NaN or infinite; nothing of the run is written."""


class ForecastDivergedError(TsconvError):
    """A rollout ran away from its first step; there is no forecast to show."""
