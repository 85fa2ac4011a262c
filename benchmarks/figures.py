"""Measured figures quoted in the chapters' prose, held to ``benchmarks/results.json``.

A number in the prose that a run measured is never typed by hand: it is
marked with an HTML comment that names its key, right before the number::

    both reached <!-- fig:ch05.bilstm_test_accuracy -->99.35% on the test images

The comment is invisible in Jupyter, Colab and the website, so the text reads
normally everywhere. ``benchmarks.run`` fills ``results.json`` from the
notebooks' own variables; ``python -m benchmarks.figures --write`` then
rewrites every marked number from it, formatted for the page's language, and
``tests/test_figures.py`` fails when a marked number differs from the file or
when a number that looks measured (a percentage with decimals, a run time, a
perplexity) appears in the prose without a mark.

    python -m benchmarks.figures            # check: list the figures that differ (exit 1 if any)
    python -m benchmarks.figures --write    # rewrite them from benchmarks/results.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from course_utils import i18n

__all__ = ["Figure", "FIGURES", "MARK_RE", "value_of", "format_figure", "marked", "rewrite", "prose_files"]

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
LANGUAGES = ("en", "es", "pt")

MARK_RE = re.compile(r"<!-- fig:(?P<key>[a-z0-9_.]+) -->(?P<number>[0-9](?:[0-9.,\u202f]*[0-9])?(?:[ \u00a0]?%)?)")
"""A marked figure: the comment, then the number as the page shows it (ending with a digit or %, so
that the punctuation after it, as in "2,400, and", is not taken for part of the number)."""


def _metric(chapter: str, key: str) -> Callable[[dict], float]:
    def read(results: dict) -> float:
        for entry in results["chapters"]:
            if entry["chapter"] == chapter:
                for metric in entry["metrics"]:
                    if metric["key"] == key:
                        return float(metric["value"])
        raise KeyError(f"results.json has no metric {key!r} of chapter {chapter!r}")
    return read


def _wall(chapter: str) -> Callable[[dict], float]:
    def read(results: dict) -> float:
        for entry in results["chapters"]:
            if entry["chapter"] == chapter:
                return float(entry["wall_time_s"])
        raise KeyError(f"results.json has no chapter {chapter!r}")
    return read


def _fast_seconds(notebook: str) -> Callable[[dict], float]:
    return lambda results: float(results["book_fast"]["per_notebook_s"][notebook])


def _full_run(chapter: str) -> Callable[[dict], float]:
    """A chapter's full-mode run time from scratch, as the last full build measured it (benchmarks.full_build)."""
    def read(results: dict) -> float:
        try:
            return float(results["book_full"]["chapter_full_run_s"][chapter])
        except KeyError:
            raise KeyError(f"results.json has no full-build run time of {chapter!r} "
                           "(book_full.chapter_full_run_s, written by benchmarks.full_build)") from None
    return read


def _fast_metric(chapter: str, key: str) -> Callable[[dict], float]:
    def read(results: dict) -> float:
        try:
            return float(results["book_fast"]["metrics"][chapter][key])
        except KeyError:
            raise KeyError(f"results.json has no fast-mode metric {key!r} of chapter {chapter!r} "
                           f"(book_fast.metrics, written by benchmarks.run)") from None
    return read


@dataclass(frozen=True)
class Figure:
    """One figure the prose may quote.

    Attributes:
        key: The name in the mark, ``<chapter>.<what>``.
        read: Reads the value from the results file's dict.
        kind: How it is written: ``percent2`` (0.9935 -> 99.35%), ``percent1``,
            ``points1`` (a difference of two accuracies in percentage points),
            ``percent0`` (0.4427 -> 44%), ``decimal1`` (0.93 -> 0.9), ``decimal2`` (0.4567 -> 0.46),
            ``minutes`` (seconds -> whole minutes), ``seconds10`` (seconds,
            rounded to tens), ``hundreds`` (4198 -> 4,200).
    """

    key: str
    read: Callable[[dict], float]
    kind: str


def _gap(a: Callable[[dict], float], b: Callable[[dict], float]) -> Callable[[dict], float]:
    return lambda results: a(results) - b(results)


def _mean(a: Callable[[dict], float], b: Callable[[dict], float]) -> Callable[[dict], float]:
    return lambda results: (a(results) + b(results)) / 2


_BILSTM = _metric("05_bilstm_mnist", "test_accuracy")
_LSTM = _metric("05_bilstm_mnist", "baseline_test_accuracy")
_FAST_BILSTM = _fast_metric("05_bilstm_mnist", "test_accuracy")
_FAST_LSTM = _fast_metric("05_bilstm_mnist", "baseline_test_accuracy")

FIGURES: dict[str, Figure] = {f.key: f for f in (
    Figure("ch04.source_words_per_second", _metric("04_language_model", "words_per_second"), "hundreds"),
    Figure("ch04.fast_seconds", _fast_seconds("en/04_language_model"), "seconds10"),
    Figure("ch04.full_minutes", _full_run("04_language_model"), "minutes"),
    Figure("ch04.design_words_per_second", _metric("04_language_model", "design_words_per_second"), "hundreds"),
    Figure("ch04.design_last_two_epochs_gain", _metric("04_language_model", "design_last_two_epochs_gain"), "decimal1"),
    Figure("ch05.bilstm_test_accuracy", _BILSTM, "percent2"),
    Figure("ch05.lstm_test_accuracy", _LSTM, "percent2"),
    Figure("ch05.mean_test_accuracy", _mean(_BILSTM, _LSTM), "percent1"),
    Figure("ch05.fast_bilstm_test_accuracy", _FAST_BILSTM, "percent2"),
    Figure("ch05.fast_lstm_test_accuracy", _FAST_LSTM, "percent2"),
    Figure("ch05.fast_gap_points", _gap(_FAST_BILSTM, _FAST_LSTM), "points1"),
    Figure("ch01.full_minutes", _wall("01_rnn_theory"), "minutes"),
    Figure("ch01.fast_seconds", _fast_seconds("en/01_rnn_theory"), "seconds10"),
    Figure("ch02.full_minutes", _wall("02_dynamic_rnn"), "minutes"),
    Figure("ch02.fast_seconds", _fast_seconds("en/02_dynamic_rnn"), "seconds10"),
    Figure("ch03.full_seconds", _wall("03_bptt"), "seconds10"),
    Figure("ch03.fast_seconds", _fast_seconds("en/03_bptt"), "seconds10"),
    Figure("ch05.full_minutes", _wall("05_bilstm_mnist"), "minutes"),
    Figure("ch05.fast_seconds", _fast_seconds("en/05_bilstm_mnist"), "seconds10"),
    # Chapter 1, section 7: held-out recall at the longest full-mode lag (mean of the seeds).
    *(Figure(f"ch01.recall_lag100_{cell}", _metric("01_rnn_theory", f"recall_lag100_{cell}"), "percent0")
      for cell in ("simplernn", "gru", "lstm")),
    # Chapter 4, section 6.3: the best unit's |r| for a feature, trained design and untrained control.
    *(Figure(f"ch04.unit_{feature}_{model}_r", _metric("04_language_model", f"unit_{feature}_{model}_r"), "decimal2")
      for feature in ("position", "n") for model in ("trained", "untrained")),
    # Chapter 5, section 7: tagging every row.
    Figure("ch05.row_tagging_accuracy", _metric("05_bilstm_mnist", "row_tagging_accuracy"), "percent1"),
    Figure("ch05.row_tagging_margin", _metric("05_bilstm_mnist", "row_tagging_margin"), "points1"),
    Figure("ch05.fast_row_tagging_margin", _fast_metric("05_bilstm_mnist", "row_tagging_margin"), "points1"),
)}
"""Every figure a chapter may quote, by key."""


def format_figure(kind: str, value: float, lang: str) -> str:
    """Return ``value`` written as the prose writes a figure of ``kind`` in ``lang``.

    Raises:
        ValueError: Unknown ``kind`` or ``lang``, or a run time outside the range
            in which its kind reads right: ``minutes`` below 90 s would read
            "1 minutes" or "0 minutes"; ``seconds10`` is for 10 s (below, it
            rounds to "0 seconds") to 5 minutes (above, minutes read better).

    Example:
        >>> format_figure("percent2", 0.9935, "es"), format_figure("hundreds", 4197.9, "pt")
        ('99.35\\xa0%', '4.200')
    """
    if lang not in LANGUAGES:
        raise ValueError(f"`lang` must be one of {LANGUAGES} (got lang={lang!r}).")
    ranges = {"minutes": (90.0, float("inf"), "seconds10"), "seconds10": (10.0, 300.0, "minutes")}
    if kind in ranges:
        low, high, other = ranges[kind]
        if not low <= value < high:
            raise ValueError(f"a `{kind}` figure must be a run time of at least {low:g} s"
                             f"{'' if high == float('inf') else f' and under {high:g} s'}, where it reads right "
                             f"(got {value:g} s); write it as `{other}`, or rephrase the sentence.")
    formats = {  # numbers in the language's convention (TRANSLATING.md), through course_utils.i18n
        "percent2": lambda v: i18n.format_percent(v, digits=2, lang=lang),
        "percent1": lambda v: i18n.format_percent(v, digits=1, lang=lang),
        "percent0": lambda v: i18n.format_percent(v, digits=0, lang=lang),
        "decimal1": lambda v: i18n.format_number(v, digits=1, lang=lang),
        "decimal2": lambda v: i18n.format_number(v, digits=2, lang=lang),
        "points1": lambda v: i18n.format_number(100 * abs(v), digits=1, lang=lang),
        "minutes": lambda v: i18n.format_number(round(v / 60), lang=lang),
        "seconds10": lambda v: i18n.format_number(int(round(v / 10)) * 10, lang=lang),
        "hundreds": lambda v: i18n.format_number(int(round(v / 100)) * 100, lang=lang),
    }
    if kind not in formats:
        raise ValueError(f"`kind` must be one of {sorted(formats)} (got kind={kind!r}).")
    return formats[kind](value)


def value_of(key: str, results: dict) -> float:
    """Return the value of figure ``key`` in ``results``.

    Raises:
        KeyError: No such figure, or the results lack it.
    """
    if key not in FIGURES:
        raise KeyError(f"unknown figure {key!r}; known: {', '.join(sorted(FIGURES))}")
    return FIGURES[key].read(results)


def prose_files(root: Path = ROOT) -> list[Path]:
    """Return the pages whose prose may quote figures: every chapter notebook and Markdown page of the book."""
    book = root / "book"
    return sorted(p for lang in LANGUAGES for p in (book / lang).glob("*") if p.suffix in (".ipynb", ".md"))


def _texts(path: Path) -> list[str]:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    return [path.read_text(encoding="utf-8")]


def _language(path: Path) -> str:
    return path.parent.name


def marked(path: Path) -> list[tuple[str, str]]:
    """Return ``(key, number as written)`` for every marked figure of a page."""
    return [(m["key"], m["number"]) for text in _texts(path) for m in MARK_RE.finditer(text)]


def rewrite(path: Path, results: dict, *, write: bool) -> list[str]:
    """Check (or rewrite) the marked figures of one page; return a line per figure that differs.

    Raises:
        KeyError: A mark names an unknown figure or one the results lack.
    """
    lang = _language(path)
    problems: list[str] = []

    def fix(match: re.Match) -> str:
        figure = FIGURES.get(match["key"])
        if figure is None:
            raise KeyError(f"{path.relative_to(ROOT)}: unknown figure {match['key']!r}")
        try:
            expected = format_figure(figure.kind, figure.read(results), lang)
        except ValueError as error:
            raise ValueError(f"{path.relative_to(ROOT)}: figure {match['key']!r}: {error}") from None
        if match["number"] != expected:
            problems.append(f"{path.relative_to(ROOT)}: {match['key']} is {match['number']!r}, "
                            f"results.json says {expected!r}")
        return f"<!-- fig:{match['key']} -->{expected}"

    if path.suffix == ".ipynb":
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                source = "".join(cell["source"])
                new = MARK_RE.sub(fix, source)
                if new != source:
                    parts = new.split("\n")
                    cell["source"] = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
        if write and problems:
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        source = path.read_text(encoding="utf-8")
        new = MARK_RE.sub(fix, source)
        if write and problems:
            path.write_text(new, encoding="utf-8")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the marked figures from the results file")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results = json.loads(args.results.read_text(encoding="utf-8"))
    problems = [p for path in prose_files() for p in rewrite(path, results, write=args.write)]
    for problem in problems:
        print(("rewrote " if args.write else "") + problem)
    return 0 if args.write or not problems else 1


if __name__ == "__main__":
    sys.exit(main())
