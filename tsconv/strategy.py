"""Forecasting strategies: recursive (one step per call, fed back) or direct (K steps per call).

The DLinear paper (Zeng et al., 2023) traced much of the gain of transformer
forecasters to direct multi-step output rather than attention; tsconv offers
both so that they can be compared on the same data. A horizon longer than K
rolls out K steps at a time.
"""

from __future__ import annotations

import inspect

from tsconv.errors import InputError
from tsconv.models import MODELS

STRATEGIES = ("recursive", "direct")


def supports_direct(model: str) -> bool:
    """Whether model `model` can output several steps (takes `output_steps`)."""
    return "output_steps" in inspect.signature(MODELS[model].__init__).parameters


def check_strategy(
    model: str, strategy: str, direct_steps: int, objective: str, model_options: dict
) -> None:
    """Raises `InputError` for a strategy the model or the other settings cannot use.

    Example:
    >>> check_strategy("naive", "direct", 30, "last", {})
    Traceback (most recent call last):
    tsconv.errors.InputError: the direct strategy needs a neural model (conv, tcn, transformer); ...
    """
    if strategy not in STRATEGIES:
        raise InputError(f"unknown strategy {strategy!r}; use recursive or direct.")
    if isinstance(direct_steps, bool) or not isinstance(direct_steps, int) or direct_steps < 1:
        raise InputError(
            f"direct steps must be a positive integer. Received: direct_steps={direct_steps!r}"
        )
    if strategy == "recursive":
        return
    if not supports_direct(model):
        raise InputError(
            f"the direct strategy needs a neural model (conv, tcn, transformer); {model!r} "
            "forecasts one step. Use --strategy recursive."
        )
    if objective != "last":
        raise InputError(
            "the sequence objective trains one-step forecasts at every position; use it with "
            "--strategy recursive."
        )
    if model_options.get("distribution", "point") != "point":
        raise InputError(
            f"a {model_options['distribution']} head forecasts one step at a time; use it with "
            "--strategy recursive."
        )
