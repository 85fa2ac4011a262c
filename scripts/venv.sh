# Source me: create (once) and activate the project's virtual environment.
# Installs requirements.txt (the pinned, tested stack, course_utils in editable
# mode) and requirements-instructor.txt (nbgrader, which the grading tests use);
# re-installs only when one of those files changes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${COURSE_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 10))' 2>/dev/null; then
    echo "error: $PYTHON must be Python 3.10 or newer (the course is tested on 3.11)." >&2
    exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating the virtual environment in $VENV ..."
    "$PYTHON" -m venv "$VENV"
fi
# shellcheck disable=SC1091
source "$VENV/bin/activate"
STAMP="$VENV/.requirements.sha256"
WANT="$(cd "$ROOT" && sha256sum requirements.txt requirements-instructor.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
    echo "Installing the course's requirements (a few minutes the first time) ..."
    python -m pip install --quiet --upgrade pip
    (cd "$ROOT" && python -m pip install --quiet -r requirements.txt -r requirements-instructor.txt)
    echo "$WANT" > "$STAMP"
fi
cd "$ROOT"
