import numpy as np
import pytest

from course_utils import checks


def _not_yet():
    raise NotImplementedError


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "✅ Ex: correct."), ("es", "✅ Ex: ¡correcto!"), ("pt", "✅ Ex: correto!")],
)
def test_right_answer_prints_success_in_each_language(capsys, lang, expected):
    assert checks.check_answer("Ex", lambda: np.ones((2, 3)), np.ones((2, 3)), lang=lang) is None
    assert capsys.readouterr().out.strip() == expected


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


def test_every_language_has_every_message():
    keys = {lang: set(messages) for lang, messages in checks._MESSAGES.items()}
    assert set(keys) == set(checks.LANGUAGES)
    assert keys["es"] == keys["en"] == keys["pt"]
