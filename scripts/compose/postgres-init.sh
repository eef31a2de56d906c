#!/usr/bin/env bash
# Runs once, on the first start of the postgres container (docker-entrypoint-initdb.d):
# a separate role and database for the helpdesk source, next to Airflow's metadata database.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v helpdesk_password="$HELPDESK_DB_PASSWORD" <<'SQL'
CREATE ROLE helpdesk LOGIN PASSWORD :'helpdesk_password';
CREATE DATABASE helpdesk OWNER helpdesk;
SQL
