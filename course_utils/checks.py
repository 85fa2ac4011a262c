"""Self-checks for the exercises, with messages in the reader's language.

An exercise gives the reader a function to write. Its check cell calls
:func:`check_answer`, which runs the reader's code, compares the result with
the expected one and says *what* is wrong (type, shape, which values), not
only *that* something is. A function that still raises ``NotImplementedError``
counts as "not attempted yet", so a fresh notebook runs from top to bottom.

Example:
    >>> check_answer("Exercise 0", lambda: 1 + 1, 2)
    ✅ Exercise 0: correct.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["LANGUAGES", "ExerciseError", "check_answer"]

LANGUAGES = ("en", "es", "pt")
"""Languages the messages are written in."""

_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "todo": "⏳ {name}: not attempted yet. Write your answer in the cell above, run it, then run this cell again.",
        "ok": "✅ {name}: correct.",
        "none": "{name}: your code returned None. Did you forget a `return`?",
        "shape": "{name}: your answer has shape {got}, expected shape {expected}.",
        "dtype": "{name}: your answer holds {got} values, expected {expected} values.",
        "values": (
            "{name}: the shape is right, but {count} of {total} values differ. "
            "The largest difference is at index {index}: you gave {got}, expected {expected}."
        ),
        "hint": "Hint: {hint}",
    },
    "es": {
        "todo": "⏳ {name}: todavía sin resolver. Escribe tu respuesta en la celda de arriba, ejecútala y vuelve a ejecutar esta celda.",
        "ok": "✅ {name}: ¡correcto!",
        "none": "{name}: tu código devolvió None. ¿Olvidaste un `return`?",
        "shape": "{name}: tu respuesta tiene forma {got}; se esperaba la forma {expected}.",
        "dtype": "{name}: tu respuesta contiene valores {got}; se esperaban valores {expected}.",
        "values": (
            "{name}: la forma es correcta, pero {count} de {total} valores no coinciden. "
            "La mayor diferencia está en el índice {index}: diste {got}, se esperaba {expected}."
        ),
        "hint": "Pista: {hint}",
    },
    "pt": {
        "todo": "⏳ {name}: ainda não resolvido. Escreva sua resposta na célula acima, execute-a e depois execute esta célula de novo.",
        "ok": "✅ {name}: correto!",
        "none": "{name}: seu código devolveu None. Você esqueceu um `return`?",
        "shape": "{name}: sua resposta tem forma {got}; era esperada a forma {expected}.",
        "dtype": "{name}: sua resposta contém valores {got}; eram esperados valores {expected}.",
        "values": (
            "{name}: a forma está certa, mas {count} de {total} valores não batem. "
            "A maior diferença está no índice {index}: você deu {got}, o esperado era {expected}."
        ),
        "hint": "Dica: {hint}",
    },
}


class ExerciseError(AssertionError):
    """Raised by :func:`check_answer` when an answer is wrong."""


def _kind(array: np.ndarray) -> str:
    if array.dtype == np.bool_:
        return "boolean"
    if np.issubdtype(array.dtype, np.number):
        return "numeric"
    return str(array.dtype)


def _first_difference(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> tuple[int, tuple[int, ...]] | None:
    if got.dtype == np.bool_ or expected.dtype == np.bool_ or not np.issubdtype(got.dtype, np.number):
        wrong = got != expected
        gap = wrong.astype(float)
    else:
        g = got.astype(np.float64)
        e = expected.astype(np.float64)
        wrong = ~np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
        gap = np.where(wrong, np.abs(g - e), 0.0)
        gap = np.where(np.isnan(gap), np.inf, gap)
    count = int(np.count_nonzero(wrong))
    if count == 0:
        return None
    index = np.unravel_index(int(np.argmax(gap)), got.shape) if got.ndim else ()
    return count, tuple(int(i) for i in index)


def check_answer(
    name: str,
    attempt: Callable[[], Any],
    expected: Any,
    *,
    lang: str = "en",
    rtol: float = 1e-5,
    atol: float = 1e-6,
    hint: str | None = None,
) -> None:
    """Run a reader's answer, compare it with the expected one, and report.

    Args:
        name: How the exercise is called on the page, e.g. ``"Exercise 1"``.
        attempt: A function of no arguments that computes the reader's answer,
            usually ``lambda: their_function(inputs)``.
        expected: The right answer: a number, a boolean, or anything
            ``np.asarray`` accepts (NumPy arrays, TensorFlow tensors, lists).
        lang: Language of the messages: ``"en"``, ``"es"`` or ``"pt"``.
        rtol: Relative tolerance for numbers.
        atol: Absolute tolerance for numbers.
        hint: Optional hint, added to the message when the answer is wrong.

    Prints one line: that the answer is right, or, when ``attempt`` raised
    ``NotImplementedError``, that the exercise is not attempted yet. Nothing
    is returned, so a check cell shows only that line.

    Raises:
        ExerciseError: The answer is wrong; the message says how.
        ValueError: ``lang`` is not one of :data:`LANGUAGES`, or a tolerance is
            negative.
        TypeError: ``attempt`` is not callable.

    Example:
        >>> check_answer("Exercise 0", lambda: [1, 2], [1, 3])
        Traceback (most recent call last):
        ...
        course_utils.checks.ExerciseError: Exercise 0: the shape is right, but 1 of 2 values differ. ...
    """
    if lang not in _MESSAGES:
        raise ValueError(f"`lang` must be one of {LANGUAGES} (got lang={lang!r}).")
    if rtol < 0 or atol < 0:
        raise ValueError(f"`rtol` and `atol` must be >= 0 (got rtol={rtol}, atol={atol}).")
    if not callable(attempt):
        raise TypeError(
            f"`attempt` must be a function of no arguments, such as `lambda: my_answer(x)` "
            f"(got {type(attempt).__name__})."
        )
    text = _MESSAGES[lang]
    try:
        result = attempt()
    except NotImplementedError:
        print(text["todo"].format(name=name))
        return

    def fail(key: str, **fields: Any) -> ExerciseError:
        message = text[key].format(name=name, **fields)
        if hint:
            message += "\n" + text["hint"].format(hint=hint)
        return ExerciseError(message)

    if result is None and expected is not None:
        raise fail("none")
    got = np.asarray(result)
    want = np.asarray(expected)
    if got.shape != want.shape:
        raise fail("shape", got=got.shape, expected=want.shape)
    if _kind(got) != _kind(want):
        raise fail("dtype", got=_kind(got), expected=_kind(want))
    difference = _first_difference(got, want, rtol, atol)
    if difference is not None:
        count, index = difference
        raise fail(
            "values",
            count=count,
            total=max(got.size, 1),
            index=index,
            got=got[index].item() if got.ndim else got.item(),
            expected=want[index].item() if want.ndim else want.item(),
        )
    print(text["ok"].format(name=name))
