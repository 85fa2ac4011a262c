"""Structural tests of the chapter notebooks: table of contents, cleanliness,
translation parity and Colab links. (nbval executes them; see README.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import LANGUAGES, ROOT, chapter_notebooks
from notebook_text import code_tokens, heading_levels, math_of
from tools import colab_links

CHAPTERS = ("01_rnn_theory", "02_dynamic_rnn", "03_bptt", "04_language_model", "05_bilstm_mnist")
CAPTIONS = {"en": "English", "es": "Español", "pt": "Português"}
CHECKED_OUTPUT_TAG = "nbval-check-output"
# Absolute paths of someone's machine: POSIX homes and temp dirs, Windows drives.
LOCAL_PATH = re.compile(r"(/home/|/root/|/Users/|/tmp/|/work/|/private/var/|(?<![A-Za-z])[A-Za-z]:\\[A-Za-z]|file://)")
NOTEBOOKS = chapter_notebooks()


def _toc_files() -> dict[str, list[str]]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    parts = {}
    for part in toc["parts"]:
        parts[part["caption"]] = [chapter["file"] for chapter in part["chapters"]]
    return parts


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_there_are_notebooks():
    assert NOTEBOOKS, "no chapter notebooks found under book/"


def test_toc_has_one_part_per_language_with_the_same_files():
    parts = _toc_files()
    assert list(parts) == [CAPTIONS[lang] for lang in LANGUAGES]
    names = {lang: [Path(f).name for f in parts[CAPTIONS[lang]]] for lang in LANGUAGES}
    assert names["es"] == names["en"] and names["pt"] == names["en"]
    for lang in LANGUAGES:
        for file in parts[CAPTIONS[lang]]:
            assert file.startswith(f"book/{lang}/"), f"{file} is in the {CAPTIONS[lang]} part"
            matches = list(ROOT.glob(file + ".*"))
            assert matches, f"{file} is in _toc.yml but no such file exists"


def test_every_notebook_is_in_the_toc_and_is_a_known_chapter():
    listed = {f for files in _toc_files().values() for f in files}
    for path in NOTEBOOKS:
        stem = _rel(path)[: -len(".ipynb")]
        assert stem in listed, f"{_rel(path)} is not in _toc.yml, so nbval and the book would skip it"
        assert path.stem in CHAPTERS, f"{_rel(path)}: chapter files are named {CHAPTERS}"


@pytest.mark.parametrize("chapter", sorted({p.stem for p in NOTEBOOKS}))
def test_every_chapter_exists_in_every_language(chapter):
    missing = [lang for lang in LANGUAGES if not (ROOT / "book" / lang / f"{chapter}.ipynb").exists()]
    assert not missing, f"{chapter} is missing in {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_rel)
def test_notebook_is_stored_clean(path):
    nb = _read(path)
    nbformat.validate(nb)
    checked_cells = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        checked = CHECKED_OUTPUT_TAG in cell.metadata.get("tags", [])
        if not checked:
            assert cell.execution_count is None, f"cell {i} has an execution count"
            assert not cell.outputs, f"cell {i} has stored outputs (tag it {CHECKED_OUTPUT_TAG!r} if they are checked)"
            continue
        checked_cells += 1
        assert cell.outputs, f"cell {i} is tagged {CHECKED_OUTPUT_TAG!r} but stores no output to check"
        assert cell.execution_count == checked_cells, (
            f"checked cell {i} must be numbered {checked_cells} (run tools/checked_outputs.py)")
        for output in cell.outputs:
            assert output.get("name") != "stderr", f"cell {i} stores stderr output (log noise, not a checked result)"
        assert set(cell.metadata) <= {"tags"}, f"cell {i} has stray metadata {sorted(cell.metadata)}"
    assert set(nb.metadata) <= {"kernelspec", "language_info", "colab", "accelerator"}, (
        f"stray notebook metadata {sorted(nb.metadata)}")
    texts = [cell.source for cell in nb.cells]
    texts += [json.dumps(cell.get("outputs", []), ensure_ascii=False) for cell in nb.cells]
    texts.append(json.dumps(nb.metadata, ensure_ascii=False))
    found = [m for text in texts for m in LOCAL_PATH.findall(text)]
    assert not found, f"local paths in the notebook: {found}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_rel)
def test_notebook_follows_the_chapter_skeleton(path):
    nb = _read(path)
    headings = [line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines() if line.startswith("## ")]
    assert len(headings) >= 6, f"expected Overview, Setup, sections, Summary, Exercises, Next steps; got {headings}"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "keras.utils.set_random_seed(" in code, "the notebook must seed its run"
    assert "checks.check(" in code, "the exercises need self-checks (checks.check, answers out of sight)"
    assert "checks.check_answer(" not in code, "a chapter's check cells must not show the expected answers"


def _pairs():
    for path in NOTEBOOKS:
        if path.parent.name == "en":
            for lang in LANGUAGES[1:]:
                other = ROOT / "book" / lang / path.name
                if other.exists():
                    yield pytest.param(path, other, id=f"{path.stem}-{lang}")


@pytest.mark.parametrize(("english", "other"), list(_pairs()))
def test_translation_has_the_same_cells_code_and_math(english, other):
    en, tr = _read(english), _read(other)
    assert [c.cell_type for c in tr.cells] == [c.cell_type for c in en.cells], "cell types differ in number or order"
    for i, (a, b) in enumerate(zip(en.cells, tr.cells)):
        if a.cell_type == "code":
            assert code_tokens(b.source) == code_tokens(a.source), (
                f"code cell {i} differs beyond comments and strings:\n--- en\n{a.source}\n--- {other.parent.name}\n{b.source}"
            )
            assert a.metadata.get("tags", []) == b.metadata.get("tags", []), f"cell {i}: tags differ"
        else:
            assert math_of(b.source) == math_of(a.source), f"markdown cell {i}: the math differs"
            assert heading_levels(b.source) == heading_levels(a.source), f"markdown cell {i}: the headings differ"


@pytest.mark.parametrize(("english", "other"), list(_pairs()))
def test_translation_is_translated(english, other):
    en, tr = _read(english), _read(other)
    for i, (a, b) in enumerate(zip(en.cells, tr.cells)):
        words = re.findall(r"[A-Za-z]{4,}", re.sub(r"\$.*?\$|`.*?`|\(http[^)]*\)", "", a.source))
        if a.cell_type == "markdown" and len(words) >= 8:
            assert a.source != b.source, f"markdown cell {i} of {_rel(other)} is still in English"


def test_colab_links_unit():
    assert colab_links.badge_url("o/r", "dev", "book/es/x.ipynb") == (
        "https://colab.research.google.com/github/o/r/blob/dev/book/es/x.ipynb")
    assert colab_links.install_spec("course-utils", "1.2.3") == "course-utils==1.2.3"


@pytest.mark.parametrize(
    ("section", "message"),
    [("", "must name the distribution"),
     ("course_utils:\n  package: course-utils\n  version: main\n", "must be a quoted release version"),
     ("course_utils:\n  package: course-utils\n  version: 0.2\n", "must be a quoted release version"),  # a YAML float
     ("course_utils:\n  package: course-utils\n  version: '0.2.0.dev1'\n", "must be a quoted release version"),
     ("course_utils:\n  package: 'a b'\n  version: '0.2.0'\n", "must name the distribution")],
)
def test_read_release_rejects_bad_config(tmp_path, section, message):
    path = tmp_path / "_config.yml"
    path.write_text("title: x\n" + section)
    with pytest.raises(ValueError, match=message):
        colab_links.read_release(path)


def test_release_version_is_named_once_and_copied_everywhere():
    """_config.yml names the release; __init__.py, pyproject.toml and every setup cell agree with it."""
    import tomllib

    import course_utils

    package, version = colab_links.read_release()
    assert colab_links.version_problems(package, version) == []
    assert course_utils.__version__ == version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == package and project["dynamic"] == ["version"]
    spec = colab_links.install_spec(package, version)
    for path in NOTEBOOKS:
        setup = next(c.source for c in _read(path).cells if c.cell_type == "code" and "google.colab" in c.source)
        assert f'os.environ.get("{colab_links.PIP_SPEC_ENV_VAR}", "{spec}")' in setup, _rel(path)
        assert "git+" not in setup and "@main" not in setup, f"{_rel(path)} installs an unreleased course_utils"


def test_version_rewrite_follows_the_config(tmp_path):
    init = tmp_path / "__init__.py"
    init.write_text('"""Doc."""\n\n__version__ = "0.1.0"\n')
    assert colab_links.rewrite_version("0.3.0", init) is True
    assert colab_links.package_version(init) == "0.3.0"
    assert colab_links.rewrite_version("0.3.0", init) is False
    problems = colab_links.version_problems("other-name", "0.4.0", init=init)
    assert any("__version__ is '0.3.0'" in p for p in problems) and any("other-name" in p for p in problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_rel)
def test_version_check_follows_the_setup_cell(path):
    cells = [c for c in _read(path).cells if c.cell_type == "code"]
    setup = next(i for i, c in enumerate(cells) if "google.colab" in c.source)
    assert "runtime.check_versions()" in cells[setup + 1].source, "the cell after setup must check the versions"
    assert not any("import tensorflow" in c.source or "import keras" in c.source for c in cells[: setup + 2])


@pytest.mark.parametrize(
    ("config", "message"),
    [("repository:\n  url: https://gitlab.com/a/b\n  branch: main\n", "must look like https://github.com/owner/name"),
     ("repository:\n  url: https://github.com/a/b\n  branch: ''\n", "must name a branch"),
     ("title: x\n", "must look like")],
)
def test_read_repository_rejects_bad_config(tmp_path, config, message):
    path = tmp_path / "_config.yml"
    path.write_text(config)
    with pytest.raises(ValueError, match=message):
        colab_links.read_repository(path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_rel)
def test_colab_badge_and_setup_cell_point_at_this_notebook(path):
    repo, branch = colab_links.read_repository()
    spec = colab_links.install_spec(*colab_links.read_release())
    assert colab_links.notebook_problems(path, repo, branch, spec) == []


def test_colab_rewrite_follows_the_config(tmp_path):
    source = NOTEBOOKS[0]
    root = tmp_path
    target = root / _rel(source)
    target.parent.mkdir(parents=True)
    target.write_bytes(source.read_bytes())
    new = ("new-org/new-repo", "v2", "course-utils==9.8.7")
    assert colab_links.notebook_problems(target, *new, root=root) != []
    assert colab_links.rewrite_notebook(target, *new, root=root) is True
    assert colab_links.notebook_problems(target, *new, root=root) == []
    text = target.read_text(encoding="utf-8")
    assert "your-github-org" not in text
    assert 'course-utils==9.8.7' in text
    assert "".join(json.loads(text)["cells"][0]["source"]).count("new-org/new-repo/blob/v2/") == 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_rel)
def test_setup_cell_does_nothing_outside_colab(path):
    """Run the setup cell here (not in Colab): it must not call pip."""
    import subprocess
    import sys

    nb = _read(path)
    setup = next(c.source for c in nb.cells if c.cell_type == "code" and "google.colab" in c.source)
    calls = []
    real_run = subprocess.run
    subprocess.run = lambda *a, **k: calls.append(a)
    try:
        assert "google.colab" not in sys.modules
        exec(compile(setup, "setup-cell", "exec"), {})
    finally:
        subprocess.run = real_run
    assert calls == []


GPU_CHAPTERS = ("04_language_model", "05_bilstm_mnist")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_rel)
def test_training_chapters_open_on_a_colab_gpu_runtime(path):
    """Chapters 4 and 5 train for long: Colab opens them on a GPU runtime (its own metadata keys)."""
    metadata = _read(path).metadata
    if path.stem in GPU_CHAPTERS:
        assert metadata.get("accelerator") == "GPU"
        assert metadata.get("colab", {}).get("gpuType") == "T4"
    else:
        assert "accelerator" not in metadata and "gpuType" not in metadata.get("colab", {})
