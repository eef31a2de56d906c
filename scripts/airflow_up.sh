#!/usr/bin/env bash
# `make up`: this project on a real local Airflow 3 (api-server, scheduler with the LocalExecutor,
# dag-processor, triggerer) on a PostgreSQL metadata database, all bound to 127.0.0.1.
#   AIRFLOW_UP_PORT=8080   UI/API port
#   AIRFLOW_UP_S3=1        pipeline output on a local S3 endpoint (moto server) instead of ./data
#   AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=postgresql+psycopg2://...   use that database instead of a throwaway one
# State (Airflow home, logs, passwords, demo data and the output lake) lives in ./data/airflow-up/.
# Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${VENV:-.venv}/bin/python"
if [[ ! -x "$PY" ]]; then
  bash scripts/bootstrap.sh
fi
exec "$PY" -m support_curation.devenv.deploy_stack up "$@"
