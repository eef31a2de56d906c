# Everything runs from the project's own virtualenv (.venv), created on first use.
VENV := .venv
PY := $(VENV)/bin/python

.DEFAULT_GOAL := help
.PHONY: help venv demo up test lint format bench profile eval gate-eval validate-memory clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

venv: ## create or update .venv (quick when nothing changed)
	@bash scripts/bootstrap.sh

demo: venv ## demo data + the main DAG for the last 3 days, all on local disk under ./data
	$(VENV)/bin/curate demo

up: venv ## the Airflow UI locally with this project's DAGs (CELERY=1: CeleryExecutor, Redis, 2 workers)
	bash scripts/airflow_up.sh $(if $(filter 1,$(CELERY)),--celery)

test: venv ## unit, DAG and integration tests (installs chromium if missing; starts its own servers)
	bash scripts/ci_setup.sh
	$(VENV)/bin/pytest -q -p no:logging

LINTED := dags include tests bench plugins scripts

lint: venv ## ruff check, ruff format check, and mypy on the package
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy

format: venv
	$(VENV)/bin/ruff format $(LINTED)
	$(VENV)/bin/ruff check --fix $(LINTED)

bench: venv ## redaction throughput vs vanilla Presidio (prints a ratio table)
	$(PY) bench/redaction_throughput.py

profile: venv ## where the redactor's time goes, by step and recognizer (demo conversations)
	$(PY) bench/profile_redaction.py

eval: venv ## redaction leak figures on ../shared/eval corpora (skips when absent)
	$(PY) bench/eval_redaction.py

gate-eval: venv ## residual-PII gate: recall on planted leaks, false alarms on clean redacted records
	$(PY) bench/gate_eval.py

validate-memory: venv ## validate stage peak RSS, chunked vs whole frame (SIZES="10000 100000 1000000")
	$(PY) bench/validate_memory.py --sizes $(or $(SIZES),10000 100000 1000000)

clean: ## remove demo data and caches (keeps .venv)
	rm -rf data build .pytest_cache .ruff_cache
