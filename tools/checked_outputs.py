"""Store the outputs of the cells whose output nbval checks, and nothing else.

A chapter may tag a code cell `nbval-check-output` when its output is
deterministic (shapes, masks, small exact computations). nbval then compares
the stored output with a fresh run. This tool executes each notebook in fast
mode and writes the outputs of the tagged cells back into the stored
notebook, numbered 1, 2, ... (nbval needs an execution count beside a stored
output); every other cell stays clean (no outputs, no execution counts).

Usage:
    python tools/checked_outputs.py book/en/02_dynamic_rnn.ipynb [...]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

TAG = "nbval-check-output"


def store_checked_outputs(path: Path, timeout: int = 1800) -> int:
    """Execute ``path`` in fast mode and store only the tagged cells' outputs; return how many."""
    stored = nbformat.read(path, as_version=4)
    executed = nbformat.read(path, as_version=4)
    os.environ["COURSE_FAST"] = "1"
    NotebookClient(executed, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    count = 0
    for clean, ran in zip(stored.cells, executed.cells):
        if clean.cell_type != "code":
            continue
        if TAG in clean.metadata.get("tags", []):
            # nbval refuses stored outputs without an execution count.
            count += 1
            clean.execution_count = count
            clean.outputs = [o for o in ran.outputs if o.get("name") != "stderr"]
            for output in clean.outputs:
                if "execution_count" in output:
                    output["execution_count"] = count
        else:
            clean.execution_count = None
            clean.outputs = []
    nbformat.write(stored, path)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for path in args.notebooks:
        print(f"{path}: stored the outputs of {store_checked_outputs(path)} checked cells")
    return 0


if __name__ == "__main__":
    sys.exit(main())
