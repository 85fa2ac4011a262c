"""Run the course's benchmarks: every chapter's own notebook, then read its figures.

    python -m benchmarks.run                  # full mode: the published figures (about 1 h 45 min on 2 cores)
    python -m benchmarks.run --chapters 05_bilstm_mnist --skip-book   # re-measure one chapter
    python -m benchmarks.run --chapters                               # re-time only the book
    python -m benchmarks.run --fast --out results.json --no-pages     # what CI runs

Full mode executes each English chapter notebook without ``COURSE_FAST`` (the
reader's full-quality run), reads the metrics listed in ``benchmarks/chapters.py``
from the notebook's own variables, then executes every notebook of the book in
fast mode to time it. A chapter with a ``runner`` (chapter 4, whose notebook
trains for hours) is measured by that module instead, with the chapter's own
functions and recipes. Fast mode times the book and takes the chapters' figures
from those same runs (and from the runners, in fast mode). Results go to a JSON file and, unless
``--no-pages``, into the results page of the book in every language.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from benchmarks import report
from benchmarks.chapters import CHAPTERS, MARK, Chapter, chapter_by_name

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "es", "pt")


def _probe_source(chapter: Chapter) -> str:
    """Return the code of the cell appended to a notebook to report its figures."""
    expressions = {metric.key: metric.expression for metric in chapter.metrics}
    return (
        "import json as _json, resource as _resource\n"
        f"_expressions = {expressions!r}\n"
        "_values = {key: float(_v) for key, _v in ((key, eval(expression)) for key, expression in _expressions.items())\n"
        "           if _v is not None}\n"
        "_peak_mb = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        f"print({MARK!r} + _json.dumps({{'values': _values, 'peak_memory_mb': _peak_mb}}))\n"
    )


def _read_mark(line: str) -> dict | None:
    """Return the figures printed on ``line`` if it starts with ``MARK``, else ``None``."""
    return json.loads(line[len(MARK):]) if line.startswith(MARK) else None


def _result(found: dict, wall: float) -> dict:
    """The figures of one run: wall time, peak memory and the metric values."""
    return {"wall_time_s": round(wall, 1), "peak_memory_mb": round(found["peak_memory_mb"], 1),
            "values": found["values"]}


def run_notebook(path: Path, chapter: Chapter, *, fast: bool) -> dict:
    """Execute one notebook in a fresh kernel and return its figures.

    Returns:
        A dict with ``wall_time_s``, ``peak_memory_mb`` (the kernel's peak
        resident memory) and ``values`` (metric key -> number).

    Raises:
        nbclient.exceptions.CellExecutionError: A cell of the notebook raised.
        RuntimeError: The probe cell printed no result.
    """
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_probe_source(chapter)))
    saved = os.environ.get("COURSE_FAST")
    if fast:
        os.environ["COURSE_FAST"] = "1"
    else:
        os.environ.pop("COURSE_FAST", None)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        start = time.perf_counter()
        client = NotebookClient(nb, timeout=4 * 3600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
        wall = time.perf_counter() - start
    finally:
        if saved is None:
            os.environ.pop("COURSE_FAST", None)
        else:
            os.environ["COURSE_FAST"] = saved
    for output in nb.cells[-1].get("outputs", []):
        for line in output.get("text", "").splitlines():
            found = _read_mark(line)
            if found is not None:
                return _result(found, wall)
    raise RuntimeError(f"{path}: the benchmark probe printed no result")


def run_runner(chapter: Chapter, *, fast: bool) -> dict:
    """Run ``python -m <chapter.runner> --benchmark [--fast]`` and return its figures.

    The runner's output is echoed as it comes. Returns the same dict as
    :func:`run_notebook`.

    Raises:
        ValueError: The chapter has no runner.
        RuntimeError: The runner failed or printed no result.
    """
    if chapter.runner is None:
        raise ValueError(f"chapter {chapter.name!r} has no runner; execute its notebook instead")
    command = [sys.executable, "-m", chapter.runner, "--benchmark"] + (["--fast"] if fast else [])
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")}
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    found = None
    tail: list[str] = []
    for line in process.stdout:
        marked = _read_mark(line)
        if marked is not None:
            found = marked
            continue
        print("    " + line, end="", flush=True)
        tail = (tail + [line])[-20:]
    code = process.wait()
    wall = time.perf_counter() - start
    if code != 0 or found is None:
        raise RuntimeError(f"{' '.join(command)} exited with {code} and "
                           f"{'no' if found is None else 'a'} result; last lines:\n{''.join(tail)}")
    return _result(found, wall)


def hardware() -> dict:
    """Describe this machine: CPU model, cores, memory, system and library versions."""
    cpu = platform.processor() or platform.machine()
    memory_gb = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    versions = {}
    for package in ("tensorflow-cpu", "tensorflow", "keras"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            continue
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory_gb,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(), **versions,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fast", action="store_true", help="fast mode only (what CI runs to prove it works)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json",
                        help="results file to write (default: benchmarks/results.json)")
    parser.add_argument("--no-pages", action="store_true", help="do not rewrite the book's results pages")
    parser.add_argument("--languages", nargs="+", choices=LANGUAGES, default=list(LANGUAGES),
                        help="languages whose notebooks the fast-mode book timing executes")
    parser.add_argument("--chapters", nargs="*", metavar="NAME",
                        help="full mode: measure only these chapters (none: only the book timing) "
                             "and keep the other rows of --out")
    parser.add_argument("--skip-book", action="store_true",
                        help="full mode: do not time the book in fast mode; keep the figures in --out")
    args = parser.parse_args(argv)
    partial = args.chapters is not None or args.skip_book
    selected = [chapter_by_name(name) for name in args.chapters] if args.chapters is not None else list(CHAPTERS)
    if args.fast and partial:
        parser.error("--chapters and --skip-book apply to full mode only")
    if args.skip_book and not args.out.exists():
        parser.error(f"--skip-book keeps the book timing of {args.out}, which does not exist")
    previous = {}
    if partial and args.out.exists():
        previous = json.loads(args.out.read_text(encoding="utf-8"))
        report.validate(previous)
        if previous["mode"] != "full":
            parser.error(f"{args.out} holds {previous['mode']}-mode figures; full-mode rows cannot be merged into it")

    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    results = {
        "schema": report.SCHEMA,
        "mode": "fast" if args.fast else "full",
        "measured_at": now,
        "hardware": hardware(),
        "chapters": [],
        "book_fast": previous.get("book_fast", {}),
    }
    # The full website build's record (benchmarks.full_build) is another command's measurement: keep it.
    if not args.fast and args.out.exists():
        kept = json.loads(args.out.read_text(encoding="utf-8")).get("book_full")
        if kept is not None:
            results["book_full"] = kept
    failures = []
    fast_runs: dict[str, dict] = {}
    user_store = os.environ.get("COURSE_STORE_DIR")
    fast_store = tempfile.mkdtemp(prefix="course-benchmark-store-")

    def execute(lang: str, chapter: Chapter, fast: bool, *, use_runner: bool = False) -> dict | None:
        path = ROOT / "book" / lang / f"{chapter.name}.ipynb"
        mode = "fast" if fast else "full"
        what = f"python -m {chapter.runner}" if use_runner else str(path.relative_to(ROOT))
        print(f"[benchmark] {what} ({mode} mode) ...", flush=True)
        # The results store (course_utils.store): a full-mode chapter trains again, so that its
        # time is a training's, and leaves its models in the store for the book build to reuse;
        # the fast-mode book timing starts from an empty store of its own, as a first book build
        # does (English trains, Spanish and Portuguese load).
        os.environ["COURSE_RETRAIN"] = "0" if fast else "1"
        if fast:
            os.environ["COURSE_STORE_DIR"] = fast_store
        elif user_store is None:
            os.environ.pop("COURSE_STORE_DIR", None)
        else:
            os.environ["COURSE_STORE_DIR"] = user_store
        try:
            run = run_runner(chapter, fast=fast) if use_runner else run_notebook(path, chapter, fast=fast)
        except Exception as error:  # noqa: BLE001 - report every failure, go on with the rest
            failures.append(f"{what} ({mode}): {type(error).__name__}: {str(error)[-2000:]}")
            print(f"[benchmark]   FAILED: {failures[-1]}", flush=True)
            return None
        print(f"[benchmark]   {run['wall_time_s']} s, peak {run['peak_memory_mb']} MB, {run['values']}", flush=True)
        return run

    written = [c for c in CHAPTERS if (ROOT / "book" / "en" / f"{c.name}.ipynb").exists()]
    new_rows = {}
    for chapter in written:
        if not chapter.metrics or chapter not in selected or args.fast:
            continue
        run = execute("en", chapter, fast=False, use_runner=chapter.runner is not None)
        if run is not None:
            new_rows[chapter.name] = run
    if args.fast or not args.skip_book:
        for lang in args.languages:
            for chapter in written:
                run = execute(lang, chapter, fast=True)
                if run is not None:
                    fast_runs[f"{lang}/{chapter.name}"] = run
        if args.fast:
            new_rows = {c.name: fast_runs[f"en/{c.name}"] for c in written  # a chapter whose metrics are
                        if c.metrics and c.runner is None and fast_runs.get(f"en/{c.name}", {}).get("values")}
            # full-mode only (chapter 1's lags) has no fast-mode row
            for chapter in written:
                if chapter.runner is not None:
                    run = execute("en", chapter, fast=True, use_runner=True)
                    if run is not None:
                        new_rows[chapter.name] = run
        results["book_fast"] = {
            "languages": args.languages,
            "notebooks": len(fast_runs),
            "measured_at": now,
            "wall_time_s": round(sum(r["wall_time_s"] for r in fast_runs.values()), 1),
            "peak_memory_mb": max((r["peak_memory_mb"] for r in fast_runs.values()), default=0.0),
            "per_notebook_s": {name: r["wall_time_s"] for name, r in fast_runs.items()},
            # The fast-mode figures the prose quotes (benchmarks/figures.py), from the English runs.
            "metrics": {name.split("/", 1)[1]: r["values"] for name, r in fast_runs.items()
                        if name.startswith("en/") and r["values"]},
        }
    kept = {row["chapter"]: row for row in previous.get("chapters", [])}
    for chapter in CHAPTERS:
        run = new_rows.get(chapter.name)
        if run is None:
            if chapter.name in kept:
                results["chapters"].append(kept[chapter.name])
            continue
        results["chapters"].append({
            "chapter": chapter.name,
            "measured_at": now,
            "wall_time_s": run["wall_time_s"],
            "peak_memory_mb": run["peak_memory_mb"],
            "metrics": [
                {"key": m.key, "value": run["values"][m.key], "source": m.source, "literature": m.literature}
                for m in chapter.metrics if m.key in run["values"]  # some metrics exist in full mode only
            ],
        })
    if failures:
        print("[benchmark] failed:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    report.validate(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"[benchmark] wrote {args.out}")
    if not args.no_pages:
        for path in report.write_pages(results, ROOT / "book"):
            print(f"[benchmark] updated {path.relative_to(ROOT)}")
    print(report.render_table(results, "en"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
