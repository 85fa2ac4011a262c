#!/usr/bin/env bash
# Install the website's pinned npm packages into .web/node_modules (ignored by git):
#   - mathjax 3.2.2: the site serves it itself (book/_ext/course_language.py
#     copies it into _static/mathjax), so formulas render offline;
#   - axe-core 4.14.1: the accessibility engine of the browser test.
# Versions and checksums come from scripts/web/package.json and its
# package-lock.json; `npm ci` installs exactly those, from the npm registry.
# Runs once: later calls see the same lock file in .web/ and return at once.
# Installs Node.js and npm with apt-get when they are missing and we are root
# (or sudo works without a password). The build script and the test command run it.
#   bash scripts/ensure_web_assets.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WANT="$ROOT/scripts/web"
HERE="$ROOT/.web"
if cmp -s "$WANT/package-lock.json" "$HERE/package-lock.json" \
    && [ -f "$HERE/node_modules/mathjax/es5/tex-mml-chtml.js" ] \
    && [ -f "$HERE/node_modules/axe-core/axe.min.js" ]; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    if ! bash "$ROOT/scripts/apt_install.sh" "the website needs MathJax and the browser test axe-core from npm" nodejs npm; then
        echo "error: npm is missing and could not be installed (see above)." >&2
        exit 1
    fi
fi
echo "Installing the website's npm packages (MathJax, axe-core) into .web/ ..."
mkdir -p "$HERE"
cp "$WANT/package.json" "$WANT/package-lock.json" "$HERE/"
(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
test -f "$HERE/node_modules/mathjax/es5/tex-mml-chtml.js"
test -f "$HERE/node_modules/axe-core/axe.min.js"
