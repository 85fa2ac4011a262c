"""``python -m assignments.export``: see :mod:`assignments.export.build`."""

import sys

from .build import main

sys.exit(main())
