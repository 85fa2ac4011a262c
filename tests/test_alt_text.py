"""Every figure of the book has alt text that says what it shows, in the page's language.

A notebook cell that draws a figure carries its alt text in its metadata,

    "metadata": {"mystnb": {"image": {"alt": "Training and validation loss per epoch: ..."}}}

which myst-nb 1.4 puts on the figure's <img> (its `render_image_options`,
cell key `image`). Without it a screen reader reads the image's file name
aloud (`../../_images/7d08...png`). The browser test checks the built pages
themselves (test_browser.py: no <img> without real alt text); this test is
the cheap one, on the stored notebooks, and names the cell to fix.

A cell draws a figure when it calls `plt.show()`, `plt.figure()` or
`plt.subplots()`, or a plotting function of `course_utils` (any
`<module>.plot_*(...)` or `<module>.draw_*(...)`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import LANGUAGES, ROOT, chapter_notebooks

FIGURE_CALL = re.compile(r"\bplt\.(?:show|figure|subplots)\(|\b[A-Za-z_]\w*\.(?:plot|draw)_\w+\(")
FILE_NAME = re.compile(r"^\S+\.(?:png|jpe?g|gif|svg|webp|pdf)$", re.IGNORECASE)
MIN_WORDS = 6


def _code(cell: dict) -> str:
    """The cell's code without its comment lines (a commented-out call draws nothing)."""
    lines = "".join(cell["source"]).splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


def draws_figure(cell: dict) -> bool:
    """Whether a notebook cell draws a figure."""
    return cell["cell_type"] == "code" and bool(FIGURE_CALL.search(_code(cell)))


def alt_text(cell: dict) -> object:
    """The cell's alt text, `metadata.mystnb.image.alt` (None when absent)."""
    return ((cell.get("metadata", {}).get("mystnb") or {}).get("image") or {}).get("alt")


def alt_problems(cell: dict) -> list[str]:
    """What is wrong with the alt text of a figure cell (empty when it is right)."""
    alt = alt_text(cell)
    if alt is None:
        return ['no alt text: add "metadata": {"mystnb": {"image": {"alt": "<what the figure shows>"}}}']
    if not isinstance(alt, str):
        return [f"the alt text must be a string (got {type(alt).__name__})"]
    text = alt.strip()
    if FILE_NAME.match(text):
        return [f"the alt text is a file name ({text!r}), not a description"]
    if len(text.split()) < MIN_WORDS:
        return [f"the alt text {text!r} is too short to say what the figure shows (fewer than {MIN_WORDS} words)"]
    return []


def _figure_cells(path: Path) -> list[dict]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [cell for cell in notebook["cells"] if draws_figure(cell)]


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_figure_cell_has_alt_text(path):
    cells = _figure_cells(path)
    assert cells, f"{path.name}: no cell draws a figure (has the detection pattern gone stale?)"
    problems = [f"cell {cell.get('id')}: {problem}" for cell in cells for problem in alt_problems(cell)]
    assert not problems, f"{path.relative_to(ROOT)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_alt_text_is_translated(lang):
    """An es/pt figure's alt text is written in its language, not copied from the English."""
    copied = []
    for path in sorted((ROOT / "book" / lang).glob("*.ipynb")):
        english = ROOT / "book" / "en" / path.name
        if not english.exists():
            continue
        alts = {cell.get("id"): alt_text(cell) for cell in _figure_cells(english)}
        for cell in _figure_cells(path):
            alt = alt_text(cell)
            if isinstance(alt, str) and alt.strip() and alt.strip() == (alts.get(cell.get("id")) or "").strip():
                copied.append(f"{path.relative_to(ROOT)} cell {cell.get('id')}: {alt[:60]!r}...")
    assert not copied, "alt text left in English:\n" + "\n".join(copied)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("plotting.plot_lines({'a': [1, 2]}, title='t', xlabel='x', ylabel='y')\nplt.show()", True),
        ("diagrams.draw_unrolled(4, title='t')", True),
        ("fig, ax = plt.subplots()", True),
        ("images.confusion_matrix(y, p, num_classes=10)", False),
        ("# plt.show()\nprint(1)", False),
        ("history = model.fit(x, y)", False),
    ],
)
def test_figure_cells_are_recognised(source, expected):
    assert draws_figure({"cell_type": "code", "source": [source]}) is expected


@pytest.mark.parametrize(
    ("metadata", "fragment"),
    [
        ({}, "no alt text"),
        ({"mystnb": {"image": {"width": "80%"}}}, "no alt text"),
        ({"mystnb": {"image": {"alt": 3}}}, "must be a string"),
        ({"mystnb": {"image": {"alt": "../../_images/7d08ab.png"}}}, "file name"),
        ({"mystnb": {"image": {"alt": "Loss curve"}}}, "too short"),
    ],
)
def test_bad_alt_text_is_reported(metadata, fragment):
    cell = {"cell_type": "code", "source": ["plt.show()"], "metadata": metadata}
    problems = alt_problems(cell)
    assert problems and fragment in problems[0], problems


def test_good_alt_text_passes():
    cell = {"cell_type": "code", "source": ["plt.show()"],
            "metadata": {"mystnb": {"image": {"alt": "Training and validation loss per epoch, both falling."}}}}
    assert alt_problems(cell) == []
