#!/usr/bin/env bash
# CI prerequisites of the deployment test (tests/integration/test_deployment.py), idempotent:
# Debian's chromium for the headless UI checks, PostgreSQL server binaries for the metadata database,
# and the Python packages the test and the deployment need (playwright drives the system chromium:
# `playwright install` is never run; asyncpg is Airflow 3's async driver for a PostgreSQL metadata DB).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
if (( ${#missing[@]} )); then
  SUDO=""; [[ "$(id -u)" == 0 ]] || SUDO="sudo"
  echo "ci_setup: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PY="${VENV:-.venv}/bin/python"
[[ -x "$PY" ]] || bash scripts/bootstrap.sh
for req in "playwright==1.65.2" "asyncpg==0.32.0"; do
  "$PY" -m pip show "${req%%==*}" > /dev/null 2>&1 || "$PY" -m pip install --quiet "$req"
done
echo "ci_setup: ok ($(/usr/bin/chromium --version 2>/dev/null || echo 'chromium ?'))"
