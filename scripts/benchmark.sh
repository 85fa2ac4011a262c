#!/usr/bin/env bash
# Run the course benchmarks in full mode (1 h 42 min measured on an idle 2-core CPU) and
# update benchmarks/results.json and the book's results pages. Extra arguments
# go to benchmarks/run.py (see `bash scripts/benchmark.sh --help`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"
if [ -z "${COURSE_DATA_DIR:-}" ] && [ -d ../shared/data ]; then
    export COURSE_DATA_DIR="$(cd ../shared/data && pwd)"
fi
# Full-mode trainings land in the full build's results store, which the book build
# then reloads instead of training again (scripts/build_book.sh uses the same folder).
export COURSE_STORE_DIR="${COURSE_STORE_DIR:-$PWD/_build/store}"
mkdir -p "$COURSE_STORE_DIR"
python -m benchmarks.run "$@"
# The figures quoted in the chapters' prose follow the new results.
python -m benchmarks.figures --write
