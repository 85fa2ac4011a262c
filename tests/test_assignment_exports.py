"""The Gradescope and GitHub Classroom exports grade exactly as assignments/grade.py does.

Gradescope: the archive is unpacked into a fake /autograder in a temporary
folder, and its own run_autograder grades a correct, a wrong and a crashing
submission (and an empty one); results.json is checked against Gradescope's
documented format and against the local grader's scores.
GitHub Classroom: the starter repository's workflow is valid YAML, uses the
Classroom actions, and the commands it runs grade a correct and a wrong
notebook locally with the expected points.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

COURSE = ROOT / "assignments"
sys.path.insert(0, str(COURSE / "export"))

import adapter  # noqa: E402
import build  # noqa: E402
import feedback  # noqa: E402

ASSIGNMENT = "ch01_lstm_step"
ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")

# Gradescope's results.json, as its autograder specification documents it.
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
TOP_KEYS = {"score", "execution_time", "output", "output_format", "visibility", "stdout_visibility",
            "extra_data", "tests", "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
             "tags", "visibility", "extra_data"}


def validate_gradescope_results(data: dict) -> None:
    """Explicit checks of Gradescope's documented results.json format."""
    assert isinstance(data, dict) and set(data) <= TOP_KEYS, f"unknown keys {set(data) - TOP_KEYS}"
    assert isinstance(data.get("tests", []), list)
    assert isinstance(data.get("score"), (int, float)) or (data.get("tests") and all("score" in t for t in data["tests"])), \
        "a score is required at the top or on every test"
    for key in ("visibility", "stdout_visibility"):
        assert data.get(key, "visible") in VISIBILITY
    assert isinstance(data.get("output", ""), str) and isinstance(data.get("extra_data", {}), dict)
    for test in data["tests"]:
        assert set(test) <= TEST_KEYS, f"unknown keys {set(test) - TEST_KEYS}"
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert 0 <= test["score"] <= test["max_score"]
        assert test.get("status", "passed") in {"passed", "failed"}
        assert test.get("visibility", "visible") in VISIBILITY
        assert isinstance(test.get("output", ""), str)
    assert data["score"] == pytest.approx(sum(t["score"] for t in data.get("tests", [])))


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _submission(lang: str, kind: str) -> dict:
    """The student notebook with the instructor's answers (correct), a wrong one, or one that crashes."""
    source = {c["id"]: _text(c) for c in _nb(COURSE / "source" / ASSIGNMENT / f"{ASSIGNMENT}_{lang}.ipynb")["cells"]}
    notebook = _nb(COURSE / "release" / ASSIGNMENT / f"{ASSIGNMENT}_{lang}.ipynb")
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            answer = re.sub(r"^\s*### (BEGIN|END) SOLUTION\n?", "", source[cell["id"]], flags=re.MULTILINE)
            if kind == "wrong" and cell["id"] == "lstm-step":
                answer = answer.replace("return o * np.tanh(c), c", "return o * c, c")
            if kind == "crash" and cell["id"] == "steps-to-forget":
                answer = answer.replace("kept, steps = 1.0, 0", "import os; os._exit(3)")
            cell["source"] = answer
    return notebook


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    done = subprocess.run([sys.executable, "-m", "assignments.export", "--gradescope", "--classroom",
                           "--out", str(out), ASSIGNMENT], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def expected() -> dict:
    """What the local grader (assignments/grading, in bubblewrap) gives each kind of submission."""
    sys.path.insert(0, str(COURSE))
    from grading import core

    specs = core.load_assignment(COURSE, ASSIGNMENT)
    scores = {}
    for kind in ("correct", "wrong", "crash"):
        path = Path(os.environ.get("TMPDIR", "/tmp")) / f"ins-expected-{os.getpid()}-{kind}.ipynb"
        path.write_text(json.dumps(_submission("es", kind)), encoding="utf-8")
        try:
            result = core.grade_notebook(path, specs, core.Settings())
        finally:
            path.unlink()
        scores[kind] = {t["grade_id"]: t["score"] for e in result["exercises"].values() for t in e["tests"]}
    assert sum(scores["correct"].values()) == 8
    assert 0 < sum(scores["wrong"].values()) < 8 and 0 < sum(scores["crash"].values()) < 8
    return scores


# --------------------------------------------------------------------------- Gradescope
def _fake_autograder(exports: Path, root: Path) -> Path:
    with zipfile.ZipFile(exports / "gradescope" / f"{ASSIGNMENT}.zip") as archive:
        names = archive.namelist()
        assert {"setup.sh", "run_autograder", "requirements.txt", "grader/autograde.py"} <= set(names)
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in archive.infolist()}
        assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111, "scripts must be executable"
        archive.extractall(root / "source")
    for name in ("run_autograder", "setup.sh"):
        (root / "source" / name).chmod(0o755)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")  # as Gradescope's image build does
    (root / "submission").mkdir()
    (root / "results").mkdir()
    return root


def _run_autograder(root: Path, sandbox: str = "auto") -> dict:
    env = dict(ENV, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable, COURSE_GRADING_SANDBOX=sandbox)
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    validate_gradescope_results(data)
    return data


def test_gradescope_archive_holds_tests_but_no_solution(exports, tmp_path):
    root = _fake_autograder(exports, tmp_path)
    assert subprocess.run(["bash", "-n", str(root / "source" / "setup.sh")]).returncode == 0
    assert subprocess.run(["bash", "-n", str(root / "run_autograder")]).returncode == 0
    assert re.fullmatch(r"numpy==\S+\n", (root / "source" / "requirements.txt").read_text()), "ch01 needs NumPy only"
    grader = root / "source" / "grader"
    for lang in ("en", "es", "pt"):
        text = (grader / "course" / "source" / ASSIGNMENT / f"{ASSIGNMENT}_{lang}.ipynb").read_text(encoding="utf-8")
        assert "### BEGIN HIDDEN TESTS" in text and "_reference_lstm_step" in text
        assert "BEGIN SOLUTION" not in text and "kept *= sigmoid(forget_bias)" not in text
    for path in (COURSE / "grading").glob("*.py"):  # the grader itself, unchanged
        assert (grader / "grading" / path.name).read_bytes() == path.read_bytes()


@pytest.mark.parametrize(("kind", "sandbox"), [("correct", "auto"), ("wrong", "auto"), ("crash", "auto"),
                                                ("wrong", "none"), ("crash", "none")])
def test_gradescope_run_autograder_scores_like_the_local_grader(exports, expected, tmp_path, kind, sandbox):
    root = _fake_autograder(exports, tmp_path)
    (root / "submission" / "Copy of ch01_lstm_step_es.ipynb").write_text(json.dumps(_submission("es", kind)),
                                                                         encoding="utf-8")
    data = _run_autograder(root, sandbox)
    want = expected[kind]
    assert [t["max_score"] for t in data["tests"]] == [2, 3, 1, 2]
    assert [t["score"] for t in data["tests"]] == [want[g] for g in want]
    assert data["score"] == sum(want.values())
    assert data["extra_data"]["language"] == "es" and data["output"].startswith("Puntuación: ")
    assert [t["visibility"] for t in data["tests"]] == ["visible", "after_due_date", "visible", "after_due_date"]
    assert data["tests"][0]["name"] == "lstm_step: prueba visible"
    assert data["extra_data"]["sandbox"] == ("bwrap" if sandbox == "auto" and adapter.bwrap_works() else "none")
    failed = [t for t in data["tests"] if t["status"] == "failed"]
    assert all(t["output"].startswith("No superada: ") for t in failed)
    if kind == "crash":
        assert any("exited (code 3)" in t["output"] for t in failed)
    if kind == "correct":
        assert not failed and all(t["output"] == "Superada." for t in data["tests"])


def test_gradescope_without_a_notebook_or_with_a_broken_grader_still_reports(exports, tmp_path):
    root = _fake_autograder(exports, tmp_path / "empty")
    (root / "submission" / "notes.txt").write_text("I forgot the notebook")
    data = _run_autograder(root)
    assert data["score"] == 0 and len(data["tests"]) == 4
    assert "No notebook (.ipynb)" in data["output"] and "ningún notebook" in data["output"]
    root = _fake_autograder(exports, tmp_path / "broken")
    (root / "submission" / "a.ipynb").write_text(json.dumps(_submission("en", "correct")), encoding="utf-8")
    shutil.rmtree(root / "source" / "grader" / "course" / "source")  # the tests are gone
    data = _run_autograder(root)
    assert data["score"] == 0 and data["tests"] == [] and "could not grade" in data["output"]


def test_gradescope_results_reject_an_unknown_visibility():
    with pytest.raises(ValueError, match="hidden_visibility must be one of"):
        feedback.gradescope_results({"exercises": {}, "score": 0, "max_score": 0}, hidden_visibility="later")


@pytest.mark.parametrize(("lang", "passed", "score", "visible"), [
    ("en", "Passed.", "Score: 6 / 8.", "lstm_step: visible test"),
    ("es", "Superada.", "Puntuación: 6 / 8.", "lstm_step: prueba visible"),
    ("pt", "Passou.", "Nota: 6 / 8.", "lstm_step: teste visível"),
    (None, "Passed.", "Score: 6 / 8.", "lstm_step: visible test"),  # language not detected: English
])
def test_feedback_texts_come_from_the_course_catalogs(lang, passed, score, visible):
    assert feedback.text("passed", lang) == passed
    assert feedback.text("score", lang).format(score=6, max_score=8) == score
    assert feedback.test_name("lstm_step", False, lang) == visible
    with pytest.raises(KeyError, match="no feedback message 'pased'"):
        feedback.text("pased", lang)


def test_every_feedback_text_is_in_the_catalogs_and_translated():
    from tools import catalogs

    extracted = {message.id for message in catalogs.extract()}
    assert set(feedback.TEXTS.values()) <= extracted
    for lang in ("es", "pt"):
        for key, msgid in feedback.TEXTS.items():
            assert feedback.text(key, lang) != msgid, f"{key} has no {lang} translation"


def test_a_bundle_reads_its_own_copy_of_the_catalogs(exports, tmp_path):
    root = _fake_autograder(exports, tmp_path)
    grader = root / "source" / "grader"
    assert (grader / "course_utils" / "locale" / "pt" / "LC_MESSAGES" / "course_utils.mo").is_file()
    code = "import feedback; print(feedback.LOCALE_DIRS[0].is_dir(), feedback.text('hidden', 'pt'))"
    done = subprocess.run([sys.executable, "-c", code], cwd=grader, env=dict(ENV, PYTHONPATH=str(grader)),
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True", "teste", "oculto"], done.stderr


# --------------------------------------------------------------------------- GitHub Classroom
def _workflow(template: Path) -> dict:
    data = yaml.safe_load((template / ".github" / "workflows" / "classroom.yml").read_text(encoding="utf-8"))
    data["on"] = data.pop("on", None) or data.pop(True)  # YAML 1.1 reads a bare `on` as True
    return data


def test_classroom_template_files_and_workflow(exports):
    for lang in ("en", "es", "pt"):
        template = exports / "classroom" / f"{ASSIGNMENT}_{lang}"
        assert (template / f"{ASSIGNMENT}_{lang}.ipynb").read_bytes() == \
            (COURSE / "release" / ASSIGNMENT / f"{ASSIGNMENT}_{lang}.ipynb").read_bytes()
        assert "8" in (template / "README.md").read_text(encoding="utf-8")
        flow = _workflow(template)
        assert flow["on"] == ["push", "repository_dispatch"]
        steps = flow["jobs"]["run-autograding-tests"]["steps"]
        graders = [s for s in steps if s.get("uses") == build.COMMAND_GRADER]
        assert [s["with"]["max-score"] for s in graders] == [2, 3, 1, 2]
        assert all(isinstance(s["with"]["max-score"], int) and s["with"]["timeout"] >= 1 for s in graders)
        reporter = steps[-1]
        assert reporter["uses"] == build.REPORTER
        assert reporter["with"]["runners"].split(",") == [s["id"] for s in graders]
        assert reporter["env"] == {f"{s['id'].upper()}_RESULTS": f"${{{{steps.{s['id']}.outputs.result}}}}"
                                   for s in graders}
        text = json.dumps(flow)
        assert "BEGIN SOLUTION" not in text


@pytest.mark.parametrize("kind", ["correct", "wrong"])
def test_classroom_workflow_commands_grade_locally(exports, expected, tmp_path, kind):
    """Run the workflow's own commands in a copy of the starter repository holding a student's notebook."""
    template = shutil.copytree(exports / "classroom" / f"{ASSIGNMENT}_pt", tmp_path / "repo")
    (template / f"{ASSIGNMENT}_pt.ipynb").write_text(json.dumps(_submission("pt", kind)), encoding="utf-8")
    steps = _workflow(template)["jobs"]["run-autograding-tests"]["steps"]

    def run(command: str) -> subprocess.CompletedProcess:
        argv = shlex.split(command)
        assert argv[0] == "python"
        return subprocess.run([sys.executable, *argv[1:]], cwd=template, env=ENV, capture_output=True, text=True,
                              timeout=300)

    grade = next(s for s in steps if "classroom grade" in s.get("run", ""))
    assert run(grade["run"]).returncode == 0
    points, lines = 0, []
    for step in steps:
        if step.get("uses") == build.COMMAND_GRADER:
            done = run(step["with"]["command"])
            lines.append(done.stdout)
            points += step["with"]["max-score"] if done.returncode == 0 else 0
    assert points == sum(expected[kind].values())
    assert all(("Passou." in line) or ("Não passou:" in line) for line in lines)


# --------------------------------------------------------------------------- without bubblewrap, as root
def _python_for_nobody(work: Path) -> str:
    """An interpreter with this environment's packages that uid 65534 can run (Gradescope's /autograder/venv)."""
    probe = [sys.executable, "-c", "import numpy"]
    try:
        if subprocess.run(probe, preexec_fn=lambda: (os.setgid(65534), os.setuid(65534)),
                          capture_output=True, timeout=120).returncode == 0:
            return sys.executable
    except (OSError, subprocess.SubprocessError):  # the interpreter sits where nobody cannot reach (/root)
        pass
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = shutil.which(version, path="/usr/local/bin:/usr/bin:/bin")
    assert system, f"no system {version} that the user nobody could run"
    subprocess.run([system, "-m", "venv", "--without-pip", str(work / "venv")], check=True, timeout=120)
    import site

    site_dir = next((work / "venv" / "lib").glob("python*/site-packages"))
    (site_dir / "course_env.pth").write_text("\n".join(site.getsitepackages()) + "\n")  # the grader's packages
    if not all(_others_can_reach(Path(p)) for p in site.getsitepackages()):
        # This environment sits in a folder that only root may enter (a checkout in a mktemp folder,
        # mode 700, or under /root), which nobody's Python skips: copy what student code imports,
        # as a Gradescope image installs it where every user can read it.
        imported = subprocess.run(
            [sys.executable, "-c", "import sys, numpy, course_utils.checks\n"
             "print(' '.join(sorted({m.split('.')[0] for m, x in sys.modules.items() if getattr(x, '__file__', None)})))"],
            capture_output=True, text=True, timeout=120, check=True, cwd=Path(__file__).resolve().parent.parent)
        for folder in map(Path, site.getsitepackages()):
            for top in imported.stdout.split():
                for name in (top, f"{top}.libs"):
                    if (folder / name).is_dir() and not (site_dir / name).exists():
                        shutil.copytree(folder / name, site_dir / name)
                if (folder / f"{top}.py").is_file():
                    shutil.copy(folder / f"{top}.py", site_dir / f"{top}.py")
    for path in [work, *work.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else path.stat().st_mode | 0o444)
    return str(work / "venv" / "bin" / "python")


def _others_can_reach(path: Path) -> bool:
    """Whether a user other than the owner can enter every folder on the way to ``path`` and read it."""
    path = path.resolve()
    return path.exists() and all(p.stat().st_mode & 0o005 == 0o005 for p in [path, *path.parents])


def test_gradescope_without_bubblewrap_runs_student_code_as_nobody(exports):
    """As root without bubblewrap (Gradescope's container), student code runs as nobody and cannot read the tests."""
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="ins-nobody-"))
    try:
        work.chmod(0o755)
        root = _fake_autograder(exports, work / "autograder")
        notebook = _submission("en", "correct")
        for cell in notebook["cells"]:
            if cell["id"] == "lstm-step":
                cell["source"] = (
                    "# EXERCISE: lstm_step\nimport os\n"
                    f"try:\n    SEEN = open({str(root / 'source' / 'grader' / 'settings.json')!r}).read()[:20]\n"
                    "except Exception as error:\n    SEEN = type(error).__name__\n"
                    "def lstm_step(x, h_prev, c_prev, W, U, b):\n"
                    "    raise RuntimeError(f'uid={os.getuid()} read={SEEN}')\n")
        (root / "submission" / "answer.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
        python = _python_for_nobody(work) if os.geteuid() == 0 else sys.executable
        env = dict(ENV, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=python, COURSE_GRADING_SANDBOX="none")
        done = subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
        validate_gradescope_results(data)
        assert data["extra_data"]["sandbox"] == "none"
        assert [t["score"] for t in data["tests"]] == [0, 0, 1, 2]  # the other exercise is still graded
        if os.geteuid() == 0:
            assert data["extra_data"]["run_as"] == "nobody"
            assert "uid=65534 read=PermissionError" in data["tests"][0]["output"]
        else:
            assert data["extra_data"]["run_as"] == f"uid {os.geteuid()}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_every_assignment_exports_with_its_requirements(tmp_path):
    for name in build.assignments():
        archive = build.build_gradescope(name, tmp_path)
        with zipfile.ZipFile(archive) as zipped:
            needs = zipped.read("requirements.txt").decode().split()
            grading_sources = [n for n in zipped.namelist() if n.startswith("grader/course/source/")]
        assert [n.split("==")[0] for n in needs] == (["numpy", "tensorflow-cpu", "keras"] if name.startswith("ch05")
                                                     else ["numpy"])
        assert len(grading_sources) == 3
    with pytest.raises(ValueError, match="hidden_visibility must be one of"):
        build.build_gradescope(build.assignments()[0], tmp_path, hidden_visibility="soon")
    with pytest.raises(ValueError, match="sandbox must be one of"):
        adapter.resolve_sandbox("docker")
