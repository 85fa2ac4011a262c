"""Measured figures in the prose: marked ones equal results.json, and none go unmarked."""

import json
import re
from pathlib import Path

import pytest

from benchmarks import figures
from benchmarks.report import BEGIN, END

ROOT = Path(__file__).resolve().parents[1]
RESULTS = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
PAGES = figures.prose_files(ROOT)

# Numbers that look measured. Math ($...$), code (`...`) and marked figures are removed first.
LOOKS_MEASURED = [
    re.compile(r"\d+[.,]\d+\s?%"),                                                  # 99.35%
    re.compile(r"\b\d+(?:[.,]\d+)?[¼½¾]?\s?(?:minutes?|minutos?|seconds?|segundos?|hours?|horas?)\b"),  # run times
    re.compile(r"\b\d{2,3}[.,]\d\b(?!\d)"),                                          # perplexities: 102.4
    re.compile(r"\d[\d.,]*\s(?:words per second|palabras por segundo|palavras por segundo)"),  # throughput
]

# Figures still typed by hand, each with why; the test fails when one disappears (remove it here).
PENDING = {
    # Quoted literature (Zaremba et al. 2014: 114.5 and 82.7 test perplexity) is not ours to measure.
    "04_language_model": ["114.5", "114,5", "82.7", "82,7"],
}


def _prose(path: Path) -> list[str]:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        texts = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    else:
        text = path.read_text(encoding="utf-8")
        if BEGIN in text:  # the results page's generated table is checked by test_benchmarks.py
            text = text.split(BEGIN)[0] + text.split(END)[1]
        texts = [text]
    cleaned = []
    for text in texts:
        text = figures.MARK_RE.sub(" ", text)
        text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`", " ", text, flags=re.S)
        cleaned.append(text)
    return cleaned


def _unmarked(path: Path) -> list[str]:
    return [m.group(0) for text in _prose(path) for pattern in LOOKS_MEASURED for m in pattern.finditer(text)]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_marked_figures_equal_the_results_file(path):
    assert figures.rewrite(path, RESULTS, write=False) == []


@pytest.mark.parametrize("path", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_measured_looking_number_is_unmarked(path):
    pending = PENDING.get(path.stem, [])
    found = [n for n in _unmarked(path) if not any(n.replace("\u00a0", " ").endswith(p) or p in n for p in pending)]
    assert found == [], (f"{path.relative_to(ROOT)} quotes numbers that look measured without a mark "
                         f"(<!-- fig:KEY --> before the number, see benchmarks/figures.py): {found}")


def test_chapters_4_and_5_mark_their_figures_in_every_language():
    for lang in ("en", "es", "pt"):
        keys = {key for key, _ in figures.marked(ROOT / "book" / lang / "05_bilstm_mnist.ipynb")}
        assert {"ch05.bilstm_test_accuracy", "ch05.lstm_test_accuracy", "ch05.full_minutes",
                "ch05.fast_bilstm_test_accuracy"} <= keys, lang
        keys = {key for key, _ in figures.marked(ROOT / "book" / lang / "04_language_model.ipynb")}
        assert {"ch04.source_words_per_second", "ch04.fast_seconds", "ch04.full_minutes"} <= keys, lang


def test_chapters_1_to_3_mark_their_run_times_in_every_language():
    expected = {"01_rnn_theory": {"ch01.full_minutes", "ch01.fast_seconds"},
                "02_dynamic_rnn": {"ch02.full_minutes", "ch02.fast_seconds"},
                "03_bptt": {"ch03.full_seconds", "ch03.fast_seconds"}}
    for lang in ("en", "es", "pt"):
        for chapter, wanted in expected.items():
            keys = {key for key, _ in figures.marked(ROOT / "book" / lang / f"{chapter}.ipynb")}
            assert wanted <= keys, (lang, chapter, wanted - keys)
    assert not set(expected) & set(PENDING)  # their run times are no longer typed by hand


def test_every_pending_figure_is_still_there():
    # Keeps PENDING honest: an entry whose text is gone must be removed from the list.
    for stem, snippets in PENDING.items():
        text = " ".join(" ".join(_prose(p)) for p in PAGES if p.stem == stem)
        missing = [s for s in snippets if s not in text]
        assert len(missing) < len(snippets), (stem, missing)


def test_a_wrong_or_unmarked_figure_is_caught(tmp_path, monkeypatch):
    monkeypatch.setattr(figures, "ROOT", tmp_path)
    page = tmp_path / "book" / "es" / "page.md"
    page.parent.mkdir(parents=True)
    page.write_text("La BiLSTM llegó al <!-- fig:ch05.bilstm_test_accuracy -->99.12\u00a0% y la LSTM al 98.76\u00a0%.\n")
    problems = figures.rewrite(page, RESULTS, write=False)
    expected = figures.format_figure("percent2", figures.value_of("ch05.bilstm_test_accuracy", RESULTS), "es")
    assert len(problems) == 1 and repr(expected) in problems[0]
    assert _unmarked(page) == ["98.76\u00a0%"]
    figures.rewrite(page, RESULTS, write=True)
    assert f"<!-- fig:ch05.bilstm_test_accuracy -->{expected} y" in page.read_text()
    assert figures.rewrite(page, RESULTS, write=False) == []


@pytest.mark.parametrize(("kind", "value", "lang", "text"), [
    ("percent2", 0.9935, "en", "99.35%"), ("percent2", 0.9935, "es", "99.35\u00a0%"), ("percent2", 0.9935, "pt", "99,35%"),
    ("percent1", 0.9937, "en", "99.4%"), ("points1", -0.0069, "pt", "0,7"), ("minutes", 1534.0, "en", "26"),
    ("seconds10", 56.1, "es", "60"), ("seconds10", 83.1, "pt", "80"), ("seconds10", 10.0, "en", "10"),
    ("minutes", 90.0, "es", "2"), ("hundreds", 4197.9, "en", "4,200"), ("hundreds", 4197.9, "es", "4200"), ("hundreds", 41979.0, "es", "42\u202f000"), ("hundreds", 4197.9, "pt", "4.200"),
])
def test_format_figure(kind, value, lang, text):
    assert figures.format_figure(kind, value, lang) == text


@pytest.mark.parametrize(("kind", "seconds", "fix"), [
    ("minutes", 89.9, "`seconds10`"), ("minutes", 20.0, "`seconds10`"), ("minutes", -1.0, "`seconds10`"),
    ("seconds10", 9.9, "`minutes`"), ("seconds10", 300.0, "`minutes`"), ("seconds10", float("nan"), "`minutes`"),
])
def test_a_run_time_that_would_read_wrong_is_an_error(kind, seconds, fix):
    # "about 1 minutes", "about 0 minutes", "about 0 seconds" never reach a page.
    with pytest.raises(ValueError, match=rf"a `{kind}` figure must be a run time of at least .* write it as {fix}"):
        figures.format_figure(kind, seconds, "en")


def test_rewrite_names_the_page_and_figure_that_would_read_wrong(tmp_path, monkeypatch):
    monkeypatch.setattr(figures, "ROOT", tmp_path)
    page = tmp_path / "book" / "en" / "page.md"
    page.parent.mkdir(parents=True)
    page.write_text("It takes about <!-- fig:ch03.full_seconds -->80 seconds.\n")
    quick = json.loads(json.dumps(RESULTS))
    next(c for c in quick["chapters"] if c["chapter"] == "03_bptt")["wall_time_s"] = 2.0
    with pytest.raises(ValueError, match=r"book/en/page.md: figure 'ch03.full_seconds': a `seconds10` figure"):
        figures.rewrite(page, quick, write=False)


def test_format_and_lookup_errors():
    with pytest.raises(ValueError, match="`kind` must be one of"):
        figures.format_figure("furlongs", 1.0, "en")
    with pytest.raises(ValueError, match="`lang` must be one of"):
        figures.format_figure("percent2", 1.0, "fr")
    with pytest.raises(KeyError, match="unknown figure"):
        figures.value_of("ch09.nothing", RESULTS)
