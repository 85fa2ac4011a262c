"""The one place where the exports call the course's grader (``assignments/grading``).

Gradescope's autograder and the GitHub Classroom workflow grade one
submission with :func:`grade_submission`, which calls the grader's public
one-notebook function, ``grading.core.grade_notebook(path, specs, settings)``
with the specs of ``grading.core.load_assignment``: the same hidden tests, the
same points, the same reading of Colab-mangled notebooks as
``python assignments/grade.py``. If the grader's API changes, this module is
the only one to re-point.

Sandbox. The local grader runs student code in bubblewrap. A platform's
container may not allow it (Docker without user namespaces, GitHub's Ubuntu
runners with AppArmor's restriction on them), so ``sandbox`` chooses:

- ``"bwrap"``: the grader's own sandbox; fail if bubblewrap cannot run.
- ``"none"``: no bubblewrap. Student code still runs in a separate process
  with the grader's limits (memory, CPU time, per-exercise timeout), and the
  tests still run outside it and receive only plain data; what is lost is the
  filesystem and network isolation. When the grader runs as root (Gradescope),
  the student process runs as ``nobody`` (uid 65534), with a private home and
  a minimal environment, so it cannot read the hidden tests or write the
  results (keep those folders private to root: ``autograde.py`` does); if
  ``nobody`` cannot run this Python (an interpreter under ``/root``), it runs
  as the grader's user, and the result says so (``run_as``).
  The platform's container is the isolation there, as it is for every
  Gradescope and Classroom autograder.
- ``"auto"`` (default): ``"bwrap"`` when a trial sandbox starts, else ``"none"``.

This file is copied into every export bundle next to a copy of ``grading``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["SANDBOX_MODES", "NOBODY", "bwrap_works", "resolve_sandbox", "grade_submission", "assignment_tests"]

SANDBOX_MODES = ("auto", "bwrap", "none")
NOBODY = 65534
_HERE = Path(__file__).resolve().parent
if (_HERE / "grading").is_dir():  # inside an export bundle
    sys.path.insert(0, str(_HERE))
elif (_HERE.parent / "grading").is_dir():  # in the repository: assignments/export/adapter.py
    sys.path.insert(0, str(_HERE.parent))

from grading import core  # noqa: E402

_DEMOTE = '''\
import os, sys
uid, staging, runner, fd, home = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
if os.geteuid() != uid:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
env = {"PATH": "/usr/bin:/bin", "HOME": home, "PYTHONPATH": staging, "PYTHONDONTWRITEBYTECODE": "1",
       "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
os.chdir(home)
os.execve(sys.executable, [sys.executable, "-s", runner, fd], env)
'''


def bwrap_works() -> bool:
    """True when bubblewrap is installed and can start a sandbox like the grader's here."""
    path = core.bwrap_available()
    if path is None:
        return False
    try:
        done = subprocess.run([path, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def resolve_sandbox(sandbox: str = "auto") -> str:
    """Turn ``"auto"`` into ``"bwrap"`` or ``"none"``; check the others.

    Raises:
        ValueError: ``sandbox`` is not one of :data:`SANDBOX_MODES`.
        RuntimeError: ``"bwrap"`` was asked for and bubblewrap cannot run here.
    """
    if sandbox not in SANDBOX_MODES:
        raise ValueError(f"sandbox must be one of {SANDBOX_MODES} (got {sandbox!r})")
    if sandbox == "auto":
        return "bwrap" if bwrap_works() else "none"
    if sandbox == "bwrap" and not bwrap_works():
        raise RuntimeError("bubblewrap cannot start a sandbox here; use sandbox='none' inside a platform's container")
    return sandbox


@contextlib.contextmanager
def _without_bubblewrap(run_as: list[str]):
    """Make the grader start its student process without bubblewrap (see the module's docstring)."""
    import course_utils  # the trusted copy the grader itself imports

    staging = Path(tempfile.mkdtemp(prefix="grading-stage-"))
    home = Path(tempfile.mkdtemp(prefix="grading-home-"))
    try:
        (staging / "runner").mkdir()
        for name in ("runner.py", "wire.py"):
            shutil.copy(Path(core.__file__).parent / name, staging / "runner" / name)
        shutil.copytree(Path(course_utils.__file__).resolve().parent, staging / "course_utils",
                        ignore=shutil.ignore_patterns("__pycache__"))
        (staging / "demote.py").write_text(_DEMOTE, encoding="utf-8")
        for path in [staging, *staging.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (staging / "probe.py").write_text("import numpy, course_utils.checks\n", encoding="utf-8")
        uid = os.geteuid()
        if uid == 0:
            os.chown(home, NOBODY, NOBODY)
            probe = subprocess.run([sys.executable, "-s", str(staging / "demote.py"), str(NOBODY), str(staging),
                                    str(staging / "probe.py"), "0", str(home)], capture_output=True, timeout=120)
            if probe.returncode == 0:
                uid = NOBODY
            else:
                os.chown(home, 0, 0)
        run_as.append("nobody" if uid == NOBODY else f"uid {uid}")

        def command(reply_fd: int, private: tuple[str, ...] = (), tmp_bytes: int = 0) -> list[str]:
            # Same signature as core._sandbox_command; folders and /tmp size are bubblewrap's concern.
            return [sys.executable, "-s", str(staging / "demote.py"), str(uid), str(staging),
                    str(staging / "runner" / "runner.py"), str(reply_fd), str(home)]

        original = core._sandbox_command
        core._sandbox_command = command
        try:
            yield
        finally:
            core._sandbox_command = original
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)


def grade_submission(notebook: Path, course_dir: Path, assignment: str, sandbox: str = "auto") -> dict:
    """Grade one submitted notebook exactly as ``assignments/grade.py`` does; return the grader's result.

    Args:
        notebook: The student's ``.ipynb``.
        course_dir: A folder holding ``source/<assignment>/<assignment>_<lang>.ipynb`` (the tests).
        assignment: The assignment's name, e.g. ``"ch01_lstm_step"``.
        sandbox: ``"auto"``, ``"bwrap"`` or ``"none"`` (see the module's docstring).

    Returns:
        The grader's result dict (``score``, ``max_score``, ``lang``, ``flags``,
        ``exercises`` with their ``tests``), plus ``sandbox`` (the mode used)
        and ``run_as`` (``"bubblewrap"``, ``"nobody"`` or the uid student code ran as).
    """
    mode = resolve_sandbox(sandbox)
    specs = core.load_assignment(Path(course_dir), assignment)
    settings = core.Settings()
    run_as: list[str] = []
    if mode == "bwrap":
        result = core.grade_notebook(Path(notebook), specs, settings)
        run_as.append("bubblewrap")
    else:
        with _without_bubblewrap(run_as):
            result = core.grade_notebook(Path(notebook), specs, settings)
    result["sandbox"] = mode
    result["run_as"] = run_as[0]
    return result


def assignment_tests(course_dir: Path, assignment: str) -> list[dict]:
    """The assignment's tests in order: ``exercise``, ``grade_id``, ``points``, ``hidden`` (same in every language)."""
    spec = next(iter(core.load_assignment(Path(course_dir), assignment).values()))
    return [{"exercise": e.grade_id, "grade_id": t.grade_id, "points": t.points, "hidden": t.hidden}
            for e in spec.exercises for t in e.tests]
