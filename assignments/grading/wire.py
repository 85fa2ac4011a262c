"""Encode and decode the values that cross the sandbox boundary.

Only plain data crosses: None, bool, int, float, str, list, tuple, dict and
numeric NumPy arrays (TensorFlow tensors travel as arrays). Nothing is ever
unpickled, so a hostile submission cannot make the grader run code by
returning a crafted object.

Example:
    >>> decode(encode((1, [2.0, None])))
    (1, [2.0, None])
"""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np

__all__ = ["WireError", "encode", "decode", "dumps", "loads", "MAX_MESSAGE_BYTES"]

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
"""Largest message accepted from a sandbox."""

_KINDS = set("biufc")  # bool, int, unsigned, float, complex
_MAX_DEPTH = 50


class WireError(ValueError):
    """Raised when a value cannot cross the boundary."""


def encode(value: Any, depth: int = 0) -> Any:
    """Turn ``value`` into JSON-ready plain data; raise WireError if it cannot cross."""
    if depth > _MAX_DEPTH:
        raise WireError("value nested too deeply")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, depth + 1) for v in value]}
    if isinstance(value, dict):
        return {"__dict__": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    if hasattr(value, "numpy") and not isinstance(value, (np.ndarray, np.generic)):
        value = value.numpy()  # a TensorFlow tensor or variable
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.kind not in _KINDS:
            raise WireError(f"arrays of dtype {array.dtype} cannot be graded")
        array = np.ascontiguousarray(array)
        return {
            "__nd__": array.dtype.str,
            "shape": list(array.shape),
            "scalar": isinstance(value, np.generic),
            "data": base64.b64encode(array.tobytes()).decode("ascii"),
        }
    raise WireError(f"a value of type {type(value).__name__} cannot be graded")


def decode(data: Any, depth: int = 0) -> Any:
    """Rebuild a value written by :func:`encode`, accepting nothing else."""
    if depth > _MAX_DEPTH:
        raise WireError("value nested too deeply")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, depth + 1) for v in data]
    if isinstance(data, dict):
        if set(data) == {"__tuple__"} and isinstance(data["__tuple__"], list):
            return tuple(decode(v, depth + 1) for v in data["__tuple__"])
        if set(data) == {"__dict__"} and isinstance(data["__dict__"], list):
            out = {}
            for pair in data["__dict__"]:
                if not isinstance(pair, list) or len(pair) != 2:
                    raise WireError("malformed dict")
                key = decode(pair[0], depth + 1)
                if not isinstance(key, (str, int, float, bool, tuple)) and key is not None:
                    raise WireError("unhashable dict key")
                out[key] = decode(pair[1], depth + 1)
            return out
        if set(data) == {"__nd__", "shape", "scalar", "data"}:
            dtype = np.dtype(str(data["__nd__"]))
            if dtype.kind not in _KINDS or dtype.hasobject:
                raise WireError(f"dtype {dtype} refused")
            if not isinstance(data["shape"], list) or len(data["shape"]) > 32 or \
                    not all(isinstance(n, int) and 0 <= n for n in data["shape"]):
                raise WireError("malformed array shape")
            shape = tuple(data["shape"])
            raw = base64.b64decode(str(data["data"]), validate=True)
            if len(raw) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
                raise WireError("array size does not match its shape")
            array = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
            return array[()] if data["scalar"] and array.ndim == 0 else array
    raise WireError("malformed value")


def dumps(message: dict) -> bytes:
    """Serialise one message as a JSON line."""
    return json.dumps(message, allow_nan=True).encode("utf-8") + b"\n"


def loads(line: bytes) -> dict:
    """Parse one JSON line written by :func:`dumps`."""
    if len(line) > MAX_MESSAGE_BYTES:
        raise WireError("message too large")
    try:
        message = json.loads(line.decode("utf-8"))
    except RecursionError:  # the C decoder stops at the interpreter's recursion limit
        raise WireError("message nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise WireError(f"malformed message ({str(error)[:100]})") from None
    if not isinstance(message, dict):
        raise WireError("message is not an object")
    return message
