#!/usr/bin/env bash
# CI prerequisites of the deployment test (tests/integration/test_deployment.py), idempotent:
# Debian's chromium for the headless UI checks, PostgreSQL server binaries for the metadata database,
# Debian's redis-server as the Celery broker (tests/integration/test_celery.py, `make up CELERY=1`),
# (Python packages, playwright among them, come from requirements.txt; playwright drives this chromium:
# `playwright install` is never run).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
[[ -x /usr/bin/redis-server ]] || missing+=(redis-server)
if (( ${#missing[@]} )); then
  SUDO=""; [[ "$(id -u)" == 0 ]] || SUDO="sudo"
  echo "ci_setup: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "ci_setup: ok ($(/usr/bin/chromium --version 2>/dev/null || echo 'chromium ?'); $(/usr/bin/redis-server --version 2>/dev/null | cut -d' ' -f1-3 || echo 'redis-server ?'))"
