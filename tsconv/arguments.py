"""Keras-style argument checks: `ValueError("what is wrong. Received: arg=value")`."""

from __future__ import annotations


def check_positive_int(name: str, value) -> None:
    """Raises `ValueError` unless `value` is an int ≥ 1 (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")


def check_rate(name: str, value) -> None:
    """Raises `ValueError` unless `value` is a number in `[0, 1)`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise ValueError(f"`{name}` must be in [0, 1). Received: {name}={value!r}")


def check_choice(name: str, value, choices: tuple) -> None:
    """Raises `ValueError` unless `value` is one of `choices`."""
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {choices}. Received: {name}={value!r}")
