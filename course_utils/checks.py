"""Self-checks for the exercises, in the reader's language, with the answers out of sight.

An exercise asks the reader to write a function. Its check cell names the
exercise and passes that function, nothing else::

    checks.check("ch01.steps_to_forget", steps_to_forget)

:func:`check` calls the function on the inputs of :mod:`course_utils.exercises`,
compares each result with a reference answer computed there, and says *what*
is wrong (the case, the shape, the kind of values, how many values differ and
where, whether a number is too large or too small) without printing the
expected values, so the reader can still predict before running. A function
that still raises ``NotImplementedError`` counts as "not attempted yet", so a
fresh notebook runs from top to bottom. The language is the notebook's,
set once with ``course_utils.i18n.set_language``.

:func:`check_answer` is the older form, for notebooks that pass the expected
answer themselves (the assignments); its messages do show the expected value.

Every message is an English msgid in :data:`MESSAGES`, translated through
``i18n.gettext``: the Spanish and Portuguese live in the gettext catalogs
(``course_utils/locale``), as every other message of the package.

Example:
    >>> check_answer("Exercise 0", lambda: 1 + 1, 2)
    ✅ Exercise 0: correct.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils import i18n
from course_utils.exercises import EXERCISES, exercise_by_id

__all__ = ["LANGUAGES", "MESSAGES", "ExerciseError", "check", "check_answer", "translate"]

LANGUAGES = i18n.LANGUAGES
"""Languages the messages are written in."""

_OWN_MESSAGES: tuple[str, ...] = (
    i18n.N_("Exercise {number}"),
    i18n.N_("⏳ {name}: not attempted yet. Write your answer in the cell above, run it, then run this cell again."),
    i18n.N_("✅ {name}: correct."),
    i18n.N_("{name}: {problem}"),
    i18n.N_("{name}, case {case}: {problem}"),
    i18n.N_("your code returned None. Did you forget a `return`?"),
    i18n.N_("your answer has shape {got}, expected shape {expected}."),
    i18n.N_("your answer holds {got} values, expected {expected} values."),
    i18n.N_("numeric"),
    i18n.N_("boolean"),
    i18n.N_("the shape is right, but {count} of {total} values differ. "
            "The largest difference is at index {index}: you gave {got}, expected {expected}."),
    i18n.N_("the shape is right, but {count} of {total} values differ. "
            "The largest difference is at index {index}, where you gave {got}, {verdict}."),
    i18n.N_("you gave {got}, {verdict}."),
    i18n.N_("which is too large"),
    i18n.N_("which is too small"),
    i18n.N_("which is not a number"),
    i18n.N_("which is not the expected value"),
    i18n.N_("Hint: {hint}"),
)

MESSAGES: frozenset[str] = frozenset(_OWN_MESSAGES) | {
    exercise.hint for exercise in EXERCISES.values() if exercise.hint
}
"""Every message of the checks (English msgids, translated by the catalogs of :mod:`course_utils.i18n`)."""


class ExerciseError(AssertionError):
    """Raised by :func:`check` and :func:`check_answer` when an answer is wrong."""


def translate(message: str, lang: str | None = None) -> str:
    """Return ``message`` (an English msgid of :data:`MESSAGES`) in the reader's language.

    The translation comes from the gettext catalogs (:func:`course_utils.i18n.gettext`).
    Format fields after translating.

    Raises:
        ValueError: ``lang`` is not one of :data:`LANGUAGES`.
        KeyError: ``message`` is not in :data:`MESSAGES` (a message every
            language must have).
    """
    language = i18n.resolve_language(lang)
    if message not in MESSAGES:
        raise KeyError(f"no such check message: {message!r}")
    return i18n.gettext(message, language)


def _kind(array: np.ndarray) -> str:
    if array.dtype == np.bool_:
        return "boolean"
    if np.issubdtype(array.dtype, np.number):
        return "numeric"
    return str(array.dtype)


def _differences(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float):
    """Return (count, index of the largest difference, sign) or None when all agree.

    ``sign`` is +1 when the reader's value there is too large, -1 too small,
    0 when it is not comparable (booleans, text, NaN).
    """
    if got.dtype == np.bool_ or expected.dtype == np.bool_ or not np.issubdtype(got.dtype, np.number):
        wrong = got != expected
        gap = wrong.astype(float)
        signed = np.zeros(got.shape)
    else:
        g = got.astype(np.float64)
        e = expected.astype(np.float64)
        wrong = ~np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
        gap = np.where(wrong, np.abs(g - e), 0.0)
        gap = np.where(np.isnan(gap), np.inf, gap)
        signed = np.nan_to_num(np.sign(g - e), nan=0.0)
    count = int(np.count_nonzero(wrong))
    if count == 0:
        return None
    index = np.unravel_index(int(np.argmax(gap)), got.shape) if got.ndim else ()
    index = tuple(int(i) for i in index)
    return count, index, int(signed[index]) if got.ndim else int(signed)


def _number(value: Any) -> str:
    """Show a value briefly: floats to 7 significant digits (0.2, not 0.20000000298023224)."""
    if isinstance(value, (float, np.floating)) and np.isfinite(value):
        return repr(float(f"{float(value):.7g}"))
    return str(value)


def _verdict(got: Any, sign: int, language: str) -> str:
    if isinstance(got, (float, np.floating)) and np.isnan(got):
        return translate("which is not a number", language)
    key = {1: "which is too large", -1: "which is too small"}.get(sign, "which is not the expected value")
    return translate(key, language)


def _problem(result: Any, expected: Any, rtol: float, atol: float, *, reveal: bool, language: str) -> str | None:
    """Say what is wrong with ``result``, in ``language``; ``None`` when it is right."""
    if result is None and expected is not None:
        return translate("your code returned None. Did you forget a `return`?", language)
    got, want = np.asarray(result), np.asarray(expected)
    if got.shape != want.shape:
        return translate("your answer has shape {got}, expected shape {expected}.", language).format(
            got=got.shape, expected=want.shape)
    if _kind(got) != _kind(want):
        kinds = {kind: translate(kind, language) if kind in MESSAGES else kind for kind in (_kind(got), _kind(want))}
        return translate("your answer holds {got} values, expected {expected} values.", language).format(
            got=kinds[_kind(got)], expected=kinds[_kind(want)])
    found = _differences(got, want, rtol, atol)
    if found is None:
        return None
    count, index, sign = found
    mine = got[index] if got.ndim else got[()]            # a NumPy scalar: float32 prints as 0.2, not 0.2000000029
    if reveal:
        return translate(
            "the shape is right, but {count} of {total} values differ. "
            "The largest difference is at index {index}: you gave {got}, expected {expected}.", language,
        ).format(count=count, total=max(got.size, 1), index=index, got=_number(mine),
                 expected=_number(want[index] if want.ndim else want[()]))
    verdict = _verdict(mine, sign, language)
    if got.ndim == 0:
        return translate("you gave {got}, {verdict}.", language).format(got=_number(mine), verdict=verdict)
    return translate(
        "the shape is right, but {count} of {total} values differ. "
        "The largest difference is at index {index}, where you gave {got}, {verdict}.", language,
    ).format(count=count, total=got.size, index=index, got=_number(mine), verdict=verdict)


def _with_hint(message: str, hint: str | None, language: str, *, translate_hint: bool) -> str:
    if not hint:
        return message
    text = translate(hint, language) if translate_hint else hint
    return message + "\n" + translate("Hint: {hint}", language).format(hint=text)


def _copy(value: Any) -> Any:
    """Copy arrays, lists, tuples and dicts, so a function that changes its input changes only its copy."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(item) for item in value)
    return value


def _describe(value: Any) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None and len(shape) > 0:
        return "<" + "×".join(str(int(n)) for n in shape) + " array>"
    if isinstance(value, dict):
        return "{…}"
    text = repr(value.item() if isinstance(value, np.generic) else value)
    return text if len(text) <= 40 else f"<{type(value).__name__} of {len(value)}>"


def _call(function: str, args: tuple, kwargs: dict) -> str:
    parts = [_describe(a) for a in args] + [f"{key}={_describe(v)}" for key, v in kwargs.items()]
    return f"{function}({', '.join(parts)})"


def check(exercise: str, answer: Callable[..., Any], *, lang: str | None = None) -> None:
    """Check the reader's function for ``exercise`` on the exercise's cases, and report.

    Args:
        exercise: The exercise's id, such as ``"ch01.steps_to_forget"`` (see
            :data:`course_utils.exercises.EXERCISES`).
        answer: The reader's function itself (not a call of it): ``steps_to_forget``.
        lang: Language of the messages for this call; ``None`` (usual) for
            the notebook's, set with ``i18n.set_language``.

    Prints one line: that every case is right, or, when ``answer`` raised
    ``NotImplementedError``, that the exercise is not attempted yet. The
    expected answers are never printed.

    Raises:
        ExerciseError: A case is wrong; the message names the case and says
            how it is wrong (shape, kind of values, how many values differ and
            where, too large or too small), then gives the exercise's hint.
        TypeError: ``answer`` is not callable, or ``exercise`` not a string.
        ValueError: ``exercise`` is not a known id, or ``lang`` not a language.

    Example:
        >>> check("ch04.perplexity", lambda p_next: 8.0)
        Traceback (most recent call last):
        ...
        course_utils.checks.ExerciseError: Exercise 1, case perplexity([0.5, 0.125]): you gave 8.0, which is too large.
        Hint: the exponential of the mean of -log p.
    """
    spec = exercise_by_id(exercise)
    language = i18n.resolve_language(lang)
    if not callable(answer):
        raise TypeError(
            f"`answer` must be your function itself, such as `{spec.function}` without parentheses "
            f"(got {type(answer).__name__})."
        )
    name = translate("Exercise {number}", language).format(number=spec.number)
    cases = spec.cases()
    for case in cases:
        expected = spec.reference(*_copy(case.args), **_copy(case.kwargs))
        try:
            result = answer(*_copy(case.args), **_copy(case.kwargs))
        except NotImplementedError:
            print(translate("⏳ {name}: not attempted yet. Write your answer in the cell above, run it, then run this "
                            "cell again.", language).format(name=name))
            return
        if spec.output is not None:
            expected = spec.output(expected)
            result = None if result is None else spec.output(result)
        problem = _problem(result, expected, spec.rtol, spec.atol, reveal=False, language=language)
        if problem is not None:
            where = (translate("{name}, case {case}: {problem}", language) if len(cases) > 1
                     else translate("{name}: {problem}", language))
            message = where.format(name=name, case=_call(spec.function, case.args, case.kwargs), problem=problem)
            raise ExerciseError(_with_hint(message, spec.hint, language, translate_hint=True))
    print(translate("✅ {name}: correct.", language).format(name=name))


def check_answer(
    name: str,
    attempt: Callable[[], Any],
    expected: Any,
    *,
    lang: str | None = None,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    hint: str | None = None,
) -> None:
    """Run a reader's answer, compare it with an expected one given by the caller, and report.

    Prefer :func:`check`, which keeps the expected answer off the page. This
    form suits notebooks whose tests are meant to be read (the assignments);
    its messages show the expected value where the answer differs.

    Args:
        name: How the exercise is called on the page, e.g. ``"Exercise 1"``.
        attempt: A function of no arguments that computes the reader's answer,
            usually ``lambda: their_function(inputs)``.
        expected: The right answer: a number, a boolean, or anything
            ``np.asarray`` accepts (NumPy arrays, TensorFlow tensors, lists).
        lang: Language of the messages; ``None`` for the notebook's.
        rtol: Relative tolerance for numbers.
        atol: Absolute tolerance for numbers.
        hint: Optional hint, in the page's language, added when the answer is wrong.

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
    language = i18n.resolve_language(lang)
    if rtol < 0 or atol < 0:
        raise ValueError(f"`rtol` and `atol` must be >= 0 (got rtol={rtol}, atol={atol}).")
    if not callable(attempt):
        raise TypeError(
            f"`attempt` must be a function of no arguments, such as `lambda: my_answer(x)` "
            f"(got {type(attempt).__name__})."
        )
    try:
        result = attempt()
    except NotImplementedError:
        print(translate("⏳ {name}: not attempted yet. Write your answer in the cell above, run it, then run this "
                        "cell again.", language).format(name=name))
        return
    problem = _problem(result, expected, rtol, atol, reveal=True, language=language)
    if problem is not None:
        message = translate("{name}: {problem}", language).format(name=name, problem=problem)
        raise ExerciseError(_with_hint(message, hint, language, translate_hint=False))
    print(translate("✅ {name}: correct.", language).format(name=name))
