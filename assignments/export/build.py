"""Build the Gradescope and GitHub Classroom exports from the assignments' sources.

Usage (from the repository root):
    python -m assignments.export --gradescope --classroom --out build/exports
    python -m assignments.export --gradescope ch01_lstm_step --out build/exports

Writes:
    OUT/gradescope/<assignment>.zip             Gradescope autograder: setup.sh, run_autograder, requirements.txt, grader/
    OUT/classroom/<assignment>_<lang>/          GitHub Classroom starter repository: the student notebook,
                                                README.md, .github/workflows/classroom.yml, .github/grader/

Both carry the same grader bundle: a copy of ``assignments/grading`` (the
grader itself, unchanged), of ``course_utils``, the adapter that calls the
grader for one submission (``adapter.py``), the platform glue
(``autograde.py``, ``feedback.py``) and the instructor's notebooks with their
visible and hidden tests and setup code, solutions removed (each answer cell
replaced by the student notebook's own).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import stat
import sys
import tempfile
import zipfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
COURSE = HERE.parent
ROOT = COURSE.parent
sys.path.insert(0, str(HERE))

import adapter  # noqa: E402
import feedback  # noqa: E402

__all__ = ["LANGUAGES", "assignments", "grading_notebook", "requirements", "write_bundle",
           "build_gradescope", "build_classroom", "workflow", "main"]

LANGUAGES = ("en", "es", "pt")
_SOLUTION = re.compile(r"### (BEGIN|END) SOLUTION")
# The action versions GitHub Classroom's own autograding workflows use.
CHECKOUT = "actions/checkout@v4"
SETUP_PYTHON = "actions/setup-python@v5"
COMMAND_GRADER = "education/autograding-command-grader@v1"
REPORTER = "education/autograding-grading-reporter@v1"

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image (Ubuntu).
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip bubblewrap
PYTHON=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    apt-get install -y --no-install-recommends python3.11 python3.11-venv   # the course's stack needs 3.11+
    PYTHON=python3.11
fi
"$PYTHON" -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet --upgrade pip
/autograder/venv/bin/pip install --quiet -r /autograder/source/requirements.txt
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: it grades /autograder/submission with the
# course's grader and writes /autograder/results/results.json.
# AUTOGRADER_ROOT and AUTOGRADER_PYTHON let a test run it on a fake /autograder.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
exec "$PYTHON" "$ROOT/source/grader/autograde.py" gradescope --root "$ROOT"
"""

README = {
    "en": """# {title}

Your assignment is the notebook `{notebook}`. Open it in Jupyter (or upload it to
Google Colab), write each answer in the cell that starts with `# EXERCISE: ...`,
keeping that line, and run the visible test below it.

Every push to this repository runs the autograder (tab **Actions**, workflow
*Autograding Tests*): the same visible and hidden tests as your instructor's
grader, {points} points in all. Each test's result and points appear in the
workflow's summary. Do not change the `.github` folder: the grading runs from it.
""",
    "es": """# {title}

Tu tarea es el notebook `{notebook}`. Ábrelo en Jupyter (o súbelo a Google
Colab), escribe cada respuesta en la celda que empieza con `# EXERCISE: ...`,
conservando esa línea, y ejecuta la prueba visible que tiene debajo.

Cada push a este repositorio ejecuta el corrector automático (pestaña
**Actions**, flujo *Autograding Tests*): las mismas pruebas visibles y ocultas
que el corrector de tu profesor, {points} puntos en total. El resultado y los
puntos de cada prueba aparecen en el resumen del flujo. No modifiques la
carpeta `.github`: la corrección se ejecuta desde ella.
""",
    "pt": """# {title}

Sua tarefa é o notebook `{notebook}`. Abra-o no Jupyter (ou envie-o ao Google
Colab), escreva cada resposta na célula que começa com `# EXERCISE: ...`,
mantendo essa linha, e execute o teste visível logo abaixo.

Cada push neste repositório executa o corretor automático (aba **Actions**,
fluxo *Autograding Tests*): os mesmos testes visíveis e ocultos do corretor do
seu professor, {points} pontos no total. O resultado e os pontos de cada teste
aparecem no resumo do fluxo. Não altere a pasta `.github`: a correção roda a
partir dela.
""",
}


def assignments() -> list[str]:
    """The assignments of ``assignments/source``, in order."""
    return sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _text(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def grading_notebook(assignment: str, lang: str) -> dict:
    """The source notebook with each answer cell replaced by the student notebook's: tests kept, no solution.

    Raises:
        ValueError: An answer cell has no counterpart in the release, or a solution line is left.
    """
    source = _read(COURSE / "source" / assignment / f"{assignment}_{lang}.ipynb")
    release = {c["id"]: c for c in _read(COURSE / "release" / assignment / f"{assignment}_{lang}.ipynb")["cells"]}
    for i, cell in enumerate(source["cells"]):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and not meta.get("grade"):
            student = release.get(cell["id"])
            if student is None:
                raise ValueError(f"{assignment}_{lang}: answer cell {cell['id']!r} is not in the release; "
                                 "run `python assignments/tools/release.py`")
            source["cells"][i] = dict(cell, source=student["source"])
    text = json.dumps(source, ensure_ascii=False)
    if _SOLUTION.search(text):
        raise ValueError(f"{assignment}_{lang}: a solution line is left in the grading notebook")
    return source


def requirements(assignment: str) -> list[str]:
    """The pinned packages the grader needs for ``assignment`` (from requirements.txt)."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        if match:
            pins[match.group(1).lower()] = line.strip()
    needed = ["numpy"]
    code = "\n".join(_text(c) for c in _read(COURSE / "source" / assignment / f"{assignment}_en.ipynb")["cells"]
                     if c["cell_type"] == "code")
    if re.search(r"^\s*(import|from)\s+(keras|tensorflow)\b", code, re.MULTILINE):
        needed += ["tensorflow-cpu", "keras"]
    missing = [name for name in needed if name not in pins]
    if missing:
        raise ValueError(f"requirements.txt pins no version of {missing}")
    return [pins[name] for name in needed]


def write_bundle(assignment: str, into: Path, hidden_visibility: str, sandbox: str) -> dict:
    """Write the grader bundle of ``assignment`` into ``into``; return its settings."""
    import course_utils

    if hidden_visibility not in feedback.VISIBILITIES:
        raise ValueError(f"hidden_visibility must be one of {feedback.VISIBILITIES} (got {hidden_visibility!r})")
    if sandbox not in adapter.SANDBOX_MODES:
        raise ValueError(f"sandbox must be one of {adapter.SANDBOX_MODES} (got {sandbox!r})")
    into = Path(into)
    (into / "grading").mkdir(parents=True)
    for path in sorted((COURSE / "grading").glob("*.py")):
        shutil.copy(path, into / "grading" / path.name)
    shutil.copytree(Path(course_utils.__file__).resolve().parent, into / "course_utils",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("adapter.py", "feedback.py", "autograde.py"):
        shutil.copy(HERE / name, into / name)
    folder = into / "course" / "source" / assignment
    folder.mkdir(parents=True)
    for lang in LANGUAGES:
        notebook = grading_notebook(assignment, lang)
        (folder / f"{assignment}_{lang}.ipynb").write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n",
                                                           encoding="utf-8")
    tests = adapter.assignment_tests(into / "course", assignment)
    settings = {"assignment": assignment, "hidden_visibility": hidden_visibility, "sandbox": sandbox,
                "max_score": sum(t["points"] for t in tests)}
    (into / "settings.json").write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")
    (into / "requirements.txt").write_text("\n".join(requirements(assignment)) + "\n", encoding="utf-8")
    return settings


def _zip_folder(folder: Path, target: Path) -> None:
    """Zip the folder's contents at the archive's root (as Gradescope wants), keeping the executable bits."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=(2024, 1, 1, 0, 0, 0))
                mode = 0o755 if path.stat().st_mode & stat.S_IXUSR else 0o644
                info.external_attr = (stat.S_IFREG | mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())


def build_gradescope(assignment: str, out: Path, hidden_visibility: str = "after_due_date",
                     sandbox: str = "auto") -> Path:
    """Write ``out/gradescope/<assignment>.zip``; return its path."""
    target = Path(out) / "gradescope" / f"{assignment}.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gradescope-") as work:
        work = Path(work)
        write_bundle(assignment, work / "grader", hidden_visibility, sandbox)
        shutil.move(str(work / "grader" / "requirements.txt"), work / "requirements.txt")
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
            (work / name).write_text(text, encoding="utf-8")
            (work / name).chmod(0o755)
        _zip_folder(work, target)
    return target


def _step_id(grade_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", grade_id.lower()).strip("-")


def workflow(tests: list[dict], lang: str) -> dict:
    """The Classroom autograding workflow: grade once, then one command-grader step per test, then the reporter."""
    steps = [
        {"name": "Checkout code", "uses": CHECKOUT},
        {"name": "Set up Python", "uses": SETUP_PYTHON, "with": {"python-version": "3.11"}},
        {"name": "Install the grader's requirements", "run": "python -m pip install -r .github/grader/requirements.txt"},
        {"name": "Grade the notebook (the course's grader, all tests at once)",
         "run": "python .github/grader/autograde.py classroom grade .", "timeout-minutes": 30},
    ]
    ids = []
    for test in tests:
        points = test["points"]
        if points != int(points):
            raise ValueError(f"GitHub Classroom takes whole points only; {test['grade_id']} has {points}")
        step_id = _step_id(test["grade_id"])
        ids.append(step_id)
        name = feedback.test_name(test["exercise"], test["hidden"], lang)
        steps.append({"name": name, "id": step_id, "uses": COMMAND_GRADER, "with": {
            "test-name": name, "setup-command": "",
            "command": f"python .github/grader/autograde.py classroom check {test['grade_id']}",
            "timeout": 1, "max-score": int(points)}})
    steps.append({"name": "Autograding Reporter", "uses": REPORTER,
                  "env": {f"{i.upper()}_RESULTS": f"${{{{steps.{i}.outputs.result}}}}" for i in ids},
                  "with": {"runners": ",".join(ids)}})
    return {
        "name": "Autograding Tests",
        "on": ["push", "repository_dispatch"],
        "permissions": {"checks": "write", "actions": "read", "contents": "read"},
        "jobs": {"run-autograding-tests": {
            "runs-on": "ubuntu-latest",
            "if": "github.actor != 'github-classroom[bot]'",
            "steps": steps,
        }},
    }


def build_classroom(assignment: str, lang: str, out: Path, hidden_visibility: str = "after_due_date",
                    sandbox: str = "auto") -> Path:
    """Write the starter repository ``out/classroom/<assignment>_<lang>/``; return its folder."""
    target = Path(out) / "classroom" / f"{assignment}_{lang}"
    if target.exists():
        shutil.rmtree(target)
    grader = target / ".github" / "grader"
    settings = write_bundle(assignment, grader, hidden_visibility, sandbox)
    notebook = COURSE / "release" / assignment / f"{assignment}_{lang}.ipynb"
    shutil.copy(notebook, target / notebook.name)
    title = _text(_read(notebook)["cells"][0]).splitlines()[0].lstrip("# ").strip()
    (target / "README.md").write_text(README[lang].format(title=title, notebook=notebook.name,
                                                          points=f"{settings['max_score']:g}"), encoding="utf-8")
    (target / ".gitignore").write_text(".github/grader/results.json\n__pycache__/\n.ipynb_checkpoints/\n",
                                       encoding="utf-8")
    text = yaml.safe_dump(workflow(adapter.assignment_tests(grader / "course", assignment), lang),
                          sort_keys=False, allow_unicode=True, width=120)
    header = ("# GitHub Classroom autograding, generated by `python -m assignments.export --classroom`:\n"
              "# the course's grader runs once on the student's notebook, then each test reports its points.\n")
    (target / ".github" / "workflows").mkdir(parents=True)
    (target / ".github" / "workflows" / "classroom.yml").write_text(header + text, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assignments.export", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment", nargs="*", help="assignments to export (default: all)")
    parser.add_argument("--gradescope", action="store_true", help="build a Gradescope autograder .zip per assignment")
    parser.add_argument("--classroom", action="store_true",
                        help="build a GitHub Classroom starter repository per assignment and language")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "exports", help="output folder (default: %(default)s)")
    parser.add_argument("--hidden-visibility", default="after_due_date", choices=feedback.VISIBILITIES,
                        help="when Gradescope shows students the hidden tests' results (default: %(default)s)")
    parser.add_argument("--sandbox", default="auto", choices=adapter.SANDBOX_MODES,
                        help="bubblewrap on the platform: auto (when it works), bwrap (required), none (default: auto)")
    args = parser.parse_args(argv)
    if not (args.gradescope or args.classroom):
        parser.error("choose at least one of --gradescope and --classroom")
    known = assignments()
    names = args.assignment or known
    unknown = sorted(set(names) - set(known))
    if unknown:
        parser.error(f"unknown assignment(s) {unknown}; there are {known}")
    for name in names:
        if args.gradescope:
            print(f"wrote {build_gradescope(name, args.out, args.hidden_visibility, args.sandbox)}")
        if args.classroom:
            for lang in LANGUAGES:
                print(f"wrote {build_classroom(name, lang, args.out, args.hidden_visibility, args.sandbox)}/")
    return 0
