import numpy as np
import pytest

from course_utils import checks, exercises, i18n


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    i18n.set_language(i18n.DEFAULT_LANGUAGE)


def _not_yet(*args, **kwargs):
    raise NotImplementedError


# --- check_answer: the expected answer given by the caller ------------------------------------

@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "✅ Ex: correct."), ("es", "✅ Ex: ¡correcto!"), ("pt", "✅ Ex: correto!")],
)
def test_right_answer_prints_success_in_each_language(capsys, lang, expected):
    assert checks.check_answer("Ex", lambda: np.ones((2, 3)), np.ones((2, 3)), lang=lang) is None
    assert capsys.readouterr().out.strip() == expected


def test_the_notebook_language_is_used_without_lang(capsys):
    i18n.set_language("pt")
    checks.check_answer("Ex", lambda: 1, 1)
    assert capsys.readouterr().out.strip() == "✅ Ex: correto!"


@pytest.mark.parametrize(("lang", "word"), [("en", "not attempted"), ("es", "sin resolver"), ("pt", "ainda não")])
def test_not_implemented_counts_as_not_attempted(capsys, lang, word):
    checks.check_answer("Ex", _not_yet, 1, lang=lang)
    out = capsys.readouterr().out
    assert out.startswith("⏳ Ex:") and word in out


@pytest.mark.parametrize(
    ("got", "expected", "message"),
    [
        (lambda: None, 3, r"returned None. Did you forget a `return`"),
        (lambda: np.zeros((2, 3)), np.zeros((3, 2)), r"shape \(2, 3\), expected shape \(3, 2\)"),
        (lambda: [True, False], [1, 0], r"holds boolean values, expected numeric"),
        (lambda: [1.0, 2.0, 9.0, 4.0], [1, 2, 3, 4.5], r"2 of 4 values differ.*index \(2,\): you gave 9.0, expected 3"),
        (lambda: 2, 3, r"1 of 1 values differ.*you gave 2, expected 3"),
        (lambda: [1.0, np.nan], [1.0, 2.0], r"1 of 2 values differ.*index \(1,\)"),
    ],
)
def test_wrong_answers_say_what_is_wrong(got, expected, message):
    with pytest.raises(checks.ExerciseError, match=message):
        checks.check_answer("Ex", got, expected)


def test_wrong_answer_is_an_assertion_error_with_hint_in_language():
    with pytest.raises(AssertionError, match=r"(?s)no coinciden.*Pista: mira el índice"):
        checks.check_answer("Ex", lambda: [1, 2], [1, 3], lang="es", hint="mira el índice")


def test_kinds_of_values_are_translated():
    with pytest.raises(checks.ExerciseError, match=r"valores booleanos; se esperaban valores numéricos"):
        checks.check_answer("Ex", lambda: [True], [1], lang="es")


def test_tolerances_apply():
    checks.check_answer("Ex", lambda: [1.0 + 1e-7], [1.0])
    checks.check_answer("Ex", lambda: [1.05], [1.0], rtol=0.1)
    with pytest.raises(checks.ExerciseError):
        checks.check_answer("Ex", lambda: [1.05], [1.0])


def test_tensorflow_tensors_are_compared_like_arrays(capsys):
    import tensorflow as tf

    checks.check_answer("Ex", lambda: tf.constant([[1.0, 2.0]]), np.array([[1.0, 2.0]]))
    assert "correct" in capsys.readouterr().out


def test_other_errors_from_the_attempt_propagate():
    with pytest.raises(ZeroDivisionError):
        checks.check_answer("Ex", lambda: 1 / 0, 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"lang": "fr"}, ValueError, r"`lang` must be one of \('en', 'es', 'pt'\) \(got lang='fr'\)"),
        ({"rtol": -1.0}, ValueError, r"`rtol` and `atol` must be >= 0"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        checks.check_answer("Ex", lambda: 1, 1, **kwargs)


def test_attempt_must_be_callable():
    with pytest.raises(TypeError, match=r"`attempt` must be a function of no arguments.*got int"):
        checks.check_answer("Ex", 3, 3)


# --- check: the expected answers stay in course_utils -----------------------------------------

@pytest.mark.parametrize("exercise_id", sorted(exercises.EXERCISES))
def test_every_reference_passes_its_own_check(capsys, exercise_id):
    checks.check(exercise_id, exercises.EXERCISES[exercise_id].reference)
    assert capsys.readouterr().out.startswith("✅ Exercise")


@pytest.mark.parametrize("exercise_id", sorted(exercises.EXERCISES))
def test_every_exercise_has_a_chapter_number_and_a_translated_hint(exercise_id):
    exercise = exercises.EXERCISES[exercise_id]
    assert exercise_id.startswith(("ch01.", "ch02.", "ch03.", "ch04.", "ch05.")) and exercise.number >= 1
    assert exercise.hint in checks.MESSAGES and exercise.cases()


def test_a_wrong_number_says_which_case_and_which_way_without_the_answer():
    with pytest.raises(checks.ExerciseError) as raised:
        checks.check("ch01.steps_to_forget", lambda forget_bias, fraction=0.01: 7)
    message = str(raised.value)
    assert message.startswith("Exercise 1, case steps_to_forget(1.0): you gave 7, which is too small.")
    assert "15" not in message and "Hint:" in message


def test_a_too_large_scalar():
    with pytest.raises(checks.ExerciseError, match=r"case perplexity\(\[0.5, 0.125\]\): you gave 8.0, which is too large"):
        checks.check("ch04.perplexity", lambda p_next: 8.0)


def test_arrays_say_how_many_values_differ_and_where():
    def half_right(values, lengths):
        moved = np.array(values, copy=True)
        moved[1] = np.roll(values[1], 1, axis=0)        # the second row right, the first one not moved
        return moved

    with pytest.raises(checks.ExerciseError) as raised:
        checks.check("ch02.move_padding_to_front", half_right)
    message = str(raised.value)
    assert "case move_padding_to_front(<2×4×1 array>, <2 array>)" in message
    assert "4 of 8 values differ" in message and "index (0, 1, 0), where you gave 0.2, which is too large" in message
    assert "-1.0" not in message                       # the expected value stays hidden


def test_shape_and_none_messages():
    with pytest.raises(checks.ExerciseError, match=r"your answer has shape \(2, 5, 4\), expected shape \(2, 5, 8\)"):
        checks.check("ch05.merge", lambda forward, backward, mode: forward)
    with pytest.raises(checks.ExerciseError, match=r"case lstm_weight_count\(5, 3\): your code returned None"):
        checks.check("ch05.lstm_weight_count", lambda units, features: None)


def test_nan_is_named():
    with pytest.raises(checks.ExerciseError, match=r"you gave nan, which is not a number"):
        checks.check("ch04.perplexity", lambda p_next: float("nan"))


@pytest.mark.parametrize(
    ("lang", "start", "hint"),
    [
        ("en", "Exercise 1, case perplexity([0.5, 0.125]): you gave 8.0, which is too large.", "Hint: the exponential"),
        ("es", "Ejercicio 1, caso perplexity([0.5, 0.125]): diste 8.0, que es demasiado grande.", "Pista: la exponencial"),
        ("pt", "Exercício 1, caso perplexity([0.5, 0.125]): você deu 8.0, que é grande demais.", "Dica: a exponencial"),
    ],
)
def test_messages_follow_the_notebook_language(lang, start, hint):
    i18n.set_language(lang)
    with pytest.raises(checks.ExerciseError) as raised:
        checks.check("ch04.perplexity", lambda p_next: 8.0)
    first, second = str(raised.value).split("\n")
    assert first == start and second.startswith(hint)


def test_not_attempted_and_success(capsys):
    i18n.set_language("es")
    checks.check("ch04.perplexity", _not_yet)
    assert capsys.readouterr().out.startswith("⏳ Ejercicio 1: todavía sin resolver")
    checks.check("ch04.perplexity", lambda p: float(np.exp(-np.mean(np.log(p)))))
    assert capsys.readouterr().out.strip() == "✅ Ejercicio 1: ¡correcto!"


def test_a_function_that_changes_its_input_does_not_change_the_reference(capsys):
    def in_place(values, lengths):
        for i, length in enumerate(lengths):
            values[i] = np.roll(values[i], values.shape[1] - length, axis=0)
        return values

    checks.check("ch02.move_padding_to_front", in_place)
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("ch09.nothing", len), ValueError, r"unknown exercise 'ch09.nothing'; expected one of: ch01.steps_to_forget"),
        (("ch04.nothing", len), ValueError, r"unknown exercise 'ch04.nothing'; expected one of: ch04.perplexity, ch04.my_windows"),
        ((4, len), TypeError, r"`exercise` must be a string .*got int"),
        (("ch04.perplexity", 8.0), TypeError, r"`answer` must be your function itself, such as `perplexity` without parentheses \(got float\)"),
    ],
)
def test_check_rejects_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        checks.check(*args)


def test_check_rejects_a_bad_language():
    with pytest.raises(ValueError, match=r"`lang` must be one of"):
        checks.check("ch04.perplexity", len, lang="de")


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_every_message_is_in_the_catalog_with_its_fields(lang):
    from tools import catalogs

    catalog = catalogs.read(lang)
    fields = lambda text: sorted(part.split("}")[0] for part in text.split("{")[1:])
    extracted = {message.id for message in catalogs.extract() if message.id}
    for message in checks.MESSAGES:
        assert message in extracted, f"not marked with i18n.N_ or gettext: {message!r}"
        entry = catalog.get(message)
        assert entry is not None and entry.string and not entry.fuzzy, f"{lang}: untranslated {message!r}"
        assert fields(entry.string) == fields(message), message
        if "{" not in message:
            assert checks.translate(message, lang) == entry.string != message, message


def test_translate_uses_the_catalogs_and_rejects_unknown_messages():
    assert checks.translate("Hint: {hint}", "pt") == "Dica: {hint}"
    assert checks.translate("Hint: {hint}", "es") == "Pista: {hint}"
    assert checks.translate("Hint: {hint}", "en") == "Hint: {hint}"
    assert checks.translate("the exponential of the mean of -log p.", "es") == "la exponencial de la media de -log p."
    with pytest.raises(KeyError, match="no such check message"):
        checks.translate("not a message")
