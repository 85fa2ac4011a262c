"""Exports of the course's assignments to Gradescope and GitHub Classroom.

``python -m assignments.export --gradescope --classroom --out build/exports``
builds, from the source notebooks and with the course's own grader
(``assignments/grading``), a Gradescope autograder archive per assignment and
a GitHub Classroom starter repository per assignment and language. See
assignments/README.md ("Grade on Gradescope or GitHub Classroom").
"""
