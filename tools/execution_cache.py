"""Keep the website's notebook outputs in step with the code that drew them.

jupyter-cache (``execute_notebooks: cache``) re-executes a notebook only when
its code cells change. The outputs also depend on ``course_utils`` (plots,
logs, messages) and on the pinned requirements, which it does not see: after a
fix in ``course_utils`` the site would keep serving the old figures. Sphinx
does not see it either: its saved environment (``_build/.doctrees``) keeps
the parsed page of every notebook whose file did not change, outputs included,
and never reads that notebook again. Before a build, :func:`refresh` compares
a fingerprint of those files with the one stamped in each folder; where they
differ it empties the folder, so every notebook is read and runs again (its
long trainings still load from the results store, ``course_utils.store``,
whose entries have their own keys).

    python -m tools.execution_cache _build/.jupyter_cache _build/.doctrees   # what scripts/build_book.sh runs
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

__all__ = ["STAMP", "code_fingerprint", "refresh", "main"]

ROOT = Path(__file__).resolve().parent.parent
STAMP = "course-code.sha256"
"""The file, in the cache folder, that holds the fingerprint of the code its outputs came from."""


def _sources(root: Path) -> list[Path]:
    files = sorted((root / "course_utils").rglob("*"))
    files = [p for p in files if p.is_file() and "__pycache__" not in p.parts]
    return files + [root / "requirements.txt"]


def code_fingerprint(files: Iterable[Path], root: Path = ROOT) -> str:
    """Return a SHA-256 of the files' paths (relative to ``root``) and contents.

    Raises:
        FileNotFoundError: One of the files does not exist.
    """
    digest = hashlib.sha256()
    for path in files:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"cannot fingerprint {path}: no such file")
        digest.update(str(path.resolve().relative_to(root.resolve())).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def refresh(cache: Path, fingerprint: str) -> bool:
    """Empty ``cache`` if it was filled by other code than ``fingerprint``; stamp it. Return True if emptied.

    ``cache`` is any folder of build products: jupyter-cache's, or Sphinx's
    environment. A folder without a stamp (made before this existed) counts as
    other code.

    Raises:
        ValueError: ``fingerprint`` is not a SHA-256 hex digest.
    """
    if len(fingerprint) != 64 or any(c not in "0123456789abcdef" for c in fingerprint):
        raise ValueError(f"`fingerprint` must be a SHA-256 hex digest (got {fingerprint!r})")
    cache = Path(cache)
    stamp = cache / STAMP
    emptied = False
    if cache.exists() and (not stamp.is_file() or stamp.read_text(encoding="utf-8").strip() != fingerprint):
        shutil.rmtree(cache)
        emptied = True
    cache.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint + "\n", encoding="utf-8")
    return emptied


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m tools.execution_cache FOLDER [FOLDER ...]  "
              "(the execution cache, then Sphinx's doctrees)", file=sys.stderr)
        return 2
    fingerprint = code_fingerprint(_sources(ROOT))
    emptied = [folder for folder in args if refresh(Path(folder), fingerprint)]
    if emptied:
        print(f"course_utils or requirements.txt changed since {', '.join(emptied)} "
              f"{'was' if len(emptied) == 1 else 'were'} filled: emptied, so every notebook is read and "
              "runs again (long trainings load from the results store).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
