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

AVOID: dict[str, list[tuple[str, str, str]]] = {
    "es": [
        # (a variant the book must not use, as a regular expression; the glossary's term; an example it catches)
        (r"\bcuadernos?\b", "notebook", "abre el cuaderno"),
        (r"\bpuertas?\b", "compuerta", "la puerta de olvido"),
        (r"\britmo de aprendizaje\b", "tasa de aprendizaje", "un ritmo de aprendizaje alto"),
        (r"\barreglos?\b", "array", "un arreglo de NumPy"),
        (r"\bmirillas?\b", "peephole", "una LSTM con mirillas"),
        (r"\bestados? pasados?\b", "estado heredado", "cada una con su propio estado pasado"),
        (r"\bestados? llevados?\b", "estado heredado", "estado llevado: 120"),
        (r"\bentradas? del gradiente\b", "componente", "cada entrada del gradiente se recorta"),
        (r"\bpasos? hacia adelante\b", "propagación hacia adelante", "un paso hacia adelante"),
        (r"\bpasadas? hacia a?delante\b", "propagación hacia adelante", "la pasada hacia delante en NumPy"),
        (r"\b(embeddings?|matriz|modelos?) atad[oa]s?\b|\batad[oa]s? \(tied\)|(?<!\()\b(atan|atar)\b", "embeddings compartidos",
         "embeddings de entrada y salida atados (tied)"),
        (r"\bnotebooks? (de origen|fuentes?)\b|\breceta de origen\b", "notebook original", "los notebooks de origen"),
        (r"\bnúcleos? (rápidos? )?(fusionados?|de cuDNN)\b", "kernel fusionado", "usa los núcleos rápidos fusionados"),
        (r"\bestados? arrastrados?\b", "estado heredado", "con el estado arrastrado de uno al siguiente"),
        (r"\blistón\b", "meta", "la ejecución completa tiene el listón publicado"),
        (r"\b(un|una|equipo|computadora) portátil\b|\bun portátil\b", "laptop", "en la CPU de un portátil"),
        (r"\bhistoria de cada época\b|\bla historia de(l entrenamiento| las épocas)\b", "historial",
         "guarda la historia de cada época"),
        # "recorre los pasos hacia atrás" (walks the time steps backwards) is fine; the pass is a pasada.
        (r"\b(el|del|al|su|este|ese|un|cada) paso hacia atrás\b|\bpaso hacia atrás \(backward", "pasada hacia atrás",
         "escribes el paso hacia atrás de una RNN"),
    ],
    "pt": [
        (r"\bcadernos?\b", "notebook", "abra o caderno"),
        (r"\bportões\b|\bportão\b", "porta", "o portão de esquecimento"),
        (r"\btaxa de aprendizagem\b", "taxa de aprendizado", "uma taxa de aprendizagem alta"),
        (r"\btreinos?\b", "treinamento", "a perda de treino"),
        (r"\bolhos? mágicos?\b", "peephole", "uma LSTM com olho mágico"),
        (r"\bnúcleos? (rápidos? )?(fundidos?|da GPU|de GPU|do cuDNN|de cuDNN)\b", "kernel fundido",
         "usa os núcleos rápidos fundidos"),
        (r"\d\.ª", "4ª", "depois da 4.ª época"),
        (r"\bnotebooks?[- ](de origem|fontes?|base|de partida|de referência)\b|\bcaderno original\b|\breceita de origem\b",
         "notebook original", "o notebook de origem"),
        (r"\b(CPU|bateria|tela|teclado) de (um|seu) notebook\b", "laptop", "na CPU de um notebook"),
        (r"\bembeddings? amarrad[oa]s?\b|\bamarrad[oa]s? \(tied\)|(?<!\()\bamarra(m|r)\b", "embeddings compartilhados",
         "embeddings amarrados"),
        (r"\bestado levado\b", "estado herdado", "estado levado: 120"),
        (r"\bentradas? d[oe] (um )?gradiente\b", "componente", "limita cada entrada do gradiente"),
        (r"\b(sua|essa|esta|a) barra (publicada|é uma margem)\b|\bbarra publicada\b", "meta",
         "atinge a barra publicada"),
        (r"\bgradiente descendente\b|\bdescida de gradiente\b", "descida do gradiente",
         "o gradiente descendente"),
        (r"\betiquet(ar|ador|adores|ada|e)\b", "rotulagem de sequências",
         "os dois etiquetadores"),
    ],
}
"""Per language: the variants that a translator tends to reach for when the glossary (or
TRANSLATING.md) chose another word, with the term the book uses instead. The book's pages,
chapters and assignments must not use them."""


def _glossary(lang: str) -> list[list[str]]:
    """The rows of ``book/<lang>/glossary.md``'s table, header excluded, as lists of cells."""
    lines = (ROOT / "book" / lang / "glossary.md").read_text(encoding="utf-8").splitlines()
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in lines if line.startswith("| ") and not line.startswith("| ---")]
    return rows[1:]


def _uses(pattern: str, text: str) -> list[str]:
    """Every match of the regular expression ``pattern`` in ``text``, in any case."""
    return [m.group(0) for m in re.finditer(pattern, text, flags=re.IGNORECASE)]


def _texts(lang: str) -> dict[str, str]:
    """Every page, chapter and assignment of one language (glossary excepted), by path."""
    paths = [p for p in (ROOT / "book" / lang).glob("*.md") if p.name != "glossary.md"]
    paths += list((ROOT / "book" / lang).glob("*.ipynb"))
    paths += list((ROOT / "assignments" / "source").rglob(f"*_{lang}.ipynb"))
    paths += list((ROOT / "assignments" / "source").rglob(f"*_{lang}.md"))
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
    texts = _texts(lang)
    assert len(texts) >= 13, f"{lang}: expected the chapters, the pages and the assignments, got {sorted(texts)}"
    for avoid, preferred, _ in AVOID[lang]:
        assert any(preferred in term for term in terms) or preferred in {"4ª", "laptop"}, (
            f"{preferred!r} is not a {lang} term of the glossary")
        for path, text in texts.items():
            problems += [f"{path}: {used!r}, the glossary says {preferred!r}" for used in _uses(avoid, text)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("lang", "pattern", "preferred", "example"),
                         [(lang, *entry) for lang in sorted(AVOID) for entry in AVOID[lang]])
def test_every_variant_is_caught_and_the_glossary_term_is_not(lang, pattern, preferred, example):
    assert _uses(pattern, example), f"{pattern!r} misses its own example {example!r}"
    assert not _uses(pattern, preferred), f"{pattern!r} would forbid the glossary's own {preferred!r}"


def test_uses_finds_whole_words_and_plurals_in_any_case():
    assert _uses(r"\bcuadernos?\b", "Los Cuadernos del alumnado; un cuaderno.") == ["Cuadernos", "cuaderno"]
    assert _uses(r"\bpuertas?\b", "la compuerta de olvido") == []
    assert _uses(r"\btaxa de aprendizagem\b", "a taxa de aprendizado") == []
    assert _uses(r"\btreinos?\b", "o treinamento") == []


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


# --- quotation marks (TRANSLATING.md, "Quotation marks") ------------------------------------------

QUOTES = {"es": re.compile(r"[«»]")}
"""Per language: the quotation marks its prose must not use (Spanish: double quotes, not angle quotes)."""


def _prose(text: str) -> str:
    """Markdown without its code (fenced blocks, inline code) and math, where any character may appear."""
    text = re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.MULTILINE | re.DOTALL)
    text = re.sub(r"`[^`\n]*`", "", text)
    return re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$", "", text, flags=re.DOTALL)


def _prose_texts(lang: str) -> dict[str, str]:
    """The prose a reader of ``lang`` reads: markdown cells, alt texts and pages (glossary included)."""
    paths = sorted((ROOT / "book" / lang).glob("*.md"))
    paths += sorted((ROOT / "book" / lang).glob("*.ipynb"))
    paths += sorted((ROOT / "assignments" / "source").rglob(f"*_{lang}.ipynb"))
    texts = {}
    for path in paths:
        name = str(path.relative_to(ROOT))
        if path.suffix == ".md":
            texts[name] = _prose(path.read_text(encoding="utf-8"))
            continue
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            where = f"{name}#{cell.get('id')}"
            if cell["cell_type"] == "markdown":
                texts[where] = _prose("".join(cell["source"]))
            alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
            if alt:
                texts[where + " (alt)"] = alt
    return texts


def test_the_prose_checker_sees_quotes_in_prose_only():
    assert QUOTES["es"].findall(_prose('la opción «ingenua» y el "último paso"')) == ["«", "»"]
    assert not QUOTES["es"].findall(_prose('`print("«a»")` y $x = «y»$\n```\n«código»\n```\n'))


@pytest.mark.parametrize("lang", sorted(QUOTES))
def test_prose_uses_the_languages_quotation_marks(lang):
    texts = _prose_texts(lang)
    assert len(texts) > 100, f"{lang}: expected every markdown cell and page, got {len(texts)}"
    problems = [f"{where}: {QUOTES[lang].findall(text)}" for where, text in texts.items() if QUOTES[lang].search(text)]
    assert not problems, "Spanish prose quotes with double quotes (TRANSLATING.md):\n" + "\n".join(problems)
