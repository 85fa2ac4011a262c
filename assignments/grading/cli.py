"""Command line of the grader."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .batch import grade_folder
from .core import GraderError, Settings

COURSE_DIR = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python assignments/grade.py",
        description="Grade a folder of submitted notebooks in bubblewrap sandboxes; "
                    "write grades.csv, feedback/<file>.md and results/<file>.json as each submission finishes.",
    )
    parser.add_argument("assignment", help="assignment name, e.g. ch02_last_relevant")
    parser.add_argument("submissions", type=Path,
                        help="folder with one entry per student: a sub-folder (any notebooks inside) or one file "
                             "(.ipynb, .ipynb.json or Colab's .py download)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: assignments/graded/<assignment>)")
    parser.add_argument("--course-dir", type=Path, default=COURSE_DIR, help="nbgrader course folder (default: assignments/)")
    parser.add_argument("--jobs", type=int, default=None, help="submissions graded in parallel (default: all cores)")
    parser.add_argument("--timeout", type=float, default=Settings.timeout, help="seconds per exercise (default: %(default)s, or the assignment's own larger limit)")
    parser.add_argument("--memory-mb", type=int, default=Settings.memory_mb, help="memory limit per sandbox in MiB (default: %(default)s, or the assignment's own larger limit)")
    parser.add_argument("--regrade", action="store_true",
                        help="grade every submission again (default: keep the results of unchanged submissions)")
    args = parser.parse_args(argv)
    out = args.out or args.course_dir / "graded" / args.assignment
    try:
        summary = grade_folder(args.course_dir, args.assignment, args.submissions, out,
                               Settings(timeout=args.timeout, memory_mb=args.memory_mb), jobs=args.jobs,
                               resume=not args.regrade)
    except GraderError as error:
        print(f"grading stopped: {error}", file=sys.stderr)
        return 2
    results = summary["results"]
    flagged = sum(1 for r in results if r["flags"])
    print(f"graded {len(results) - summary['reused']} submissions in {summary['seconds']:.1f} s with "
          f"{summary['jobs']} workers ({summary['per_minute']:.1f} submissions/minute); "
          f"{summary['reused']} unchanged since the last run kept; {flagged} flagged for review")
    used = summary["settings"]
    print(f"limits per sandbox: {used.timeout:g} s per exercise, {used.memory_mb} MiB, "
          f"{used.max_processes} processes, {used.tmp_mb} MiB of /tmp"
          + ("" if summary["limits"] == "ok" else f" ({summary['limits']})"))
    print(f"grades: {out / 'grades.csv'}\nfeedback: {out / 'feedback'}")
    return 0
