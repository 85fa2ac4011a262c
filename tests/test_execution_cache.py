"""tools.execution_cache: the site's outputs are re-executed when course_utils changes."""

from __future__ import annotations

import pytest

from tools import execution_cache


def test_a_change_of_the_code_empties_the_cache_once(tmp_path):
    code = tmp_path / "course_utils" / "plotting.py"
    code.parent.mkdir()
    code.write_text("A = 1\n")
    cache = tmp_path / "_build" / ".jupyter_cache"
    (cache / "executed").mkdir(parents=True)
    (cache / "global.db").write_text("records")
    before = execution_cache.code_fingerprint([code], root=tmp_path)
    assert execution_cache.refresh(cache, before)  # made before the stamp existed: emptied, stamped
    assert not (cache / "global.db").exists() and (cache / execution_cache.STAMP).is_file()
    (cache / "global.db").write_text("records of this code")
    assert not execution_cache.refresh(cache, before)  # same code: kept
    assert (cache / "global.db").read_text() == "records of this code"
    code.write_text("A = 2\n")  # a fix in course_utils
    after = execution_cache.code_fingerprint([code], root=tmp_path)
    assert after != before and execution_cache.refresh(cache, after)
    assert not (cache / "global.db").exists()


def test_bad_input_says_what_was_wrong(tmp_path):
    with pytest.raises(FileNotFoundError, match="cannot fingerprint"):
        execution_cache.code_fingerprint([tmp_path / "missing.py"], root=tmp_path)
    with pytest.raises(ValueError, match="SHA-256 hex digest"):
        execution_cache.refresh(tmp_path / "cache", "abc")
    assert execution_cache.main([]) == 2


def test_the_repository_fingerprint_covers_course_utils_and_requirements():
    files = execution_cache._sources(execution_cache.ROOT)
    names = {p.name for p in files}
    assert "requirements.txt" in names and "plotting.py" in names and "progress.py" in names
    assert len(execution_cache.code_fingerprint(files)) == 64


def test_main_empties_the_execution_cache_and_sphinx_environment(tmp_path, monkeypatch, capsys):
    # Emptying only jupyter-cache was not enough: Sphinx's saved environment kept the parsed pages
    # (outputs included) of every notebook whose file had not changed, and never read them again.
    cache, doctrees = tmp_path / ".jupyter_cache", tmp_path / ".doctrees"
    for folder in (cache, doctrees):
        folder.mkdir()
        (folder / "old").write_text("made by older code")
    assert execution_cache.main([str(cache), str(doctrees)]) == 0
    assert not (cache / "old").exists() and not (doctrees / "old").exists()
    assert "were filled: emptied" in capsys.readouterr().out
    (doctrees / "environment.pickle").write_text("made by this code")
    assert execution_cache.main([str(cache), str(doctrees)]) == 0   # same code: both kept
    assert (doctrees / "environment.pickle").exists() and capsys.readouterr().out == ""
    # A folder stamped by an interrupted build keeps its stamp; only the unstamped one is emptied.
    (tmp_path / "other").mkdir()
    assert execution_cache.main([str(cache), str(tmp_path / "other")]) == 0
    assert (doctrees / "environment.pickle").exists() and "other was filled" in capsys.readouterr().out


def test_the_website_build_refreshes_both_folders():
    script = (execution_cache.ROOT / "scripts" / "build_book.sh").read_text(encoding="utf-8")
    line = next(line for line in script.splitlines() if line.startswith("python -m tools.execution_cache"))
    assert '"$OUT/_build/.jupyter_cache"' in line and '"$OUT/_build/.doctrees"' in line
