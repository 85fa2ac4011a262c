"""nbgrader configuration of the course's graded assignments.

The course directory is this folder (``assignments/``):

- ``source/<assignment>/<assignment>_<lang>.ipynb``: the instructor's notebooks,
  with solutions (``### BEGIN/END SOLUTION``) and hidden tests
  (``### BEGIN/END HIDDEN TESTS``). Never published: the book excludes this
  folder, and nothing links to it.
- ``release/<assignment>/``: the student notebooks, generated from the sources
  by ``nbgrader generate_assignment`` and committed; the Colab badges point here.

Grading does not use ``nbgrader autograde`` (it relies on cell metadata that
Colab strips, and runs student code unsandboxed): ``python assignments/grade.py``
does it. See ``assignments/README.md``.
"""

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "rnn-tensorflow-course"
c.CourseDirectory.root = "."
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_assignments = [
    {"name": "ch01_lstm_step"},
    {"name": "ch02_last_relevant"},
    {"name": "ch03_bptt_gradients"},
    {"name": "ch04_perplexity_batching"},
    {"name": "ch05_bidirectional"},
]

# The release keeps the course's own self-check messages; the stub nbgrader
# writes in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.enforce_metadata = True
# Student notebooks are stored clean, like the chapters: no outputs, no counts.
c.GenerateAssignment.preprocessors = [
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.GenerateAssignment.create_assignment = True
# Where the gradebook lives: outside the repository's published files, ignored by git.
c.CourseDirectory.db_url = "sqlite:///gradebook.db"
