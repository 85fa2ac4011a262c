"""Sandboxed grading of the course's nbgrader assignments (see assignments/README.md).

Front ends call one of two functions:

- :func:`grade_folder` grades a folder of submissions (one supervised worker per submission,
  grades.csv written as results come, resumable);
- :func:`grade_one` grades ONE submitted file or folder under the same supervisor and returns its
  result dict (per exercise, per test), for LMS exports that grade one submission at a time.
  :func:`grade_notebook` is the same core without the supervisor (it runs in the caller's process).
"""

from .batch import discover, grade_folder, grade_one
from .core import (MARKER, GraderError, Settings, bwrap_available, check_sandbox, find_answers, grade_notebook,
                   load_assignment)

__all__ = ["MARKER", "GraderError", "Settings", "bwrap_available", "check_sandbox", "discover", "find_answers",
           "grade_folder", "grade_notebook", "grade_one", "load_assignment"]
