"""The glossary is one table in three languages, and the book uses its terms.

Every glossary page lists the same terms in English, Spanish and Portuguese
(only the meaning column is translated). ``AVOID`` holds the variants a
translator tends to reach for when the glossary chose another word; the book's
pages, chapters and assignments must not use them.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import LANGUAGES, ROOT

COLUMN = {"en": 0, "es": 1, "pt": 2}
"""Which column of a glossary row holds each language's term."""

AVOID = {
    "es": {"cuaderno": "notebook", "puerta": "compuerta", "ritmo de aprendizaje": "tasa de aprendizaje"},
    "pt": {"caderno": "notebook", "portão": "porta", "taxa de aprendizagem": "taxa de aprendizado"},
}
"""Per language: a word the book must not use -> the glossary's term it uses instead."""


def _glossary(lang: str) -> list[list[str]]:
    """The rows of ``book/<lang>/glossary.md``'s table, header excluded, as lists of cells."""
    lines = (ROOT / "book" / lang / "glossary.md").read_text(encoding="utf-8").splitlines()
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in lines if line.startswith("| ") and not line.startswith("| ---")]
    return rows[1:]


def _uses(word: str, text: str) -> list[str]:
    """Every occurrence of ``word`` (or its plural in -s) as a whole word in ``text``, any case."""
    return re.findall(rf"\b{re.escape(word)}s?\b", text, flags=re.IGNORECASE)


def _texts(lang: str) -> dict[str, str]:
    """Every page, chapter and assignment of one language (glossary excepted), by path."""
    paths = [p for p in (ROOT / "book" / lang).glob("*.md") if p.name != "glossary.md"]
    paths += list((ROOT / "book" / lang).glob("*.ipynb"))
    paths += list((ROOT / "assignments" / "source").glob(f"*/*_{lang}.ipynb"))
    texts = {}
    for path in sorted(paths):
        if path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            texts[str(path.relative_to(ROOT))] = "\n".join("".join(cell["source"]) for cell in cells)
        else:
            texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return texts


def test_every_glossary_lists_the_same_terms():
    english = _glossary("en")
    assert len(english) > 50
    for lang in LANGUAGES:
        rows = _glossary(lang)
        assert all(len(row) == 4 and all(row) for row in rows), f"{lang}: a row without 4 filled cells"
        assert [row[:3] for row in rows] == [row[:3] for row in english], (
            f"book/{lang}/glossary.md lists other terms than book/en/glossary.md"
        )


@pytest.mark.parametrize("lang", sorted(AVOID))
def test_the_book_uses_the_glossary_terms(lang):
    terms = [row[COLUMN[lang]] for row in _glossary(lang)]
    problems = []
    for avoid, preferred in AVOID[lang].items():
        assert any(preferred in term for term in terms), f"{preferred!r} is not a {lang} term of the glossary"
        for path, text in _texts(lang).items():
            problems += [f"{path}: {used!r}, the glossary says {preferred!r}" for used in _uses(avoid, text)]
    assert not problems, "\n".join(problems)


def test_uses_finds_whole_words_and_plurals_in_any_case():
    assert _uses("cuaderno", "Los Cuadernos del alumnado; un cuaderno.") == ["Cuadernos", "cuaderno"]
    assert _uses("puerta", "la compuerta de olvido") == []
    assert _uses("taxa de aprendizagem", "a taxa de aprendizado") == []


GATING_TERMS = ("update gate", "reset gate", "lag", "distractor", "chance accuracy")
"""Terms chapter 1's GRU and long-lag sections introduce; each language's chapter uses its glossary word."""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_chapter_1_uses_the_glossary_words_for_gating_terms(lang):
    chapter = _texts(lang)[f"book/{lang}/01_rnn_theory.ipynb"].lower()
    rows = {row[0]: row[COLUMN[lang]] for row in _glossary(lang)}
    missing = []
    for term in GATING_TERMS:
        word = re.sub(r"\s*\(.*\)$", "", rows[term]).lower()      # "retardo (lag)" -> "retardo"
        if word not in chapter:
            missing.append(f"{term} -> {word}")
    assert not missing, f"book/{lang}/01_rnn_theory.ipynb does not use: {missing}"
