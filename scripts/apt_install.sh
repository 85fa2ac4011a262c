#!/usr/bin/env bash
# Install Debian/Ubuntu packages with apt-get, as root or with password-less
# sudo: the one place where the course's setup scripts touch the system
# (ensure_web_assets.sh: Node.js and npm; ensure_chromium.sh: Chromium and its
# driver; assignments/tools/ensure_bwrap.sh: bubblewrap).
#   bash scripts/apt_install.sh "what the packages are for" PACKAGE...
# Exit status: 0 installed; 2 wrong usage; 3 cannot install here (no apt-get,
# or neither root nor password-less sudo), with the reason and the command to
# run by hand on stderr; the caller decides whether that is fatal.
set -euo pipefail
if [ "$#" -lt 2 ]; then
    echo "usage: bash scripts/apt_install.sh \"what the packages are for\" PACKAGE... (got $# argument(s))" >&2
    exit 2
fi
PURPOSE="$1"
shift
if ! command -v apt-get >/dev/null 2>&1; then
    echo "cannot install $* ($PURPOSE): this system has no apt-get; install them with its own package manager." >&2
    exit 3
fi
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "cannot install $* ($PURPOSE): not root and sudo asks for a password; run: sudo apt-get install $*" >&2
    exit 3
fi
echo "Installing $* with apt-get ($PURPOSE; once) ..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
