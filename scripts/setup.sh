#!/usr/bin/env bash
# Set up graphtwin in ./.venv (idempotent). With --dev: test tools too.
# Usage: scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "graphtwin needs Python >= 3.11 (found $("$PYTHON" --version 2>&1)); set PYTHON=..." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PYTHON" -m venv .venv
fi
extras=""
[ "${1:-}" = "--dev" ] && extras="[dev]"
stamp=".venv/.graphtwin-installed$extras"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing graphtwin$extras into .venv" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  # setuptools' editable install ends with an informational warning about folders named
  # like the package; it is not about this project, so it is silenced (only that module's).
  PYTHONWARNINGS="ignore:::setuptools.command.editable_wheel" \
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extras"
  touch "$stamp"
fi
