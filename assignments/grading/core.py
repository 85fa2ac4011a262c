"""Grade a folder of submitted notebooks, each student's code in a sandbox.

How a submission is graded:

1. The instructor's source notebook (``source/<assignment>/<assignment>_<lang>.ipynb``)
   defines the exercises: a solution cell starting with ``# EXERCISE: <id>``,
   followed by its nbgrader test cells (visible and hidden), each with points.
2. In the submission, answers are found by that marker line in the cell text,
   never by cell metadata (Colab strips it). If the marker is gone, the cell
   that defines the exercise's function is used; if the answer cell became
   markdown, its text is still graded. Every such repair is flagged.
3. A bubblewrap sandbox (no network, read-only system, none of the course's
   files, no gradebook, a memory limit and a time limit per exercise) runs the
   instructor's setup code and the student's answer cells, and evaluates the
   student's functions on the inputs the tests ask for.
4. The tests themselves (the instructor's copy, hidden tests included) run in
   the grader, outside the sandbox: student functions are replaced there by
   proxies that ask the sandbox for results. Nothing the student writes can
   see or change the expected answers or the verdict.

Two settings of the source notebook adapt this to heavier assignments:

- A setup cell whose metadata has ``course_grading.sandbox_only`` (e.g. one
  that trains the student's Keras model) runs only in the sandbox; tests call
  its functions there through proxies, like the student's own.
- Notebook metadata ``course_grading.limits`` (``timeout``, ``memory_mb``,
  ``startup_timeout``) raises the grader's limits for that assignment.
"""

from __future__ import annotations

import ast
import concurrent.futures
import contextlib
import csv
import dataclasses
import io
import json
import multiprocessing
import os
import re
import resource
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from . import wire

__all__ = [
    "MARKER",
    "Settings",
    "load_assignment",
    "find_answers",
    "grade_notebook",
    "grade_folder",
    "bwrap_available",
]

MARKER = re.compile(r"^[ \t]*#[ \t]*EXERCISE:[ \t]*([A-Za-z0-9_.-]+)[ \t]*$", re.MULTILINE)
"""The comment line that marks an answer cell: ``# EXERCISE: <grade_id>``."""

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "es", "pt")
_SOLUTION_LINES = re.compile(r"^[ \t]*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)[ \t]*\n?", re.MULTILINE)
_MAGIC_LINES = re.compile(r"^([ \t]*)([%!].*)$", re.MULTILINE)


# --------------------------------------------------------------------------- specs
@dataclasses.dataclass(frozen=True)
class Test:
    grade_id: str
    points: float
    code: str
    hidden: bool


@dataclasses.dataclass(frozen=True)
class Exercise:
    grade_id: str
    names: tuple[str, ...]  # the functions (or classes) the answer must define
    tests: tuple[Test, ...]

    @property
    def points(self) -> float:
        return sum(test.points for test in self.tests)


@dataclasses.dataclass(frozen=True)
class Spec:
    """One language's version of an assignment, read from the instructor's source."""

    assignment: str
    lang: str
    preamble: str
    exercises: tuple[Exercise, ...]
    fingerprints: frozenset[str]  # normalised texts of its markdown cells, to recognise the language
    trusted_preamble: str = ""  # the setup code the grader itself runs: all but the sandbox-only cells
    sandbox_names: tuple[str, ...] = ()  # functions of sandbox-only setup cells: tests call them in the sandbox
    limits: tuple[tuple[str, float], ...] = ()  # the assignment's smallest Settings (timeout, memory_mb, ...)

    @property
    def points(self) -> float:
        return sum(exercise.points for exercise in self.exercises)


@dataclasses.dataclass(frozen=True)
class Settings:
    """Limits of one sandboxed run.

    Attributes:
        timeout: Seconds for one exercise: running its answer cell and all its tests.
        memory_mb: Address-space limit of the sandbox, in MiB.
        startup_timeout: Seconds for the sandbox to start and run the setup code.
    """

    timeout: float = 10.0
    memory_mb: int = 2048
    startup_timeout: float = 60.0

    def at_least(self, limits: tuple[tuple[str, float], ...]) -> "Settings":
        """These settings, raised where an assignment asks for more (never lowered)."""
        values = dataclasses.asdict(self)
        for name, value in limits:
            if name in values:
                values[name] = type(values[name])(max(values[name], value))
        return Settings(**values)


_LIMIT_NAMES = ("timeout", "memory_mb", "startup_timeout")


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _defined_names(code: str) -> tuple[str, ...]:
    tree = ast.parse(code)
    return tuple(
        node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    )


def load_spec(path: Path, assignment: str, lang: str) -> Spec:
    """Read the exercises, tests and setup code of one source notebook."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    preamble: list[str] = []
    trusted: list[str] = []
    sandbox_names: list[str] = []
    exercises: list[dict] = []
    fingerprints = set()
    grading = notebook.get("metadata", {}).get("course_grading", {})
    limits = tuple(sorted((k, float(v)) for k, v in grading.get("limits", {}).items()))
    unknown = {k for k, _ in limits} - set(_LIMIT_NAMES)
    if unknown:
        raise ValueError(f"{path}: unknown limits {sorted(unknown)} in metadata.course_grading.limits")
    for cell in notebook["cells"]:
        text = _source(cell)
        if cell["cell_type"] == "markdown":
            fingerprints.add(_normalise(text))
            continue
        if cell["cell_type"] != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and not meta.get("grade"):
            marker = MARKER.search(text)
            if not marker:
                raise ValueError(f"{path}: solution cell {meta.get('grade_id')!r} has no '# EXERCISE: <id>' line")
            code = _SOLUTION_LINES.sub("", text)
            exercises.append({"grade_id": marker.group(1), "names": _defined_names(code), "tests": []})
        elif meta.get("grade"):
            if not exercises:
                raise ValueError(f"{path}: test cell {meta.get('grade_id')!r} comes before any exercise")
            exercises[-1]["tests"].append(Test(
                grade_id=meta["grade_id"], points=float(meta.get("points", 0)),
                code=_SOLUTION_LINES.sub("", text), hidden="### BEGIN HIDDEN TESTS" in text,
            ))
        else:
            preamble.append(text)
            # A setup cell marked sandbox-only (it calls the student's code, e.g. trains the
            # student's model) runs only in the sandbox; tests call its functions there.
            if cell.get("metadata", {}).get("course_grading", {}).get("sandbox_only"):
                sandbox_names.extend(_defined_names(text))
            else:
                trusted.append(text)
    return Spec(
        assignment=assignment, lang=lang, preamble="\n\n".join(preamble),
        exercises=tuple(Exercise(e["grade_id"], e["names"], tuple(e["tests"])) for e in exercises),
        fingerprints=frozenset(fingerprints), trusted_preamble="\n\n".join(trusted),
        sandbox_names=tuple(sandbox_names), limits=limits,
    )


def load_assignment(course_dir: Path, assignment: str) -> dict[str, Spec]:
    """Read every language version of ``assignment``; check they grade alike."""
    folder = Path(course_dir) / "source" / assignment
    specs = {}
    for lang in LANGUAGES:
        path = folder / f"{assignment}_{lang}.ipynb"
        if path.exists():
            specs[lang] = load_spec(path, assignment, lang)
    if not specs:
        raise FileNotFoundError(f"no source notebook {assignment}_<lang>.ipynb in {folder}")
    shapes = {lang: ([(e.grade_id, e.names, [(t.grade_id, t.points) for t in e.tests]) for e in s.exercises],
                     s.sandbox_names, s.limits)
              for lang, s in specs.items()}
    first = next(iter(shapes.values()))
    for lang, shape in shapes.items():
        if shape != first:
            raise ValueError(f"{assignment}: the {lang} source has other exercises, points or limits than the others")
    return specs


# --------------------------------------------------------------------------- finding answers
@dataclasses.dataclass
class Found:
    code: str | None
    flags: list[str]


def read_notebook(path: Path) -> dict:
    """Load a submitted notebook as plain JSON (no validation: Colab files are often irregular)."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError("not a Jupyter notebook (no list of cells)")
    return notebook


def detect_language(notebook: dict, specs: dict[str, Spec]) -> str:
    """Pick the language whose markdown cells the submission shares most."""
    texts = {_normalise(_source(c)) for c in notebook["cells"] if isinstance(c, dict)}
    scores = {lang: len(spec.fingerprints & texts) for lang, spec in specs.items()}
    best = max(scores.values())
    for lang in specs:  # first language in LANGUAGES order wins ties
        if scores[lang] == best:
            return lang
    raise AssertionError("unreachable")


def _bound_names(code: str) -> set[str]:
    """Names a cell binds at its top level: functions, classes, assignments, imports."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _defines(code: str, names: tuple[str, ...]) -> bool:
    try:
        return bool(set(names) & set(_defined_names(_strip_magics(code))))
    except SyntaxError:
        return any(re.search(rf"^\s*(def|class)\s+{re.escape(n)}\b", code, re.MULTILINE) for n in names)


def _strip_magics(code: str) -> str:
    """Comment out IPython magics and shell lines (``%time``, ``!pip``), which are not Python."""
    return _MAGIC_LINES.sub(r"\1pass  # \2", code)


def find_answers(notebook: dict, spec: Spec) -> dict[str, Found]:
    """Find each exercise's answer cell in a submission, by marker line first."""
    cells = [c for c in notebook["cells"] if isinstance(c, dict)]
    found: dict[str, Found] = {}
    for exercise in spec.exercises:
        flags: list[str] = []
        marked = [c for c in cells if exercise.grade_id in MARKER.findall(_source(c))]
        marked_code = [c for c in marked if c.get("cell_type") == "code"]
        if marked_code:
            chosen = marked_code[-1]
            if len(marked_code) > 1:
                flags.append(f"{len(marked_code)} cells are marked '# EXERCISE: {exercise.grade_id}'; the last one was graded")
        else:
            by_name = [c for c in cells if c.get("cell_type") == "code" and _defines(_source(c), exercise.names)]
            if by_name:
                chosen = by_name[-1]
                flags.append(f"the '# EXERCISE: {exercise.grade_id}' line is missing; "
                             f"the cell defining {', '.join(exercise.names)} was graded")
            elif marked:
                chosen = marked[-1]
                flags.append(f"the answer cell of {exercise.grade_id} was turned into {chosen.get('cell_type')}; its text was graded")
            else:
                by_text = [c for c in cells if _defines(_source(c), exercise.names)]
                if by_text:
                    chosen = by_text[-1]
                    flags.append(f"the answer of {exercise.grade_id} was found in a {chosen.get('cell_type')} cell; its text was graded")
                else:
                    found[exercise.grade_id] = Found(None, [f"no answer found for {exercise.grade_id} "
                                                            f"(no '# EXERCISE: {exercise.grade_id}' cell and no definition of "
                                                            f"{', '.join(exercise.names)})"])
                    continue
        found[exercise.grade_id] = Found(_strip_magics(_source(chosen)), flags)
    return found


# --------------------------------------------------------------------------- sandbox
class SandboxFailure(BaseException):
    """The sandbox timed out, died or broke the protocol. Not an Exception: tests cannot catch it."""


class StudentError(Exception):
    """The student's code raised; the message is the student's traceback."""


def bwrap_available() -> str | None:
    """Return the path of ``bwrap`` if it is installed, else None."""
    return shutil.which("bwrap")


def _sandbox_command(reply_fd: int) -> list[str]:
    import course_utils  # the trusted copy of the course's package

    bwrap = bwrap_available()
    if bwrap is None:
        raise RuntimeError("bubblewrap is not installed: run `apt-get install bubblewrap` (see assignments/README.md)")
    course_utils_dir = Path(course_utils.__file__).resolve().parent
    prefixes = sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)})
    command = [
        bwrap,
        "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
        "--hostname", "sandbox",
        "--ro-bind", "/usr", "/usr",
    ]
    for name in ("bin", "lib", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            command += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            command += ["--ro-bind", str(path), str(path)]
    for prefix in prefixes:
        if not prefix.startswith("/usr/"):
            command += ["--ro-bind", prefix, prefix]
    command += [
        "--ro-bind", str(course_utils_dir), "/opt/grading/course_utils",
        "--ro-bind", str(HERE / "runner.py"), "/opt/grading/runner/runner.py",
        "--ro-bind", str(HERE / "wire.py"), "/opt/grading/runner/wire.py",
        "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
        "--clearenv",
        "--setenv", "PATH", "/usr/bin:/bin",
        "--setenv", "HOME", "/tmp",
        "--setenv", "PYTHONPATH", "/opt/grading",
        "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
        "--setenv", "MPLBACKEND", "Agg",
        "--setenv", "TF_CPP_MIN_LOG_LEVEL", "2",
        "--setenv", "OMP_NUM_THREADS", "1",
        "--setenv", "OPENBLAS_NUM_THREADS", "1",
        "--chdir", "/tmp",
        sys.executable, "-s", "/opt/grading/runner/runner.py", str(reply_fd),
    ]
    return command


class Sandbox:
    """One bubblewrap process running :mod:`runner`."""

    def __init__(self, settings: Settings):
        self.settings = settings
        read_fd, write_fd = os.pipe()
        limits = (settings.memory_mb, settings.timeout, settings.startup_timeout)

        def restrict() -> None:  # runs in the child, before bwrap starts
            memory = limits[0] * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            cpu = int(limits[2] + 20 * limits[1]) + 1
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
            resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        self.process = subprocess.Popen(
            _sandbox_command(write_fd), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, pass_fds=(write_fd,), preexec_fn=restrict, start_new_session=True,
        )
        os.close(write_fd)
        self.replies = read_fd
        self.buffer = b""

    def request(self, message: dict, seconds: float) -> dict:
        """Send one request and wait at most ``seconds`` for its reply."""
        deadline = time.monotonic() + seconds
        # A fresh random id per request: stray replies (a student writing to the
        # reply pipe) are skipped instead of being taken for the real one.
        message = dict(message, id=secrets.token_hex(16))
        try:
            self.process.stdin.write(wire.dumps(message))
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise SandboxFailure(self._death()) from None
        while True:
            reply = self._read_line(deadline, seconds)
            if reply.get("id") == message["id"]:
                return reply

    def _read_line(self, deadline: float, seconds: float) -> dict:
        selector = selectors.DefaultSelector()
        selector.register(self.replies, selectors.EVENT_READ)
        try:
            while b"\n" not in self.buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    self.close()
                    raise SandboxFailure(f"your code timed out after {seconds:.0f} s (an endless loop, or code too slow)")
                chunk = os.read(self.replies, 1 << 20)
                if not chunk:
                    raise SandboxFailure(self._death())
                self.buffer += chunk
                if len(self.buffer) > wire.MAX_MESSAGE_BYTES:
                    self.close()
                    raise SandboxFailure("your code returned a value too large to grade")
        finally:
            selector.close()
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            return wire.loads(line)
        except (ValueError, wire.WireError) as error:
            self.close()
            raise SandboxFailure(f"your code broke the grading protocol ({error})") from None

    def _death(self) -> str:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.close()
            return "your code's Python process stopped answering"
        self.close()
        if code > 128:  # bwrap reports a child killed by signal N as exit code 128 + N
            code = 128 - code
        if code < 0:
            name = signal.Signals(-code).name
            extra = " (CPU time limit)" if name == "SIGXCPU" else ""
            return f"your code's Python process was killed by {name}{extra} (os.kill, or the memory limit)"
        return f"your code's Python process exited (code {code}): sys.exit, os._exit, or running out of memory"

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        with contextlib.suppress(OSError):
            os.close(self.replies)
        self.replies = -1


class _Session:
    """A sandbox with the setup code run, restarted after any failure."""

    def __init__(self, spec: Spec, settings: Settings):
        self.spec, self.settings = spec, settings
        self.sandbox: Sandbox | None = None
        self.deadline = 0.0

    def start(self) -> None:
        self.sandbox = Sandbox(self.settings)
        reply = self.sandbox.request({"op": "preamble", "code": self.spec.preamble, "label": "setup"},
                                     self.settings.startup_timeout)
        if not reply.get("ok"):
            raise RuntimeError(f"the instructor's setup code fails in the sandbox:\n{reply.get('error')}")

    def left(self) -> float:
        return max(self.deadline - time.monotonic(), 0.001)

    def define(self, code: str, label: str) -> None:
        reply = self.sandbox.request({"op": "define", "code": code, "label": label}, self.left())
        if not reply.get("ok"):
            raise StudentError(str(reply.get("error", "")))

    def call(self, name: str, args: tuple, kwargs: dict) -> Any:
        try:
            message = {"op": "call", "name": name, "args": wire.encode(args), "kwargs": wire.encode(kwargs)}
        except wire.WireError as error:
            raise RuntimeError(f"instructor test passes an unsupported value: {error}") from None
        reply = self.sandbox.request(message, self.left())
        if not reply.get("ok"):
            raise StudentError(str(reply.get("error", "")))
        try:
            return wire.decode(reply.get("value"))
        except (wire.WireError, ValueError, TypeError) as error:
            raise StudentError(f"your function returned a value that cannot be graded: {error}") from None

    def close(self) -> None:
        if self.sandbox is not None:
            self.sandbox.close()
            self.sandbox = None


class _Proxy:
    """Stands for a student function inside the instructor's tests."""

    def __init__(self, session: _Session, name: str):
        self._session, self._name = session, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.call(self._name, args, kwargs)

    def __repr__(self) -> str:
        return f"<your function {self._name}>"


# --------------------------------------------------------------------------- grading one notebook
_TRUSTED_CACHE: dict[tuple[str, str], dict] = {}


def _trusted_namespace(spec: Spec) -> dict:
    key = (spec.assignment, spec.lang)
    if key not in _TRUSTED_CACHE:
        namespace: dict = {"__name__": "__grading__"}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(spec.trusted_preamble, "<setup>", "exec"), namespace)
        _TRUSTED_CACHE[key] = namespace
    return _TRUSTED_CACHE[key]


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else text


def _student_message(traceback_text: str) -> str:
    return "your code raised " + _last_line(traceback_text)


def grade_notebook(path: Path, specs: dict[str, Spec], settings: Settings) -> dict:
    """Grade one submitted notebook; return a result dict (scores, flags, feedback)."""
    result: dict[str, Any] = {"notebook": str(path), "flags": [], "exercises": {}, "score": 0.0}
    any_spec = next(iter(specs.values()))
    result["max_score"] = any_spec.points
    try:
        notebook = read_notebook(path)
    except (ValueError, OSError, UnicodeDecodeError) as error:
        result["flags"].append(f"the notebook could not be read ({error}); nothing was graded")
        result["lang"] = ""
        return result
    lang = detect_language(notebook, specs)
    spec = specs[lang]
    settings = settings.at_least(spec.limits)
    result["lang"] = lang
    answers = find_answers(notebook, spec)
    for grade_id, found in answers.items():  # the tests call these in the sandbox: a redefinition needs a look
        clash = sorted(_bound_names(found.code or "") & set(spec.sandbox_names))
        if clash:
            found.flags.append(f"the answer to {grade_id} redefines {', '.join(clash)} of the setup, "
                               "which the tests call: check it by hand")
    trusted = _trusted_namespace(spec)
    session = _Session(spec, settings)
    proxies = {name: _Proxy(session, name) for exercise in spec.exercises for name in exercise.names}
    proxies.update({name: _Proxy(session, name) for name in spec.sandbox_names})
    try:
        for exercise in spec.exercises:
            found = answers[exercise.grade_id]
            result["flags"].extend(found.flags)
            tests_out = []
            entry = {"score": 0.0, "max_score": exercise.points, "tests": tests_out, "error": None}
            result["exercises"][exercise.grade_id] = entry
            failure = None
            if found.code is None:
                failure = "no answer found"
            else:
                if session.sandbox is None:
                    session.deadline = time.monotonic() + settings.startup_timeout
                    session.start()
                session.deadline = time.monotonic() + settings.timeout
                try:
                    session.define(found.code, f"your answer to {exercise.grade_id}")
                except StudentError as error:
                    failure = "your answer cell fails when run: " + _last_line(str(error))
                    entry["traceback"] = str(error)
                except SandboxFailure as error:
                    failure = f"running your answer cell: {error}"
                    session.close()
            for test in exercise.tests:
                verdict = {"grade_id": test.grade_id, "points": test.points, "hidden": test.hidden}
                if failure is not None:
                    verdict.update(passed=False, score=0.0, message=failure)
                    tests_out.append(verdict)
                    continue
                namespace = dict(trusted)
                namespace.update(proxies)
                try:
                    with contextlib.redirect_stdout(io.StringIO()):
                        exec(compile(test.code, f"<{test.grade_id}>", "exec"), namespace)
                    verdict.update(passed=True, score=test.points, message="passed")
                except SandboxFailure as error:
                    failure = str(error)
                    session.close()
                    verdict.update(passed=False, score=0.0, message=failure)
                except StudentError as error:
                    verdict.update(passed=False, score=0.0, message=_student_message(str(error)),
                                   traceback=str(error))
                except Exception as error:  # noqa: BLE001 - a failed assertion or a wrong result
                    text = str(error).strip()
                    if test.hidden:
                        text = text.splitlines()[0][:300] if text else ""
                    verdict.update(passed=False, score=0.0, message=f"{type(error).__name__}: {text}".rstrip(": "))
                tests_out.append(verdict)
            entry["error"] = failure
            entry["score"] = sum(t["score"] for t in tests_out)
            result["score"] += entry["score"]
    finally:
        session.close()
    return result


# --------------------------------------------------------------------------- a folder of submissions
_SAFE = re.compile(r"[^A-Za-z0-9_.@-]+")


def _student_id(name: str) -> str:
    name = re.sub(r"^(copy of |copia de |cópia de )", "", name, flags=re.IGNORECASE)
    name = re.sub(r"\.ipynb$", "", name)
    return _SAFE.sub("_", name).strip("._") or "student"


def discover(submissions: Path) -> list[tuple[str, list[Path]]]:
    """List (student, notebooks): one sub-folder per student (nbgrader's layout), or one notebook per student."""
    found: list[tuple[str, list[Path]]] = []
    seen: set[str] = set()
    for entry in sorted(Path(submissions).iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            notebooks = sorted(p for p in entry.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif entry.suffix == ".ipynb":
            notebooks = [entry]
        else:
            continue
        student = _student_id(entry.name)
        while student in seen:
            student += "_"
        seen.add(student)
        found.append((student, notebooks))
    return found


def _pick_notebook(notebooks: list[Path], spec: Spec) -> tuple[Path | None, list[str]]:
    if not notebooks:
        return None, ["no notebook (.ipynb) in the submission"]
    if len(notebooks) == 1:
        return notebooks[0], []

    def hits(path: Path) -> int:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return -1
        return sum(f"EXERCISE: {e.grade_id}" in text for e in spec.exercises)

    best = max(notebooks, key=hits)
    others = ", ".join(p.name for p in notebooks if p != best)
    return best, [f"several notebooks submitted; graded {best.name}, ignored {others}"]


def _grade_student(job: tuple) -> dict:
    student, notebooks, specs, settings = job
    started = time.monotonic()
    notebook, flags = _pick_notebook(notebooks, next(iter(specs.values())))
    if notebook is None:
        any_spec = next(iter(specs.values()))
        result = {"notebook": "", "lang": "", "flags": flags, "exercises": {}, "score": 0.0, "max_score": any_spec.points}
    else:
        result = grade_notebook(notebook, specs, settings)
        result["flags"] = flags + result["flags"]
    result["student"] = student
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _feedback(result: dict, assignment: str) -> str:
    lines = [f"# {assignment}: feedback for {result['student']}", "",
             f"**Score: {result['score']:g} / {result['max_score']:g}**", ""]
    if result["notebook"]:
        lines.append(f"Graded notebook: `{Path(result['notebook']).name}` (language: {result['lang']})")
        lines.append("")
    if result["flags"]:
        lines.append("**Notes for the instructor and you:**")
        lines += [f"- {flag}" for flag in result["flags"]]
        lines.append("")
    for grade_id, entry in result["exercises"].items():
        lines.append(f"## {grade_id}: {entry['score']:g} / {entry['max_score']:g}")
        for test in entry["tests"]:
            kind = "hidden test" if test["hidden"] else "visible test"
            mark = "passed" if test["passed"] else "failed"
            lines.append(f"- {test['grade_id']} ({kind}, {test['score']:g}/{test['points']:g}): {mark}"
                         + ("" if test["passed"] else f": {test['message']}"))
        trace = entry.get("traceback") or next((t.get("traceback") for t in entry["tests"] if t.get("traceback")), None)
        if trace:
            lines += ["", "```", trace.strip()[-2000:], "```"]
        lines.append("")
    return "\n".join(lines)


def grade_folder(course_dir: Path, assignment: str, submissions: Path, out: Path,
                 settings: Settings = Settings(), jobs: int | None = None) -> dict:
    """Grade every submission in ``submissions``; write grades.csv, feedback/ and results/ in ``out``.

    Returns a summary: the results, the elapsed seconds and submissions per minute.
    """
    if bwrap_available() is None:
        raise RuntimeError("bubblewrap is not installed: run `apt-get install bubblewrap` (see assignments/README.md)")
    specs = load_assignment(course_dir, assignment)
    spec = next(iter(specs.values()))
    settings = settings.at_least(spec.limits)
    students = discover(submissions)
    out = Path(out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    (out / "results").mkdir(parents=True, exist_ok=True)
    jobs = jobs or os.cpu_count() or 1
    started = time.monotonic()
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        results = list(pool.map(_grade_student, [(s, n, specs, settings) for s, n in students]))
    elapsed = time.monotonic() - started
    columns = ["student", "assignment", "language", "notebook", "score", "max_score",
               *[e.grade_id for e in spec.exercises], "needs_review", "flags"]
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for r in sorted(results, key=lambda r: r["student"]):
            writer.writerow([
                r["student"], assignment, r["lang"], Path(r["notebook"]).name if r["notebook"] else "",
                f"{r['score']:g}", f"{r['max_score']:g}",
                *[f"{r['exercises'][e.grade_id]['score']:g}" if e.grade_id in r["exercises"] else "0"
                  for e in spec.exercises],
                "yes" if r["flags"] or any(x["error"] for x in r["exercises"].values()) else "no",
                " | ".join(r["flags"]),
            ])
    for r in results:
        (out / "feedback" / f"{r['student']}.md").write_text(_feedback(r, assignment), encoding="utf-8")
        (out / "results" / f"{r['student']}.json").write_text(json.dumps(r, indent=1), encoding="utf-8")
    per_minute = len(results) / elapsed * 60 if elapsed > 0 else float("inf")
    return {"results": results, "seconds": elapsed, "per_minute": per_minute, "jobs": jobs, "settings": settings}
