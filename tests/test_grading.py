"""The graded assignments: sources, generated student notebooks, and the sandboxed grader.

The full cycle runs here: nbgrader generates the student notebooks (compared
with the committed ones), prepared submissions are written from them, and
``assignments/grade.py`` grades the batch. Each prepared submission has its
expected score: correct, wrong (partial, per test), crashing, looping,
memory-hungry, killed, Colab-mangled, and hostile ones (network, reading the
hidden tests, writing other results, monkeypatching the checker, forging the
sandbox's replies). Chapters 3 to 5 get their own prepared batches: correct
(full marks, es and pt), wrong (partial, per test), Colab-mangled, untouched,
a redefined setup helper (flagged), and for chapter 5 a Keras model trained
in the sandbox on real MNIST digits, above and below the accuracy bar.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "assignments"
sys.path.insert(0, str(COURSE))

from grading import batch, core  # noqa: E402

ASSIGNMENTS = ("ch01_lstm_step", "ch02_last_relevant", "ch03_bptt_gradients", "ch04_perplexity_batching",
               "ch05_bidirectional")
LANGS = ("en", "es", "pt")
TIMEOUT = 5.0  # seconds per exercise in these tests


@pytest.fixture(scope="session", autouse=True)
def bubblewrap() -> str:
    """Install bubblewrap when it is missing: the grader must never be skipped."""
    if core.bwrap_available() is None:
        subprocess.run(["bash", str(COURSE / "tools" / "ensure_bwrap.sh")], check=True)
    path = core.bwrap_available()
    assert path, "bubblewrap could not be installed"
    return path


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _text(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


# --------------------------------------------------------------------------- sources and release
def test_languages_grade_alike():
    for assignment in ASSIGNMENTS:
        specs = core.load_assignment(COURSE, assignment)
        assert set(specs) == set(LANGS)
        spec = specs["en"]
        assert all(len(e.tests) == 2 and any(t.hidden for t in e.tests) for e in spec.exercises)
        for lang in LANGS:  # same test code in every language, apart from names and messages
            strip = lambda code: re.sub(r'"[^"\n]*"|#.*', "", code)  # noqa: E731
            assert [strip(t.code) for e in specs[lang].exercises for t in e.tests] == \
                   [strip(t.code) for e in spec.exercises for t in e.tests]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
@pytest.mark.parametrize("lang", LANGS)
def test_release_holds_no_solution_and_links_to_itself(assignment, lang):
    path = COURSE / "release" / assignment / f"{assignment}_{lang}.ipynb"
    text = path.read_text(encoding="utf-8")
    source = _nb(COURSE / "source" / assignment / f"{assignment}_{lang}.ipynb")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "_reference", "_rng"):
        assert marker not in text
    for cell in source["cells"]:  # no line of a solution or hidden test reaches the release
        inside = False
        for line in _text(cell).splitlines():
            if re.match(r"\s*### BEGIN (SOLUTION|HIDDEN TESTS)", line):
                inside = True
            elif re.match(r"\s*### END (SOLUTION|HIDDEN TESTS)", line):
                inside = False
            elif inside and len(line.strip()) > 12:
                assert line not in text, f"{path.name} leaks: {line.strip()}"
    notebook = _nb(path)
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in notebook["cells"] if c["cell_type"] == "code")
    badge = re.search(r"\(https://colab\.research\.google\.com/github/[^/]+/[^/]+/blob/[^/]+/([^)]+)\)",
                      _text(notebook["cells"][0]))
    assert badge and badge.group(1) == f"assignments/release/{assignment}/{path.name}"


def test_instructor_pages_link_every_release_notebook_and_nothing_else():
    """The book's instructor page, in each language, opens every student notebook in Colab, never a source."""
    from tools import colab_links

    repo, branch = colab_links.read_repository()
    for lang in LANGS:
        page = (ROOT / "book" / lang / "instructors.md").read_text(encoding="utf-8")
        links = set(re.findall(r"\]\((https://colab\.research\.google\.com/[^)\s]+)\)", page))
        wanted = {f"https://colab.research.google.com/github/{repo}/blob/{branch}/assignments/release/{a}/{a}_{l}.ipynb"
                  for a in ASSIGNMENTS for l in LANGS}
        assert links == wanted, f"book/{lang}/instructors.md: missing {sorted(wanted - links)}, extra {sorted(links - wanted)}"
        assert "python assignments/grade.py " in page
        assert not re.search(r"\]\([^)]*assignments/source", page), f"book/{lang}/instructors.md links to a source"


# --------------------------------------------------------------------------- prepared submissions
def _solutions(assignment: str) -> dict[str, str]:
    """The instructor's answers, markers stripped: the 'correct' submission."""
    notebook = _nb(COURSE / "source" / assignment / f"{assignment}_en.ipynb")
    answers = {}
    for cell in notebook["cells"]:
        match = core.MARKER.search(_text(cell))
        if match and cell["cell_type"] == "code":
            answers[match.group(1)] = re.sub(r"^\s*### (BEGIN|END) SOLUTION\n?", "", _text(cell), flags=re.MULTILINE)
    return answers


def _submission(assignment: str, lang: str = "en", **answers: str) -> dict:
    """A release notebook with some answer cells replaced, as a student would save it."""
    notebook = _nb(COURSE / "release" / assignment / f"{assignment}_{lang}.ipynb")
    for cell in notebook["cells"]:
        match = core.MARKER.search(_text(cell))
        if match and match.group(1) in answers:
            cell["source"] = answers[match.group(1)]
    return notebook


def _data_dir() -> Path:
    """The real MNIST files' parent: $COURSE_DATA_DIR when set, else ../shared/data (as tests/test_mnist.py)."""
    return Path(os.environ.get("COURSE_DATA_DIR", "").strip() or ROOT.parent / "shared" / "data")


def _colab_mangle(notebook: dict) -> dict:
    """What Colab and a student do to a notebook: strip metadata, add, delete, move and convert cells."""
    notebook = copy.deepcopy(notebook)
    notebook["metadata"] = {"colab": {"name": "Copy of x.ipynb", "provenance": []}, "kernelspec": {"name": "python3"}}
    for cell in notebook["cells"]:
        cell["metadata"] = {"id": "x" + str(id(cell))[-6:]}
        cell.pop("id", None)
    cells = notebook["cells"]
    answers = [c for c in cells if core.MARKER.search(_text(c))]
    tests = [c for c in cells if "Visible test" in _text(c) or "Hidden tests" in _text(c)]
    others = [c for c in cells if c not in answers and c not in tests]
    first, second = answers
    # first answer: marker line deleted; second: turned into markdown; both moved to the end
    first["source"] = "\n".join(line for line in _text(first).splitlines() if "EXERCISE:" not in line)
    second["cell_type"] = "markdown"
    second.pop("outputs", None)
    second.pop("execution_count", None)
    scratch = {"cell_type": "code", "metadata": {}, "execution_count": 3, "outputs": [],
               "source": "print('trying things')\n%time x = 1\n!ls"}
    notebook["cells"] = [scratch, *others, tests[0], second, first]  # three test cells deleted
    return notebook


def _hostile(assignment: str, attack: str) -> str:
    """An lstm_step answer that returns the right answer only if the attack succeeds."""
    return (
        "# EXERCISE: lstm_step\n"
        "def lstm_step(x, h_prev, c_prev, W, U, b):\n"
        f"{attack}\n"
        "    i = sigmoid(x @ W['i'] + h_prev @ U['i'] + b['i'])\n"
        "    f = sigmoid(x @ W['f'] + h_prev @ U['f'] + b['f'])\n"
        "    g = np.tanh(x @ W['c'] + h_prev @ U['c'] + b['c'])\n"
        "    o = sigmoid(x @ W['o'] + h_prev @ U['o'] + b['o'])\n"
        "    c = f * c_prev + i * g\n"
        "    return o * np.tanh(c), c\n"
    )


class _Listener:
    """A TCP server on the host's loopback that records every connection."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.server.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade one batch of prepared ch01 submissions (at least 20) and a few ch02 ones."""
    base = tmp_path_factory.mktemp("grading")
    subs, out = base / "submitted", base / "graded"
    canary = base / "canary"
    canary.mkdir()
    (canary / "other_result.json").write_text("{}")
    listener = _Listener()
    good = _solutions("ch01_lstm_step")
    lstm, forget = good["lstm_step"], good["steps_to_forget"]
    hidden_source = COURSE / "source" / "ch01_lstm_step" / "ch01_lstm_step_en.ipynb"
    alice_path = subs / "alice" / "ch01_lstm_step" / "ch01_lstm_step_en.ipynb"

    cases: dict[str, tuple[dict | str, float]] = {  # student -> (notebook, expected score out of 8)
        "alice": (_submission("ch01_lstm_step", **good), 8),
        "bruno_es": (_submission("ch01_lstm_step", "es", **good), 8),
        "carla_pt": (_submission("ch01_lstm_step", "pt", **good), 8),
        "untouched": (_submission("ch01_lstm_step"), 0),
        "partial": (_submission(  # visible test only for lstm_step (2/5); off by one on exact ties (1/3)
            "ch01_lstm_step",
            lstm_step=lstm.replace("    i = sigmoid", "    if x.shape != (1, 1):\n        return np.zeros_like(h_prev), c_prev\n    i = sigmoid"),
            steps_to_forget=forget.replace("kept >= fraction", "kept > fraction")), 3),
        "crash_call": (_submission("ch01_lstm_step", lstm_step=lstm.replace("    i = sigmoid", "    1 / 0\n    i = sigmoid"),
                                   steps_to_forget=forget), 3),
        "crash_cell": (_submission("ch01_lstm_step", lstm_step=lstm + "\nraise RuntimeError('oops')",
                                   steps_to_forget=forget), 3),
        "syntax": (_submission("ch01_lstm_step", lstm_step=lstm.replace("def lstm_step(", "def lstm_step(("),
                               steps_to_forget=forget), 3),
        "loop": (_submission("ch01_lstm_step", lstm_step=lstm.replace("    i = sigmoid", "    while True:\n        pass\n    i = sigmoid"),
                             steps_to_forget=forget), 3),
        "loop_cell": (_submission("ch01_lstm_step", lstm_step=lstm, steps_to_forget=forget + "\nwhile True:\n    pass"), 5),
        "memory": (_submission("ch01_lstm_step", lstm_step=lstm.replace(
            "    i = sigmoid", "    hog = []\n    while True:\n        hog.append(bytearray(10**8))\n    i = sigmoid"),
            steps_to_forget=forget), 3),
        "killed": (_submission("ch01_lstm_step", lstm_step=lstm.replace(
            "    i = sigmoid", "    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)\n    i = sigmoid"),
            steps_to_forget=forget), 3),
        "exits": (_submission("ch01_lstm_step", lstm_step=lstm + "\nimport sys\nsys.exit(0)", steps_to_forget=forget), 3),
        "noisy": (_submission("ch01_lstm_step", lstm_step=lstm.replace(
            "    i = sigmoid", "    import sys\n    print('debug', x)\n"
            "    sys.stderr.write('2026-01-01 I tensorflow/core/platform/cpu_feature_guard.cc:210] AVX2 FMA\\n' * 200)\n"
            "    i = sigmoid"), steps_to_forget=forget), 8),
        "Copy of ch01_lstm_step_en.ipynb": (_colab_mangle(_submission("ch01_lstm_step", **good)), 8),
        "emptied": (dict(_submission("ch01_lstm_step"),
                         cells=[c for c in _submission("ch01_lstm_step")["cells"] if not core.MARKER.search(_text(c))]), 0),
        "not_json": ("this is not a notebook {", 0),
        # hostile: each answer is right only if its attack succeeds
        "h_network": (_submission("ch01_lstm_step", steps_to_forget=forget, lstm_step=_hostile("ch01_lstm_step", (
            "    import socket\n"
            "    try:\n"
            "        socket.create_connection(('1.1.1.1', 80), timeout=2).close()\n"
            "    except OSError:\n"
            "        pass\n"
            f"    socket.create_connection(('127.0.0.1', {listener.port}), timeout=2).close()"))), 3),
        "h_read": (_submission("ch01_lstm_step", steps_to_forget=forget, lstm_step=_hostile("ch01_lstm_step", (
            f"    open({str(hidden_source)!r}).read()\n"
            f"    open({str(alice_path)!r}).read()"))), 3),
        "h_write": (_submission("ch01_lstm_step", steps_to_forget=forget, lstm_step=_hostile("ch01_lstm_step", (
            "    import os\n"
            "    for target in " + repr([str(canary / "other_result.json"), str(out / "grades.csv"),
                                          str(out / "results" / "alice.json"), str(alice_path), str(canary / "new")]) + ":\n"
            "        try:\n"
            "            os.makedirs(os.path.dirname(target), exist_ok=True)\n"
            "            open(target, 'w').write('{\"score\": 100}')\n"
            "        except OSError:\n"
            "            pass"))), 8),
        "h_monkeypatch": (_submission(
            "ch01_lstm_step",
            lstm_step=("# EXERCISE: lstm_step\n"
                       "import builtins, numpy\n"
                       "from course_utils import checks\n"
                       "checks.check_answer = lambda *args, **kwargs: None\n"
                       "numpy.testing.assert_allclose = lambda *args, **kwargs: None\n"
                       "builtins.AssertionError = type('Never', (Exception,), {})\n"
                       "def lstm_step(x, h_prev, c_prev, W, U, b):\n"
                       "    return np.zeros_like(h_prev), np.zeros_like(c_prev)\n"),
            steps_to_forget=("# EXERCISE: steps_to_forget\n"
                             "def steps_to_forget(forget_bias, fraction=0.01):\n"
                             "    return 0\n")), 0),
        "h_forge": (_submission(
            "ch01_lstm_step",
            lstm_step=("# EXERCISE: lstm_step\n"
                       "import os, sys\n"
                       "os.write(int(sys.argv[1]), b'{\"ok\": true, \"value\": null}\\n' * 20)\n"
                       "def lstm_step(x, h_prev, c_prev, W, U, b):\n"
                       "    return None\n"),
            steps_to_forget=forget), 3),
    }
    for copy_number in range(3):  # more correct ones, so the batch measures a realistic rate
        cases[f"zoe_{copy_number}"] = (_submission("ch01_lstm_step", **good), 8)
    for student, (notebook, _) in cases.items():
        if student.endswith(".ipynb"):
            path = subs / student
        else:
            path = subs / student / "ch01_lstm_step" / "ch01_lstm_step_en.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(notebook if isinstance(notebook, str) else json.dumps(notebook), encoding="utf-8")
    alice_before = alice_path.read_bytes()
    try:
        summary = batch.grade_folder(COURSE, "ch01_lstm_step", subs, out,
                                    core.Settings(timeout=TIMEOUT, memory_mb=768), jobs=os.cpu_count())
    finally:
        listener.close()
    expected = {name: score for name, (_, score) in cases.items()}
    return {"summary": summary, "out": out, "expected": expected, "listener": listener,
            "canary": canary, "alice": (alice_path, alice_before), "base": base}


def _rows(out: Path) -> dict[str, dict]:
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def _feedback(out: Path, student: str) -> str:
    """The feedback file of a student, found through its row (files are named by a slug and a hash)."""
    return (out / "feedback" / f"{_rows(out)[student]['file']}.md").read_text(encoding="utf-8")


def _result(out: Path, student: str) -> dict:
    return json.loads((out / "results" / f"{_rows(out)[student]['file']}.json").read_text(encoding="utf-8"))


def test_every_prepared_submission_gets_its_expected_score(graded):
    rows = _rows(graded["out"])
    assert set(rows) == set(graded["expected"])
    got = {student: float(rows[student]["score"]) for student in rows}
    assert got == graded["expected"]
    assert len(rows) >= 20
    summary = graded["summary"]
    print(f"\n{len(rows)} submissions in {summary['seconds']:.1f} s on {summary['jobs']} workers: "
          f"{summary['per_minute']:.0f} submissions/minute")


def test_scores_are_per_test(graded):
    result = _result(graded["out"], "partial")
    tests = {t["grade_id"]: t["passed"] for e in result["exercises"].values() for t in e["tests"]}
    assert tests == {"test_lstm_step_visible": True, "test_lstm_step_hidden": False,
                     "test_steps_to_forget_visible": True, "test_steps_to_forget_hidden": False}


@pytest.mark.parametrize("student, reason", [
    ("crash_call", "ZeroDivisionError"),
    ("crash_cell", "RuntimeError: oops"),
    ("syntax", "SyntaxError"),
    ("loop", "timed out"),
    ("loop_cell", "timed out"),
    ("memory", "MemoryError"),
    ("killed", "SIGKILL"),
    ("exits", "SystemExit"),
    ("untouched", "NotImplementedError"),
])
def test_failures_score_zero_with_the_reason_recorded(graded, student, reason):
    feedback = _feedback(graded["out"], student)
    assert reason in feedback
    assert _rows(graded["out"])[student]["lstm_step" if student != "loop_cell" else "steps_to_forget"] == "0"


def test_colab_mangled_notebook_is_found_graded_and_flagged(graded):
    row = _rows(graded["out"])["Copy of ch01_lstm_step_en.ipynb"]
    assert row["score"] == "8" and row["needs_review"] == "yes"
    assert "line is missing" in row["flags"] and "turned into markdown" in row["flags"]


@pytest.mark.parametrize("student, flag", [("emptied", "no answer found"), ("not_json", "could not be read")])
def test_ungradable_submissions_are_flagged_never_silently_zero(graded, student, flag):
    row = _rows(graded["out"])[student]
    assert row["score"] == "0" and row["needs_review"] == "yes" and flag in row["flags"]


def test_languages_are_recognised(graded):
    rows = _rows(graded["out"])
    assert (rows["alice"]["language"], rows["bruno_es"]["language"], rows["carla_pt"]["language"]) == ("en", "es", "pt")


def test_hostile_network_attempt_fails(graded):
    assert graded["listener"].connections == 0
    feedback = _feedback(graded["out"], "h_network")
    assert "Connection refused" in feedback  # the sandbox's own, empty loopback
    assert _rows(graded["out"])["h_network"]["lstm_step"] == "0"


def test_hostile_read_of_hidden_tests_and_other_submissions_fails(graded):
    assert "FileNotFoundError" in _feedback(graded["out"], "h_read")


def test_hostile_writes_change_nothing_outside_the_sandbox(graded):
    canary = graded["canary"]
    assert sorted(p.name for p in canary.iterdir()) == ["other_result.json"]
    assert (canary / "other_result.json").read_text() == "{}"
    alice_path, before = graded["alice"]
    assert alice_path.read_bytes() == before
    assert _result(graded["out"], "alice")["score"] == 8


def test_hostile_monkeypatch_and_forged_replies_do_not_change_the_verdict(graded):
    rows = _rows(graded["out"])
    assert rows["h_monkeypatch"]["score"] == "0"
    assert rows["h_forge"]["lstm_step"] == "0"


def test_grades_in_parallel_at_a_useful_rate(graded):
    summary = graded["summary"]
    assert summary["jobs"] == os.cpu_count()
    assert summary["per_minute"] > 20  # measured about 60-100/minute on 2 shared cores


def test_command_line_grades_chapter_02(tmp_path):
    """The documented command, on ch02: correct (es, pt), partial, and an untouched notebook."""
    good = _solutions("ch02_last_relevant")
    subs = tmp_path / "submitted"
    cases = {
        "ana": (_submission("ch02_last_relevant", "es", **good), "8"),
        "beto": (_submission("ch02_last_relevant", "pt", **good), "8"),
        "caio": (_submission(  # off by one in ex. 1 (0/5), padding counted in ex. 2 (visible only, 1/3)
            "ch02_last_relevant",
            last_relevant_flat=good["last_relevant_flat"].replace("(np.asarray(lengths) - 1)", "np.asarray(lengths)"),
            wrongly_masked=good["wrongly_masked"].replace(" & real", "")), "1"),
        "dora": (_submission("ch02_last_relevant"), "0"),
    }
    for student, (notebook, _) in cases.items():
        (subs / student).mkdir(parents=True)
        (subs / student / f"Copy of {student}.ipynb").write_text(json.dumps(notebook))
    started = time.monotonic()
    run = subprocess.run([sys.executable, str(COURSE / "grade.py"), "ch02_last_relevant", str(subs),
                          "--out", str(tmp_path / "out"), "--timeout", str(TIMEOUT)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "submissions/minute" in run.stdout
    rows = _rows(tmp_path / "out")
    assert {s: rows[s]["score"] for s in rows} == {s: score for s, (_, score) in cases.items()}
    assert time.monotonic() - started < 120
    assert "Score: 1 / 8" in _feedback(tmp_path / "out", "caio")


# --------------------------------------------------------------------------- chapters 3 to 5
def _wrong(assignment: str) -> tuple[dict[str, str], dict[str, bool], float]:
    """A plausible wrong submission: its answers, which tests pass, and its expected score."""
    good = _solutions(assignment)
    if assignment == "ch03_bptt_gradients":
        return ({  # db sized for the visible test only; clipping even below max_norm
            "rnn_backward": good["rnn_backward"].replace("np.zeros(U.shape[0])", "np.zeros(3)"),
            "clip_by_global_norm": good["clip_by_global_norm"].replace("max(global_norm, max_norm)", "global_norm"),
        }, {"test_rnn_backward_visible": True, "test_rnn_backward_hidden": False,
            "test_clip_by_global_norm_visible": True, "test_clip_by_global_norm_hidden": False}, 3)
    if assignment == "ch04_perplexity_batching":
        return ({  # a softmax that overflows; no ValueError for bad arguments
            "perplexity": good["perplexity"].replace("logits - logits.max(axis=-1, keepdims=True)", "logits"),
            "batchify": good["batchify"].replace("raise ValueError", "pass  #"),
        }, {"test_perplexity_visible": True, "test_perplexity_hidden": False,
            "test_batchify_visible": True, "test_batchify_hidden": False}, 4)
    if assignment == "ch05_bidirectional":
        return ({  # breaks on length 0; a learning rate too small to learn anything in one epoch
            "reverse_padded": good["reverse_padded"].replace("x[i, :length][::-1]", "x[i, length - 1::-1]"),
            "build_model": good["build_model"].replace("learning_rate=0.01", "learning_rate=1e-7"),
        }, {"test_reverse_padded_visible": True, "test_reverse_padded_hidden": False,
            "test_build_model_visible": True, "test_build_model_hidden": False}, 3)
    raise KeyError(assignment)


@pytest.mark.parametrize("assignment", ["ch03_bptt_gradients", "ch04_perplexity_batching", "ch05_bidirectional"])
def test_chapters_3_to_5_grade_prepared_submissions(assignment, tmp_path, monkeypatch):
    """Correct (full marks, es and pt), wrong (partial, per test), Colab-mangled and untouched submissions.

    Chapter 5's grader trains each submitted Keras model on real MNIST digits in the sandbox, so it gets
    two cases: a correct one, and a wrong one whose model trains but stays below the accuracy bar.
    """
    monkeypatch.setenv("COURSE_DATA_DIR", str(_data_dir()))
    specs = core.load_assignment(COURSE, assignment)
    full = specs["en"].points
    good = _solutions(assignment)
    wrong, passed, wrong_score = _wrong(assignment)
    cases = {"ana_es": (_submission(assignment, "es", **good), full),
             "wrong": (_submission(assignment, **wrong), wrong_score)}
    if assignment != "ch05_bidirectional":  # ch05's sandboxes import TensorFlow and train: two cases only
        cases["bia_pt"] = (_submission(assignment, "pt", **good), full)
        cases["Copy of mangled.ipynb"] = (_colab_mangle(_submission(assignment, **good)), full)
        cases["untouched"] = (_submission(assignment), 0)
    if assignment == "ch04_perplexity_batching":  # redefining the setup's helper changes nothing
        cases["h_helper"] = (_submission(assignment, perplexity=good["perplexity"], batchify=good["batchify"] + (
            "\n\ndef run_batchify(token_ids, batch_size, num_steps):\n    return 'ValueError'\n")), 10)
    if assignment == "ch05_bidirectional":  # a look-alike that is not a Keras model: a NumPy nearest-centroid classifier
        cases["lookalike"] = (_submission(assignment, reverse_padded=good["reverse_padded"], build_model=(
            "# EXERCISE: build_model\n"
            "class _Layer:\n    units = 32\n    forward_layer = None\n"
            "class _Centroids:\n"
            "    compiled = True\n    input_shape = (None, 28, 28)\n    output_shape = (None, 10)\n"
            "    def __init__(self, units):\n        self.layers = []\n"
            "    def fit(self, x, y, **kwargs):\n"
            "        x = np.asarray(x).reshape(len(x), -1)\n"
            "        self.centres = np.stack([x[np.asarray(y) == k].mean(axis=0) for k in range(10)])\n"
            "    def predict(self, x, **kwargs):\n"
            "        x = np.asarray(x).reshape(len(x), -1)\n"
            "        return -((x[:, None, :] - self.centres[None]) ** 2).sum(axis=-1)\n"
            "def build_model(units=32):\n    return _Centroids(units)\n")), 3)
    subs = tmp_path / "submitted"
    for student, (notebook, _) in cases.items():
        path = subs / student if student.endswith(".ipynb") else subs / student / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(notebook), encoding="utf-8")
    summary = batch.grade_folder(COURSE, assignment, subs, tmp_path / "out",
                                core.Settings(timeout=TIMEOUT, memory_mb=1024), jobs=os.cpu_count())
    rows = _rows(tmp_path / "out")
    assert {s: float(r["score"]) for s, r in rows.items()} == \
           {s: float(score) for s, (_, score) in cases.items()}, \
           {s: (graded_tests(tmp_path / "out", s)) for s in rows}
    assert graded_tests(tmp_path / "out", "wrong") == passed
    assert rows["ana_es"]["language"] == "es" and rows.get("bia_pt", {"language": "pt"})["language"] == "pt"
    if "lookalike" in rows:
        assert graded_tests(tmp_path / "out", "lookalike")["test_build_model_hidden"] is False
    if "Copy of mangled.ipynb" in rows:
        mangled = rows["Copy of mangled.ipynb"]
        assert mangled["needs_review"] == "yes" and "turned into markdown" in mangled["flags"]
    if assignment == "ch05_bidirectional":
        assert summary["settings"].timeout >= 120 and summary["settings"].memory_mb >= 3072  # the assignment's own limits
        assert "on 500 test digits after one epoch" in _feedback(tmp_path / "out", "wrong")  # below the bar
    print(f"\n{assignment}: {len(rows)} submissions in {summary['seconds']:.1f} s ({summary['per_minute']:.0f}/minute)")


def graded_tests(out: Path, student: str) -> dict[str, bool]:
    result = _result(out, student)
    return {t["grade_id"]: t["passed"] for e in result["exercises"].values() for t in e["tests"]}


def test_sandbox_only_setup_runs_only_in_the_sandbox():
    """Helpers that call the student's code (train a Keras model) are proxies in the grader, never run there."""
    spec = core.load_assignment(COURSE, "ch05_bidirectional")["en"]
    assert spec.sandbox_names == ("export_model",)  # the student's side only exports the model's configuration
    assert "safe_mode=True" in spec.trusted_preamble and "def train_and_predict" in spec.trusted_preamble
    assert dict(spec.limits) == {"timeout": 120, "startup_timeout": 120, "memory_mb": 3072}
    raised = core.Settings(timeout=5, memory_mb=4096).at_least(spec.limits)
    assert (raised.timeout, raised.memory_mb, raised.startup_timeout) == (120, 4096, 120)
    assert core.load_assignment(COURSE, "ch04_perplexity_batching")["es"].sandbox_names == ("run_batchify",)


# --------------------------------------------------------------------------- issue 15, class 1: runs wherever cloned
def test_grades_from_a_clone_and_a_venv_under_tmp_with_spaces(tmp_path_factory):
    """A checkout and a virtual environment under /tmp, in folders with spaces, with course_utils installed
    non-editable (copied into the venv's site-packages): the sandbox still finds Python and the packages."""
    import site
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="grading clone ", dir="/tmp"))
    try:
        clone = base / "course copy"
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True, timeout=120)
        for part in ("assignments", "course_utils"):  # the working tree's version, committed or not
            shutil.rmtree(clone / part)
            shutil.copytree(ROOT / part, clone / part, ignore=shutil.ignore_patterns("__pycache__", "graded"))
        venv = base / "venv with space"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
        packages = next(venv.glob("lib/python3*/site-packages"))
        (packages / "course_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
        shutil.copytree(clone / "course_utils", packages / "course_utils")  # a non-editable install
        subs = base / "sub missions"
        good = _solutions("ch01_lstm_step")
        for student, notebook in {"alice": _submission("ch01_lstm_step", **good),
                                  "bob": _submission("ch01_lstm_step")}.items():
            (subs / student).mkdir(parents=True)
            (subs / student / "ch01_lstm_step_en.ipynb").write_text(json.dumps(notebook))
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        run = subprocess.run([str(venv / "bin" / "python"), "assignments/grade.py", "ch01_lstm_step", str(subs),
                              "--out", str(base / "out put"), "--jobs", "1", "--timeout", str(TIMEOUT)],
                             cwd=clone, env=env, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr[-3000:]
        rows = _rows(base / "out put")
        assert {s: r["score"] for s, r in rows.items()} == {"alice": "8", "bob": "0"}, rows
        check = subprocess.run([str(venv / "bin" / "python"), "-c",
                                "import course_utils; print(course_utils.__file__)"],
                               cwd="/", env=env, capture_output=True, text=True, timeout=120)
        assert check.stdout.startswith(str(packages)), check  # the copy in the venv, not the checkout
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_sandbox_that_cannot_start_stops_the_batch_before_anyone_is_graded(tmp_path, monkeypatch):
    broken = tmp_path / "bwrap"
    broken.write_text("#!/bin/sh\necho 'bwrap: Creating new namespace failed: Operation not permitted' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setattr(core, "bwrap_available", lambda: str(broken))
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    (subs / "alice" / "a.ipynb").write_text(json.dumps(_submission("ch01_lstm_step", **_solutions("ch01_lstm_step"))))
    with pytest.raises(core.GraderError, match="(?s)sandbox cannot start.*Creating new namespace failed"):
        batch.grade_folder(COURSE, "ch01_lstm_step", subs, tmp_path / "out", core.Settings(timeout=TIMEOUT), jobs=1)
    assert not (tmp_path / "out" / "grades.csv").exists()


# --------------------------------------------------------------------------- class 2: one submission never costs the rest
def _forge_then_block() -> str:
    """Student code that forges the reply to its own request (the id is on the runner's frame), then stops reading."""
    return ("import json, os, sys, time\n"
            "_f = sys._getframe()\n"
            "while _f is not None and 'request' not in _f.f_locals:\n"
            "    _f = _f.f_back\n"
            "os.write(int(sys.argv[1]), json.dumps({'ok': True, 'value': None, 'id': _f.f_locals['request']['id']}).encode() + b'\\n')\n"
            "time.sleep(1000)\n")


def test_writes_to_a_sandbox_that_stopped_reading_have_a_deadline():
    import numpy as np

    spec = core.load_assignment(COURSE, "ch01_lstm_step")["en"]
    session = core._Session(spec, core.Settings(timeout=3))
    outcome: dict = {}

    def attack():
        try:
            session.deadline = time.monotonic() + 60
            session.start()
            session.deadline = time.monotonic() + 3
            session.define(_forge_then_block(), "forge")  # the forged reply arrives: define "succeeds"
            session.call("lstm_step", (np.zeros(400_000),), {})  # 4 MB: far more than a pipe holds
        except core.SandboxFailure as error:
            outcome["error"] = str(error)
        finally:
            session.close()

    thread = threading.Thread(target=attack, daemon=True)
    thread.start()
    thread.join(90)
    assert not thread.is_alive(), "the grader blocked writing to the sandbox"
    assert "stopped reading" in outcome.get("error", "") or "timed out" in outcome.get("error", "")


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory):
    """Submissions that broke, hung or crashed the whole batch before issue 15, next to good ones."""
    base = tmp_path_factory.mktemp("hostile")
    subs, out = base / "subs", base / "out"
    subs.mkdir()
    good = _solutions("ch01_lstm_step")
    lstm, forget = good["lstm_step"], good["steps_to_forget"]
    source = COURSE / "source" / "ch01_lstm_step" / "ch01_lstm_step_en.ipynb"

    def write(name: str, notebook) -> Path:
        path = subs / name
        data = notebook if isinstance(notebook, bytes) else json.dumps(notebook).encode()
        path.write_bytes(data)
        return path

    write("good_1.ipynb", _submission("ch01_lstm_step", **good))
    write("reply_brackets.ipynb", _submission("ch01_lstm_step", steps_to_forget=forget, lstm_step=(
        "# EXERCISE: lstm_step\nimport os, sys\nos.write(int(sys.argv[1]), b'[' * 200000 + b'\\n')\n" + lstm)))
    write("unary_minus.ipynb", _submission("ch01_lstm_step", steps_to_forget=forget,
                                           lstm_step="# EXERCISE: lstm_step\nx = " + "-" * 100_000 + "1\n" + lstm))
    write("long_sum.ipynb", _submission("ch01_lstm_step", steps_to_forget=forget,
                                        lstm_step="# EXERCISE: lstm_step\nx = " + "+".join(["1"] * 200_000) + "\n" + lstm))
    number_source = _submission("ch01_lstm_step", **good)
    number_source["cells"][3]["source"] = ["x = 1\n", 42]
    write("number_in_source.ipynb", number_source)
    write("deep_json.ipynb", b"[" * 200_000 + b"]" * 200_000)
    os.symlink("/dev/zero", subs / "zero.ipynb")
    os.mkfifo(subs / "fifo.ipynb")
    write("forge_block.ipynb", _submission("ch01_lstm_step", steps_to_forget=forget,
                                           lstm_step="# EXERCISE: lstm_step\n" + _forge_then_block()))
    backtrack = _submission("ch01_lstm_step")  # no marker anywhere, a cell that is not Python, 200 KB of blank lines
    backtrack["cells"] = [c for c in backtrack["cells"] if not core.MARKER.search(_text(c))]
    backtrack["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                               "source": "def lstm_step(:\n" + " \n" * 100_000 + "x"})
    write("backtrack.ipynb", backtrack)
    write("surrogate.ipynb", _submission("ch01_lstm_step", steps_to_forget=forget, lstm_step=lstm.replace(
        "    i = sigmoid", "    raise ValueError('\\ud800 broken \\udfff')\n    i = sigmoid")))
    write(os.fsdecode(b"Jos\xe9 Latin-1.ipynb"), _submission("ch01_lstm_step", **good))
    big = _submission("ch01_lstm_step", **good)
    big["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "x" * (17 * 1024 * 1024)})
    write("big.ipynb", big)
    # links are never followed: to the instructor's source (all solutions) or to a classmate's file
    os.symlink(source, subs / "link_to_source.ipynb")
    (subs / "friend").mkdir()
    os.symlink(subs / "good_1.ipynb", subs / "friend" / "mine.ipynb")
    # limits per sandbox: /tmp is a sized RAM disk, whatever the process limits
    write("fill_tmp.ipynb", _submission("ch01_lstm_step", steps_to_forget=forget, lstm_step=_hostile("ch01_lstm_step", (
        "    for n in range(30):  # 300 MB in files of 10 MB, each under the per-file limit\n"
        "        with open(f'/tmp/fill{n}', 'wb') as handle:\n"
        "            handle.write(b'x' * (10 << 20))"))))
    write("fork_children.ipynb", _submission("ch01_lstm_step", steps_to_forget=forget, lstm_step=_hostile("ch01_lstm_step", (
        "    import os, time\n"
        "    children = []\n"
        "    for _ in range(300):\n"
        "        pid = os.fork()\n"
        "        if pid == 0:\n"
        "            time.sleep(30)\n"
        "            os._exit(0)\n"
        "        children.append(pid)"))))
    write("memory_children.ipynb", _submission("ch01_lstm_step", steps_to_forget=forget, lstm_step=_hostile("ch01_lstm_step", (
        "    import os, time\n"
        "    pipes = []\n"
        "    for _ in range(4):  # 4 children of 500 MB each: 2 GB in all, under a 1 GiB sandbox\n"
        "        r, w = os.pipe()\n"
        "        if os.fork() == 0:\n"
        "            block = bytearray(500 << 20)\n"
        "            block[::4096] = b'x' * len(block[::4096])\n"
        "            os.write(w, b'1')\n"
        "            time.sleep(30)\n"
        "            os._exit(0)\n"
        "        os.close(w)\n"
        "        pipes.append(r)\n"
        "    for r in pipes:  # each child says it holds its memory, or its pipe closes because it was killed\n"
        "        assert os.read(r, 1) == b'1'\n"))))
    write("good_2.ipynb", _submission("ch01_lstm_step", **good))
    started = time.monotonic()
    summary = batch.grade_folder(COURSE, "ch01_lstm_step", subs, out, core.Settings(timeout=TIMEOUT, memory_mb=1024),
                                 jobs=2)
    return {"out": out, "subs": subs, "summary": summary, "seconds": time.monotonic() - started}


@pytest.mark.parametrize("student, score, reason", [
    ("good_1.ipynb", "8", ""),
    ("good_2.ipynb", "8", ""),
    ("reply_brackets.ipynb", "3", "grading protocol"),
    ("unary_minus.ipynb", "3", ""),
    ("long_sum.ipynb", "3", ""),
    ("number_in_source.ipynb", "0", "source is not text"),
    ("deep_json.ipynb", "0", "nested too deeply"),
    ("zero.ipynb", "0", "symbolic link"),
    ("fifo.ipynb", "0", "not a regular file"),
    ("forge_block.ipynb", "3", ""),
    ("backtrack.ipynb", "0", ""),
    ("surrogate.ipynb", "3", ""),
    ("Jos\\xe9 Latin-1.ipynb", "8", ""),
    ("big.ipynb", "0", "over the limit"),
    ("link_to_source.ipynb", "0", "symbolic link"),
    ("friend", "0", "symbolic link"),
    ("fill_tmp.ipynb", "3", ""),
])
def test_every_hostile_submission_gets_its_own_row_and_nothing_else_breaks(hostile_batch, student, score, reason):
    rows = _rows(hostile_batch["out"])
    assert student in rows, sorted(rows)
    assert rows[student]["score"] == score, (rows[student], _feedback(hostile_batch["out"], student))
    assert reason in rows[student]["flags"] + _feedback(hostile_batch["out"], student)
    if reason:
        assert rows[student]["needs_review"] == "yes"


def test_hostile_batch_has_one_row_per_entry_and_texts_are_clean(hostile_batch):
    entries = {os.fsencode(p.name).decode("utf-8", "backslashreplace") for p in hostile_batch["subs"].iterdir()}
    assert set(_rows(hostile_batch["out"])) == entries
    feedback = _feedback(hostile_batch["out"], "surrogate.ipynb")
    assert "\\ud800 broken" in feedback  # the lone surrogate, written as an escape


def test_limits_hold_per_sandbox_or_the_fallback_is_reported(hostile_batch):
    """Forked children share one memory and process budget (cgroups), or the summary says they cannot."""
    rows = _rows(hostile_batch["out"])
    if hostile_batch["summary"]["limits"] == "ok":
        assert rows["fork_children.ipynb"]["lstm_step"] == "0", _feedback(hostile_batch["out"], "fork_children.ipynb")
        assert rows["memory_children.ipynb"]["lstm_step"] == "0", _feedback(hostile_batch["out"], "memory_children.ipynb")
    else:
        assert "cgroups unavailable" in hostile_batch["summary"]["limits"]


def test_a_worker_past_the_hard_limit_is_killed_and_its_row_flagged(tmp_path):
    good = _solutions("ch01_lstm_step")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "slow.ipynb").write_text(json.dumps(_submission("ch01_lstm_step", steps_to_forget=good["steps_to_forget"],
                                                            lstm_step=good["lstm_step"] + "\nimport time\ntime.sleep(60)\n")))
    (subs / "quick.ipynb").write_text(json.dumps(_submission("ch01_lstm_step", **good)))
    summary = batch.grade_folder(COURSE, "ch01_lstm_step", subs, tmp_path / "out",
                                 core.Settings(timeout=30, hard_limit=20), jobs=1)
    rows = _rows(tmp_path / "out")
    assert rows["quick.ipynb"]["score"] == "8"
    assert rows["slow.ipynb"]["score"] == "0" and "did not finish within 20 s" in rows["slow.ipynb"]["flags"]
    assert len(summary["results"]) == 2


def test_an_interrupted_batch_keeps_its_rows_and_resumes(tmp_path):
    good = _solutions("ch01_lstm_step")
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    for name in ("a", "b", "c"):
        (subs / f"{name}.ipynb").write_text(json.dumps(_submission("ch01_lstm_step", **good)))
    (subs / "z_slow.ipynb").write_text(json.dumps(_submission("ch01_lstm_step", **dict(
        good, lstm_step=good["lstm_step"].replace("    i = sigmoid", "    while True:\n        pass\n    i = sigmoid")))))
    command = [sys.executable, str(COURSE / "grade.py"), "ch01_lstm_step", str(subs), "--out", str(out),
               "--jobs", "1", "--timeout", "60"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not ((out / "grades.csv").exists() and len(_rows(out)) >= 3):
            time.sleep(0.5)
    finally:
        os.killpg(process.pid, 9)  # interrupted while it grades the slow one
        process.wait()
        for _ in range(100):  # until its workers are gone too
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
    assert {s: r["score"] for s, r in _rows(out).items()} == {"a.ipynb": "8", "b.ipynb": "8", "c.ipynb": "8"}
    (subs / "z_slow.ipynb").write_text(json.dumps(_submission("ch01_lstm_step", **good)))  # fixed meanwhile
    summary = batch.grade_folder(COURSE, "ch01_lstm_step", subs, out, core.Settings(timeout=TIMEOUT), jobs=1)
    assert summary["reused"] == 3
    assert {s: r["score"] for s, r in _rows(out).items()} == {f"{n}.ipynb": "8" for n in ("a", "b", "c", "z_slow")}
    from grading import limiting

    killed = [p for p in Path("/sys/fs/cgroup").glob("**/grading-*-*")  # cgroups of the killed run: removed
              if not limiting._alive(p.name.split("-")[1])]
    assert killed == []


# --------------------------------------------------------------------------- class 3: no unearned points
def test_ch03_finite_differences_do_not_pass_the_bptt_tests(tmp_path):
    good = _solutions("ch03_bptt_gradients")
    numeric = ("# EXERCISE: rnn_backward\n"
               "def rnn_backward(xs, hs, W, U, dhs):\n"
               "    h0 = np.array(hs[0], dtype=float)\n"
               "    b = np.arctanh(hs[1]) - xs[0] @ W - h0 @ U\n"
               "    W, U = np.array(W, dtype=float), np.array(U, dtype=float)\n"
               "    loss = lambda: np.sum(dhs * rnn_forward(xs, h0, W, U, b)[1:])\n"
               "    return tuple(numerical_gradient(loss, p) for p in (W, U, b, h0))\n")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "numeric.ipynb").write_text(json.dumps(_submission("ch03_bptt_gradients", rnn_backward=numeric,
                                                               clip_by_global_norm=good["clip_by_global_norm"])))
    (subs / "bptt.ipynb").write_text(json.dumps(_submission("ch03_bptt_gradients", **good)))
    batch.grade_folder(COURSE, "ch03_bptt_gradients", subs, tmp_path / "out", core.Settings(timeout=10), jobs=2)
    assert graded_tests(tmp_path / "out", "numeric.ipynb") == {
        "test_rnn_backward_visible": True, "test_rnn_backward_hidden": False,
        "test_clip_by_global_norm_visible": True, "test_clip_by_global_norm_hidden": True}
    assert _rows(tmp_path / "out")["bptt.ipynb"]["score"] == "9"


@pytest.mark.parametrize("rebinding", [
    "if True:\n    def run_batchify(token_ids, batch_size, num_steps):\n        return REFERENCE(token_ids, batch_size, num_steps)\n",
    "globals()['run_batchify'] = lambda token_ids, batch_size, num_steps: REFERENCE(token_ids, batch_size, num_steps)\n",
])
def test_setup_helpers_cannot_be_rebound_by_the_student(tmp_path, rebinding):
    """ch04: a wrong batchify plus a rebound run_batchify that returns the reference's batches earns nothing."""
    good = _solutions("ch04_perplexity_batching")
    wrong, _, _ = _wrong("ch04_perplexity_batching")
    reference = ("def REFERENCE(token_ids, batch_size, num_steps):\n"
                 "    if batch_size < 1 or num_steps < 1 or (len(token_ids) // batch_size - 1) // num_steps < 1:\n"
                 "        return 'ValueError'\n"
                 "    rows = np.asarray(token_ids)[:batch_size * (len(token_ids) // batch_size)].reshape(batch_size, -1)\n"
                 "    return [(rows[:, k * num_steps:(k + 1) * num_steps], rows[:, k * num_steps + 1:(k + 1) * num_steps + 1])\n"
                 "            for k in range((rows.shape[1] - 1) // num_steps)]\n")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "cheat.ipynb").write_text(json.dumps(_submission(
        "ch04_perplexity_batching", perplexity=good["perplexity"],
        batchify=wrong["batchify"] + "\n" + reference + rebinding)))
    batch.grade_folder(COURSE, "ch04_perplexity_batching", subs, tmp_path / "out", core.Settings(timeout=TIMEOUT), jobs=1)
    assert graded_tests(tmp_path / "out", "cheat.ipynb")["test_batchify_hidden"] is False
    assert _rows(tmp_path / "out")["cheat.ipynb"]["score"] == "7"


# --------------------------------------------------------------------------- class 4: real downloads
def _colab_py(notebook: dict) -> str:
    """What Colab's File > Download > Download .py writes: code cells in a row, markdown as comments."""
    parts = ['# -*- coding: utf-8 -*-\n"""Copy of ch01_lstm_step_en.ipynb\n\nAutomatically generated by Colab.\n"""\n']
    for cell in notebook["cells"]:
        text = _text(cell)
        if cell["cell_type"] == "markdown":
            parts.append("\n".join("# " + line for line in text.splitlines()) + "\n")
        else:
            parts.append(text + "\n")
    return "\n".join(parts)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    """Correct answers saved the many ways Colab, Jupyter, LMSs and students save them."""
    import nbformat

    base = tmp_path_factory.mktemp("downloads")
    subs, out = base / "subs", base / "out"
    subs.mkdir()
    good = _solutions("ch01_lstm_step")
    lstm, forget = good["lstm_step"], good["steps_to_forget"]
    stub = _submission("ch01_lstm_step")
    plain = _submission("ch01_lstm_step", **good)
    text = json.dumps(plain, ensure_ascii=False)

    def cell(source: str, kind: str = "code") -> dict:
        return {"cell_type": kind, "metadata": {}, "source": source,
                **({"execution_count": None, "outputs": []} if kind == "code" else {})}

    def with_cells(notebook: dict, edit) -> dict:
        notebook = copy.deepcopy(notebook)
        edit(notebook["cells"])
        return notebook

    def index_of(cells, grade_id):
        return next(i for i, c in enumerate(cells) if f"EXERCISE: {grade_id}" in _text(c))

    def in_test_cell(cells):  # the stub left in the marked cell, the answer typed at the top of the test cell
        i = index_of(cells, "lstm_step")
        cells[i + 1] = cell(lstm.replace("# EXERCISE: lstm_step\n", "") + "\n" + _text(cells[i + 1]))
        cells[i] = cell(_text(stub["cells"][i]))

    def helper_cell(cells):  # the answer calls the student's own helper, defined in a cell of its own above
        i = index_of(cells, "lstm_step")
        cells[i] = cell(lstm.replace("sigmoid(", "my_sigmoid("))
        cells.insert(i, cell("import math\nSCALE = 1.0\n\ndef my_sigmoid(z):\n    return SCALE / (1 + np.exp(-z))\n\n"
                             "print(my_sigmoid(0.0))\n"))

    def split(cells):  # Colab's "split cell" between the import and the definition
        i = index_of(cells, "lstm_step")
        cells[i:i + 1] = [cell("# EXERCISE: lstm_step\nimport numpy as np\n"),
                          cell(lstm.replace("# EXERCISE: lstm_step\n", ""))]

    cases: dict[str, bytes] = {
        "v3.ipynb": nbformat.writes(nbformat.convert(nbformat.reads(json.dumps(plain), 4), 3)).encode(),
        "bom.ipynb": b"\xef\xbb\xbf" + text.encode(),
        "cp1252.ipynb": json.dumps(with_cells(plain, lambda c: c.append(cell("CAFE", "markdown")))).encode()
                        .replace(b'"CAFE"', "\"Caf\u00e9 \u2013 \u00fcber\"".encode("cp1252")),
        "utf16.ipynb": text.encode("utf-16"),
        "UPPER.IPYNB": text.encode(),
        "lms.ipynb.json": text.encode(),
        "colab.py": _colab_py(plain).encode(),
        "percent.py": ("# %%\nimport numpy as np\n\n# %%\n" + lstm + "\n# %%\n" + forget + "\n").encode(),
        "below.ipynb": json.dumps(with_cells(stub, lambda c: (
            c.insert(index_of(c, "lstm_step") + 1, cell(lstm.replace("# EXERCISE: lstm_step\n", ""))),
            c.insert(index_of(c, "steps_to_forget") + 1, cell(forget.replace("# EXERCISE: steps_to_forget\n", "")))))).encode(),
        "in_test_cell.ipynb": json.dumps(with_cells(plain, in_test_cell)).encode(),
        "split.ipynb": json.dumps(with_cells(plain, split)).encode(),
        "helper_cell.ipynb": json.dumps(with_cells(plain, helper_cell)).encode(),
        "cell_magic.ipynb": json.dumps(_submission("ch01_lstm_step", lstm_step="%%time\n" + lstm,
                                                   steps_to_forget=forget + "\n%time check = steps_to_forget(1.0)\n")).encode(),
        "colab_extras.ipynb": json.dumps(_submission("ch01_lstm_step", steps_to_forget=forget, lstm_step=(
            "# EXERCISE: lstm_step\nfrom google.colab import drive\nimport asyncio\nawait asyncio.sleep(0)\n"
            "ok = (1\n!= 2)\n%time z = 1\n!ls\n" + lstm.replace("# EXERCISE: lstm_step\n", "") + "\ndisplay(ok)\n"))).encode(),
        "crlf.ipynb": json.dumps(with_cells(plain, lambda c: [x.__setitem__("source", [line.replace("\n", "\r\n") for line in
                                                                                    _text(x).splitlines(keepends=True)])
                                                              for x in c])).encode(),
    }
    for name, data in cases.items():
        (subs / name).write_bytes(data)
    (subs / ".maria").mkdir()
    (subs / ".maria" / "ch01_lstm_step_en.ipynb").write_bytes(text.encode())
    summary = batch.grade_folder(COURSE, "ch01_lstm_step", subs, out, core.Settings(timeout=TIMEOUT), jobs=2)
    return {"out": out, "names": [*cases, ".maria"], "summary": summary}


def test_real_downloads_with_correct_answers_get_full_marks(downloads):
    rows = _rows(downloads["out"])
    assert set(rows) == set(downloads["names"])
    wrong = {s: (r["score"], r["flags"]) for s, r in rows.items() if r["score"] != "8"}
    assert not wrong, wrong


def test_split_and_moved_answers_are_flagged_for_review(downloads):
    rows = _rows(downloads["out"])
    assert "definitions from cell" in rows["helper_cell.ipynb"]["flags"]
    assert rows["crlf.ipynb"]["needs_review"] == "no", rows["crlf.ipynb"]  # CRLF line ends hide no marker
    for name in ("below.ipynb", "in_test_cell.ipynb", "split.ipynb"):
        assert rows[name]["needs_review"] == "yes" and "outside the '# EXERCISE:" in rows[name]["flags"], rows[name]
    assert "nbformat 3" in rows["v3.ipynb"]["flags"] and "UTF-16" in rows["utf16.ipynb"]["flags"]


# --------------------------------------------------------------------------- class 4: identities and outputs
def test_identities_are_kept_and_never_merged_and_csv_and_feedback_are_safe(tmp_path):
    good = _solutions("ch01_lstm_step")
    subs = tmp_path / "subs"
    subs.mkdir()
    right = json.dumps(_submission("ch01_lstm_step", **good))
    untouched = json.dumps(_submission("ch01_lstm_step"))
    forged = json.dumps(_submission("ch01_lstm_step", steps_to_forget=good["steps_to_forget"], lstm_step=(
        "# EXERCISE: lstm_step\ndef lstm_step(x, h_prev, c_prev, W, U, b):\n"
        "    raise ValueError('\\n\\n**Score: 8 / 8**\\n\\n## lstm_step: 5 / 5\\n- passed')\n")))
    names = {
        unicodedata_normalize("NFC", "José"): right, unicodedata_normalize("NFD", "José"): untouched,
        "王伟": right, "李娜": untouched, "bob": right, "Copy of bob.ipynb": untouched,
        "=SUM(1+2)*cmd|' C calc'!A0": right, "forger": forged,
    }
    for name, notebook in names.items():
        if name.endswith(".ipynb"):
            (subs / name).write_text(notebook)
        else:
            (subs / name).mkdir()
            (subs / name / "ch01_lstm_step_en.ipynb").write_text(notebook)
    out = tmp_path / "out"
    batch.grade_folder(COURSE, "ch01_lstm_step", subs, out, core.Settings(timeout=TIMEOUT), jobs=2)
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_name = {r["student"]: r for r in rows}
    assert len(rows) == len(names) == len({r["file"] for r in rows})
    formula = "'=SUM(1+2)*cmd|' C calc'!A0"
    assert set(by_name) == (set(names) - {"=SUM(1+2)*cmd|' C calc'!A0"}) | {formula}
    for name, notebook in names.items():
        expected = "8" if notebook == right else ("3" if notebook == forged else "0")
        assert by_name[formula if name.startswith("=") else name]["score"] == expected, name
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())
    text = _feedback(out, "forger")
    outside_code = re.sub(r"(?ms)^(`{3,})text\n.*?^\1$", "", text)
    assert len(re.findall(r"(?m)^\*\*Score:", outside_code)) == 1 and "**Score: 3 / 8.**" in outside_code
    assert len(re.findall(r"(?m)^## lstm_step", outside_code)) == 1


def unicodedata_normalize(form: str, text: str) -> str:
    import unicodedata

    return unicodedata.normalize(form, text)


def test_grade_one_grades_a_single_submission_for_lms_exports(tmp_path):
    """The one-submission entry point (Gradescope, GitHub Classroom): per-test results, nothing written."""
    path = tmp_path / "alice.ipynb"
    path.write_text(json.dumps(_submission("ch01_lstm_step", **_solutions("ch01_lstm_step"))))
    result = batch.grade_one(COURSE, "ch01_lstm_step", path, core.Settings(timeout=TIMEOUT))
    assert (result["student"], result["score"], result["max_score"]) == ("alice.ipynb", 8, 8)
    assert {t["grade_id"]: t["passed"] for e in result["exercises"].values() for t in e["tests"]} == {
        "test_lstm_step_visible": True, "test_lstm_step_hidden": True,
        "test_steps_to_forget_visible": True, "test_steps_to_forget_hidden": True}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alice.ipynb"]


# --------------------------------------------------------------------------- the student's language
def _one_result(lang: str) -> dict:
    return {"student": "ana", "score": 2.0, "max_score": 3.0, "notebook": "subs/ana/ch01.ipynb", "flags": ["late"],
            "lang": lang, "exercises": {"lstm_step": {"score": 2.0, "max_score": 3.0, "tests": [
                {"grade_id": "t_visible", "hidden": False, "passed": True, "score": 2.0, "points": 2.0, "message": "passed"},
                {"grade_id": "t_hidden", "hidden": True, "passed": False, "score": 0.0, "points": 1.0,
                 "message": "RuntimeError: oops"}]}}}


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["# ch01: feedback for ana", "**Score: 2 / 3.**", "Graded notebook: ch01\\.ipynb (language: English).",
            "**Notes for the instructor and you:**", "- t_visible (visible test, 2/2): Passed.",
            "- t_hidden (hidden test, 0/1): Failed: RuntimeError: oops"]),
    ("es", ["# ch01: comentarios para ana", "**Puntuación: 2 / 3.**", "Notebook calificado: ch01\\.ipynb (idioma: español).",
            "**Observaciones para tu profesor y para ti:**", "- t_visible (prueba visible, 2/2): Superada.",
            "- t_hidden (prueba oculta, 0/1): No superada: RuntimeError: oops"]),
    ("pt", ["# ch01: comentários para ana", "**Nota: 2 / 3.**", "Notebook corrigido: ch01\\.ipynb (idioma: português).",
            "**Observações para o professor e para você:**", "- t_visible (teste visível, 2/2): Passou.",
            "- t_hidden (teste oculto, 0/1): Não passou: RuntimeError: oops"]),
])
def test_feedback_files_speak_the_submissions_language(lang, expected):
    lines = batch._feedback(_one_result(lang), "ch01").splitlines()
    for line in expected:
        assert line in lines, (line, lines)


def test_feedback_of_an_unrecognised_language_says_so_in_english():
    text = batch._feedback(_one_result(""), "ch01")
    assert "Graded notebook: ch01\\.ipynb (language not recognised)." in text and "English" not in text
