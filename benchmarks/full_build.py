"""Record a full-mode build of the website in ``benchmarks/results.json``.

``bash scripts/build_book.sh`` executes every notebook in full mode and keeps
two things between builds: the execution cache (``_build/.jupyter_cache``,
one record per executed notebook with its execution time) and the results
store (``_build/store``, one entry per long training with its training time).
After a build, this module reads both and writes ``results.json["book_full"]``:

- ``wall_time_s``: the build's own wall time (start and end given by the caller);
- ``per_notebook_s``: each notebook's execution time in this build, as the
  execution cache recorded it (notebooks executed before ``started`` are left
  out: they came from the cache);
- ``trained_s`` and ``loaded_s``: the store's trainings, by entry name, split
  into those this build wrote and those it loaded (trained by an earlier run;
  the store stamps an entry when it is loaded). Entries the build did not use,
  left over from older code, count in neither;
- ``first_build_estimate_s``: ``wall_time_s`` plus every loaded training, that
  is, what a build from an empty store would take on the same machine;
- ``chapter_full_run_s``: for each chapter, its English notebook's execution
  time plus the loaded trainings of that chapter (entries named ``chNN-...``):
  what a reader running the chapter in full mode from scratch waits.

Every figure is a measurement of this machine (the build, or the run that
trained a loaded entry); none is typed by hand. Usage, after a build::

    python -m benchmarks.full_build --started 2026-12-01T21:18:30+00:00 --ended 2026-12-01T23:20:00+00:00

which also rewrites the results pages and every marked figure of the prose
from the updated file (``--no-pages`` leaves them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sqlite3
import sys
from pathlib import Path

from benchmarks import figures, report

__all__ = ["read_store", "read_execution_cache", "book_full_record", "main"]

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
_NOTEBOOK = re.compile(r"book/(?P<lang>en|es|pt)/(?P<chapter>0[1-5]_[a-z_]+)\.ipynb$")


def _parse_time(text: str, what: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be an ISO 8601 time with its offset, such as "
                         f"2026-12-01T21:18:30+00:00 (got {text!r})") from None
    if moment.tzinfo is None:
        raise ValueError(f"{what} must say its time zone, such as +00:00 (got {text!r})")
    return moment.astimezone(dt.timezone.utc)


def read_store(store: Path) -> list[dict]:
    """Return the store's entries: ``name``, ``written``, ``last_used`` (UTC or None) and ``seconds`` of training.

    The listing is the store's own (:meth:`course_utils.store.ResultsStore.entries`).

    Raises:
        FileNotFoundError: ``store`` is not a folder.
        ValueError: An entry's manifest or log cannot be read, or records no training time.
    """
    from course_utils.store import ResultsStore  # no TensorFlow: the store imports it only to train

    store = Path(store)
    if not store.is_dir():
        raise FileNotFoundError(f"no results store at {store} (the build keeps it in _build/store)")
    entries = []
    for entry in ResultsStore(store, retrain=False).entries():
        if entry.seconds is None:
            raise ValueError(f"{entry.folder} records no training time: expected 'seconds' or a list 'epoch_seconds'")
        entries.append({"name": entry.name, "folder": entry.folder.name, "written": entry.written,
                        "last_used": entry.last_used, "seconds": entry.seconds})
    return entries


def read_execution_cache(cache: Path) -> list[dict]:
    """Return the execution cache's records: notebook ``uri``, ``created`` (UTC) and ``seconds``.

    Read straight from jupyter-cache's SQLite file (``global.db``), so that this
    works without importing the build's packages.

    Raises:
        FileNotFoundError: ``cache`` holds no jupyter-cache database.
    """
    database = Path(cache) / "global.db"
    if not database.is_file():
        raise FileNotFoundError(f"no execution cache at {cache} (a build with execute_notebooks: cache makes one)")
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT uri, created, data FROM nbcache").fetchall()
    records = []
    for uri, created, data in rows:
        seconds = json.loads(data or "{}").get("execution_seconds")
        if seconds is None:
            continue
        moment = dt.datetime.fromisoformat(str(created))
        moment = moment.replace(tzinfo=dt.timezone.utc) if moment.tzinfo is None else moment
        records.append({"uri": uri, "created": moment.astimezone(dt.timezone.utc), "seconds": float(seconds)})
    return records


def book_full_record(*, started: dt.datetime, ended: dt.datetime, executions: list[dict],
                     entries: list[dict]) -> dict:
    """Return the ``book_full`` record of a build that ran from ``started`` to ``ended``.

    ``executions`` and ``entries`` are what :func:`read_execution_cache` and
    :func:`read_store` return. Only the entries this build used count: those it
    wrote, and those written earlier that it loaded (``last_used`` within the
    build). An entry left over from older code, which the build did not load,
    does not count; for a name used more than once, the newest entry counts.

    Raises:
        ValueError: ``ended`` is not after ``started``, or the build executed
            no chapter notebook (nothing to record).
    """
    if ended <= started:
        raise ValueError(f"the build must end after it starts (started {started}, ended {ended})")
    per_notebook = {}
    for record in sorted(executions, key=lambda r: r["created"]):
        match = _NOTEBOOK.search(record["uri"].replace("\\", "/"))
        if match and started <= record["created"] <= ended:
            per_notebook[f"{match['lang']}/{match['chapter']}"] = round(record["seconds"], 1)
    if not per_notebook:
        raise ValueError(f"the execution cache has no chapter notebook executed between {started} and {ended}: "
                         "was the build run with execute_notebooks: cache, and are the times right?")
    def during(moment) -> bool:
        return moment is not None and started <= moment <= ended

    # What this build used: the entries it wrote, and the older ones it loaded (stamped when
    # loaded). For a name stored more than once, the newest of those counts.
    used: dict[str, dict] = {}
    for entry in sorted(entries, key=lambda e: e["written"]):
        if during(entry["written"]) or (entry["written"] < started and during(entry["last_used"])):
            used[entry["name"]] = entry
    trained = {name: round(e["seconds"], 1) for name, e in sorted(used.items()) if e["written"] >= started}
    loaded = {name: round(e["seconds"], 1) for name, e in sorted(used.items()) if e["written"] < started}
    wall = round((ended - started).total_seconds(), 1)
    chapters = sorted({key.split("/")[1] for key in per_notebook})
    chapter_run = {}
    for chapter in chapters:
        if f"en/{chapter}" in per_notebook:
            prefix = f"ch{chapter[:2]}-"
            chapter_run[chapter] = round(per_notebook[f"en/{chapter}"]
                                         + sum(s for name, s in loaded.items() if name.startswith(prefix)), 1)
    return {
        "measured_at": started.isoformat(timespec="seconds"),
        "wall_time_s": wall,
        "notebooks": len(per_notebook),
        "per_notebook_s": dict(sorted(per_notebook.items())),
        "trained_s": trained,
        "loaded_s": loaded,
        "first_build_estimate_s": round(wall + sum(loaded.values()), 1),
        "chapter_full_run_s": chapter_run,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--started", required=True, help="when the build started (ISO 8601 with offset)")
    parser.add_argument("--ended", required=True, help="when the build ended (ISO 8601 with offset)")
    parser.add_argument("--build", type=Path, default=ROOT / "_build", help="the build folder (default _build)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the results file to update")
    parser.add_argument("--no-pages", action="store_true",
                        help="do not rewrite the results pages and the prose's marked figures from it")
    args = parser.parse_args(argv)
    record = book_full_record(started=_parse_time(args.started, "--started"), ended=_parse_time(args.ended, "--ended"),
                              executions=read_execution_cache(args.build / ".jupyter_cache"),
                              entries=read_store(args.build / "store"))
    results = json.loads(args.results.read_text(encoding="utf-8"))
    results["book_full"] = record
    report.validate(results)
    args.results.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    json.dump(record, sys.stdout, indent=1)
    print(f"\n[full build] wrote {args.results}")
    if not args.no_pages:
        for path in report.write_pages(results, ROOT / "book"):
            print(f"[full build] updated {path.relative_to(ROOT)}")
        for problem in (p for path in figures.prose_files() for p in figures.rewrite(path, results, write=True)):
            print(f"[full build] rewrote {problem}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
