"""Grade a folder of submissions: ``python -m grading ASSIGNMENT SUBMISSIONS [--out DIR]`` (run in assignments/)."""

from .cli import main

raise SystemExit(main())
