#!/usr/bin/env bash
# Build the course website into _build/html, executing every notebook in
# full mode (cached: unchanged notebooks are not re-run).
#   bash scripts/build_book.sh          full-quality run (what readers see)
#   bash scripts/build_book.sh --fast   fast mode, into _build/fast/_build/html
# Fast and full builds keep separate execution caches and results stores, so
# fast-mode outputs can never end up on the published site.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"
OUT=.
if [ "${1:-}" = "--fast" ]; then
    export COURSE_FAST=1
    OUT=_build/fast
    shift
else
    unset COURSE_FAST
fi
# The results store (course_utils.store) keeps every long training: the first
# language to run a chapter trains (en, as Sphinx reads the pages in sorted
# order), the others load its models in seconds, and a later build with a
# changed chapter reloads the trainings whose inputs did not change. Kept in
# the build folder, between builds (`jupyter-book clean --all` empties it).
export COURSE_STORE_DIR="${COURSE_STORE_DIR:-$PWD/$OUT/_build/store}"
mkdir -p "$COURSE_STORE_DIR"
if [ -z "${COURSE_DATA_DIR:-}" ] && [ -d ../shared/data ]; then
    export COURSE_DATA_DIR="$(cd ../shared/data && pwd)"
fi
export TF_CPP_MIN_LOG_LEVEL=2
# The site serves its own MathJax (pinned npm package, installed once into .web/).
bash "$(dirname "${BASH_SOURCE[0]}")/ensure_web_assets.sh"
# Notebook outputs also depend on course_utils and the pinned requirements, which
# neither jupyter-cache nor Sphinx's saved environment sees: when they change,
# both are emptied, so every notebook is read and runs again.
python -m tools.execution_cache "$OUT/_build/.jupyter_cache" "$OUT/_build/.doctrees"
if [ -n "${COURSE_FAST:-}" ]; then
    # Fast mode: execute the notebooks two at a time into the cache first (English
    # first, as the other languages load its trainings); the build then reuses them.
    # Full mode stays one at a time, so that the training speeds its pages print
    # are those of a machine doing one thing.
    python -m tools.preexecute "$OUT/_build/.jupyter_cache" book/*/0*.ipynb
fi
jupyter-book build . --path-output "$OUT" -W --keep-going "$@"
echo "The website is in $OUT/_build/html/index.html (open it in a browser)."
