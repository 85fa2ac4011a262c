"""Training budgets: one switch between the full-quality run and fast mode.

Every chapter sets its budgets (epochs, samples, steps) in one configuration
cell with :func:`pick`. Readers get the ``full`` value. Tests and CI set the
environment variable ``COURSE_FAST=1`` and get the ``fast`` value, so that
every notebook runs in about a minute on a 2-core CPU.

Example:
    >>> from course_utils import budget
    >>> epochs = budget.pick(full=30, fast=3)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TypeVar

__all__ = ["FAST_ENV_VAR", "is_fast", "pick"]

FAST_ENV_VAR = "COURSE_FAST"
"""Name of the environment variable that switches fast mode on."""

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}

T = TypeVar("T")


def is_fast(environ: Mapping[str, str] | None = None) -> bool:
    """Return True when fast mode is switched on.

    Args:
        environ: Where to read ``COURSE_FAST`` from; ``os.environ`` when None.

    Returns:
        True for ``1``, ``true``, ``yes`` or ``on`` (any case); False when the
        variable is unset, empty, ``0``, ``false``, ``no`` or ``off``.

    Raises:
        ValueError: The variable holds anything else, so that a typo such as
            ``COURSE_FAST=ture`` never silently gives a full run.

    Example:
        >>> is_fast({"COURSE_FAST": "1"})
        True
    """
    env = os.environ if environ is None else environ
    raw = env.get(FAST_ENV_VAR, "")
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(
        f"`{FAST_ENV_VAR}` must be one of 1/true/yes/on or 0/false/no/off "
        f"(got {FAST_ENV_VAR}={raw!r}); unset it for the full-quality run."
    )


def pick(full: T, fast: T, *, environ: Mapping[str, str] | None = None) -> T:
    """Return ``fast`` in fast mode and ``full`` otherwise.

    Args:
        full: The budget a reader gets (for example 30 epochs).
        fast: The shrunken budget for tests and CI (for example 3 epochs).
        environ: Where to read ``COURSE_FAST`` from; ``os.environ`` when None.

    Returns:
        One of the two values, unchanged.

    Raises:
        TypeError: ``full`` and ``fast`` are of different types (an int budget
            paired with a float one is usually a typo).
        ValueError: ``COURSE_FAST`` holds an unrecognised value.

    Example:
        >>> pick(full=30, fast=3, environ={"COURSE_FAST": "1"})
        3
    """
    if type(full) is not type(fast):
        raise TypeError(
            "`full` and `fast` must be of the same type "
            f"(got full={full!r} of type {type(full).__name__}, "
            f"fast={fast!r} of type {type(fast).__name__})."
        )
    return fast if is_fast(environ) else full
