"""Grade one submission on Gradescope or in a GitHub Classroom workflow.

This file runs inside an export bundle (``grader/`` in a Gradescope archive,
``.github/grader/`` in a Classroom template), next to ``adapter.py``,
``feedback.py``, a copy of the course's ``grading`` package and of
``course_utils``, ``settings.json`` and ``course/source/<assignment>/``: the
instructor's notebooks with their tests, solutions removed.

Usage:
    python autograde.py gradescope [--root /autograder]
        grade the notebook in ROOT/submission, write ROOT/results/results.json
        (ROOT: --root, else $AUTOGRADER_ROOT, else /autograder)
    python autograde.py classroom grade DIR
        grade the student's notebook in DIR (the repository), write results.json next to this file
    python autograde.py classroom check GRADE_ID
        print that test's verdict in the student's language; exit 0 if it passed

$COURSE_GRADING_SANDBOX (auto, bwrap or none) overrides settings.json's sandbox.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import adapter  # noqa: E402
import feedback  # noqa: E402

COURSE = HERE / "course"
RESULTS = HERE / "results.json"


def _settings() -> dict:
    settings = json.loads((HERE / "settings.json").read_text(encoding="utf-8"))
    settings["sandbox"] = os.environ.get("COURSE_GRADING_SANDBOX") or settings.get("sandbox", "auto")
    return settings


def _notebooks(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts and ".github" not in p.relative_to(folder).parts)


def _pick(notebooks: list[Path], tests: list[dict]) -> Path:
    """The notebook holding most of the assignment's '# EXERCISE:' lines (the first one on a tie)."""
    exercises = {t["exercise"] for t in tests}

    def hits(path: Path) -> int:
        text = path.read_text(encoding="utf-8", errors="replace")
        return sum(f"EXERCISE: {name}" in text for name in exercises)

    return max(notebooks, key=hits)


def grade_folder_once(folder: Path, settings: dict) -> tuple[dict | None, list[str], list[dict]]:
    """Grade the notebook found in ``folder``; return (grader result or None, notes, the assignment's tests)."""
    tests = adapter.assignment_tests(COURSE, settings["assignment"])
    notebooks = _notebooks(folder)
    if not notebooks:
        return None, [], tests
    chosen = _pick(notebooks, tests)
    result = adapter.grade_submission(chosen, COURSE, settings["assignment"], sandbox=settings["sandbox"])
    notes = []
    if len(notebooks) > 1:  # in the student's language, which the grader has just detected
        notes.append(feedback.text("several", result.get("lang")).format(name=chosen.name))
    return result, notes, tests


def gradescope(root: Path) -> int:
    settings = _settings()
    visibility = settings.get("hidden_visibility", "after_due_date")
    results_dir = root / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:  # without bubblewrap, student code runs as nobody: keep the tests and results from it
        for private in (root / "source", results_dir):
            if private.exists():
                private.chmod(0o700)
    started = time.monotonic()
    try:
        result, notes, tests = grade_folder_once(root / "submission", settings)
        if result is None:
            report = feedback.gradescope_failure(tests, "no_notebook", visibility)
        else:
            report = feedback.gradescope_results(result, visibility, notes)
            where = "in bubblewrap" if result["run_as"] == "bubblewrap" else f"without bubblewrap, as {result['run_as']}"
            print(f"graded {result['notebook']} (language {result['lang']}, student code {where}): "
                  f"{result['score']:g} / {result['max_score']:g}")
    except Exception as error:  # noqa: BLE001 - the student must get a results.json whatever happens
        traceback.print_exc()
        try:
            tests = adapter.assignment_tests(COURSE, settings["assignment"])
        except Exception:  # noqa: BLE001
            tests = []
        report = feedback.gradescope_failure(tests, "broken", visibility, error=f"{type(error).__name__}: {error}")
    report["execution_time"] = round(time.monotonic() - started, 1)
    (results_dir / "results.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def classroom_grade(folder: Path) -> int:
    settings = _settings()
    try:
        result, notes, _ = grade_folder_once(folder, settings)
        report = {"result": result, "notes": notes, "error": None if result else "no_notebook"}
    except Exception as error:  # noqa: BLE001 - the checks report it, test by test
        traceback.print_exc()
        report = {"result": None, "notes": [], "error": f"{type(error).__name__}: {error}"}
    RESULTS.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    if report["result"]:
        r = report["result"]
        print(f"graded {Path(r['notebook']).name} (language {r['lang']}, sandbox {r['sandbox']}): "
              f"{r['score']:g} / {r['max_score']:g}")
    return 0


def classroom_check(grade_id: str) -> int:
    if not RESULTS.exists():
        print("not graded: run `autograde.py classroom grade .` first")
        return 1
    report = json.loads(RESULTS.read_text(encoding="utf-8"))
    result = report["result"]
    if result is None:
        key = "no_notebook" if report["error"] == "no_notebook" else "broken"
        print("\n".join(feedback.text(key, lang).format(error=report["error"]) for lang in feedback.LANGUAGES))
        return 1
    for exercise, entry in result["exercises"].items():
        for test in entry["tests"]:
            if test["grade_id"] == grade_id:
                name = feedback.test_name(exercise, test["hidden"], result["lang"])
                verdict = (feedback.text("passed", result["lang"]) if test["passed"]
                           else feedback.text("failed", result["lang"]).format(message=test["message"]))
                print(f"{name} ({test['score']:g}/{test['points']:g}): {verdict}")
                for flag in report["notes"] + result["flags"]:
                    print(f"- {flag}")
                return 0 if test["passed"] else 1
    print(f"no test {grade_id!r} in this assignment")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="autograde.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="platform", required=True)
    gs = sub.add_parser("gradescope", help="grade ROOT/submission, write ROOT/results/results.json")
    gs.add_argument("--root", type=Path, default=None)
    cl = sub.add_parser("classroom", help="GitHub Classroom: grade once, then check each test")
    cl_sub = cl.add_subparsers(dest="action", required=True)
    cl_sub.add_parser("grade").add_argument("folder", type=Path)
    cl_sub.add_parser("check").add_argument("grade_id")
    args = parser.parse_args(argv)
    if args.platform == "gradescope":
        root = args.root or Path(os.environ.get("AUTOGRADER_ROOT") or "/autograder")
        return gradescope(root)
    if args.action == "grade":
        return classroom_grade(args.folder)
    return classroom_check(args.grade_id)


if __name__ == "__main__":
    sys.exit(main())
