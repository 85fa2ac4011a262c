"""Sandboxed grading of the course's nbgrader assignments (see assignments/README.md)."""

from .core import MARKER, Settings, bwrap_available, find_answers, grade_folder, grade_notebook, load_assignment

__all__ = ["MARKER", "Settings", "bwrap_available", "find_answers", "grade_folder", "grade_notebook", "load_assignment"]
