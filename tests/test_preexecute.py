"""tools.preexecute: the fast website build executes notebooks two at a time into the execution cache."""

from __future__ import annotations

import nbformat
import pytest

from tools import preexecute


def _notebook(path, *sources):
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def test_english_first_then_the_other_languages(tmp_path):
    es = _notebook(tmp_path / "es" / "01.ipynb", "1")
    en = _notebook(tmp_path / "en" / "01.ipynb", "1")
    pt = _notebook(tmp_path / "pt" / "01.ipynb", "1")
    assert preexecute.phases([es, pt, en]) == [[en], [es, pt]]
    assert preexecute.phases([es]) == [[es]]


def test_executed_notebooks_are_found_by_the_build_and_a_failure_is_left_to_it(tmp_path):
    from jupyter_cache import get_cache

    good = _notebook(tmp_path / "en" / "good.ipynb", "from pathlib import Path\nprint(Path.cwd().name)")
    bad = _notebook(tmp_path / "es" / "bad.ipynb", "raise RuntimeError('broken chapter')")
    said = []
    outcome = preexecute.preexecute(tmp_path / "cache", [good, bad], log=said.append)
    assert outcome == {str(good): "executed", str(bad): outcome[str(bad)]}
    assert "broken chapter" in outcome[str(bad)] and any("the build will execute it again" in s for s in said)
    cache = get_cache(str(tmp_path / "cache"))
    record = cache.match_cache_notebook(nbformat.read(str(good), as_version=4))   # what myst-nb looks up
    assert record.data["execution_seconds"] > 0
    _, merged = cache.merge_match_into_notebook(nbformat.read(str(good), as_version=4))
    assert merged.cells[0].outputs[0]["text"] == "en\n"   # ran in the notebook's own folder, as myst-nb runs it
    with pytest.raises(KeyError):
        cache.match_cache_notebook(nbformat.read(str(bad), as_version=4))
    # A second run finds it in the cache and executes nothing.
    assert preexecute.preexecute(tmp_path / "cache", [good], log=said.append) == {str(good): "cached"}


@pytest.mark.parametrize(
    "kwargs, message",
    [({"workers": 0}, r"`workers` must be an integer >= 1"), ({"timeout": "1h"}, r"`timeout` must be an integer >= 1")],
)
def test_bad_settings_say_what_was_wrong(tmp_path, kwargs, message):
    nb = _notebook(tmp_path / "en" / "a.ipynb", "1")
    with pytest.raises(ValueError, match=message):
        preexecute.preexecute(tmp_path / "cache", [nb], **kwargs)


def test_bad_paths_say_what_was_wrong(tmp_path):
    with pytest.raises(ValueError, match="no notebooks to execute"):
        preexecute.phases([])
    with pytest.raises(ValueError, match="not a notebook file"):
        preexecute.phases([tmp_path / "en" / "missing.ipynb"])
    assert preexecute.main([str(tmp_path / "cache"), str(tmp_path / "chapter.md")]) == 2


def test_the_fast_build_uses_it_after_refreshing_the_cache():
    script = (preexecute.Path(__file__).resolve().parent.parent / "scripts" / "build_book.sh").read_text()
    refresh = script.index("python -m tools.execution_cache")
    assert refresh < script.index('python -m tools.preexecute "$OUT/_build/.jupyter_cache"') < script.index("jupyter-book build")
