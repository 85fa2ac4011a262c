#!/usr/bin/env bash
# Install bubblewrap (the grader's sandbox) if it is missing. Debian/Ubuntu, as root or with sudo.
set -euo pipefail
if command -v bwrap >/dev/null 2>&1; then
    exit 0
fi
bash "$(dirname "${BASH_SOURCE[0]}")/../../scripts/apt_install.sh" "the grader's sandbox" bubblewrap
command -v bwrap >/dev/null
