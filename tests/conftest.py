"""Shared fixtures and the test-wide settings.

Every test run is in fast mode: the notebooks that nbval executes (and the
book build test) inherit ``COURSE_FAST=1`` from this process. Unit tests of
`course_utils.budget` pass their own environment explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("en", "es", "pt")


def pytest_configure(config: pytest.Config) -> None:
    os.environ["COURSE_FAST"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # Agg for this process only: notebook kernels must keep their inline
    # backend (an inherited MPLBACKEND=Agg would silently drop every figure).
    os.environ.pop("MPLBACKEND", None)
    matplotlib.use("Agg")


def chapter_notebooks() -> list[Path]:
    """Every chapter notebook of the book, in every language."""
    return sorted((ROOT / "book").glob("*/*.ipynb"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
