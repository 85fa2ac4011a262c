"""Measure the grader's throughput on a batch of mixed ch01 submissions.

Run from assignments/:  ``python -m grading.benchmark --count 100 --jobs 2``

The batch: 60 % correct answers (en, es, pt), 20 % partly wrong, 10 % crashing, 10 % untouched
notebooks, written from the release notebooks and the instructor's solutions. It prints the
rate and the machine's load average before and after, since the figure depends on both.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import time
from pathlib import Path

from . import batch, core

COURSE = Path(__file__).resolve().parent.parent
ASSIGNMENT = "ch01_lstm_step"


def _answers() -> dict[str, str]:
    notebook = json.loads((COURSE / "source" / ASSIGNMENT / f"{ASSIGNMENT}_en.ipynb").read_text(encoding="utf-8"))
    answers = {}
    for cell in notebook["cells"]:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        match = core.MARKER.search(text)
        if match and cell["cell_type"] == "code":
            answers[match.group(1)] = re.sub(r"^\s*### (BEGIN|END) SOLUTION\n?", "", text, flags=re.MULTILINE)
    return answers


def _notebook(lang: str, answers: dict[str, str]) -> dict:
    notebook = json.loads((COURSE / "release" / ASSIGNMENT / f"{ASSIGNMENT}_{lang}.ipynb").read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        match = core.MARKER.search(text)
        if match and match.group(1) in answers:
            cell["source"] = answers[match.group(1)]
    return notebook


def write_batch(folder: Path, count: int) -> None:
    """Write ``count`` mixed submissions into ``folder``, one sub-folder per student."""
    good = _answers()
    kinds = {
        "correct": lambda n: _notebook(("en", "es", "pt")[n % 3], good),
        "wrong": lambda n: _notebook("en", dict(good, steps_to_forget=good["steps_to_forget"].replace(
            "kept >= fraction", "kept > fraction"))),
        "crash": lambda n: _notebook("en", dict(good, lstm_step=good["lstm_step"].replace(
            "    i = sigmoid", "    1 / 0\n    i = sigmoid"))),
        "untouched": lambda n: _notebook("en", {}),
    }
    plan = ["correct"] * 6 + ["wrong"] * 2 + ["crash", "untouched"]
    for n in range(count):
        kind = plan[n % len(plan)]
        path = folder / f"student_{n:04d}_{kind}" / f"{ASSIGNMENT}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(kinds[kind](n)), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grading.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        subs, out = Path(folder) / "subs", Path(folder) / "out"
        write_batch(subs, args.count)
        load_before = os.getloadavg()
        started = time.monotonic()
        summary = batch.grade_folder(COURSE, ASSIGNMENT, subs, out, jobs=args.jobs)
        elapsed = time.monotonic() - started
        load_after = os.getloadavg()
    print(f"{len(summary['results'])} mixed {ASSIGNMENT} submissions with --jobs {args.jobs} on {os.cpu_count()} cores: "
          f"{elapsed:.1f} s in all (sandbox check included), {summary['per_minute']:.0f} submissions/minute while grading")
    print(f"load average (1, 5, 15 min) before: {', '.join(f'{x:.1f}' for x in load_before)}; "
          f"after: {', '.join(f'{x:.1f}' for x in load_after)}")
    print(f"sandbox limits: {summary['limits']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
