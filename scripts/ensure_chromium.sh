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
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "note: chromium/chromedriver missing and no root: the browser test will be skipped." >&2
    echo "      Install them with: sudo apt-get install chromium chromium-driver" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "note: no apt-get here; install Chromium and its driver by hand for the browser test." >&2
    exit 0
fi
echo "Installing chromium and chromium-driver with apt-get (once) ..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
command -v chromium >/dev/null && command -v chromedriver >/dev/null
