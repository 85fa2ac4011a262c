"""Grade a folder of submissions. Usage: python assignments/grade.py ASSIGNMENT SUBMISSIONS [--out DIR].

See assignments/README.md. The work is done by the `grading` package next to this file.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grading.cli import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
