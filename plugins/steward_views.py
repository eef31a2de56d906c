"""Steward views inside the Airflow UI: mounts the package's steward app, adds the menu entry and links.

The app itself (routes, queries, templates, assets) lives in ``support_curation.steward``; this file
only supplies what needs Airflow:

- authentication: the api-server's own ``get_user`` and ``requires_access_dag`` (the ``_token``
  cookie the UI sets, or an ``Authorization: Bearer`` header); stewards see what operators see,
  nothing more. A browser without a login is sent to the login page; API clients get 401;
- the runs of the curation DAG from the metadata database (DagRun, TaskInstance): which day each
  run curates, which is running, which failed and at which task;
- a note on every run of the curation DAG saying which day it curates (a listener);
- the "Training data" menu entry, the "Validation report" tab on each run, and the task link.

The api-server's security stack and the metadata models are imported on first use, not at plugin
load: the scheduler, dag-processor and task processes load plugins too.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from airflow.listeners import hookimpl
from airflow.plugins_manager import AirflowPlugin
from airflow.sdk import BaseOperatorLink
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from support_curation.config import DATASET
from support_curation.steward import review_pages, urls
from support_curation.steward.app import create_app
from support_curation.steward.runs import RunInfo

if TYPE_CHECKING:
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstancekey import TaskInstanceKey

    from support_curation.storage import Storage

DAG_ID = "curate_support_conversations"
REPORT_TASKS = {"validate", "publish"}
LOGIN_PATH = "/api/v2/auth/login"  # the api-server's own redirect to whatever auth manager is configured
RECENT_RUNS = 500  # how far back the run lookup reads: more than the page's 90 partitions, with reruns
ACTIVE_TI_STATES = ("queued", "scheduled", "running", "up_for_retry", "up_for_reschedule", "deferred")


async def _require_read_access(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(HTTPBearer(auto_error=False)),  # noqa: B008
) -> None:
    """The api-server's own authentication and DAG-level authorization, as its REST routes use them."""
    from airflow.api_fastapi.core_api.security import get_user, requires_access_dag

    try:
        user = await get_user(request, None, credentials)  # 401 without a valid token or cookie
    except HTTPException as error:
        if error.status_code == 401 and _wants_html(request):
            # a person in a browser: to the login page, and back here afterwards
            login = f"{LOGIN_PATH}?{urlencode({'next': str(request.url)})}"
            raise HTTPException(303, "login required", headers={"Location": login}) from None
        raise
    requires_access_dag("GET", param_dag_id=DAG_ID)(request, user)  # 403 without read access


async def _require_decide_access(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(HTTPBearer(auto_error=False)),  # noqa: B008
) -> str:
    """Deciding a review item needs edit access on the curation DAG; the Airflow login is who decided."""
    from airflow.api_fastapi.core_api.security import get_user, requires_access_dag

    user = await get_user(request, None, credentials)
    requires_access_dag("PUT", param_dag_id=DAG_ID)(request, user)  # 403 for a viewer
    return str(user.get_name())


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


@functools.cache
def _storage() -> Storage:
    from support_curation.config import get_settings

    return get_settings().output_storage()


def _partition_of(run: DagRun) -> str | None:
    from support_curation.layout import partition_name
    from support_curation.run_day import curated_day

    day = curated_day((run.conf or {}).get("day"), run.data_interval_start)
    return partition_name(day) if day else None


class AirflowRuns:
    """The curation DAG's runs, read from the metadata database (a :class:`RunSource`)."""

    def partition_for_run(self, dag_id: str, run_id: str) -> str | None:
        found = self.run(dag_id, run_id)
        return found.partition if found else None

    def run(self, dag_id: str, run_id: str) -> RunInfo | None:
        if dag_id != DAG_ID:
            return None
        from airflow.models.dagrun import DagRun
        from airflow.utils.session import create_session
        from sqlalchemy import select

        with create_session() as session:
            found = session.scalar(select(DagRun).where(DagRun.dag_id == dag_id, DagRun.run_id == run_id))
            return self._infos(session, [found])[0] if found is not None else None

    def latest_runs(self, partitions: list[str]) -> dict[str, RunInfo]:
        from airflow.models.dagrun import DagRun
        from airflow.utils.session import create_session
        from sqlalchemy import select

        wanted = set(partitions)
        with create_session() as session:
            recent = session.scalars(
                select(DagRun).where(DagRun.dag_id == DAG_ID).order_by(DagRun.id.desc()).limit(RECENT_RUNS)
            )
            latest: dict[str, DagRun] = {}
            for run in recent:
                partition = _partition_of(run)
                if partition in wanted and partition not in latest:
                    latest[partition] = run
            return {info.partition: info for info in self._infos(session, list(latest.values()))}

    @staticmethod
    def _infos(session: Any, runs: list[DagRun]) -> list[RunInfo]:
        """Runs with their failed and still active tasks (one query for all of them)."""
        from airflow.models.taskinstance import TaskInstance
        from sqlalchemy import select

        from support_curation.run_day import is_dry_run

        if not runs:
            return []
        rows = session.execute(
            select(TaskInstance.run_id, TaskInstance.task_id, TaskInstance.state).where(
                TaskInstance.dag_id == DAG_ID,
                TaskInstance.run_id.in_([r.run_id for r in runs]),
                TaskInstance.state.in_(["failed", *ACTIVE_TI_STATES]),
            )
        ).all()
        failed: dict[str, set[str]] = {}
        active: dict[str, set[str]] = {}
        for run_id, task_id, state in rows:
            if str(state) == "failed":
                failed.setdefault(run_id, set()).add(task_id)
            else:
                active.setdefault(run_id, set()).add(f"{task_id} ({state})")
        return [
            RunInfo(
                dag_id=run.dag_id,
                run_id=run.run_id,
                partition=_partition_of(run) or "",
                state=str(run.state),
                dry_run=is_dry_run(run.conf),
                failed_tasks=tuple(sorted(failed.get(run.run_id, ()))),
                active_tasks=tuple(sorted(active.get(run.run_id, ()))),
                start=run.start_date,
                end=run.end_date,
            )
            for run in runs
        ]


class RunNotes:
    """Writes on each run of the curation DAG which day it curates, when the run starts (scheduler side)."""

    @hookimpl
    def on_dag_run_running(self, dag_run: DagRun, msg: str) -> None:
        if dag_run.dag_id != DAG_ID or dag_run.note:
            return  # a note someone wrote stays
        from support_curation.run_day import curated_day, is_dry_run, run_note

        day = curated_day((dag_run.conf or {}).get("day"), dag_run.data_interval_start)
        dag_run.note = run_note(day, dry_run=is_dry_run(dag_run.conf))


class ValidationReportLink(BaseOperatorLink):
    """A "Validation report" button on the curation DAG's validate and publish tasks."""

    name = "Validation report"

    def get_link(self, operator: Any, *, ti_key: TaskInstanceKey) -> str:
        if ti_key.dag_id != DAG_ID or ti_key.task_id not in REPORT_TASKS:
            return ""
        run = AirflowRuns().run(ti_key.dag_id, ti_key.run_id)
        if run is None or not run.partition:
            return ""
        return urls.report_url(DATASET, run.partition, dry_run=run.dry_run)


def _steward_app() -> Any:
    app = create_app(
        _storage, dependencies=[Depends(_require_read_access)], runs=AirflowRuns(), runs_dataset=DATASET
    )
    # the review pages' POSTs: the default refuses (fail closed) until this says who may decide
    app.dependency_overrides[review_pages.steward_login] = _require_decide_access
    return app


class StewardViewsPlugin(AirflowPlugin):
    """Registers the steward app, its menu entries, the per-run tab, the report link and the run notes."""

    name = "steward_views"
    fastapi_apps = [{"app": _steward_app(), "url_prefix": urls.BASE_PATH, "name": "Training data (stewards)"}]
    external_views = [
        {
            "name": "Training data",
            "href": urls.index_url(),
            "destination": "nav",
            "url_route": "training-data",
        },
        {
            "name": "Review queue",
            "href": urls.BASE_PATH + review_pages.REVIEW_PATH,
            "destination": "nav",
            "url_route": "review-queue",
        },
        {
            "name": "Validation report",
            "href": urls.BASE_PATH + "/runs/{DAG_ID}/{RUN_ID}",
            "destination": "dag_run",
            "url_route": "validation-report",
        },
    ]
    global_operator_extra_links = [ValidationReportLink()]
    listeners = [RunNotes()]
