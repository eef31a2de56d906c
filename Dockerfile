# The Airflow image for every Airflow service in docker-compose.yml (and a real deployment):
# the official image, plus this project's pinned runtime requirements and its package (no test or lint
# tools: those are in requirements-dev.txt, which only the dev virtualenv installs).
FROM apache/airflow:3.3.2

# Airflow's constraints file (URL or path) where the build can reach it; empty: requirements.txt's pins
ARG CONSTRAINTS=""

# pip in the official image must run as the airflow user, never root
USER airflow
WORKDIR /opt/airflow

COPY --chown=airflow:0 requirements.txt /opt/airflow/requirements.txt
# airflow's own pin in requirements.txt matches the base image, so pip keeps the image's Airflow
RUN pip install --no-cache-dir ${CONSTRAINTS:+-c "$CONSTRAINTS"} -r /opt/airflow/requirements.txt

COPY --chown=airflow:0 pyproject.toml /opt/airflow/pyproject.toml
COPY --chown=airflow:0 include /opt/airflow/include
COPY --chown=airflow:0 dags /opt/airflow/dags
COPY --chown=airflow:0 plugins /opt/airflow/plugins
COPY --chown=airflow:0 great_expectations /opt/airflow/great_expectations
# editable, so a dev mount of ./include over /opt/airflow/include is what gets imported (the policies
# are package data under include/support_curation/policies/, so the mount carries them too)
RUN pip install --no-cache-dir --no-deps -e /opt/airflow

ENV GX_ANALYTICS_ENABLED=false
