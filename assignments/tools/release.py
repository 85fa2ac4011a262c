"""Regenerate the student notebooks (``assignments/release``) from the sources.

The instructor's notebooks, ``assignments/source/<assignment>/<assignment>_<lang>.ipynb``,
are the files people edit (in Jupyter, like the chapters). The student
notebooks are generated from them by ``nbgrader generate_assignment`` and
committed; this command does that for every assignment in one go, in a
temporary copy of the course folder (so no ``gradebook.db`` is left behind),
after storing the sources in the layout Jupyter itself writes.

Usage (from the repository root):
    python assignments/tools/release.py                 # regenerate release/ for every assignment
    python assignments/tools/release.py ch01_lstm_step  # only some assignments
    python assignments/tools/release.py --check         # exit 1 when release/ or a source's layout is out of date
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

__all__ = ["COURSE", "LANGUAGES", "assignments", "source_path", "release_path", "canonical_text",
           "format_sources", "generate", "stale", "main"]

COURSE = Path(__file__).resolve().parents[1]
LANGUAGES = ("en", "es", "pt")

_GENERATE = """
import os, sys
from nbgrader.apps import NbGraderAPI
from traitlets.config import Config
c = Config()
exec(open('nbgrader_config.py').read(), {'get_config': lambda: c})
c.CourseDirectory.root = os.getcwd()
c.CourseDirectory.db_url = 'sqlite:///' + os.path.join(os.getcwd(), 'gradebook.db')
api = NbGraderAPI(config=c)
for name in sys.argv[1:]:
    result = api.generate_assignment(name, force=True)
    if not result['success']:
        sys.exit(f"nbgrader generate_assignment {name} failed:\\n{result.get('log') or result.get('error')}")
"""


def assignments(course: Path = COURSE) -> list[str]:
    """The assignments listed in ``nbgrader_config.py`` (``db_assignments``), in order."""
    from traitlets.config import Config

    config = Config()
    exec((Path(course) / "nbgrader_config.py").read_text(encoding="utf-8"), {"get_config": lambda: config})
    return [entry["name"] for entry in config.CourseDirectory.db_assignments]


def source_path(assignment: str, lang: str, course: Path = COURSE) -> Path:
    """Where the instructor's notebook of ``assignment`` in ``lang`` lives."""
    return Path(course) / "source" / assignment / f"{assignment}_{lang}.ipynb"


def release_path(assignment: str, lang: str, course: Path = COURSE) -> Path:
    """Where the student notebook of ``assignment`` in ``lang`` lives."""
    return Path(course) / "release" / assignment / f"{assignment}_{lang}.ipynb"


def canonical_text(path: Path) -> str:
    """The notebook as Jupyter saves it: indent 1, sorted keys, sources as lists of lines, final newline."""
    notebook = nbformat.reads(Path(path).read_text(encoding="utf-8"), as_version=4)
    return nbformat.writes(notebook) + "\n"


def format_sources(names: list[str], course: Path = COURSE) -> list[Path]:
    """Store the source notebooks in Jupyter's own layout (content unchanged); return the files rewritten."""
    rewritten = []
    for name in names:
        for path in sorted((Path(course) / "source" / name).glob("*.ipynb")):
            text = canonical_text(path)
            if path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                rewritten.append(path)
    return rewritten


def generate(names: list[str], into: Path, course: Path = COURSE) -> None:
    """Run ``nbgrader generate_assignment`` on a temporary copy of the course; put ``release/<name>/`` under ``into``."""
    with tempfile.TemporaryDirectory(prefix="release-") as work:
        work = Path(work)
        for name in names:
            shutil.copytree(Path(course) / "source" / name, work / "source" / name)
        shutil.copy(Path(course) / "nbgrader_config.py", work)
        done = subprocess.run([sys.executable, "-c", _GENERATE, *names], cwd=work,
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"nbgrader failed:\n{done.stdout}\n{done.stderr}")
        for name in names:
            target = Path(into) / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(work / "release" / name, target)


def stale(names: list[str], course: Path = COURSE) -> list[str]:
    """What is out of date: sources not in Jupyter's layout, release notebooks that differ from a fresh generation."""
    problems = []
    for name in names:
        for path in sorted((Path(course) / "source" / name).glob("*.ipynb")):
            if path.read_text(encoding="utf-8") != canonical_text(path):
                problems.append(f"{path.relative_to(course).as_posix()}: not stored as Jupyter saves it")
    with tempfile.TemporaryDirectory(prefix="release-check-") as fresh:
        generate(names, Path(fresh), course)
        for name in names:
            want = sorted(p.name for p in (Path(fresh) / name).iterdir())
            have = sorted(p.name for p in (Path(course) / "release" / name).iterdir()) \
                if (Path(course) / "release" / name).is_dir() else []
            if want != have:
                problems.append(f"release/{name}: holds {have}, generation gives {want}")
            for file in want:
                committed = Path(course) / "release" / name / file
                if committed.exists() and committed.read_bytes() != (Path(fresh) / name / file).read_bytes():
                    problems.append(f"release/{name}/{file}: differs from what the source generates")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python assignments/tools/release.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment", nargs="*", help="assignments to regenerate (default: all of nbgrader_config.py)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything is out of date")
    args = parser.parse_args(argv)
    known = assignments()
    names = args.assignment or known
    unknown = sorted(set(names) - set(known))
    if unknown:
        parser.error(f"unknown assignment(s) {unknown}; nbgrader_config.py lists {known}")
    if args.check:
        problems = stale(names)
        for problem in problems:
            print(problem)
        print(f"{len(names)} assignments checked: {len(problems)} problems"
              + (" (run `python assignments/tools/release.py`)" if problems else ""))
        return 1 if problems else 0
    for path in format_sources(names):
        print(f"reformatted {path.relative_to(COURSE.parent).as_posix()}")
    generate(names, COURSE / "release")
    print(f"regenerated assignments/release/ for {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
