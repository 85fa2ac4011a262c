"""Command line of the grader."""

from __future__ import annotations

import argparse
from pathlib import Path

from .core import Settings, grade_folder

COURSE_DIR = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python assignments/grade.py",
        description="Grade a folder of submitted notebooks in bubblewrap sandboxes; "
                    "write grades.csv, feedback/<student>.md and results/<student>.json.",
    )
    parser.add_argument("assignment", help="assignment name, e.g. ch02_last_relevant")
    parser.add_argument("submissions", type=Path,
                        help="folder with one sub-folder per student (any notebooks inside) or one .ipynb per student")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: assignments/graded/<assignment>)")
    parser.add_argument("--course-dir", type=Path, default=COURSE_DIR, help="nbgrader course folder (default: assignments/)")
    parser.add_argument("--jobs", type=int, default=None, help="submissions graded in parallel (default: all cores)")
    parser.add_argument("--timeout", type=float, default=Settings.timeout, help="seconds per exercise (default: %(default)s, or the assignment's own larger limit)")
    parser.add_argument("--memory-mb", type=int, default=Settings.memory_mb, help="memory limit per sandbox in MiB (default: %(default)s, or the assignment's own larger limit)")
    args = parser.parse_args(argv)
    out = args.out or args.course_dir / "graded" / args.assignment
    summary = grade_folder(args.course_dir, args.assignment, args.submissions, out,
                           Settings(timeout=args.timeout, memory_mb=args.memory_mb), jobs=args.jobs)
    results = summary["results"]
    flagged = sum(1 for r in results if r["flags"])
    print(f"graded {len(results)} submissions in {summary['seconds']:.1f} s with {summary['jobs']} workers "
          f"({summary['per_minute']:.1f} submissions/minute); {flagged} flagged for review")
    used = summary["settings"]
    print(f"limits per sandbox: {used.timeout:g} s per exercise, {used.memory_mb} MiB")
    print(f"grades: {out / 'grades.csv'}\nfeedback: {out / 'feedback'}")
    return 0
