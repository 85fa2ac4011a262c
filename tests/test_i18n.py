"""Tests of course_utils.i18n: the notebook-wide language setting."""

import numpy as np
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


# --- message catalogs -----------------------------------------------------------------------------

import string  # noqa: E402

from babel.messages.mofile import read_mo  # noqa: E402

from tools import catalogs  # noqa: E402

TRANSLATED = sorted(catalogs.LANGUAGES)


def _fields(text: str) -> list[tuple[str, str]]:
    """The format fields of ``text`` with their format specs, in order: "{a:.2f} {b}" -> [("a", ".2f"), ("b", "")]."""
    return [(name, spec) for _, name, spec, _ in string.Formatter().parse(text) if name is not None]


def test_the_code_marks_messages_for_the_catalogs():
    ids = {message.id for message in catalogs.extract() if message.id}
    assert {"source recipe", "dropout + tied"} <= ids


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_of_the_code_is_translated(lang):
    catalog = catalogs.read(lang)
    problems = []
    for message in catalogs.extract():
        if not message.id:
            continue
        entry = catalog.get(message.id)
        if entry is None or not entry.string:
            problems.append(f"untranslated: {message.id!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy (a translator must review it): {message.id!r}")
    assert not problems, f"{catalogs.po_path(lang)} (run `python -m tools.catalogs update`):\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_format_fields_of_their_msgid(lang):
    problems = []
    for message in catalogs.read(lang):
        if message.id and message.string:
            if sorted(_fields(message.id)) != sorted(_fields(message.string)):
                problems.append(f"{message.id!r} -> {message.string!r}")
            if message.string.strip() != message.string or message.id.strip() != message.id:
                problems.append(f"leading or trailing spaces: {message.id!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_shipped_mo_is_the_compilation_of_the_po(lang):
    mo = catalogs.po_path(lang).with_suffix(".mo")
    assert mo.read_bytes() == catalogs.compiled(lang), f"{mo} is stale: run `python -m tools.catalogs compile`"
    with mo.open("rb") as f:
        assert len([m for m in read_mo(f) if m.id]) == len([m for m in catalogs.read(lang) if m.id and m.string])


def test_fields_unit():
    assert _fields("{a:.2f} and {b}, {{not}}") == [("a", ".2f"), ("b", "")]
    assert _fields("no fields") == []


@pytest.mark.parametrize(("lang", "expected"), [("en", "Hint: {hint}"), ("es", "Pista: {hint}"), ("pt", "Dica: {hint}")])
def test_gettext_reads_the_compiled_catalogs(lang, expected):
    assert i18n.gettext("Hint: {hint}", lang=lang) == expected
    i18n.set_language(lang)
    assert i18n.gettext("Hint: {hint}") == expected


# --- numbers --------------------------------------------------------------------------------------

NNBSP = "\u202f"


@pytest.mark.parametrize(("x", "digits", "lang", "expected"), [
    (929589, None, "en", "929,589"),
    (929589, None, "es", f"929{NNBSP}589"),
    (929589, None, "pt", "929.589"),
    (2458, None, "es", "2458"),            # RAE: no separator in four-digit numbers
    (2458, None, "pt", "2.458"),
    (-12345.678, 1, "es", f"-12{NNBSP}345.7"),
    (114.5, 1, "pt", "114,5"),
    (0.5, 2, "en", "0.50"),
    (0.0156, None, "pt", "0,016"),         # up to three decimals by default
    (3, 2, "es", "3.00"),
    (0, None, "pt", "0"),
    (np.int64(4000), None, "pt", "4.000"),
    (np.float32(0.25), 2, "es", "0.25"),
    (float("nan"), 1, "pt", "NaN"),
])
def test_format_number(x, digits, lang, expected):
    assert i18n.format_number(x, digits=digits, lang=lang) == expected


def test_format_number_reads_the_notebook_language():
    i18n.set_language("pt")
    assert i18n.format_number(1234.5, digits=1) == "1.234,5"


@pytest.mark.parametrize(("x", "digits", "lang", "expected"), [
    (0.123, 0, "en", "12%"),
    (0.1234, 1, "es", "12.3\xa0%"),
    (0.1234, 1, "pt", "12,3%"),
    (1.0, 0, "pt", "100%"),
    (123.45, 0, "es", f"12{NNBSP}345\xa0%"),
])
def test_format_percent(x, digits, lang, expected):
    assert i18n.format_percent(x, digits=digits, lang=lang) == expected


@pytest.mark.parametrize("bad", [True, "3", None, [1], complex(1, 1)])
def test_format_number_refuses_non_numbers(bad):
    with pytest.raises(TypeError, match=r"`x` must be a real number"):
        i18n.format_number(bad)
    with pytest.raises(TypeError, match=r"`x` must be a real number"):
        i18n.format_percent(bad)


@pytest.mark.parametrize("bad", [-1, 13, 1.5, True, "2"])
def test_format_number_refuses_bad_digits(bad):
    with pytest.raises(ValueError, match=r"`digits` must be None or an integer in \[0, 12\]"):
        i18n.format_number(1.0, digits=bad)


def test_format_number_refuses_unknown_languages():
    with pytest.raises(ValueError, match="got lang='fr'"):
        i18n.format_number(1.0, lang="fr")


@pytest.mark.parametrize(("x", "digits", "lang", "expected"), [
    (0.000123, 1, "en", "1.2E-04"),
    (0.000123, 1, "es", "1.2E-04"),
    (0.000123, 1, "pt", "1,2E-04"),
    (2.7e-22, 2, "pt", "2,70E-22"),
    (-12345.0, 2, "es", "-1.23E04"),
    (3.46e28, 0, "en", "3E28"),
    (9.96, 1, "pt", "1,0E01"),              # the rounded mantissa stays below 10
    (-0.00123, 1, "es", "-1.2E-03"),
    (np.float32(0.5), 1, "pt", "5,0E-01"),
    (0.0, 1, "es", "0.0E00"),
    (float("inf"), 1, "pt", "∞"),
])
def test_format_scientific(x, digits, lang, expected):
    assert i18n.format_scientific(x, digits=digits, lang=lang) == expected


def test_format_scientific_reads_the_notebook_language():
    i18n.set_language("pt")
    assert i18n.format_scientific(0.00456) == "4,6E-03"


@pytest.mark.parametrize("bad", [True, "3", None, complex(1, 1)])
def test_format_scientific_refuses_non_numbers(bad):
    with pytest.raises(TypeError, match=r"`x` must be a real number"):
        i18n.format_scientific(bad)


@pytest.mark.parametrize("bad", [None, -1, 13, 1.5, True, "2"])
def test_format_scientific_refuses_bad_digits(bad):
    with pytest.raises(ValueError, match=r"`digits` must be an integer in \[0, 12\]"):
        i18n.format_scientific(1.0, digits=bad)


def test_format_scientific_refuses_unknown_languages():
    with pytest.raises(ValueError, match="got lang='fr'"):
        i18n.format_scientific(1.0, lang="fr")


# --- plot axes ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "ticks", "expected"), [
    ("pt", [0.0, 0.25, 1.5, 10000.0], ["0", "0,25", "1,5", "10.000"]),
    ("es", [0.0, 0.25, 1.5, 10000.0], ["0", "0.25", "1.5", f"10{NNBSP}000"]),
    ("en", [1e-05, 2500.0], ["0.00001", "2,500"]),
])
def test_axis_formatter_writes_ticks_in_the_language(lang, ticks, expected):
    formatter = i18n.axis_formatter(lang)
    assert [formatter(x, k) for k, x in enumerate(ticks)] == expected


def test_localize_axes_formats_linear_axes_and_leaves_log_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    fig, ax = plt.subplots()
    ax.plot([0.5, 1.5], [10.0, 1000.0])
    ax.set_yscale("log")
    i18n.set_language("pt")
    i18n.localize_axes(ax)
    fig.canvas.draw()
    assert isinstance(ax.xaxis.get_major_formatter(), FuncFormatter)
    assert not isinstance(ax.yaxis.get_major_formatter(), FuncFormatter)
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert any("," in label for label in labels) and not any("." in label for label in labels), labels
    plt.close(fig)
    with pytest.raises(TypeError, match="`ax` must be a matplotlib Axes"):
        i18n.localize_axes("not axes")
