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
``i18n.gettext`` (the catalogs) and, until a catalog has it, through the
Spanish and Portuguese of that table.

Example:
    >>> check_answer("Exercise 0", lambda: 1 + 1, 2)
    ✅ Exercise 0: correct.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils import i18n
from course_utils.exercises import exercise_by_id

__all__ = ["LANGUAGES", "MESSAGES", "ExerciseError", "check", "check_answer", "translate"]

LANGUAGES = i18n.LANGUAGES
"""Languages the messages are written in."""

MESSAGES: dict[str, dict[str, str]] = {
    "Exercise {number}": {"es": "Ejercicio {number}", "pt": "Exercício {number}"},
    "⏳ {name}: not attempted yet. Write your answer in the cell above, run it, then run this cell again.": {
        "es": "⏳ {name}: todavía sin resolver. Escribe tu respuesta en la celda de arriba, ejecútala y vuelve a ejecutar esta celda.",
        "pt": "⏳ {name}: ainda não resolvido. Escreva sua resposta na célula acima, execute-a e depois execute esta célula de novo.",
    },
    "✅ {name}: correct.": {"es": "✅ {name}: ¡correcto!", "pt": "✅ {name}: correto!"},
    "{name}: {problem}": {"es": "{name}: {problem}", "pt": "{name}: {problem}"},
    "{name}, case {case}: {problem}": {"es": "{name}, caso {case}: {problem}", "pt": "{name}, caso {case}: {problem}"},
    "your code returned None. Did you forget a `return`?": {
        "es": "tu código devolvió None. ¿Olvidaste un `return`?",
        "pt": "seu código devolveu None. Você esqueceu um `return`?",
    },
    "your answer has shape {got}, expected shape {expected}.": {
        "es": "tu respuesta tiene forma {got}; se esperaba la forma {expected}.",
        "pt": "sua resposta tem forma {got}; era esperada a forma {expected}.",
    },
    "your answer holds {got} values, expected {expected} values.": {
        "es": "tu respuesta contiene valores {got}; se esperaban valores {expected}.",
        "pt": "sua resposta contém valores {got}; eram esperados valores {expected}.",
    },
    "numeric": {"es": "numéricos", "pt": "numéricos"},
    "boolean": {"es": "booleanos", "pt": "booleanos"},
    "the shape is right, but {count} of {total} values differ. "
    "The largest difference is at index {index}: you gave {got}, expected {expected}.": {
        "es": "la forma es correcta, pero {count} de {total} valores no coinciden. "
              "La mayor diferencia está en el índice {index}: diste {got}, se esperaba {expected}.",
        "pt": "a forma está certa, mas {count} de {total} valores não batem. "
              "A maior diferença está no índice {index}: você deu {got}, o esperado era {expected}.",
    },
    "the shape is right, but {count} of {total} values differ. "
    "The largest difference is at index {index}, where you gave {got}, {verdict}.": {
        "es": "la forma es correcta, pero {count} de {total} valores no coinciden. "
              "La mayor diferencia está en el índice {index}, donde diste {got}, {verdict}.",
        "pt": "a forma está certa, mas {count} de {total} valores não batem. "
              "A maior diferença está no índice {index}, onde você deu {got}, {verdict}.",
    },
    "you gave {got}, {verdict}.": {"es": "diste {got}, {verdict}.", "pt": "você deu {got}, {verdict}."},
    "which is too large": {"es": "que es demasiado grande", "pt": "que é grande demais"},
    "which is too small": {"es": "que es demasiado pequeño", "pt": "que é pequeno demais"},
    "which is not a number": {"es": "que no es un número", "pt": "que não é um número"},
    "which is not the expected value": {"es": "que no es el valor esperado", "pt": "que não é o valor esperado"},
    "Hint: {hint}": {"es": "Pista: {hint}", "pt": "Dica: {hint}"},
    # The hints of course_utils.exercises.
    "keep multiplying while what is left is still >= fraction: a value equal to it is not yet below it.": {
        "es": "sigue multiplicando mientras lo que queda sea >= fraction: un valor igual todavía no está por debajo.",
        "pt": "continue multiplicando enquanto o que resta for >= fraction: um valor igual ainda não está abaixo.",
    },
    "compare with lstm_weight_count in section 5, and count two bias vectors per block.": {
        "es": "compárala con lstm_weight_count de la sección 5 y cuenta dos vectores de sesgo por bloque.",
        "pt": "compare com lstm_weight_count da seção 5 e conte dois vetores de viés por bloco.",
    },
    "Keras mixes with z * h_prev + (1 - z) * candidate, and r multiplies (h_prev U_h + recurrent bias).": {
        "es": "Keras mezcla con z * h_prev + (1 - z) * candidato, y r multiplica a (h_prev U_h + sesgo recurrente).",
        "pt": "o Keras mistura com z * h_prev + (1 - z) * candidato, e r multiplica (h_prev U_h + viés recorrente).",
    },
    "the check puts [h_t, c_t] side by side; the output gate looks at the new c_t, not c_(t-1).": {
        "es": "la comprobación pone [h_t, c_t] uno al lado del otro; la compuerta de salida mira el nuevo c_t, no c_(t-1).",
        "pt": "a verificação põe [h_t, c_t] lado a lado; a porta de saída olha o novo c_t, não c_(t-1).",
    },
    "in the flattened tensor, example i starts at row i * steps.": {
        "es": "en el tensor aplanado, el ejemplo i empieza en la fila i * pasos.",
        "pt": "no tensor achatado, o exemplo i começa na linha i * passos.",
    },
    "padding steps do not count, even when they hold 0.0.": {
        "es": "los pasos de relleno no cuentan, aunque contengan 0.0.",
        "pt": "os passos de preenchimento não contam, mesmo quando contêm 0.0.",
    },
    "np.roll(row, shift) moves the last `shift` steps to the front.": {
        "es": "np.roll(row, shift) lleva los últimos `shift` pasos al principio.",
        "pt": "np.roll(row, shift) leva os últimos `shift` passos para o início.",
    },
    "use pairs (series[t - 1], series[t]) as dictionary keys and sets of series[t + 1] as values.": {
        "es": "usa los pares (series[t - 1], series[t]) como claves de un diccionario y conjuntos de series[t + 1] como valores.",
        "pt": "use os pares (series[t - 1], series[t]) como chaves de um dicionário e conjuntos de series[t + 1] como valores.",
    },
    "each window's loss is a mean over its own steps: weight its gradient by (its steps) / T, "
    "and start it from the state the previous window ended in.": {
        "es": "la pérdida de cada ventana es una media sobre sus propios pasos: pondera su gradiente por (sus pasos) / T, "
              "y empiézala con el estado con el que terminó la ventana anterior.",
        "pt": "a perda de cada janela é uma média sobre os próprios passos: pondere o gradiente dela por (os passos dela) / T, "
              "e comece-a com o estado com que a janela anterior terminou.",
    },
    "h_0 enters the first step through h_0 U, as h_(t-1) enters step t.": {
        "es": "h_0 entra en el primer paso a través de h_0 U, como h_(t-1) entra en el paso t.",
        "pt": "h_0 entra no primeiro passo por meio de h_0 U, como h_(t-1) entra no passo t.",
    },
    "the exponential of the mean of -log p.": {
        "es": "la exponencial de la media de -log p.",
        "pt": "a exponencial da média de -log p.",
    },
    "rows of 29 // 3 = 9 ids give (9 - 1) // 4 = 2 windows; the targets start one column later.": {
        "es": "filas de 29 // 3 = 9 ids dan (9 - 1) // 4 = 2 ventanas; los objetivos empiezan una columna después.",
        "pt": "linhas de 29 // 3 = 9 ids dão (9 - 1) // 4 = 2 janelas; os alvos começam uma coluna depois.",
    },
    "the tied matrix counts once, plus one output bias per word; each LSTM layer reads size numbers.": {
        "es": "la matriz atada cuenta una sola vez, más un sesgo de salida por palabra; cada capa LSTM lee size números.",
        "pt": "a matriz amarrada conta uma vez só, mais um viés de saída por palavra; cada camada LSTM lê size números.",
    },
    "each of the four blocks sees the input (features) and the previous output (units), plus a bias.": {
        "es": "cada uno de los cuatro bloques ve la entrada (features) y la salida anterior (units), más un sesgo.",
        "pt": "cada um dos quatro blocos vê a entrada (features) e a saída anterior (units), mais um viés.",
    },
    "'concat' joins the halves along the last axis; the other modes work element by element.": {
        "es": "'concat' une las mitades a lo largo del último eje; los otros modos operan elemento a elemento.",
        "pt": "'concat' junta as metades ao longo do último eixo; os outros modos trabalham elemento a elemento.",
    },
    "rows[-0:] is the whole array in NumPy, so k = 0 needs care.": {
        "es": "en NumPy, rows[-0:] es el array entero, así que k = 0 requiere cuidado.",
        "pt": "no NumPy, rows[-0:] é o array inteiro; por isso k = 0 exige cuidado.",
    },
}
"""Every message of the checks: English msgid -> Spanish and Portuguese, until the catalogs hold them."""


class ExerciseError(AssertionError):
    """Raised by :func:`check` and :func:`check_answer` when an answer is wrong."""


def translate(message: str, lang: str | None = None) -> str:
    """Return ``message`` (an English msgid of :data:`MESSAGES`) in the reader's language.

    The gettext catalogs win; a message they do not translate yet comes from
    :data:`MESSAGES`. Format fields after translating.

    Raises:
        ValueError: ``lang`` is not one of :data:`LANGUAGES`.
        KeyError: ``message`` is not in :data:`MESSAGES` (a message every
            language must have).
    """
    language = i18n.resolve_language(lang)
    if message not in MESSAGES:
        raise KeyError(f"no such check message: {message!r}")
    translated = i18n.gettext(message, language)
    if language == "en" or translated != message:
        return translated
    return MESSAGES[message][language]


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
