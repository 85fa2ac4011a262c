"""Keep every notebook's Colab badge and install cell in step with `_config.yml`.

Two settings live in one place each, in `_config.yml`:

* `repository:` (URL and branch): where the notebooks are. Each notebook's
  first cell carries an "Open in Colab" badge that opens it from there.
* `course_utils:` (package name and version): the released `course_utils`
  that notebooks install in Colab. Each setup cell carries the pip
  requirement `<package>==<version>`, and `course_utils/__init__.py` its
  `__version__` (which the wheel's version comes from).

Notebooks opened in Colab cannot read `_config.yml`, so they carry copies.
This tool checks the copies (default) or rewrites them (`--write`).

It covers the chapters (`book/<lang>/*.ipynb`), the assignments' sources
(`assignments/source/`, whose badge opens the student notebook generated
from them) and student notebooks (`assignments/release/`), and the links to
the repository and to Colab on the instructors' pages (`book/<lang>/instructors.md`).
`--write` rewrites the chapters, sources and pages, then regenerates
`assignments/release/` from the sources (`assignments/tools/release.py`).

Usage:
    python tools/colab_links.py            # check; exit 1 and list problems
    python tools/colab_links.py --write    # rewrite badges, install lines, links and __version__
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

__all__ = [
    "BADGE_IMAGE",
    "read_repository",
    "badge_url",
    "PIP_SPEC_ENV_VAR",
    "read_release",
    "install_spec",
    "package_version",
    "version_problems",
    "rewrite_version",
    "notebook_problems",
    "rewrite_notebook",
    "book_notebooks",
    "assignment_notebooks",
    "page_problems",
    "rewrite_page",
    "instructor_pages",
]

ROOT = Path(__file__).resolve().parents[1]
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
_BADGE_URL = re.compile(r"https://colab\.research\.google\.com/github/[^\s)\"']+\.ipynb")
PIP_SPEC_ENV_VAR = "COURSE_UTILS_PIP_SPEC"
# The setup cell's pip requirement: os.environ.get("COURSE_UTILS_PIP_SPEC", "<package>==<version>").
# The variable exists for the course's own tests (tests/test_release.py), which point it at a local wheel.
_INSTALL_SPEC = re.compile(r'os\.environ\.get\(\s*"' + PIP_SPEC_ENV_VAR + r'",\s*"(?P<spec>[^"]*)"\s*\)')
_VERSION_LINE = re.compile(r'^__version__ = "(?P<version>[^"]*)"$', re.MULTILINE)
_PACKAGE_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")
INIT = ROOT / "course_utils" / "__init__.py"
_GITHUB = re.compile(r"^https://github\.com/(?P<owner>[\w.-]+)/(?P<name>[\w.-]+?)(?:\.git)?/?$")


def read_repository(config_path: Path = ROOT / "_config.yml") -> tuple[str, str]:
    """Return ``(owner/name, branch)`` from the ``repository:`` section of `_config.yml`.

    Raises:
        ValueError: The section is missing, or its URL is not a GitHub
            repository URL such as ``https://github.com/owner/name``.
    """
    config = yaml.safe_load(Path(config_path).read_text(encoding="utf-8"))
    repository = (config or {}).get("repository") or {}
    url = str(repository.get("url", ""))
    match = _GITHUB.match(url)
    if not match:
        raise ValueError(
            f"`repository.url` in {config_path} must look like https://github.com/owner/name (got {url!r})."
        )
    branch = str(repository.get("branch") or "")
    if not branch:
        raise ValueError(f"`repository.branch` in {config_path} must name a branch, e.g. main (got {branch!r}).")
    return f"{match['owner']}/{match['name']}", branch


def badge_url(repo: str, branch: str, notebook: str) -> str:
    """Return the Colab URL that opens ``notebook`` (a path from the repository root).

    Example:
        >>> badge_url("org/course", "main", "book/en/02_dynamic_rnn.ipynb")
        'https://colab.research.google.com/github/org/course/blob/main/book/en/02_dynamic_rnn.ipynb'
    """
    return f"https://colab.research.google.com/github/{repo}/blob/{branch}/{notebook}"


def read_release(config_path: Path = ROOT / "_config.yml") -> tuple[str, str]:
    """Return ``(package, version)`` from the ``course_utils:`` section of `_config.yml`.

    Raises:
        ValueError: The section is missing, its package is not a distribution
            name, or its version is not a PEP 440 release version such as 0.2.0.
    """
    config = yaml.safe_load(Path(config_path).read_text(encoding="utf-8"))
    section = (config or {}).get("course_utils") or {}
    package = str(section.get("package", ""))
    if not _PACKAGE_NAME.match(package):
        raise ValueError(f"`course_utils.package` in {config_path} must name the distribution, e.g. course-utils (got {package!r}).")
    raw = section.get("version")
    try:
        version = Version(str(raw))
    except InvalidVersion:
        version = None
    if not isinstance(raw, str) or version is None or str(version) != raw or version.is_devrelease or version.local:
        raise ValueError(
            f"`course_utils.version` in {config_path} must be a quoted release version such as \"0.2.0\" (got {raw!r})."
        )
    return package, raw


def install_spec(package: str, version: str) -> str:
    """Return the pip requirement that installs the released `course_utils`.

    Example:
        >>> install_spec("course-utils", "0.2.0")
        'course-utils==0.2.0'
    """
    return f"{package}=={version}"


def package_version(init: Path = INIT) -> str:
    """Return the ``__version__`` written in `course_utils/__init__.py`."""
    match = _VERSION_LINE.search(Path(init).read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f"{init} must hold a line __version__ = \"...\".")
    return match["version"]


def version_problems(package: str, version: str, init: Path = INIT, pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """List where `course_utils/__init__.py` or `pyproject.toml` disagree with `_config.yml`'s release."""
    problems = []
    found = package_version(init)
    if found != version:
        problems.append(f"{init.name}: __version__ is {found!r}, _config.yml's course_utils.version is {version!r}.")
    text = Path(pyproject).read_text(encoding="utf-8")
    names = re.findall(r'^name = "([^"]+)"$', text, flags=re.MULTILINE)
    if [canonicalize_name(n) for n in names[:1]] != [canonicalize_name(package)]:
        problems.append(f"pyproject.toml: the project's name is {names[:1]}, _config.yml's course_utils.package is {package!r}.")
    return problems


def rewrite_version(version: str, init: Path = INIT) -> bool:
    """Write ``version`` into `course_utils/__init__.py`; return True if it changed."""
    text = Path(init).read_text(encoding="utf-8")
    new = _VERSION_LINE.sub(f'__version__ = "{version}"', text)
    if new != text:
        Path(init).write_text(new, encoding="utf-8")
    return new != text


def _setup_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code" and "google.colab" in c.source and "pip" in c.source]


def notebook_problems(path: Path, repo: str, branch: str, spec: str, root: Path = ROOT,
                      opens: str | None = None) -> list[str]:
    """List what is wrong with a notebook's badge and install cell (empty when all is right).

    ``spec`` is the pip requirement the setup cell must install (:func:`install_spec`);
    ``opens`` is the notebook (a path from the repository root) the badge must
    open; by default the notebook itself.
    """
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    nb = nbformat.read(path, as_version=4)
    problems = []
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown" or not first.source.lstrip().startswith("# "):
        problems.append(f"{rel}: the first cell must be markdown starting with the title ('# ...').")
    else:
        urls = _BADGE_URL.findall(first.source)
        want = badge_url(repo, branch, opens or rel)
        if urls != [want]:
            problems.append(f"{rel}: the first cell must hold one Colab badge linking to {want} (found {urls}).")
        if BADGE_IMAGE not in first.source:
            problems.append(f"{rel}: the first cell must show the badge image {BADGE_IMAGE}.")
    setups = _setup_cells(nb)
    if len(setups) != 1:
        problems.append(f"{rel}: expected exactly one setup cell installing course_utils (found {len(setups)}).")
    else:
        found = _INSTALL_SPEC.findall(setups[0].source)
        if found != [spec]:
            problems.append(
                f"{rel}: the setup cell must install os.environ.get({PIP_SPEC_ENV_VAR!r}, {spec!r}) (found {found})."
            )
        if '"google.colab" in sys.modules' not in setups[0].source:
            problems.append(f"{rel}: the setup cell must install only when running in Colab.")
    return problems


def rewrite_notebook(path: Path, repo: str, branch: str, spec: str, root: Path = ROOT,
                     opens: str | None = None) -> bool:
    """Point the notebook's badge (at ``opens``, default itself) at ``repo``/``branch`` and its install line at ``spec``.

    Returns True if the notebook changed.
    """
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    nb = nbformat.read(path, as_version=4)
    changed = False
    if nb.cells and nb.cells[0].cell_type == "markdown":
        new = _BADGE_URL.sub(badge_url(repo, branch, opens or rel), nb.cells[0].source)
        changed |= new != nb.cells[0].source
        nb.cells[0].source = new
    for cell in _setup_cells(nb):
        new = _INSTALL_SPEC.sub(f'os.environ.get("{PIP_SPEC_ENV_VAR}", "{spec}")', cell.source)
        changed |= new != cell.source
        cell.source = new
    if changed:
        nbformat.write(nb, path)
    return changed


def book_notebooks(root: Path = ROOT) -> list[Path]:
    """Return every chapter notebook under ``book/``, sorted."""
    return sorted((root / "book").glob("*/*.ipynb"))


def assignment_notebooks(root: Path = ROOT) -> list[tuple[Path, str]]:
    """Every assignment notebook, with the notebook its Colab badge opens (a path from ``root``).

    A student notebook (``assignments/release/``) opens itself; a source
    (``assignments/source/``) opens the student notebook generated from it,
    since the release copies the source's badge.
    """
    found = []
    for kind in ("source", "release"):
        for path in sorted((root / "assignments" / kind).glob("*/*.ipynb")):
            found.append((path, f"assignments/release/{path.parent.name}/{path.name}"))
    return found


_PAGE_COLAB = re.compile(r"https://colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/[^/\s)]+/")
_PAGE_GITHUB = re.compile(r"https://github\.com/[\w.-]+/[\w.-]+/blob/[^/\s)]+/")


def instructor_pages(root: Path = ROOT) -> list[Path]:
    """The instructors' pages, which link to the student notebooks in Colab and to the repository."""
    return sorted((root / "book").glob("*/instructors.md"))


def page_problems(path: Path, repo: str, branch: str, root: Path = ROOT) -> list[str]:
    """List the Colab and GitHub links of a markdown page that do not point at ``repo``/``branch``."""
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    text = path.read_text(encoding="utf-8")
    wrong = [url for url in _PAGE_COLAB.findall(text) if url != f"https://colab.research.google.com/github/{repo}/blob/{branch}/"]
    wrong += [url for url in _PAGE_GITHUB.findall(text) if url != f"https://github.com/{repo}/blob/{branch}/"]
    return [f"{rel}: link {url}... must point at {repo}@{branch}" for url in wrong]


def rewrite_page(path: Path, repo: str, branch: str) -> bool:
    """Point a markdown page's Colab and GitHub links at ``repo``/``branch``; return True if it changed."""
    text = path.read_text(encoding="utf-8")
    new = _PAGE_COLAB.sub(f"https://colab.research.google.com/github/{repo}/blob/{branch}/", text)
    new = _PAGE_GITHUB.sub(f"https://github.com/{repo}/blob/{branch}/", new)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def _regenerate_release() -> None:
    """Regenerate the student notebooks from the rewritten sources (nbgrader, see assignments/README.md)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("release", ROOT / "assignments" / "tools" / "release.py")
    release = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(release)
    release.main([])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true",
                        help="rewrite badges, install lines and links from _config.yml, then regenerate assignments/release")
    args = parser.parse_args(argv)
    repo, branch = read_repository()
    package, version = read_release()
    spec = install_spec(package, version)
    if args.write:
        sources = [(p, opens) for p, opens in assignment_notebooks() if p.parent.parent.name == "source"]
        for path, opens in [(p, None) for p in book_notebooks()] + sources:
            if rewrite_notebook(path, repo, branch, spec, opens=opens):
                print(f"rewrote {path.relative_to(ROOT)}")
        for path in instructor_pages():
            if rewrite_page(path, repo, branch):
                print(f"rewrote {path.relative_to(ROOT)}")
        if rewrite_version(version):
            print(f"rewrote {INIT.relative_to(ROOT)}: __version__ = {version!r}")
        _regenerate_release()
    notebooks = [(p, None) for p in book_notebooks()] + assignment_notebooks()
    problems = [p for path, opens in notebooks for p in notebook_problems(path, repo, branch, spec, opens=opens)]
    problems += [p for path in instructor_pages() for p in page_problems(path, repo, branch)]
    problems += version_problems(package, version)
    for problem in problems:
        print(problem)
    print(f"{len(notebooks)} notebooks and {len(instructor_pages())} pages checked against {repo}@{branch} "
          f"and {spec}: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
