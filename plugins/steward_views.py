"""Steward views inside the Airflow UI: mounts the package's steward app, adds the menu entry and links.

The app itself (routes, queries, templates, assets) lives in ``support_curation.steward``; this file
only supplies what needs Airflow: the api-server's authentication (the same ``get_user`` and
``requires_access_dag`` its REST routes use, from the ``_token`` cookie the UI sets or an
``Authorization: Bearer`` header), the run -> partition lookup in the metadata database, the
"Training data" menu entry, the "Validation report" tab on each run, and the task link.

Stewards see what operators see, nothing more: every route needs read access to the curation DAG.
The api-server's security stack is imported on first request, not at plugin load, so the scheduler,
dag-processor and task processes (which load plugins too) pay nothing for it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from airflow.plugins_manager import AirflowPlugin
from airflow.sdk import BaseOperatorLink
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from support_curation.config import DATASET
from support_curation.steward import urls
from support_curation.steward.app import create_app

if TYPE_CHECKING:
    from airflow.models.taskinstancekey import TaskInstanceKey

    from support_curation.storage import Storage

DAG_ID = "curate_support_conversations"
REPORT_TASKS = {"validate", "publish"}


async def _require_read_access(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(HTTPBearer(auto_error=False)),  # noqa: B008
) -> None:
    """The api-server's own authentication and DAG-level authorization, as its REST routes use them."""
    from airflow.api_fastapi.core_api.security import get_user, requires_access_dag

    user = await get_user(request, None, credentials)  # 401 without a valid token or cookie
    requires_access_dag("GET", param_dag_id=DAG_ID)(request, user)  # 403 without read access


@functools.cache
def _storage() -> Storage:
    from support_curation.config import get_settings

    return get_settings().output_storage()


def _partition_for_run(dag_id: str, run_id: str) -> str | None:
    """The partition a run of the curation DAG writes, from its data interval in the metadata DB."""
    if dag_id != DAG_ID:
        return None
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    from support_curation.steward.queries import partition_for_interval_start

    with create_session() as session:
        start = session.scalar(
            select(DagRun.data_interval_start).where(DagRun.dag_id == dag_id, DagRun.run_id == run_id)
        )
    return partition_for_interval_start(start) if start else None


class ValidationReportLink(BaseOperatorLink):
    """A "Validation report" button on the curation DAG's validate and publish tasks."""

    name = "Validation report"

    def get_link(self, operator: Any, *, ti_key: TaskInstanceKey) -> str:
        if ti_key.dag_id != DAG_ID or ti_key.task_id not in REPORT_TASKS:
            return ""
        partition_name = _partition_for_run(ti_key.dag_id, ti_key.run_id)
        return urls.report_url(DATASET, partition_name) if partition_name else ""


class StewardViewsPlugin(AirflowPlugin):
    """Registers the steward app, its menu entry, the per-run tab and the report link."""

    name = "steward_views"
    fastapi_apps = [
        {
            "app": create_app(
                _storage,
                dependencies=[Depends(_require_read_access)],
                runs_dataset=DATASET,
                partition_for_run=_partition_for_run,
            ),
            "url_prefix": urls.BASE_PATH,
            "name": "Training data (stewards)",
        }
    ]
    external_views = [
        {
            "name": "Training data",
            "href": urls.index_url(),
            "destination": "nav",
            "url_route": "training-data",
        },
        {
            "name": "Validation report",
            "href": urls.BASE_PATH + "/runs/{DAG_ID}/{RUN_ID}",
            "destination": "dag_run",
            "url_route": "validation-report",
        },
    ]
    global_operator_extra_links = [ValidationReportLink()]
