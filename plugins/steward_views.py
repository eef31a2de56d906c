"""Steward views inside the Airflow UI: a "Training data" page, each run's validation report, links.

A FastAPI app mounted by the api-server at ``/steward`` (Airflow 3 plugin interface), shown in the UI
through ``external_views``: a top-level "Training data" entry, and a "Validation report" tab on each
run of the curation DAG. Every route requires the caller's Airflow login (the api-server's JWT, from the
``_token`` cookie the UI sets or an ``Authorization: Bearer`` header) and read access to the DAG that
writes the training set: stewards see what operators see, nothing more.

All logic (and the rule that record content is never shown) lives in ``support_curation.steward``;
this file only routes. Imports of the project package happen on first request, not at plugin load,
so the scheduler and the dag-processor (which load plugins too) pay nothing for it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from airflow.plugins_manager import AirflowPlugin
from airflow.sdk import BaseOperatorLink
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

if TYPE_CHECKING:
    from airflow.models.taskinstancekey import TaskInstanceKey

    from support_curation.storage import Storage

DAG_ID = "curate_support_conversations"
REPORT_TASKS = {"validate", "publish"}
# The report pages are our own Data Docs; they must not call out (no network) nor be framed elsewhere.
_REPORT_HEADERS = {
    "Content-Security-Policy": "default-src 'self' 'unsafe-inline' data:; connect-src 'none'; "
    "frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


async def _require_read_access(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(HTTPBearer(auto_error=False)),  # noqa: B008
) -> None:
    """The api-server's own authentication and DAG-level authorization, as its REST routes use them.

    Imported on first request: the scheduler, dag-processor and task processes load plugins too, and
    must not pay for the api-server's security stack.
    """
    from airflow.api_fastapi.core_api.security import get_user, requires_access_dag

    user = await get_user(request, None, credentials)  # 401 without a valid token or cookie
    requires_access_dag("GET", param_dag_id=DAG_ID)(request, user)  # 403 without read access


@functools.cache
def _storage() -> Storage:
    from support_curation.config import get_settings

    return get_settings().output_storage()


def _partition_for_run(dag_id: str, run_id: str) -> str | None:
    """The partition a run writes, from its data interval in the metadata DB."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    from support_curation.steward import partition_for_interval_start

    with create_session() as session:
        start = session.scalar(
            select(DagRun.data_interval_start).where(DagRun.dag_id == dag_id, DagRun.run_id == run_id)
        )
    return partition_for_interval_start(start) if start else None


def create_app() -> FastAPI:
    """The steward app; every route needs an authenticated user with read access to the DAG."""
    app = FastAPI(title="Training data (stewards)", dependencies=[Depends(_require_read_access)])

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        from support_curation import steward

        storage = _storage()
        overview = {
            dataset: [steward.partition_summary(s) for s in steward.partition_statuses(storage, dataset)]
            for dataset in steward.list_datasets(storage)
        }
        return steward.render_index(storage.root, overview)

    @app.get("/api/datasets")
    def datasets() -> JSONResponse:
        from support_curation import steward

        return JSONResponse(steward.list_datasets(_storage()))

    @app.get("/api/datasets/{dataset}/partitions")
    def partitions(dataset: str) -> JSONResponse:
        from support_curation import steward

        try:
            statuses = steward.partition_statuses(_storage(), dataset)
        except ValueError:
            raise HTTPException(404, "no such dataset") from None
        return JSONResponse([steward.partition_summary(s) for s in statuses])

    @app.get("/datasets/{dataset}/{partition}", response_class=HTMLResponse)
    def partition(dataset: str, partition: str) -> str:
        from support_curation import steward

        storage = _storage()
        try:
            status = steward.partition_status(storage, dataset, partition)
        except ValueError:
            status = None
        if status is None:
            raise HTTPException(404, "no such partition")
        reasons = steward.quarantine_reasons(storage, dataset, partition)
        return steward.render_partition(steward.partition_summary(status), reasons)

    @app.get("/reports/{dataset}/{partition}/{path:path}")
    def report(dataset: str, partition: str, path: str) -> Response:
        from support_curation import steward

        try:
            found = steward.report_file(_storage(), dataset, partition, path)
        except ValueError:
            found = None
        if found is None:
            raise HTTPException(404, "no such report file")
        body, media_type = found
        return Response(body, media_type=media_type, headers=_REPORT_HEADERS)

    @app.get("/runs/{dag_id}/{run_id}")
    def run_report(dag_id: str, run_id: str) -> RedirectResponse:
        """The "Validation report" tab of a DAG run: to the run's partition page."""
        from support_curation.config import DATASET
        from support_curation.steward import partition_url

        partition_name = _partition_for_run(dag_id, run_id) if dag_id == DAG_ID else None
        if partition_name is None:
            raise HTTPException(404, "this run writes no training-set partition")
        return RedirectResponse(partition_url(DATASET, partition_name), status_code=307)

    return app


class ValidationReportLink(BaseOperatorLink):
    """A "Validation report" button on the curation DAG's validate and publish tasks."""

    name = "Validation report"

    def get_link(self, operator: Any, *, ti_key: TaskInstanceKey) -> str:
        if ti_key.dag_id != DAG_ID or ti_key.task_id not in REPORT_TASKS:
            return ""
        from support_curation.config import DATASET
        from support_curation.steward import report_url

        partition_name = _partition_for_run(ti_key.dag_id, ti_key.run_id)
        return report_url(DATASET, partition_name) if partition_name else ""


class StewardViewsPlugin(AirflowPlugin):
    """Registers the steward app, its menu entry, the per-run tab and the report link."""

    name = "steward_views"
    fastapi_apps = [{"app": create_app(), "url_prefix": "/steward", "name": "Training data (stewards)"}]
    external_views = [
        {
            "name": "Training data",
            "href": "/steward/",
            "destination": "nav",
            "url_route": "training-data",
        },
        {
            "name": "Validation report",
            "href": "/steward/runs/{DAG_ID}/{RUN_ID}",
            "destination": "dag_run",
            "url_route": "validation-report",
        },
    ]
    global_operator_extra_links = [ValidationReportLink()]
