"""Shared fixtures and the test-wide settings.

Every test run is in fast mode: the notebooks that nbval executes (and the
book build test) inherit ``COURSE_FAST=1`` from this process. Unit tests of
`course_utils.budget` pass their own environment explicitly.

The website is built once per run (`built_site`) and inspected by two
modules, test_book.py (its files) and test_browser.py (in Chromium). Under
pytest-xdist both modules go to the same worker (`_SiteScheduling`
below), so the build, which executes every notebook, happens once.
Set ``COURSE_BUILT_SITE=/path/to/_build/html`` to test an existing build
instead (e.g. one made by `bash scripts/build_book.sh --fast`): handy while
working on the site or its tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("en", "es", "pt")
# Test modules that use `built_site`: kept on one xdist worker together.
SITE_MODULES = ("tests/test_book.py", "tests/test_browser.py")


def pytest_configure(config: pytest.Config) -> None:
    os.environ["COURSE_FAST"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # A fresh results store per test run (shared by xdist workers and the book build):
    # the English notebooks really train, the Spanish and Portuguese ones reuse it.
    if not os.environ.get("COURSE_STORE_DIR"):
        os.environ["COURSE_STORE_DIR"] = tempfile.mkdtemp(prefix="course-store-")
    # Agg for this process only: notebook kernels must keep their inline
    # backend (an inherited MPLBACKEND=Agg would silently drop every figure).
    os.environ.pop("MPLBACKEND", None)
    matplotlib.use("Agg")
    if hasattr(config.hook, "pytest_xdist_make_scheduler"):
        config.pluginmanager.register(_SiteScheduling(), "course-site-scheduling")


class _SiteScheduling:
    """With --dist loadscope, schedule the site's test modules as one scope.

    loadscope keeps each module (and each notebook's nbval cells) on one
    worker, in order; this only merges the modules that share the session's
    book build, so that a second worker does not build the site again.
    Registered only when pytest-xdist is active (its hook is unknown otherwise).
    """

    @staticmethod
    def pytest_xdist_make_scheduler(config, log):
        if config.getoption("dist", None) != "loadscope":
            return None
        from xdist.scheduler import LoadScopeScheduling

        class SiteScopeScheduling(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                if nodeid.startswith(SITE_MODULES):
                    return "built-site"
                return super()._split_scope(nodeid)

        return SiteScopeScheduling(config, log)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The course website built in fast mode with warnings as errors: its _build/html."""
    given = os.environ.get("COURSE_BUILT_SITE")
    if given:
        site = Path(given).resolve()
        assert (site / "index.html").is_file(), f"COURSE_BUILT_SITE={given} holds no built site (no index.html)"
        return site
    out = tmp_path_factory.mktemp("book")
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    env = {**os.environ, "COURSE_FAST": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    env.pop("MPLBACKEND", None)  # kernels must draw inline, or pages lose their figures
    result = subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "--path-output", str(out), "-W", "--keep-going"],
        capture_output=True, text=True, env=env, timeout=3600,
    )
    log = result.stdout[-6000:] + "\n" + result.stderr[-6000:]
    assert result.returncode == 0, f"jupyter-book build failed:\n{log}"
    return out / "_build" / "html"


def chapter_notebooks() -> list[Path]:
    """Every chapter notebook of the book, in every language."""
    return sorted((ROOT / "book").glob("*/*.ipynb"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
