"""Errors that tsconv raises for problems a user can fix.

The CLI turns every `TsconvError` into a one-line message and exit code 2;
anything else is a bug and keeps its traceback.
"""

# A message is one line of at most this many characters: a 200 MB cell or a million column
# names quoted whole once made a 200,000,109-byte "one-line" error.
MAX_MESSAGE = 1000
SHOWN_CHARS = 80
SHOWN_NAMES = 10


def quoted(value, limit: int = SHOWN_CHARS) -> str:
    """`repr` of a value's text, cut to `limit` characters with `…`.

    Example:
    >>> quoted("x" * 100, 5)
    "'xxxxx…'"
    """
    text = str(value)
    return repr(text[:limit] + "…") if len(text) > limit else repr(text)


def listed(names, limit: int = SHOWN_NAMES) -> str:
    """A list of names as `['a', 'b', … 98 more]`: at most `limit`, each quoted and cut.

    Example:
    >>> listed([f"c{i}" for i in range(12)], 2)
    "['c0', 'c1', … 10 more]"
    """
    names = list(names)
    shown = ", ".join(quoted(name) for name in names[:limit])
    more = f", … {len(names) - limit:,} more" if len(names) > limit else ""
    return f"[{shown}{more}]"


class TsconvError(Exception):
    """Base class of tsconv's user-facing errors.

    Its message is one line of at most `MAX_MESSAGE` characters, whatever data
    it quotes (see `quoted` and `listed`).

    Example:
    >>> try:
    ...     tsconv.load_csv("missing.csv")
    ... except tsconv.TsconvError as exc:
    ...     print(exc)
    file not found: missing.csv. Check the path (e.g. datasets/msft.csv).
    """

    def __str__(self) -> str:
        text = " ".join(super().__str__().split("\n"))
        if len(text) > MAX_MESSAGE:
            text = f"{text[: MAX_MESSAGE - 40]}… ({len(text) - MAX_MESSAGE + 40:,} more characters)"
        return text


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
