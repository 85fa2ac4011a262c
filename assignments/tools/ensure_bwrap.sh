#!/usr/bin/env bash
# Install bubblewrap (the grader's sandbox) if it is missing. Debian/Ubuntu, as root or with sudo.
set -euo pipefail
if command -v bwrap >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq bubblewrap
command -v bwrap >/dev/null
