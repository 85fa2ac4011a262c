"""Grade a folder of submissions: one supervised worker per submission at a time, results written as they come.

Design (see assignments/README.md):

- **Before anyone is graded**, one sandbox is started and runs the setup code
  (:func:`core.check_sandbox`). If that fails, the grader says why and stops:
  a grader that cannot work never records anything against a student.
- **Supervisor.** Each submission is graded in a worker process; the parent
  only dispatches jobs, waits on them with a hard wall-clock deadline, kills
  a worker that passes it (its sandboxes die with it) and starts a fresh one.
  Whatever happens in a worker (a hang, a crash, an exception, a recursion
  or memory error) becomes that submission's row, flagged with the reason.
- **Results as they come.** Each finished submission's ``results/<id>.json``
  and ``feedback/<id>.md`` are written atomically, and ``grades.csv`` is
  rewritten atomically (temporary file, fsync, rename) with every row so
  far. An interrupted batch keeps what it graded; the next run skips every
  submission whose files have not changed since (``resume=False`` regrades).
- **Identities.** A submission is an entry of the submissions folder (a
  folder or a file), named in ``grades.csv`` exactly as on disk; its files
  are named by a slug plus a hash of the exact name, so two names never share
  a row or a file (``José`` in NFC and NFD, ``Copy of bob.ipynb`` and ``bob/``).
"""

from __future__ import annotations

import collections
import contextlib
import csv
import functools
import gettext
import hashlib
import io
import json
import multiprocessing
import multiprocessing.connection
import os
import re
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

from . import core, limiting, reading

__all__ = ["Submission", "discover", "grade_folder", "grade_one", "student_file_id"]

_SKIP_DIRS = {".ipynb_checkpoints", ".git", "__MACOSX", "__pycache__", ".Trash"}
_MAX_FILES = 200  # files looked at per submission folder
_MAX_DEPTH = 8


def student_file_id(name: str) -> str:
    """A file name for a submission's outputs: ASCII, unique per exact name (a hash of its bytes)."""
    raw = os.fsencode(name)
    ascii_name = unicodedata.normalize("NFKD", os.fsdecode(raw).encode("utf-8", "surrogateescape")
                                       .decode("utf-8", "replace")).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9_.@-]+", "_", ascii_name).strip("._-")[:60] or "student"
    return f"{slug}-{hashlib.blake2s(raw, digest_size=5).hexdigest()}"


def display_name(name: str) -> str:
    """The entry's name as text: exactly as on disk, bytes that are not UTF-8 written as \\xNN."""
    return reading.clean_text(os.fsencode(name).decode("utf-8", "backslashreplace"), limit=300)


class Submission:
    """One entry of the submissions folder: its name, its candidate files and notes found on the way."""

    def __init__(self, name: str, files: list[Path], notes: list[str], fingerprint: str):
        self.name, self.files, self.notes, self.fingerprint = name, files, notes, fingerprint
        self.display = display_name(name)
        self.file_id = student_file_id(name)


def _walk(folder: Path, notes: list[str], depth: int = 0) -> list[Path]:
    """Submission files under ``folder``, never through a link, bounded in depth and count."""
    found: list[Path] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        notes.append(f"a folder could not be listed ({error.strerror})")
        return found
    for entry in entries:
        if len(found) >= _MAX_FILES:
            notes.append(f"more than {_MAX_FILES} files: the rest were not looked at")
            break
        if entry.is_symlink():
            if reading.is_submission_file(entry.name) or entry.is_dir():
                notes.append(f"{display_name(entry.name)} is a symbolic link, never followed")
            continue
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in _SKIP_DIRS and depth < _MAX_DEPTH:
                found += _walk(Path(entry.path), notes, depth + 1)
        elif reading.is_submission_file(entry.name):
            found.append(Path(entry.path))
    return found


def _fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        try:
            info = os.lstat(path)
            digest.update(f"{os.fsencode(str(path))!r} {info.st_size} {info.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{os.fsencode(str(path))!r} missing\n".encode())
    return digest.hexdigest()


def discover(submissions: Path) -> list[Submission]:
    """One submission per entry of the folder: a sub-folder (any notebooks inside, nbgrader's layout too) or a file.

    Files count when they look like a notebook download (``.ipynb`` in any case, ``.ipynb.json``, ``.py``);
    names starting with a dot count too (only ``.ipynb_checkpoints``, ``.git`` and the like are skipped).
    A link is listed, never followed: its row says so.
    """
    found = []
    for entry in sorted(os.scandir(submissions), key=lambda e: os.fsencode(e.name)):
        notes: list[str] = []
        if entry.name in _SKIP_DIRS:
            continue
        if entry.is_symlink():
            files = []
            notes.append("the submission is a symbolic link, which is never followed")
        elif entry.is_dir(follow_symlinks=False):
            files = _walk(Path(entry.path), notes)
        elif reading.is_submission_file(entry.name):
            files = [Path(entry.path)]
        else:
            continue
        found.append(Submission(entry.name, files, notes, _fingerprint(files)))
    return found


def _pick(files: list[Path], spec: core.Spec) -> tuple[Path | None, list[str]]:
    if not files:
        return None, []
    if len(files) == 1:
        return files[0], []

    def hits(path: Path) -> tuple[int, int, str]:
        try:
            text = reading.decode(reading.read_bytes(path))[0]
        except reading.Unreadable:
            return (-1, 0, str(path))
        return (sum(f"EXERCISE: {e.grade_id}" in text for e in spec.exercises),
                int(path.name.lower().endswith(".ipynb")), str(path))

    best = max(files, key=hits)
    others = ", ".join(display_name(p.name) for p in files if p != best)
    return best, [f"several notebooks submitted; graded {display_name(best.name)}, ignored {others}"]


# --------------------------------------------------------------------------- the worker side
_WORKER: dict[str, Any] = {}


def _worker_main(conn, course_dir: str, assignment: str, settings: core.Settings, private: tuple[str, ...]) -> None:
    """A worker: grade the jobs the supervisor sends, one at a time, until it sends None."""
    specs = core.load_assignment(Path(course_dir), assignment)
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        conn.send(_grade_job(job, specs, settings, private))


def _grade_job(job: dict, specs: dict[str, core.Spec], settings: core.Settings, private: tuple[str, ...]) -> dict:
    """Grade one submission; whatever goes wrong is part of its result, never an exception."""
    started = time.monotonic()
    files = [Path(p) for p in job["files"]]
    notebook, flags = _pick(files, next(iter(specs.values())))
    try:
        if notebook is None:
            result = core._empty_result("", specs, ["no notebook (.ipynb, .ipynb.json or .py) in the submission"])
        else:
            result = core.grade_notebook(notebook, specs, settings, private)
    except core.GraderError as error:
        result = core._empty_result(str(notebook or ""), specs, [f"the grader could not run here: {error}"])
        result["grader_error"] = reading.clean_text(str(error))
    except BaseException as error:  # noqa: BLE001 - RecursionError, MemoryError, a bug: this submission's row
        result = core._empty_result(str(notebook or ""), specs, [
            f"the grader failed on this submission ({type(error).__name__}: {reading.clean_text(str(error), 300)}); "
            "grade it by hand"])
    result["flags"] = job["notes"] + flags + result["flags"]
    result["seconds"] = round(time.monotonic() - started, 2)
    return _clean(result)


def _clean(value: Any, depth: int = 0) -> Any:
    """The result made safe to write: valid text everywhere, bounded."""
    if depth > 12:
        return "[...]"
    if isinstance(value, str):
        return reading.clean_text(value, 8000)
    if isinstance(value, dict):
        return {reading.clean_text(str(k), 200): _clean(v, depth + 1) for k, v in list(value.items())[:200]}
    if isinstance(value, (list, tuple)):
        return [_clean(v, depth + 1) for v in list(value)[:500]]
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    return reading.clean_text(repr(value), 300)


class _Worker:
    def __init__(self, context, args: tuple):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, *args), daemon=True)
        self.process.start()
        child.close()
        self.job: Submission | None = None
        self.deadline = 0.0
        self.fresh = True
        self.completed = 0

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
                self.process.join(10)
            except (OSError, ValueError):
                pass
        if self.process.is_alive():
            self.process.kill()
            self.process.join(10)
        limiting.cleanup(self.process.pid)
        self.conn.close()


# --------------------------------------------------------------------------- outputs
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ tab or CR gets a quote mark."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _md(text: str) -> str:
    """Student text inside a Markdown line: one line, every Markdown character escaped."""
    text = " ".join(str(text).split())
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", text)


def _fence(text: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", text, fence]


_LOCALE_DIRS = (Path(__file__).resolve().parent.parent / "course_utils" / "locale",  # in an export bundle
                Path(__file__).resolve().parent.parent.parent / "course_utils" / "locale")  # in the repository


@functools.lru_cache(maxsize=None)
def _translations(lang: str) -> gettext.NullTranslations:
    """The course's catalogs (course_utils/locale, read with the standard library) in ``lang``; English if none."""
    for folder in _LOCALE_DIRS:
        if (folder / lang / "LC_MESSAGES" / "course_utils.mo").is_file():
            return gettext.translation("course_utils", localedir=folder, languages=[lang])
    return gettext.NullTranslations()


def _feedback(result: dict, assignment: str) -> str:
    """The student's feedback file, in the language the grader detected in the submission."""
    tr = _translations(result.get("lang") or "en")
    lines = [tr.gettext("{assignment}: feedback for {student}").format(assignment=f"# {assignment}",
                                                                        student=_md(result["student"])), "",
             "**" + tr.gettext("Score: {score} / {max_score}.").format(score=f"{result['score']:g}",
                                                                      max_score=f"{result['max_score']:g}") + "**", ""]
    if result["notebook"]:
        name = _md(display_name(Path(result["notebook"]).name))
        lines.append(tr.gettext("Graded notebook: {name} (language: English).").format(name=name) if result.get("lang")
                     else tr.gettext("Graded notebook: {name} (language not recognised).").format(name=name))
        lines.append("")
    if result["flags"]:
        lines.append("**" + tr.gettext("Notes for the instructor and you:") + "**")
        lines += [f"- {_md(flag)}" for flag in result["flags"]]
        lines.append("")
    for grade_id, entry in result["exercises"].items():
        lines.append(f"## {grade_id}: {entry['score']:g} / {entry['max_score']:g}")
        for test in entry["tests"]:
            kind = tr.gettext("hidden test") if test["hidden"] else tr.gettext("visible test")
            mark = (tr.gettext("Passed.") if test["passed"]
                    else tr.gettext("Failed: {message}").format(message=_md(test["message"])))
            lines.append(f"- {test['grade_id']} ({kind}, {test['score']:g}/{test['points']:g}): {mark}")
        trace = entry.get("traceback") or next((t.get("traceback") for t in entry["tests"] if t.get("traceback")), None)
        if trace:
            lines += ["", *_fence(trace.strip()[-2000:])]
        lines.append("")
    return "\n".join(lines)


def _atomic_write(path: Path, data: str) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _grades_csv(results: list[dict], assignment: str, spec: core.Spec) -> str:
    columns = ["student", "file", "assignment", "language", "notebook", "score", "max_score",
               *[e.grade_id for e in spec.exercises], "needs_review", "flags"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for r in sorted(results, key=lambda r: r["student"]):
        writer.writerow([_csv_cell(cell) for cell in [
            r["student"], r["file"], assignment, r["lang"], display_name(Path(r["notebook"]).name) if r["notebook"] else "",
            f"{r['score']:g}", f"{r['max_score']:g}",
            *[f"{r['exercises'][e.grade_id]['score']:g}" if e.grade_id in r["exercises"] else "0"
              for e in spec.exercises],
            "yes" if r["flags"] or any(x["error"] for x in r["exercises"].values()) else "no",
            " | ".join(" ".join(flag.split()) for flag in r["flags"]),
        ]])
    return buffer.getvalue()


# --------------------------------------------------------------------------- the supervisor
def _deadline_seconds(settings: core.Settings, spec: core.Spec, first: bool) -> float:
    """Hard wall-clock limit for one submission: every sandbox start and every exercise, twice over, plus a margin."""
    if settings.hard_limit:
        return settings.hard_limit
    exercises = len(spec.exercises)
    seconds = settings.startup_timeout * (1 + exercises) + 2 * settings.timeout * exercises + 30
    return seconds + (settings.startup_timeout if first else 0)  # a new worker first runs the trusted setup


def grade_folder(course_dir: Path, assignment: str, submissions: Path, out: Path,
                 settings: core.Settings = core.Settings(), jobs: int | None = None, resume: bool = True,
                 progress: Any = None) -> dict:
    """Grade every submission in ``submissions``; write grades.csv, feedback/ and results/ in ``out``.

    Returns a summary: the results (one per submission found), the seconds, submissions per minute,
    how many were reused from an earlier run, and how sandboxes are limited here (``limits``).
    Raises core.GraderError, before grading anyone, when the sandbox cannot work on this machine.
    """
    if core.bwrap_available() is None:
        raise core.GraderError("bubblewrap is not installed: run `apt-get install bubblewrap` (see assignments/README.md)")
    specs = core.load_assignment(course_dir, assignment)
    spec = next(iter(specs.values()))
    settings = settings.at_least(spec.limits)
    submissions, out = Path(submissions), Path(out)
    private = tuple(os.path.realpath(p) for p in (submissions, out))
    found = discover(submissions)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    (out / "results").mkdir(parents=True, exist_ok=True)
    limiting.cleanup()  # cgroups left by an earlier run that was killed
    core.check_sandbox(spec, settings, private)
    limits = limiting.status()

    done: dict[str, dict] = {}
    todo: collections.deque[Submission] = collections.deque()
    for submission in found:
        previous = out / "results" / f"{submission.file_id}.json"
        if resume and previous.is_file():
            try:
                old = json.loads(previous.read_text(encoding="utf-8"))
                if old.get("fingerprint") == submission.fingerprint and old.get("assignment") == assignment \
                        and not old.get("grader_error"):
                    done[submission.file_id] = old
                    continue
            except (OSError, ValueError):
                pass
        todo.append(submission)
    reused = len(done)

    def record(submission: Submission, result: dict) -> None:
        result.update(student=submission.display, file=submission.file_id,
                      fingerprint=submission.fingerprint, assignment=assignment)
        done[submission.file_id] = result
        _atomic_write(out / "results" / f"{submission.file_id}.json", json.dumps(result, indent=1, ensure_ascii=False))
        _atomic_write(out / "feedback" / f"{submission.file_id}.md", _feedback(result, assignment))
        _atomic_write(out / "grades.csv", _grades_csv(list(done.values()), assignment, spec))
        if progress:
            progress(result)

    _atomic_write(out / "grades.csv", _grades_csv(list(done.values()), assignment, spec))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    started = time.monotonic()
    context = multiprocessing.get_context("spawn")
    args = (str(course_dir), assignment, settings, private)
    workers = [_Worker(context, args) for _ in range(jobs)]
    grader_errors = 0
    try:
        while todo or any(w.job for w in workers):
            for worker in workers:
                if worker.job is None and todo:
                    worker.job = todo.popleft()
                    worker.deadline = time.monotonic() + _deadline_seconds(settings, spec, worker.fresh)
                    worker.fresh = False
                    worker.conn.send({"files": [str(p) for p in worker.job.files], "notes": worker.job.notes})
            busy = [w for w in workers if w.job]
            wait = max(0.05, min(w.deadline for w in busy) - time.monotonic())
            ready = multiprocessing.connection.wait([w.conn for w in busy], timeout=wait)
            for index, worker in enumerate(workers):
                if not worker.job:
                    continue
                result = None
                if worker.conn in ready:
                    try:
                        result = worker.conn.recv()
                        worker.completed += 1
                    except (EOFError, OSError):
                        code = worker.process.exitcode
                        result = core._empty_result("", specs, [
                            f"the grader's worker died while grading this submission (exit code {code}); "
                            "grade it by hand"])
                        if not worker.completed:  # it never graded anyone: the grader's environment, not this student
                            result["grader_error"] = f"a grader worker died before grading anyone (exit code {code})"
                        worker.stop(kill=True)
                        workers[index] = worker = _reborn(worker, context, args)
                elif time.monotonic() > worker.deadline:
                    result = core._empty_result("", specs, [
                        f"grading this submission did not finish within {_deadline_seconds(settings, spec, False):.0f} s "
                        "(the grader's hard limit per submission); grade it by hand"])
                    worker.stop(kill=True)
                    workers[index] = worker = _reborn(worker, context, args)
                if result is not None:
                    submission, worker.job = worker.job, None
                    grader_errors = grader_errors + 1 if result.get("grader_error") else 0
                    record(submission, result)
                    if grader_errors >= 3:
                        raise core.GraderError(f"the grader stopped working during the batch: {result['grader_error']}")
    finally:
        for worker in workers:
            worker.stop(kill=bool(worker.job))
    elapsed = time.monotonic() - started
    results = [done[s.file_id] for s in found if s.file_id in done]
    graded = len(results) - reused
    per_minute = graded / elapsed * 60 if elapsed > 0 and graded else 0.0
    return {"results": results, "seconds": elapsed, "per_minute": per_minute, "jobs": jobs, "settings": settings,
            "reused": reused, "limits": limits}


def _reborn(worker: _Worker, context, args: tuple) -> _Worker:
    fresh = _Worker(context, args)
    fresh.job, fresh.deadline = worker.job, worker.deadline
    return fresh


def grade_one(course_dir: Path, assignment: str, path: Path, settings: core.Settings = core.Settings()) -> dict:
    """Grade ONE submitted file or folder under the supervisor (a worker process with a hard deadline).

    For front ends that grade one submission at a time (Gradescope, GitHub Classroom): same result dict as
    :func:`core.grade_notebook`, plus ``student``; nothing is written to disk. Raises core.GraderError
    when the sandbox cannot work here.
    """
    target = Path(path)
    specs = core.load_assignment(course_dir, assignment)
    spec = next(iter(specs.values()))
    settings = settings.at_least(spec.limits)
    private = (os.path.realpath(path),)
    core.check_sandbox(spec, settings, private)
    files = _walk(target, []) if target.is_dir() and not target.is_symlink() else [target]
    context = multiprocessing.get_context("spawn")
    worker = _Worker(context, (str(course_dir), assignment, settings, private))
    try:
        worker.conn.send({"files": [str(p) for p in files], "notes": []})
        if worker.conn.poll(_deadline_seconds(settings, spec, True)):
            try:
                result = worker.conn.recv()
            except (EOFError, OSError):
                result = core._empty_result("", specs, ["the grader's worker died while grading; grade it by hand"])
        else:
            result = core._empty_result("", specs, ["grading did not finish within the grader's hard limit; "
                                                    "grade it by hand"])
    finally:
        worker.stop(kill=True)
    result["student"] = display_name(target.name)
    return result
