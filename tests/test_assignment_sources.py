"""The assignments' source notebooks are the files instructors edit.

What holds them together, as tests/test_notebooks.py does for the chapters:
the en, es and pt sources of an assignment have the same cells, the same code
(comments and string texts may differ) and the same nbgrader metadata (grade
ids, points, locks) and grading limits; they are stored clean, as Jupyter
saves them; their Colab badges and install cells follow `_config.yml`
(`tools/colab_links.py`); and `assignments/release/` is exactly what
`python assignments/tools/release.py` generates from them.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from notebook_text import code_tokens, heading_levels, math_of
from tools import colab_links

COURSE = ROOT / "assignments"
LANGS = ("en", "es", "pt")
LOCAL_PATH = re.compile(r"(/home/|/root/|/Users/|/tmp/|/work/|/private/var/|(?<![A-Za-z])[A-Za-z]:\\[A-Za-z]|file://)")
# The nbgrader fields that decide how a cell is graded: they must agree across languages.
NBGRADER_FIELDS = ("grade", "grade_id", "locked", "points", "schema_version", "solution", "task")


def _load_release_tool():
    spec = importlib.util.spec_from_file_location("assignment_release", COURSE / "tools" / "release.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


release = _load_release_tool()
ASSIGNMENTS = release.assignments()


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _text(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def _math(markdown: str) -> list[str]:
    """The math of a markdown cell, with the words inside ``\\text{...}`` left out: they are translated."""
    return [re.sub(r"\\text\{[^{}]*\}", r"\\text{}", m) for m in math_of(markdown)]


def _grading_meta(cell: dict) -> dict:
    meta = cell.get("metadata", {})
    nbgrader = meta.get("nbgrader", {})
    return {"nbgrader": {k: nbgrader.get(k) for k in NBGRADER_FIELDS}, "course_grading": meta.get("course_grading")}


def test_the_generator_is_gone_and_every_assignment_has_three_sources():
    assert not (COURSE / "tools" / "make_sources.py").exists(), "the sources are edited directly now"
    assert ASSIGNMENTS == sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())
    for assignment in ASSIGNMENTS:
        for lang in LANGS:
            assert release.source_path(assignment, lang).is_file(), f"{assignment}: no {lang} source"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
@pytest.mark.parametrize("lang", LANGS)
def test_source_is_stored_clean_as_jupyter_saves_it(assignment, lang):
    path = release.source_path(assignment, lang)
    text = path.read_text(encoding="utf-8")
    assert text == release.canonical_text(path), (
        f"{path.name} is not stored as Jupyter saves it: run `python assignments/tools/release.py`")
    notebook = _nb(path)
    assert all(isinstance(c["source"], list) for c in notebook["cells"])
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{path.name}: cell {cell['id']} has outputs"
    assert not LOCAL_PATH.search(text), f"{path.name} holds a local path: {LOCAL_PATH.search(text).group(0)}"
    ids = [c["id"] for c in notebook["cells"]]
    assert len(set(ids)) == len(ids), f"{path.name}: duplicate cell ids"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
@pytest.mark.parametrize("lang", LANGS[1:])
def test_translation_has_the_same_cells_code_and_grading(assignment, lang):
    en, tr = _nb(release.source_path(assignment, "en")), _nb(release.source_path(assignment, lang))
    assert tr["metadata"].get("course_grading") == en["metadata"].get("course_grading"), "grading limits differ"
    assert [c["cell_type"] for c in tr["cells"]] == [c["cell_type"] for c in en["cells"]], "cell types differ"
    assert [c["id"] for c in tr["cells"]] == [c["id"] for c in en["cells"]], "cell ids differ"
    for a, b in zip(en["cells"], tr["cells"]):
        assert _grading_meta(b) == _grading_meta(a), f"cell {a['id']}: nbgrader metadata differ"
        if a["cell_type"] == "code":
            assert code_tokens(_text(b)) == code_tokens(_text(a)), (
                f"cell {a['id']}: code differs beyond comments and strings:\n--- en\n{_text(a)}\n--- {lang}\n{_text(b)}")
        else:
            assert _math(_text(b)) == _math(_text(a)), f"cell {a['id']}: the math differs"
            assert heading_levels(_text(b)) == heading_levels(_text(a)), f"cell {a['id']}: the headings differ"
            words = re.findall(r"[A-Za-z]{4,}", re.sub(r"\$.*?\$|`.*?`|\(http[^)]*\)", "", _text(a)))
            if len(words) >= 8:
                assert _text(a) != _text(b), f"cell {a['id']} of the {lang} source is still in English"


def test_parity_check_catches_a_code_change():
    """The token comparison above sees a changed number, and ignores a translated comment or string."""
    code = 'x = np.zeros(3)  # three zeros\nprint("three zeros")'
    assert code_tokens(code) == code_tokens('x = np.zeros(3)  # tres ceros\nprint("tres ceros")')
    assert code_tokens(code) != code_tokens('x = np.zeros(4)  # three zeros\nprint("three zeros")')


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercises_are_marked_and_scored(assignment):
    """Each answer cell starts with its '# EXERCISE: <grade_id>' line and is followed by a visible and a hidden test."""
    cells = _nb(release.source_path(assignment, "en"))["cells"]
    grade_ids = [c["metadata"]["nbgrader"]["grade_id"] for c in cells if "nbgrader" in c["metadata"]]
    assert len(set(grade_ids)) == len(grade_ids), "duplicate grade ids"
    for i, cell in enumerate(cells):
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            assert _text(cell).startswith(f"# EXERCISE: {meta['grade_id']}\n")
            tests = [c for c in cells[i + 1:i + 3] if c["metadata"].get("nbgrader", {}).get("grade")]
            assert len(tests) == 2 and all(t["metadata"]["nbgrader"]["points"] > 0 for t in tests)
            assert "### BEGIN HIDDEN TESTS" not in _text(tests[0]) and "### BEGIN HIDDEN TESTS" in _text(tests[1])


def test_colab_links_of_sources_release_and_pages_follow_the_config():
    repo, branch = colab_links.read_repository()
    spec = colab_links.install_spec(*colab_links.read_release())
    notebooks = colab_links.assignment_notebooks()
    assert len(notebooks) == 2 * 3 * len(ASSIGNMENTS)
    for path, opens in notebooks:
        assert opens == f"assignments/release/{path.parent.name}/{path.name}"
        assert colab_links.notebook_problems(path, repo, branch, spec, opens=opens) == []
    assert len(colab_links.instructor_pages()) == 3
    for page in colab_links.instructor_pages():
        assert colab_links.page_problems(page, repo, branch) == []


def test_colab_rewrite_of_a_source_and_a_page(tmp_path):
    source, opens = colab_links.assignment_notebooks()[0]
    target = tmp_path / source.relative_to(ROOT)
    target.parent.mkdir(parents=True)
    target.write_bytes(source.read_bytes())
    assert colab_links.notebook_problems(target, "new-org/new-repo", "v2", "course-utils==9.9.9", root=tmp_path, opens=opens) != []
    assert colab_links.rewrite_notebook(target, "new-org/new-repo", "v2", "course-utils==9.9.9", root=tmp_path, opens=opens) is True
    assert colab_links.notebook_problems(target, "new-org/new-repo", "v2", "course-utils==9.9.9", root=tmp_path, opens=opens) == []
    text = target.read_text(encoding="utf-8")
    assert "your-github-org" not in text and "course-utils==9.9.9" in text
    assert text == release.canonical_text(target), "the rewritten source keeps Jupyter's layout"
    page = tmp_path / "instructors.md"
    shutil.copy(ROOT / "book" / "es" / "instructors.md", page)
    assert colab_links.page_problems(page, "new-org/new-repo", "v2", root=tmp_path) != []
    assert colab_links.rewrite_page(page, "new-org/new-repo", "v2") is True
    assert colab_links.page_problems(page, "new-org/new-repo", "v2", root=tmp_path) == []
    assert "your-github-org" not in page.read_text(encoding="utf-8")


def test_release_is_what_the_release_command_generates():
    problems = release.stale(ASSIGNMENTS)
    assert problems == [], "\n".join(problems)


def test_release_check_sees_a_changed_source(tmp_path):
    """Edit a visible test in a copy of the course: the check must report that student notebook as out of date."""
    name = ASSIGNMENTS[0]
    for part in ("source", "release"):
        shutil.copytree(COURSE / part / name, tmp_path / part / name)
    shutil.copy(COURSE / "nbgrader_config.py", tmp_path)
    path = release.source_path(name, "pt", course=tmp_path)
    notebook = _nb(path)
    visible = next(c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade")
                   and "HIDDEN" not in _text(c))
    visible["source"][-1] += "\n"
    visible["source"].append("assert True")
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    problems = release.stale([name], course=tmp_path)
    assert problems == [f"release/{name}/{name}_pt.ipynb: differs from what the source generates"]
