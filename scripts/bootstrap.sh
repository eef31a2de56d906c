#!/usr/bin/env bash
# Create/refresh the dev virtualenv: runtime + dev requirements and the package (editable).
# Quick when nothing changed: a stamp keyed on the sha256 of every requirements file, pyproject.toml and
# the constraints in use skips pip entirely.
#
# CONSTRAINTS: Airflow's constraints file (URL or path), used when given and reachable, e.g.
#   CONSTRAINTS=https://raw.githubusercontent.com/apache/airflow/constraints-3.3.2/constraints-3.11.txt
# Default empty: the pins in requirements*.txt are what the project is tested with (and the only option
# where only package registries are reachable).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
PYTHON="${PYTHON:-python3}"
CONSTRAINTS="${CONSTRAINTS:-}"
STAMP="$VENV/.bootstrap-stamp"

want="$( (cat requirements.txt requirements-dev.txt pyproject.toml; echo "constraints=$CONSTRAINTS") \
  | sha256sum | cut -d' ' -f1)"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "bootstrap: creating $VENV with $($PYTHON --version)"
  "$PYTHON" -m venv "$VENV"
fi
constraint_args=()
if [[ -n "$CONSTRAINTS" ]]; then
  constraint_args=(-c "$CONSTRAINTS")
  echo "bootstrap: with constraints $CONSTRAINTS"
fi
echo "bootstrap: installing requirements-dev.txt (runtime + dev) and the package (editable)"
"$VENV/bin/python" -m pip install --quiet "${constraint_args[@]}" -r requirements-dev.txt
"$VENV/bin/python" -m pip install --quiet --no-deps -e .
echo "$want" > "$STAMP"
echo "bootstrap: done"
