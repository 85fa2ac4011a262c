"""Execute the book's notebooks two at a time into the execution cache, before the website build.

Jupyter Book executes notebooks one after the other, as Sphinx reads them. A
notebook spends much of its time outside TensorFlow's threads (starting a
kernel, importing, plotting, Python loops), so on 2 cores two notebooks at a
time finish sooner. This fills the execution cache (``_build/.jupyter_cache``)
the way myst-nb does (same cache, same record, same working folder: the
notebook's own); the build then finds every notebook there and executes none.

Order matters: the English chapters run first (two at a time), then the
Spanish and Portuguese ones, which load the English chapters' trainings from
the results store instead of training them again.

A notebook already in the cache is skipped. A notebook that fails is reported
and left out of the cache: the build executes it again and reports the error
as usual, so this step can make a build faster but never different.

    python -m tools.preexecute _build/.jupyter_cache book/en/*.ipynb book/es/*.ipynb book/pt/*.ipynb
"""

from __future__ import annotations

import argparse
import concurrent.futures
import sys
from pathlib import Path

__all__ = ["phases", "execute_one", "preexecute", "main"]

FIRST_LANGUAGE = "en"
"""The language whose notebooks train; the others load its trainings from the results store."""


def phases(notebooks: list[Path]) -> list[list[Path]]:
    """Return the notebooks in the order they must run: the English ones, then all the others.

    Raises:
        ValueError: No notebooks, or a path that is not an ``.ipynb`` file.
    """
    if not notebooks:
        raise ValueError("no notebooks to execute (expected paths such as book/en/01_rnn_theory.ipynb)")
    for path in notebooks:
        if Path(path).suffix != ".ipynb" or not Path(path).is_file():
            raise ValueError(f"not a notebook file: {path} (expected an existing .ipynb path)")
    first = [Path(p) for p in notebooks if Path(p).parent.name == FIRST_LANGUAGE]
    rest = [Path(p) for p in notebooks if Path(p).parent.name != FIRST_LANGUAGE]
    return [group for group in (first, rest) if group]


def execute_one(path: Path, timeout: int) -> tuple[str, float | None, str | None, str]:
    """Execute one notebook in its own folder; return (path, seconds, error or None, executed notebook as JSON)."""
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = nbformat.read(str(path), as_version=4)
    result = single_nb_execution(notebook, cwd=str(Path(path).parent.resolve()), timeout=timeout,
                                 allow_errors=False, meta_override=True)
    error = None if result.err is None else f"{type(result.err).__name__}: {result.err}"
    return str(path), result.time, error, nbformat.writes(notebook)


def preexecute(cache_path: Path, notebooks: list[Path], *, workers: int = 2, timeout: int = 21600,
               log=print) -> dict[str, str]:
    """Execute the notebooks not yet in the cache, ``workers`` at a time; return {path: "cached" | "executed" | error}.

    Raises:
        ValueError: ``workers`` or ``timeout`` is not a positive integer, or a path is not a notebook.
    """
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    for name, value in (("workers", workers), ("timeout", timeout)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"`{name}` must be an integer >= 1 (got {name}={value!r}).")
    ordered = phases([Path(p) for p in notebooks])
    cache = get_cache(str(cache_path))
    outcome: dict[str, str] = {}
    for group in ordered:
        todo = []
        for path in group:
            try:
                cache.match_cache_notebook(nbformat.read(str(path), as_version=4))
                outcome[str(path)] = "cached"
            except KeyError:
                todo.append(path)
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(execute_one, path, timeout) for path in todo]
            for future in concurrent.futures.as_completed(futures):
                path, seconds, error, executed = future.result()
                if error is not None:
                    outcome[path] = error
                    log(f"[preexecute] {path} failed ({error}); the build will execute it again and report it")
                    continue
                record = cache.add_nb_to_project(str(Path(path).resolve()))
                cache.cache_notebook_bundle(
                    CacheBundleIn(nbformat.reads(executed, as_version=4), record.uri,
                                  data={"execution_seconds": seconds}),
                    check_validity=False, overwrite=True)
                outcome[path] = "executed"
                log(f"[preexecute] {path}: executed in {seconds:.1f} s")
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cache", type=Path, help="the execution cache folder (_build/.jupyter_cache)")
    parser.add_argument("notebooks", type=Path, nargs="+", help="the notebooks, any order")
    parser.add_argument("--workers", type=int, default=2, help="notebooks at a time (default 2)")
    parser.add_argument("--timeout", type=int, default=21600, help="seconds per cell (default: _config.yml's)")
    args = parser.parse_args(argv)
    try:
        preexecute(args.cache, args.notebooks, workers=args.workers, timeout=args.timeout)
    except ValueError as error:
        print(f"preexecute: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
