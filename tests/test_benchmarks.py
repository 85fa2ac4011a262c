"""The benchmark: its committed results, the pages rendered from them, and a fast-mode run."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

import pytest

from benchmarks import lm_recipe, report, run
from benchmarks.chapters import CHAPTERS, MARK, MEMORY_FULL_LAGS, chapter_by_name
from course_utils import lm
from conftest import LANGUAGES, ROOT

RESULTS = ROOT / "benchmarks" / "results.json"


def _committed() -> dict:
    return json.loads(RESULTS.read_text(encoding="utf-8"))


def test_committed_results_are_well_formed_full_mode_figures():
    results = _committed()
    report.validate(results)
    assert results["mode"] == "full", "the published figures must come from the full-quality run"
    keys = {entry["chapter"] for entry in results["chapters"]}
    assert keys <= {c.name for c in CHAPTERS if c.metrics}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_results_page_matches_the_results_file(lang):
    page = (ROOT / "book" / lang / "results.md").read_text(encoding="utf-8")
    assert report.page_block(page) == report.render_table(_committed(), lang), (
        f"book/{lang}/results.md is out of date: run `python -c 'import json; from benchmarks import report; "
        "report.write_pages(json.load(open(\"benchmarks/results.json\")), \"book\")'`")


def _example() -> dict:
    return {
        "schema": report.SCHEMA, "mode": "full", "measured_at": "2026-11-29T21:00:00+00:00",
        "hardware": {"cpu": "Test CPU", "cores": 2, "python": "3.11.7", "tensorflow-cpu": "2.21.0"},
        "chapters": [{
            "chapter": "02_dynamic_rnn", "measured_at": "2026-11-28T10:00:00+00:00",
            "wall_time_s": 134.0, "peak_memory_mb": 900.0,
            "metrics": [{"key": "heldout_accuracy", "value": 0.9971, "source": "~0.95", "literature": ""}],
        }],
        "book_fast": {"languages": ["en"], "notebooks": 5, "measured_at": "2026-11-29T21:00:00+00:00",
                      "wall_time_s": 300.0, "peak_memory_mb": 1500.0, "per_notebook_s": {}},
        "book_full": {"measured_at": "2026-11-30T08:00:00+00:00", "wall_time_s": 7200.0, "notebooks": 15,
                      "per_notebook_s": {"en/02_dynamic_rnn": 130.0}, "trained_s": {}, "loaded_s": {"ch02-lstm": 120.0},
                      "first_build_estimate_s": 7320.0, "chapter_full_run_s": {"02_dynamic_rnn": 250.0}},
    }


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("mode",), "quick", "'mode' must be 'full' or 'fast'"),
        (("measured_at",), "yesterday", "must be an ISO 8601 UTC time"),
        (("hardware",), {"cores": 2}, "must name the 'cpu'"),
        (("chapters",), [], "'chapters' must be a non-empty list"),
        (("chapters", 0, "chapter"), "chapter two", "must be a chapter file name"),
        (("chapters", 0, "wall_time_s"), float("nan"), r"wall_time_s must be a finite number"),
        (("chapters", 0, "peak_memory_mb"), -1.0, r"peak_memory_mb must be >= 0"),
        (("chapters", 0, "metrics", 0, "key"), "speed", r"key must be one of"),
        (("chapters", 0, "metrics", 0, "value"), "0.99", r"value must be a finite number"),
        (("chapters", 0, "metrics", 0, "value"), True, r"value must be a finite number"),
        (("book_fast", "notebooks"), 0, "must be a positive integer"),
        (("book_fast", "languages"), ["fr"], "must be a non-empty subset"),
        (("book_full",), [], "'book_full' must be an object"),
        (("book_full", "notebooks"), 0, "book_full.notebooks must be a positive integer"),
        (("book_full", "first_build_estimate_s"), 100.0, "must be at least the build's wall time"),
        (("book_full", "loaded_s"), {"ch04-source": "1 h"}, r"book_full.loaded_s\['ch04-source'\] must be a finite number"),
    ],
)
def test_validate_says_what_is_wrong(path, value, message):
    results = _example()
    target = results
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValueError, match=message):
        report.validate(results)


def test_render_table_in_each_language():
    results = _example()
    en, es, pt = (report.render_table(results, lang) for lang in LANGUAGES)
    assert "| `02_dynamic_rnn` | held-out accuracy (10,000 sequences) | ~0.95 | none | 0.9971 | 2.2 min |" in en
    # The convention of book/TRANSLATING.md: es decimal point, pt decimal comma and point for thousands.
    assert "0.9971" in es and "0,9971" in pt and "0.9971" not in pt
    assert "exactitud en datos reservados (10\u202f000 secuencias)" in es
    assert "between 2026-11-28 and 2026-11-30" in en and "entre el 2026-11-28 y el 2026-11-30" in es
    assert "5.0 min; 1,500 MB" in en and "5,0 min; 1.500 MB" in pt and "5.0 min; 1500 MB" in es
    # The full build's row: its wall time, and the estimate from an empty store (wall + loaded trainings).
    assert "| whole website, full mode | `bash scripts/build_book.sh`: 15 notebooks executed;" in en
    assert "| 2 h 02 min from an empty store | 2 h 00 min |" in en and "2 h 02 min con el almacén vacío" in es
    without = _example()
    del without["book_full"]
    assert report.render_table(without, "en").count("\n") == en.count("\n") - 1  # the row is optional
    assert len({table.count("\n") for table in (en, es, pt)}) == 1, "every language has the same rows"
    with pytest.raises(ValueError, match="lang must be one of"):
        report.render_table(results, "fr")


def test_write_pages_replaces_only_the_generated_block(tmp_path):
    for lang in LANGUAGES:
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "results.md").write_text(f"# {lang}\n\n{report.BEGIN}\nold\n{report.END}\n\nafter\n")
    report.write_pages(_example(), tmp_path)
    for lang in LANGUAGES:
        page = (tmp_path / lang / "results.md").read_text()
        assert page.startswith(f"# {lang}\n\n") and page.endswith("\n\nafter\n") and "old" not in page
        assert report.page_block(page) == report.render_table(_example(), lang)
    (tmp_path / "en" / "results.md").write_text("no markers")
    with pytest.raises(ValueError, match="must contain the begin marker"):
        report.write_pages(_example(), tmp_path)


def test_every_metric_key_is_translated_and_chapters_exist():
    for chapter in CHAPTERS:
        assert (ROOT / "book" / "en" / f"{chapter.name}.ipynb").exists() or not chapter.metrics, chapter.name
        for metric in chapter.metrics:
            for lang in LANGUAGES:
                assert metric.key in report.TEXT[lang]["metrics"], (lang, metric.key)
            for lang in ("es", "pt"):
                assert report.TEXT[lang]["sources"][metric.key], (lang, metric.key)
                assert bool(report.TEXT[lang]["literature"].get(metric.key)) == bool(metric.literature), (
                    lang, metric.key)


def test_committed_results_quote_the_texts_that_are_translated():
    """The es/pt pages translate the source and literature texts of chapters.py; the file must quote those."""
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    for entry in results["chapters"]:
        expected = {m.key: (m.source, m.literature) for m in chapter_by_name(entry["chapter"]).metrics}
        for metric in entry["metrics"]:
            assert (metric["source"], metric["literature"]) == expected[metric["key"]], metric
    with pytest.raises(ValueError, match="unknown chapter 'ch9'; expected one of: 01_rnn_theory"):
        chapter_by_name("ch9")


def test_benchmark_runs_in_fast_mode(tmp_path):
    """CI proves the benchmark command works: fast mode, English notebooks, no pages touched."""
    out = tmp_path / "results.json"
    pages_before = {lang: (ROOT / "book" / lang / "results.md").read_text(encoding="utf-8") for lang in LANGUAGES}
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--fast", "--languages", "en", "--out", str(out), "--no-pages"],
        cwd=ROOT, capture_output=True, text=True, timeout=3600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    report.validate(results)
    assert results["mode"] == "fast"
    written = [c.name for c in CHAPTERS if (ROOT / "book" / "en" / f"{c.name}.ipynb").exists()]
    assert results["book_fast"]["notebooks"] == len(written)
    full_only = {"01_rnn_theory"}  # its metrics are its full-mode lags (MEMORY_FULL_LAGS): no fast-mode row
    assert [e["chapter"] for e in results["chapters"]] == [c for c in written
                                                           if chapter_by_name(c).metrics and c not in full_only]
    for entry in results["chapters"]:
        for metric in entry["metrics"]:
            if metric["key"].endswith("accuracy"):
                assert 0.5 < metric["value"] <= 1.0, metric
    lm_row = {m["key"]: m["value"] for e in results["chapters"] if e["chapter"] == "04_language_model"
              for m in e["metrics"]}
    assert lm_row["test_perplexity"] < 2000, lm_row  # an untrained model scores 10,000
    assert lm_row["words_per_second"] > 100 and lm_row["design_words_per_second"] > 100, lm_row
    assert "design_last_two_epochs_gain" not in lm_row, lm_row  # full mode only: fast mode trains 2 epochs
    assert 0.5 < results["book_fast"]["metrics"]["05_bilstm_mnist"]["test_accuracy"] <= 1.0  # quoted by the prose
    assert pages_before == {lang: (ROOT / "book" / lang / "results.md").read_text(encoding="utf-8")
                            for lang in LANGUAGES}


def _notebook_assignments(name: str) -> dict[str, str]:
    """Map ``NAME`` to the right-hand side of every top-level ``NAME = ...`` line of an English notebook."""
    notebook = json.loads((ROOT / "book" / "en" / f"{name}.ipynb").read_text(encoding="utf-8"))
    found = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        for line in "".join(cell["source"]).splitlines():
            left, sep, right = line.partition(" = ")
            if sep and left.isidentifier() and left.isupper():
                found[left] = right.split("#", 1)[0].strip()
    return found


def test_chapter4_runner_uses_the_notebooks_seed_and_fast_budgets():
    """The runner must train what the notebook trains: same seed, same fast-mode slices."""
    assigned = _notebook_assignments("04_language_model")
    assert assigned["SEED"] == str(lm_recipe.SEED)
    full_epochs = lm.RECIPES["dropout + tied"].epochs
    assert assigned["EPOCHS"] == f"budget.pick(full={full_epochs}, fast={lm_recipe.FAST_EPOCHS})"
    assert assigned["TRAIN_TOKENS"] == f"budget.pick(full=929_589, fast={lm_recipe.FAST_TRAIN_TOKENS:_})"
    assert assigned["EVAL_TOKENS"] == f"budget.pick(full=100_000, fast={lm_recipe.FAST_EVAL_TOKENS:_})"
    assert chapter_by_name("04_language_model").runner == "benchmarks.lm_recipe"


def test_result_lines_are_read_only_after_the_mark():
    figures = {"values": {"test_perplexity": 98.5}, "peak_memory_mb": 884.04}
    line = MARK + json.dumps(figures)
    assert run._read_mark("epoch  1  valid ppl 268.6") is None
    assert run._read_mark(" " + line) is None
    assert run._read_mark(line) == figures
    assert run._result(figures, 12.345) == {"wall_time_s": 12.3, "peak_memory_mb": 884.0,
                                            "values": {"test_perplexity": 98.5}}


def test_run_runner_refuses_a_chapter_without_one():
    with pytest.raises(ValueError, match="chapter '02_dynamic_rnn' has no runner; execute its notebook instead"):
        run.run_runner(chapter_by_name("02_dynamic_rnn"), fast=True)


def test_lm_recipe_fast_needs_benchmark(capsys):
    with pytest.raises(SystemExit):
        lm_recipe.main(["--fast"])
    assert "--fast applies to --benchmark only" in capsys.readouterr().err


def test_chapter1_rows_are_the_notebooks_full_mode_lags():
    """The results table has one recall row per cell type and full-mode lag of chapter 1's notebook."""
    full = re.search(r"full=(\([0-9, ]+\))", _notebook_assignments("01_rnn_theory")["MEMORY_LAGS"])
    assert full is not None
    assert ast.literal_eval(full.group(1)) == MEMORY_FULL_LAGS
    keys = {m.key for m in chapter_by_name("01_rnn_theory").metrics}
    assert keys == {f"recall_lag{lag}_{cell}" for lag in MEMORY_FULL_LAGS for cell in ("simplernn", "gru", "lstm")}

