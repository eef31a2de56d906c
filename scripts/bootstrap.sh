#!/usr/bin/env bash
# Create/refresh .venv from requirements.txt + the package (editable). Quick when nothing changed:
# a stamp keyed on the sha256 of requirements.txt and pyproject.toml skips pip entirely.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
PYTHON="${PYTHON:-python3}"
STAMP="$VENV/.bootstrap-stamp"

want="$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "bootstrap: creating $VENV with $($PYTHON --version)"
  "$PYTHON" -m venv "$VENV"
fi
echo "bootstrap: installing requirements.txt and the package (editable)"
"$VENV/bin/python" -m pip install --quiet -r requirements.txt
"$VENV/bin/python" -m pip install --quiet --no-deps -e .
echo "$want" > "$STAMP"
echo "bootstrap: done"
