#!/usr/bin/env bash
# Run the whole test suite in fast mode: unit tests of course_utils, the
# notebook structure tests, every chapter executed by nbval, and the book
# built with warnings as errors and driven in headless Chromium (installed
# once by ensure_chromium.sh). Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"
export COURSE_FAST=1
# The grader runs student code in bubblewrap (installed with apt-get when missing).
bash assignments/tools/ensure_bwrap.sh
if [ -z "${COURSE_DATA_DIR:-}" ] && [ -d ../shared/data ]; then
    export COURSE_DATA_DIR="$(cd ../shared/data && pwd)"
fi
bash "$(dirname "${BASH_SOURCE[0]}")/ensure_chromium.sh"
# MathJax for the site and axe-core for the browser test, pinned, from npm (once).
bash "$(dirname "${BASH_SOURCE[0]}")/ensure_web_assets.sh"
# Two workers: one builds the book while the other runs nbval; loadscope
# keeps each notebook's cells on one worker, in order.
exec python -m pytest -n 2 --dist loadscope "$@"
