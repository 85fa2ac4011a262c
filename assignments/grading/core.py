"""Grade submitted notebooks, each student's code in a sandbox.

How a submission is graded:

1. The instructor's source notebook (``source/<assignment>/<assignment>_<lang>.ipynb``)
   defines the exercises: a solution cell starting with ``# EXERCISE: <id>``,
   followed by its nbgrader test cells (visible and hidden), each with points.
2. The submitted file is read by :mod:`grading.reading` (no links, bounded, any
   encoding, nbformat 3 or 4, or a ``.py`` download). Answers are what the notebook
   defines when run top to bottom, marked cells first (:func:`find_answers`); magics
   become Python through IPython's own transformer. Every repair is flagged.
3. A bubblewrap sandbox (no network, read-only system, none of the course's
   files, a sized ``/tmp``, a cgroup for memory and processes where available,
   a time limit per exercise) runs the instructor's setup code and the answers,
   and evaluates the student's functions on the inputs the tests ask for.
4. The tests themselves (the instructor's copy, hidden tests included) run in
   the grader, outside the sandbox: student functions are replaced there by
   proxies that ask the sandbox for results. Nothing the student writes can
   see or change the expected answers or the verdict.

:func:`grade_notebook` grades one file in the calling process; :mod:`grading.batch`
runs it under a supervisor (a worker process per submission at a time, with a hard
deadline) for a folder (``grade_folder``) or one submission (``grade_one``).

Two settings of the source notebook adapt this to heavier assignments:

- A setup cell whose metadata has ``course_grading.sandbox_only`` (e.g. one
  that trains the student's Keras model) runs only in the sandbox; tests call
  its functions there through proxies, like the student's own.
- Notebook metadata ``course_grading.limits`` (``timeout``, ``memory_mb``,
  ``startup_timeout``) raises the grader's limits for that assignment.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import dataclasses
import functools
import io
import json
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

from . import limiting, reading, wire

__all__ = [
    "MARKER",
    "Settings",
    "load_assignment",
    "find_answers",
    "grade_notebook",
    "grade_folder",
    "bwrap_available",
    "check_sandbox",
    "GraderError",
]

MARKER = re.compile(r"^[ \t]*#[ \t]*EXERCISE:[ \t]*([A-Za-z0-9_.-]+)[ \t]*$", re.MULTILINE)
"""The comment line that marks an answer cell: ``# EXERCISE: <grade_id>``."""

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "es", "pt")
_SOLUTION_LINES = re.compile(r"^[ \t]*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)[ \t]*\n?", re.MULTILINE)


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
        memory_mb: Memory of the whole sandbox (a cgroup, all its processes) and address space of each
            process, in MiB.
        startup_timeout: Seconds for the sandbox to start and run the setup code.
        max_processes: Processes and threads of the whole sandbox (a cgroup), where cgroups are available.
        tmp_mb: Size of the sandbox's private ``/tmp`` (RAM, counted in its memory), in MiB.
        hard_limit: Wall-clock seconds for one whole submission, after which its worker is killed
            (default: enough for every sandbox start and exercise twice over, see ``grading.batch``).
    """

    timeout: float = 10.0
    memory_mb: int = 2048
    startup_timeout: float = 60.0
    max_processes: int = 256
    tmp_mb: int = 128
    hard_limit: float | None = None

    def at_least(self, limits: tuple[tuple[str, float], ...]) -> "Settings":
        """These settings, raised where an assignment asks for more (never lowered)."""
        values = dataclasses.asdict(self)
        for name, value in limits:
            if name in values and values[name] is not None:
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
    parts: tuple[tuple[str, str], ...] = ()  # (label, code) chunks run in this order; code == "\n\n".join


def _parse(code: str) -> ast.Module | None:
    """Parse a student's cell, bounded: None for code too long, too deep or not Python."""
    if len(code) > reading.MAX_CELL_CHARS:
        return None
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _top_names(tree: ast.Module | None, kinds=(ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) -> set[str]:
    return {node.name for node in (tree.body if tree else ()) if isinstance(node, kinds)}


def _bound_names(code: str) -> set[str]:
    """Names a cell binds at its top level: functions, classes, assignments, imports."""
    tree = _parse(code)
    names: set[str] = set()
    for node in tree.body if tree else ():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


_TRANSFORMER = None


def to_python(code: str) -> str:
    """A cell as IPython runs it: magics and shell lines become ``get_ipython()`` calls (IPython's own transformer)."""
    global _TRANSFORMER
    code = code.replace("\r\n", "\n").replace("\r", "\n")
    if len(code) > reading.MAX_CELL_CHARS or not re.search(r"^[ \t]*[%!?]|[?]$", code, re.MULTILINE):
        return code  # plain Python (or too long to transform: the sandbox reports its syntax errors)
    if _TRANSFORMER is None:
        from IPython.core.inputtransformer2 import TransformerManager

        _TRANSFORMER = TransformerManager()
    try:
        return _TRANSFORMER.transform_cell(code)
    except Exception:  # noqa: BLE001 - IPython could not transform it: run it as it is
        return code


def _definitions_only(code: str, tree: ast.Module) -> str:
    """A cell's top-level imports, definitions and plain assignments, without calls (tests, prints, loops)."""
    def plain(node: ast.AST) -> bool:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
            return True
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            return not any(isinstance(n, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)) for n in ast.walk(node.value))
        return False

    lines = code.splitlines(keepends=True)
    parts = []
    for node in tree.body:
        if plain(node):
            start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))]) - 1
            parts.append("".join(lines[start:node.end_lineno]))
    return "\n".join(parts)


def find_answers(notebook: dict, spec: Spec) -> dict[str, Found]:
    """Find each exercise's answer: what the notebook defines when run top to bottom, marked cells first.

    The cell marked ``# EXERCISE: <id>`` (the last of several) runs first, whole. Then, for each function
    of the exercise whose last top-level definition in the notebook lies in another code cell (an answer
    written in a new cell below the marked one, a split cell, a definition at the top of the test cell,
    a stub left in the marked cell), that cell's definitions run too, without its other statements: the
    definition in effect after "Run all" is the one graded. Without a marked cell, the cells defining the
    names are graded; the text of a marked cell turned into markdown is graded too. Every repair is flagged.
    """
    cells = [c for c in notebook["cells"] if isinstance(c, dict)]
    code_cells = {i: to_python(c["source"]) for i, c in enumerate(cells) if c.get("cell_type") == "code"}
    trees = {i: _parse(code) for i, code in code_cells.items()}
    names_in = {i: _top_names(tree) for i, tree in trees.items()}
    found: dict[str, Found] = {}
    for exercise in spec.exercises:
        flags: list[str] = []
        parts: list[tuple[str, str]] = []
        marked = [i for i, c in enumerate(cells) if exercise.grade_id in MARKER.findall(c["source"])]
        marked_code = [i for i in marked if i in code_cells]
        chosen = None
        if marked_code:
            chosen = marked_code[-1]
            if len(marked_code) > 1:
                flags.append(f"{len(marked_code)} cells are marked '# EXERCISE: {exercise.grade_id}'; the last one was graded")
            code = code_cells[chosen]
            if cells[chosen].get("py_chunk") and trees[chosen] is not None:
                code = _definitions_only(code, trees[chosen])  # a .py chunk also holds the test calls
            parts.append(("your answer cell", code))
        elif marked:
            chosen = marked[-1]
            text = to_python(cells[chosen]["source"])
            if _top_names(_parse(text)) & set(exercise.names):
                parts.append(("your answer cell", text))
                flags.append(f"the answer cell of {exercise.grade_id} was turned into "
                             f"{cells[chosen].get('cell_type')}; its text was graded")
        extra: list[int] = []
        for name in exercise.names:
            where = [i for i in code_cells if name in names_in[i]]
            if where and where[-1] != chosen and (chosen is None or where[-1] > chosen
                                                 or name not in (names_in.get(chosen) or set())):
                if where[-1] not in extra:
                    extra.append(where[-1])
        for cell in sorted(extra):
            defined = ", ".join(n for n in exercise.names if n in names_in[cell])
            parts.append((f"your definition of {defined} (cell {cell + 1})", _definitions_only(code_cells[cell], trees[cell])))
            if marked:
                flags.append(f"{defined} is (re)defined outside the '# EXERCISE: {exercise.grade_id}' cell; "
                             f"its definition in cell {cell + 1}, in effect after running the notebook, was graded")
        if not marked and extra:
            flags.insert(0, f"the '# EXERCISE: {exercise.grade_id}' line is missing; "
                            f"the cell defining {', '.join(exercise.names)} was graded")
        if not parts:
            texts = [i for i, c in enumerate(cells) if c.get("cell_type") != "code"
                     and _top_names(_parse(to_python(c["source"]))) & set(exercise.names)]
            if texts:
                parts.append(("your answer", to_python(cells[texts[-1]]["source"])))
                flags.append(f"the answer of {exercise.grade_id} was found in a {cells[texts[-1]].get('cell_type')} "
                             "cell; its text was graded")
        if parts:
            parts = _with_helpers(parts, code_cells, trees, spec, flags)
        if not parts:
            found[exercise.grade_id] = Found(None, [f"no answer found for {exercise.grade_id} "
                                                    f"(no '# EXERCISE: {exercise.grade_id}' cell and no definition of "
                                                    f"{', '.join(exercise.names)})"])
            continue
        found[exercise.grade_id] = Found("\n\n".join(code for _, code in parts), flags, tuple(parts))
    return found


@functools.lru_cache(maxsize=16)
def _setup_names(preamble: str) -> frozenset[str]:
    return frozenset(_bound_names(preamble))


def _with_helpers(parts: list[tuple[str, str]], code_cells: dict[int, str], trees: dict, spec: Spec,
                  flags: list[str]) -> list[tuple[str, str]]:
    """Add the student's own helpers the answer uses (a function, import or constant defined in another
    cell), as running the notebook top to bottom would have defined them: those cells' definitions only."""
    known = set(dir(builtins)) | _setup_names(spec.preamble)
    helpers: list[int] = []
    for _ in range(20):  # helpers of helpers, a bounded number of cells
        used: set[str] = set()
        for _, code in parts + [("", _definitions_only(code_cells[i], trees[i])) for i in helpers]:
            tree = _parse(code)
            if tree is not None:
                with contextlib.suppress(RecursionError):
                    for n in ast.walk(tree):
                        if isinstance(n, ast.Name):
                            (used if isinstance(n.ctx, ast.Load) else known).add(n.id)
                        elif isinstance(n, ast.arg):
                            known.add(n.arg)
                        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                            known.add(n.name)
                        elif isinstance(n, ast.ExceptHandler) and n.name:
                            known.add(n.name)
                        elif isinstance(n, ast.alias):
                            known.add((n.asname or n.name).split(".")[0])
        missing = sorted(used - known)
        added = False
        for name in missing:
            where = [i for i in code_cells if trees[i] is not None and i not in helpers
                     and name in _bound_names(_definitions_only(code_cells[i], trees[i]))]
            if where:
                helpers.append(where[-1])
                added = True
            known.add(name)
        if not added:
            break
    for cell in sorted(helpers):
        flags.append(f"the answer uses definitions from cell {cell + 1}; that cell's definitions were graded with it")
    return [(f"your definitions in cell {i + 1}", _definitions_only(code_cells[i], trees[i])) for i in sorted(helpers)] + parts


# --------------------------------------------------------------------------- sandbox
class SandboxFailure(BaseException):
    """The sandbox timed out, died or broke the protocol. Not an Exception: tests cannot catch it."""


class StudentError(Exception):
    """The student's code raised; the message is the student's traceback."""


class GraderError(RuntimeError):
    """The grader itself cannot work here (no sandbox, broken setup): nobody is graded, nothing is recorded."""


def bwrap_available() -> str | None:
    """Return the path of ``bwrap`` if it is installed, else None."""
    return shutil.which("bwrap")


def _python_dirs() -> list[str]:
    """Directories the sandbox's Python needs: its prefixes and every import path of a plain interpreter."""
    dirs = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    try:  # sys.path of the same interpreter, run plainly (no PYTHONPATH, no script folder): site-packages, .pth dirs
        probe = subprocess.run([sys.executable, "-I", "-c", "import sys, json; print(json.dumps(sys.path))"],
                               capture_output=True, text=True, timeout=60, cwd="/")
        dirs += json.loads(probe.stdout)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        dirs += sys.path
    return [d for d in dirs if d and os.path.isdir(d)]


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


_PYTHON_DIRS: list[str] | None = None


def _sandbox_command(reply_fd: int, private: tuple[str, ...] = (), tmp_bytes: int = 128 << 20) -> list[str]:
    """The bubblewrap command line. ``private``: folders never visible inside (course, submissions, output).

    Order matters: bubblewrap applies mounts in order, so the sandbox's own ``/tmp`` (a tmpfs of
    ``tmp_bytes``) comes first, and Python's folders are bound after it: a virtual environment or a
    checkout under ``/tmp`` stays visible.
    """
    global _PYTHON_DIRS
    import course_utils  # the trusted copy of the course's package

    bwrap = bwrap_available()
    if bwrap is None:
        raise GraderError("bubblewrap is not installed: run `apt-get install bubblewrap` (see assignments/README.md)")
    if _PYTHON_DIRS is None:
        _PYTHON_DIRS = _python_dirs()
    course_utils_dir = Path(course_utils.__file__).resolve().parent
    hidden = [os.path.realpath(p) for p in (HERE.parent, *private)]
    command = [
        bwrap,
        "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
        "--hostname", "sandbox",
        "--size", str(tmp_bytes), "--tmpfs", "/tmp",
        "--proc", "/proc", "--dev", "/dev",
        "--ro-bind", "/usr", "/usr",
    ]
    for name in ("bin", "lib", "lib32", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            command += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            command += ["--ro-bind", str(path), str(path)]
    bound: set[str] = set()
    for directory in _PYTHON_DIRS:
        real = os.path.realpath(directory)
        # never a folder that holds, or lies inside, the course (sources, hidden tests) or the submissions
        if any(_inside(h, real) or _inside(real, h) for h in hidden):
            continue
        for target in sorted({os.path.abspath(directory), real}):
            if _inside(target, "/usr") or any(_inside(target, b) for b in bound):
                continue
            bound.add(target)
            command += ["--ro-bind", real, target]
    command += [
        "--ro-bind", str(course_utils_dir), "/opt/grading/course_utils",
        "--ro-bind", str(HERE / "runner.py"), "/opt/grading/runner/runner.py",
        "--ro-bind", str(HERE / "wire.py"), "/opt/grading/runner/wire.py",
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
    """One bubblewrap process running :mod:`runner`, in its own cgroup when the kernel offers one."""

    def __init__(self, settings: Settings, private: tuple[str, ...] = (), stderr: Any = subprocess.DEVNULL):
        self.settings = settings
        read_fd, write_fd = os.pipe()
        limits = (settings.memory_mb, settings.timeout, settings.startup_timeout)
        self.cgroup = limiting.Cgroup.create(memory_bytes=settings.memory_mb << 20, pids=settings.max_processes)
        enter = self.cgroup.enter if self.cgroup else None

        def restrict() -> None:  # runs in the child, before bwrap starts
            if enter is not None:
                enter()
            memory = limits[0] * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            cpu = int(limits[2] + 20 * limits[1]) + 1
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
            resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        try:
            self.process = subprocess.Popen(
                _sandbox_command(write_fd, private, settings.tmp_mb << 20), stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, stderr=stderr, pass_fds=(write_fd,), preexec_fn=restrict,
                start_new_session=True,
            )
        except BaseException:
            os.close(read_fd)
            os.close(write_fd)
            if self.cgroup:
                self.cgroup.remove()
            raise
        os.close(write_fd)
        self.replies = read_fd
        self.requests = self.process.stdin.fileno()
        os.set_blocking(self.requests, False)
        self.buffer = b""

    def request(self, message: dict, seconds: float) -> dict:
        """Send one request and wait at most ``seconds`` for its reply (writing included)."""
        deadline = time.monotonic() + seconds
        # A fresh random id per request: stray replies (a student writing to the
        # reply pipe) are skipped instead of being taken for the real one.
        message = dict(message, id=secrets.token_hex(16))
        self._write(wire.dumps(message), deadline, seconds)
        while True:
            reply = self._read_line(deadline, seconds)
            if reply.get("id") == message["id"]:
                return reply

    def _write(self, data: bytes, deadline: float, seconds: float) -> None:
        """Write to the sandbox's stdin without ever blocking past the deadline (the student may stop reading)."""
        view = memoryview(data)
        selector = selectors.DefaultSelector()
        selector.register(self.requests, selectors.EVENT_WRITE)
        try:
            while view:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    self.close()
                    raise SandboxFailure(f"your code timed out after {seconds:.0f} s "
                                         "(it stopped reading the grader's requests)")
                try:
                    written = os.write(self.requests, view[:1 << 16])
                except BlockingIOError:
                    continue
                except OSError:
                    raise SandboxFailure(self._death()) from None
                view = view[written:]
        finally:
            selector.close()

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
        oom = self.cgroup.out_of_memory() if self.cgroup else False
        self.close()
        if oom:
            return "your code used more memory than the sandbox allows (all its processes together)"
        if code > 128:  # bwrap reports a child killed by signal N as exit code 128 + N
            code = 128 - code
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            extra = " (CPU time limit)" if name == "SIGXCPU" else ""
            return f"your code's Python process was killed by {name}{extra} (os.kill, or the memory limit)"
        return f"your code's Python process exited (code {code}): sys.exit, os._exit, or running out of memory"

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        if self.cgroup:
            self.cgroup.remove()
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        if self.replies >= 0:
            with contextlib.suppress(OSError):
                os.close(self.replies)
        self.replies = -1


def check_sandbox(spec: Spec, settings: Settings, private: tuple[str, ...] = ()) -> None:
    """Start one sandbox and run the setup code in it, before grading anyone; raise GraderError if it fails.

    A sandbox that cannot start here is the grader's problem (bubblewrap, mounts, Python's folders),
    never a student's: the message gives bubblewrap's own words.
    """
    import tempfile

    with tempfile.TemporaryFile() as errors:
        try:
            sandbox = Sandbox(settings, private, stderr=errors)
        except OSError as error:
            raise GraderError(f"the sandbox cannot start: {error}") from None
        try:
            reply = sandbox.request({"op": "preamble", "code": spec.preamble, "label": "setup",
                                     "protect": list(spec.sandbox_names)}, settings.startup_timeout)
        except SandboxFailure as error:
            sandbox.close()
            errors.seek(0)
            said = errors.read(4000).decode("utf-8", "replace").strip()
            raise GraderError("the sandbox cannot start or run the setup code, so nobody was graded "
                              f"({str(error).replace('your code', 'the sandbox')}).\n"
                              f"bubblewrap and Python said:\n{said or '(nothing)'}") from None
        sandbox.close()
    if not reply.get("ok"):
        raise GraderError(f"the instructor's setup code fails in the sandbox:\n{reply.get('error')}")


class _Session:
    """A sandbox with the setup code run, restarted after any failure."""

    def __init__(self, spec: Spec, settings: Settings, private: tuple[str, ...] = ()):
        self.spec, self.settings, self.private = spec, settings, private
        self.sandbox: Sandbox | None = None
        self.deadline = 0.0

    def start(self) -> None:
        self.sandbox = Sandbox(self.settings, self.private)
        reply = self.sandbox.request({"op": "preamble", "code": self.spec.preamble, "label": "setup",
                                      "protect": list(self.spec.sandbox_names)}, self.settings.startup_timeout)
        if not reply.get("ok"):
            raise GraderError(f"the instructor's setup code fails in the sandbox:\n{reply.get('error')}")

    def left(self) -> float:
        return max(self.deadline - time.monotonic(), 0.001)

    def define(self, code: str, label: str) -> None:
        reply = self.sandbox.request({"op": "define", "code": code, "label": label}, self.left())
        if not reply.get("ok"):
            raise StudentError(reading.clean_text(reply.get("error", "")))

    def call(self, name: str, args: tuple, kwargs: dict) -> Any:
        try:
            message = {"op": "call", "name": name, "args": wire.encode(args), "kwargs": wire.encode(kwargs)}
        except wire.WireError as error:
            raise RuntimeError(f"instructor test passes an unsupported value: {error}") from None
        reply = self.sandbox.request(message, self.left())
        if not reply.get("ok"):
            raise StudentError(reading.clean_text(reply.get("error", "")))
        try:
            return wire.decode(reply.get("value"))
        except (wire.WireError, ValueError, TypeError, RecursionError, MemoryError) as error:
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


def _empty_result(path: str, specs: dict[str, Spec], flags: list[str]) -> dict:
    any_spec = next(iter(specs.values()))
    return {"notebook": path, "lang": "", "flags": flags, "exercises": {}, "score": 0.0, "max_score": any_spec.points}


def grade_notebook(path: Path, specs: dict[str, Spec], settings: Settings, private: tuple[str, ...] = ()) -> dict:
    """Grade one submitted file (notebook, .ipynb.json or .py download) in a sandbox; return its result.

    This is the grading core that every front end calls (``grade_folder``, the LMS exports). It runs in
    the calling process, so call it under a supervisor with a wall-clock limit when the process matters
    (``grading.batch.grade_one`` does). The result: ``notebook``, ``lang``, ``score``, ``max_score``,
    ``flags`` (reasons for review) and ``exercises``: per exercise its ``score``, ``max_score``,
    ``error`` and ``tests``, each test a dict with ``grade_id``, ``points``, ``hidden``, ``passed``,
    ``score`` and ``message``. Every text that came from the student is cleaned (valid Unicode, bounded).
    ``private``: folders the sandbox must never show (the submissions, the output), besides the course.
    Raises GraderError when the sandbox itself cannot run (never the student's fault).
    """
    try:
        cells, notes = reading.load_cells(Path(path))
    except reading.Unreadable as error:
        return _empty_result(str(path), specs, [f"the notebook could not be read: {error}; nothing was graded"])
    notebook = {"cells": cells}
    lang = detect_language(notebook, specs)
    spec = specs[lang]
    settings = settings.at_least(spec.limits)
    result: dict[str, Any] = {"notebook": str(path), "flags": [f"the file is {note}" for note in notes],
                              "exercises": {}, "score": 0.0, "max_score": spec.points, "lang": lang}
    answers = find_answers(notebook, spec)
    trusted = _trusted_namespace(spec)
    session = _Session(spec, settings, private)
    proxies = {name: _Proxy(session, name) for exercise in spec.exercises for name in exercise.names}
    proxies.update({name: _Proxy(session, name) for name in spec.sandbox_names})
    # Trusted helpers (ch05's describe_model) call the student's side through these proxies: they look
    # names up in the trusted namespace, so this submission's proxies go there (one submission at a time).
    trusted.update(proxies)
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
                    try:
                        session.start()
                    except SandboxFailure as error:
                        raise GraderError(f"the sandbox stopped working: {error}") from None
                session.deadline = time.monotonic() + settings.timeout
                try:
                    for label, code in found.parts:
                        session.define(code, f"{label}, {exercise.grade_id}")
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
                namespace = dict(trusted)  # a fresh copy of the trusted setup per test: nothing carries over
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
                    text = reading.clean_text(str(error)).strip()
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


def detect_language(notebook: dict, specs: dict[str, Spec]) -> str:
    """Pick the language whose markdown cells the submission shares most."""
    texts = {_normalise(c["source"]) for c in notebook["cells"] if len(c["source"]) < 20_000}
    scores = {lang: len(spec.fingerprints & texts) for lang, spec in specs.items()}
    best = max(scores.values())
    for lang in specs:  # first language in LANGUAGES order wins ties
        if scores[lang] == best:
            return lang
    raise AssertionError("unreachable")
