"""Weights of recurrent cells: split Keras's fused gate matrices and join them back.

Keras stores the weights of all the gates of a cell side by side in one
matrix. An ``LSTMCell`` with ``units`` units and ``input_dim`` input features
has a ``kernel`` of shape ``(input_dim, 4 * units)``: columns
``0 .. units - 1`` belong to the input gate ``i``, the next ``units`` columns
to the forget gate ``f``, then the candidate ``c``, then the output gate
``o``. Its ``recurrent_kernel`` ``(units, 4 * units)`` and its ``bias``
``(4 * units,)`` follow the same order. A ``GRUCell`` uses the order ``z, r, h``
and, with ``reset_after=True`` (the Keras 3 default), a bias of shape
``(2, 3 * units)``: row 0 is added to the input projections, row 1 to the
recurrent ones.

:func:`split_gates` cuts such a matrix into one array per gate, so that a
cell step can be written by hand with the same weights; :func:`join_gates`
glues per-gate arrays back into the Keras layout. Both work on NumPy arrays
and on anything ``np.asarray`` accepts (Keras variables, TensorFlow tensors).

Example:
    >>> import numpy as np
    >>> kernel = np.arange(8.0).reshape(1, 8)          # input_dim=1, units=2
    >>> parts = split_gates(kernel, LSTM_GATES)
    >>> parts["f"]
    array([[2., 3.]])
    >>> bool(np.array_equal(join_gates(parts, LSTM_GATES), kernel))
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["LSTM_GATES", "GRU_GATES", "split_gates", "join_gates"]

LSTM_GATES = ("i", "f", "c", "o")
"""Order of the gates in the weights of a Keras ``LSTMCell``: input, forget, candidate, output."""

GRU_GATES = ("z", "r", "h")
"""Order of the gates in the weights of a Keras ``GRUCell``: update, reset, candidate."""


def _check_gates(gates: Sequence[str]) -> tuple[str, ...]:
    if isinstance(gates, str) or not isinstance(gates, Sequence):
        raise TypeError(
            "`gates` must be a sequence of gate names such as LSTM_GATES = ('i', 'f', 'c', 'o') "
            f"(got {gates!r} of type {type(gates).__name__})."
        )
    names = tuple(gates)
    if not names:
        raise ValueError("`gates` must name at least one gate (got an empty sequence); pass LSTM_GATES or GRU_GATES.")
    if not all(isinstance(name, str) for name in names):
        raise TypeError(f"every gate name must be a string (got gates={names!r}).")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"gate names must be unique (got gates={names!r}, repeated: {duplicates}).")
    return names


def split_gates(weights: Any, gates: Sequence[str]) -> dict[str, np.ndarray]:
    """Split a fused Keras weight matrix into one array per gate.

    The last axis is cut into ``len(gates)`` equal blocks, in the order of
    ``gates``. Every other axis is kept, so the function works for a kernel
    ``(input_dim, n_gates * units)``, a recurrent kernel
    ``(units, n_gates * units)``, a bias ``(n_gates * units,)`` and a GRU bias
    ``(2, 3 * units)`` alike.

    Args:
        weights: The fused array, e.g. ``cell.kernel`` of a Keras cell.
        gates: The gate names in Keras's order, e.g. :data:`LSTM_GATES`.

    Returns:
        A new dict from gate name to a NumPy array of shape
        ``weights.shape[:-1] + (units,)``; the arrays are copies, so editing
        them leaves ``weights`` unchanged.

    Raises:
        TypeError: ``gates`` is not a sequence of strings.
        ValueError: ``gates`` is empty or repeats a name; ``weights`` is a
            scalar, or its last axis does not split into ``len(gates)`` equal
            non-empty blocks.

    Example:
        >>> parts = split_gates(np.zeros((3, 12)), GRU_GATES)
        >>> {name: part.shape for name, part in parts.items()}
        {'z': (3, 4), 'r': (3, 4), 'h': (3, 4)}
    """
    names = _check_gates(gates)
    array = np.asarray(weights)
    if array.ndim == 0:
        raise ValueError(
            f"`weights` must have at least one axis to split (got a scalar, {array.item()!r}); "
            "pass a kernel, a recurrent kernel or a bias."
        )
    width = array.shape[-1]
    if width == 0 or width % len(names):
        raise ValueError(
            f"the last axis of `weights` must split into {len(names)} equal non-empty blocks, one per gate "
            f"{names} (got shape {array.shape}, last axis {width}); check that `gates` matches the cell."
        )
    return {name: part.copy() for name, part in zip(names, np.split(array, len(names), axis=-1))}


def join_gates(parts: Mapping[str, Any], gates: Sequence[str]) -> np.ndarray:
    """Join per-gate arrays into the fused layout Keras expects.

    The inverse of :func:`split_gates`: the arrays are concatenated along
    their last axis in the order of ``gates``.

    Args:
        parts: A mapping from every gate name in ``gates`` to an array; all
            arrays have the same shape and at least one axis.
        gates: The gate names in Keras's order, e.g. :data:`LSTM_GATES`.

    Returns:
        A NumPy array of shape ``shape[:-1] + (len(gates) * shape[-1],)``,
        ready for ``variable.assign(...)`` or ``layer.set_weights(...)``.

    Raises:
        TypeError: ``gates`` is not a sequence of strings, or ``parts`` is not
            a mapping.
        ValueError: ``gates`` is empty or repeats a name; ``parts`` misses a
            gate or holds an unknown one; the arrays are scalars or differ in
            shape.

    Example:
        >>> join_gates({"z": [1.0], "r": [2.0], "h": [3.0]}, GRU_GATES)
        array([1., 2., 3.])
    """
    names = _check_gates(gates)
    if not isinstance(parts, Mapping):
        raise TypeError(
            f"`parts` must be a mapping from gate name to array, as split_gates returns "
            f"(got {type(parts).__name__})."
        )
    missing = [name for name in names if name not in parts]
    unknown = sorted(str(name) for name in parts if name not in names)
    if missing or unknown:
        raise ValueError(
            f"`parts` must hold exactly the gates {names} (missing: {missing}, unknown: {unknown}); "
            "check the gate names and their order."
        )
    arrays = [np.asarray(parts[name]) for name in names]
    shapes = {name: array.shape for name, array in zip(names, arrays)}
    if len(set(shapes.values())) != 1 or arrays[0].ndim == 0:
        raise ValueError(
            f"every gate must hold an array of one common shape with at least one axis (got shapes {shapes})."
        )
    return np.concatenate(arrays, axis=-1)
