"""The main DAG on Airflow's CeleryExecutor: one day through a real scheduler and two Celery workers.

``devenv.deploy_stack`` starts, on 127.0.0.1: PostgreSQL (metadata DB and Celery result backend), Debian's
redis-server (broker), the api-server, a scheduler with ``executor=CeleryExecutor``, the dag-processor and
two ``airflow celery worker`` processes: ``w1`` serves the ``redaction`` and ``default`` queues, ``w2``
only ``redaction`` (one process each). A one-day backfill goes in through the REST API, as the UI sends
it, while the test process holds the partition's publish lock (``partition_lock``: an object in the
output storage, as an enforcement rewrite on another machine would hold it): publish, running on a
Celery worker, must wait for it. Then: every mapped redaction task ran on the ``redaction`` queue and
pool, both workers ran some of them (each worker records ``<worker>@<host>`` as its tasks' hostname),
nothing else ran on ``w2``. Finally the scheduler is restarted with the LocalExecutor (workers stopped),
the same day is reprocessed, and the published partition must be byte-identical to the Celery run's.

Skipped only on request: ``CURATION_SKIP_DEPLOYMENT_TEST=1`` (as the LocalExecutor deployment test).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from support_curation.partition_lock import partition_lock
from support_curation.publish import published_partitions, read_manifest, verify_partition
from support_curation.storage import open_storage

if TYPE_CHECKING:
    from collections.abc import Iterator

DAG_ID = "curate_support_conversations"
DATASET = "support_conversations"
DAY = "2024-06-03"
PARTITION = f"dt={DAY}"
# demo days hold ~50 conversations, ~40 of them consented: chunks of 10 give the two workers 4 tasks
CHUNK_SIZE = 10
RUN_MINUTES = int(os.environ.get("CURATION_BACKFILL_MINUTES", "15"))

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("CURATION_SKIP_DEPLOYMENT_TEST") == "1", reason="CURATION_SKIP_DEPLOYMENT_TEST=1"
    ),
    pytest.mark.skipif(
        not Path(os.environ.get("CURATION_REDIS_SERVER", "/usr/bin/redis-server")).exists()
        and os.environ.get("CURATION_ALLOW_SKIP_INTEGRATION") == "1",
        reason="no redis-server (scripts/ci_setup.sh installs it)",
    ),
]


@pytest.fixture(scope="module")
def stack(start_deployment: Any) -> Iterator[Any]:
    from support_curation.devenv.deploy_stack import Worker

    with start_deployment(
        "celery",
        demo_start=DAY,
        demo_days=1,
        extra_env={
            "CURATION_CODE_VERSION": "celery-test",  # manifests comparable across runs and commits
            "CURATION_DEMO": "1",
            "CURATION_CHUNK_SIZE": str(CHUNK_SIZE),
        },
        celery_workers=(Worker("w1", ("redaction", "default"), 1), Worker("w2", ("redaction",), 1)),
    ) as stack:
        yield stack


def _start_backfill(stack: Any, token: str, reprocess: str) -> int:
    body = {
        "dag_id": DAG_ID,
        "from_date": f"{DAY}T00:00:00Z",
        "to_date": f"{DAY}T00:00:00Z",
        "reprocess_behavior": reprocess,
        "max_active_runs": 1,
        "run_backwards": False,
        "dag_run_conf": {},
    }
    status, backfill = stack.request("POST", "/api/v2/backfills", body, token=token)
    assert status == 200, backfill
    return int(backfill["id"])


def _wait(stack: Any, token: str, backfill_id: int, *, until_publish_runs: bool = False) -> dict[str, Any]:
    """Until the backfill completes (or, ``until_publish_runs``, its publish task runs); returns its run."""
    deadline = time.monotonic() + RUN_MINUTES * 60
    while time.monotonic() < deadline:
        stack.check_alive()
        status, backfill = stack.request("GET", f"/api/v2/backfills/{backfill_id}", token=token)
        assert status == 200, backfill
        if backfill.get("completed_at"):
            break
        if until_publish_runs and _publish_state(stack, token) == "running":
            break
        time.sleep(2)
    else:
        pytest.fail(f"backfill not complete after {RUN_MINUTES} minutes: {backfill}")
    status, runs = stack.request("GET", f"/api/v2/dags/{DAG_ID}/dagRuns", token=token)
    assert status == 200, runs
    [run] = runs["dag_runs"]
    return dict(run)


def _publish_state(stack: Any, token: str) -> str | None:
    status, runs = stack.request("GET", f"/api/v2/dags/{DAG_ID}/dagRuns", token=token)
    if status != 200 or not runs["dag_runs"]:
        return None
    run_id = runs["dag_runs"][0]["dag_run_id"]
    path = f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/publish"
    status, ti = stack.request("GET", path, token=token)
    return ti.get("state") if status == 200 else None


def _task_instances(stack: Any, token: str, run_id: str) -> list[dict[str, Any]]:
    path = f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances?limit=1000"
    status, body = stack.request("GET", path, token=token)
    assert status == 200, body
    return list(body["task_instances"])


def _snapshot(stack: Any) -> dict[str, str]:
    lake = open_storage(str(Path(stack.env["CURATION_DATA_DIR"]) / "lake"))
    return {
        key: hashlib.sha256(lake.get_bytes(key)).hexdigest() for key in lake.list(f"training_sets/{DATASET}/")
    }


@pytest.fixture(scope="module")
def celery_run(stack: Any, token: str) -> dict[str, Any]:
    lake = open_storage(str(Path(stack.env["CURATION_DATA_DIR"]) / "lake"))
    with partition_lock(lake, DATASET, PARTITION, wait=timedelta(seconds=30)):
        backfill_id = _start_backfill(stack, token, "none")
        _wait(stack, token, backfill_id, until_publish_runs=True)
        time.sleep(5)  # publish polls the lock every second: it had time to go past it, and must not
        assert _publish_state(stack, token) == "running"
        assert read_manifest(lake, DATASET, PARTITION) is None, "published while another writer held the lock"
    run = _wait(stack, token, backfill_id)
    assert not lake.list("_locks/"), "the publish lock was not released"
    tis = _task_instances(stack, token, run["dag_run_id"])
    assert run["state"] == "success", [(t["task_id"], t["map_index"], t["state"]) for t in tis]
    return {"run": run, "tis": tis, "snapshot": _snapshot(stack)}


def test_day_publishes_on_celery(stack: Any, celery_run: dict[str, Any]) -> None:
    lake = open_storage(str(Path(stack.env["CURATION_DATA_DIR"]) / "lake"))
    assert published_partitions(lake, DATASET) == [PARTITION]
    manifest = read_manifest(lake, DATASET, PARTITION)
    assert manifest is not None and manifest["validation"]["success"] is True
    assert manifest["records"] == manifest["counts"]["published"] > 0
    assert verify_partition(lake, DATASET, PARTITION)
    assert stack.env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"


def test_redaction_tasks_ran_on_both_workers(celery_run: dict[str, Any]) -> None:
    redact = [t for t in celery_run["tis"] if t["task_id"] == "redact"]
    assert len(redact) >= 3, f"too few chunks to spread: {len(redact)}"
    assert all(t["state"] == "success" for t in redact)
    assert {t["queue"] for t in redact} == {"redaction"}
    assert {t["pool"] for t in redact} == {"redaction"}
    assert {t["executor"] or "CeleryExecutor" for t in celery_run["tis"]} <= {"CeleryExecutor"}
    workers = {t["hostname"].split("@")[0] for t in redact}
    assert workers == {"w1", "w2"}, sorted(t["hostname"] for t in redact)
    # each worker's task ran in its own process: distinct pids on one machine
    assert len({t["pid"] for t in redact}) >= 2
    # the default queue is w1's only: nothing else ran on w2
    others = [t for t in celery_run["tis"] if t["task_id"] != "redact" and t["state"] == "success"]
    assert others and all(t["queue"] == "default" for t in others)
    assert all(t["hostname"].startswith("w1@") for t in others), [t["hostname"] for t in others]


def test_redaction_workers_start_warm(stack: Any, celery_run: dict[str, Any]) -> None:
    """Both workers serve the redaction queue: each loaded the redactor and the gate's models once, before
    its pool forked (``devenv.celery_config``), and its redact tasks started from that."""
    for name in ("w1", "w2"):
        log = stack.log(f"worker-{name}").read_text(errors="replace")
        assert "redaction models preloaded in the worker" in log, name
        assert "redaction models not preloaded" not in log, name


def test_celery_output_is_byte_identical_to_the_local_executor(
    stack: Any, token: str, celery_run: dict[str, Any]
) -> None:
    # the same scheduler, database and lake with the LocalExecutor; workers gone, so nothing can reach Celery
    for name in [n for n in stack.procs if n.startswith("worker-")]:
        stack.stop_one(name)
    stack.stop_one("scheduler")
    stack.env["AIRFLOW__CORE__EXECUTOR"] = "LocalExecutor"
    airflow = str(Path(sys.executable).with_name("airflow"))
    stack.spawn("scheduler-local", [airflow, "scheduler", "--skip-serve-logs"])
    stack.wait_healthy()
    run = _wait(stack, token, _start_backfill(stack, token, "completed"))
    tis = _task_instances(stack, token, run["dag_run_id"])
    assert run["state"] == "success", [(t["task_id"], t["map_index"], t["state"]) for t in tis]
    assert run["end_date"] != celery_run["run"]["end_date"], "the day was not reprocessed"
    redact = [t for t in tis if t["task_id"] == "redact"]
    # run in the scheduler's own task processes this time: no worker name in the hostname
    assert redact and not any("@" in (t["hostname"] or "") for t in redact)
    snapshot = _snapshot(stack)
    assert any(key.endswith("_manifest.json") for key in snapshot)
    assert snapshot == celery_run["snapshot"]
