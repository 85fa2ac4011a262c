"""Argument checks shared by the modules of ``course_utils``.

Each check raises with a message that names the argument, states the rule and
shows the value received, as the course's style asks.
"""

from __future__ import annotations

import numpy as np

__all__ = ["require_int"]


def require_int(name: str, value: object, minimum: int) -> int:
    """Return ``value`` as an ``int`` after checking it is an integer >= ``minimum``.

    Args:
        name: The argument's name, quoted in the error message.
        value: What the caller passed; Python and NumPy integers are accepted,
            ``bool`` is not (``True`` is not a count).
        minimum: The smallest allowed value.

    Raises:
        TypeError: ``value`` is not an integer.
        ValueError: ``value`` is below ``minimum``.

    Example:
        >>> require_int("steps", 5, 1)
        5
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"`{name}` must be an integer (got {value!r} of type {type(value).__name__}).")
    if value < minimum:
        raise ValueError(f"`{name}` must be >= {minimum} (got {name}={value}).")
    return int(value)
