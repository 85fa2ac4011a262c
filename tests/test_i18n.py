"""Tests of course_utils.i18n: the notebook-wide language setting."""

import pytest

from course_utils import i18n


@pytest.fixture(autouse=True)
def _restore_language():
    yield
    i18n.set_language(i18n.DEFAULT_LANGUAGE)


def test_english_until_a_language_is_set():
    assert i18n.get_language() == "en"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_set_language_is_read_back(lang):
    i18n.set_language(lang)
    assert i18n.get_language() == lang
    assert i18n.resolve_language(None) == lang


def test_an_explicit_language_wins():
    i18n.set_language("es")
    assert i18n.resolve_language("pt") == "pt"


@pytest.mark.parametrize("bad", ["fr", "EN", "", None, 1])
def test_unknown_languages_are_refused_and_nothing_changes(bad):
    i18n.set_language("pt")
    with pytest.raises(ValueError, match=r"`lang` must be one of \('en', 'es', 'pt'\)"):
        i18n.set_language(bad)
    assert i18n.get_language() == "pt"


def test_resolve_refuses_unknown_languages():
    with pytest.raises(ValueError, match=r"got lang='de'"):
        i18n.resolve_language("de")


def test_gettext_returns_english_for_english_and_untranslated_messages():
    assert i18n.gettext("a message no catalog has", lang="en") == "a message no catalog has"
    i18n.set_language("es")
    assert i18n.gettext("a message no catalog has") == "a message no catalog has"


def test_gettext_checks_its_arguments():
    with pytest.raises(TypeError, match="`message` must be a string"):
        i18n.gettext(3)
    with pytest.raises(ValueError, match="got lang='fr'"):
        i18n.gettext("x", lang="fr")
