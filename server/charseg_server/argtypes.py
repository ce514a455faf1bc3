"""Argument types shared by the command lines of charseg, charseg-lsp and charseg-train.

Each raises ``argparse.ArgumentTypeError``, so argparse prints a usage error that
names the option and the invalid value, and exits with status 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def parse_number(value: str, kind: type[int] | type[float]) -> int | float:
    """Convert ``value`` to ``kind``, or raise a usage error that names the value."""
    try:
        return kind(value)
    except ValueError:
        noun = "an integer" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"expected {noun}, got {value!r}") from None


def integer_at_least(minimum: int) -> Callable[[str], int]:
    """Return an argparse type that accepts integers of at least ``minimum``."""

    def parse(value: str) -> int:
        number = parse_number(value, int)
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {number}")
        return number

    return parse


def integer_between(minimum: int, maximum: int) -> Callable[[str], int]:
    """Return an argparse type that accepts integers from ``minimum`` to ``maximum``."""
    at_least = integer_at_least(minimum)

    def parse(value: str) -> int:
        number = at_least(value)
        if number > maximum:
            raise argparse.ArgumentTypeError(f"must be <= {maximum}, got {number}")
        return number

    return parse
