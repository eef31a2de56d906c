"""Every task of every DAG has an execution_timeout: no input can hold a worker (or a lock) for ever."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

DAGS_DIR = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_DIR))
    assert bag.import_errors == {}
    return bag


def test_every_task_has_an_execution_timeout(dagbag):
    missing = [
        f"{dag_id}.{task.task_id}"
        for dag_id, dag in dagbag.dags.items()
        for task in dag.tasks
        if not isinstance(task.execution_timeout, timedelta) or task.execution_timeout <= timedelta(0)
    ]
    assert dagbag.dags and missing == []


def test_the_curation_run_ends_before_its_staging_counts_as_orphaned(dagbag):
    from support_curation.config import Settings

    dag = dagbag.dags["curate_support_conversations"]
    assert dag.dagrun_timeout is not None
    assert dag.dagrun_timeout < timedelta(hours=Settings.model_fields["staging_orphan_hours"].default)
    assert "sweep_orphaned_staging" in dag.task_ids
