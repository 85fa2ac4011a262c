#!/usr/bin/env bash
# Make sure headless Chromium and its WebDriver are installed, for the
# browser test (tests/test_browser.py). Uses Debian's packages `chromium` and
# `chromium-driver` (same version, so they always match); installs them with
# apt-get when missing and we are root (or sudo works without a password).
# Elsewhere it only says what to install: the browser test then skips.
# $COURSE_CHROMIUM and $COURSE_CHROMEDRIVER, when both set, name another
# Chrome/Chromium and its driver (e.g. the ones preinstalled on GitHub's
# Ubuntu runners, where `chromium` is a snap) and skip the install.
#   bash scripts/ensure_chromium.sh
set -euo pipefail
if [ -n "${COURSE_CHROMIUM:-}" ] && [ -n "${COURSE_CHROMEDRIVER:-}" ]; then
    exit 0
fi
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi
if ! bash "$(dirname "${BASH_SOURCE[0]}")/apt_install.sh" "the browser test" chromium chromium-driver fonts-dejavu-core; then
    echo "note: chromium/chromedriver missing: the browser test will be skipped (outside CI)." >&2
    exit 0
fi
command -v chromium >/dev/null && command -v chromedriver >/dev/null
