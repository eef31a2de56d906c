"""The stewards' FastAPI app: routes only; reads are in :mod:`.queries`, markup in the templates.

The app knows nothing of Airflow. Whoever mounts it (the Airflow plugin, a test) passes the
authentication dependency and, optionally, how to find the partition a DAG run writes.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from support_curation.steward import pages, queries, urls

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from fastapi.params import Depends

    from support_curation.storage import Storage

# Our own pages load nothing but the app's stylesheet; nothing may call out or frame them elsewhere.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'none'; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
# Stored report files (validation reports); the same rules, plus inline styles and scripts they carry.
REPORT_HEADERS = {
    "Content-Security-Policy": "default-src 'self' 'unsafe-inline' data:; connect-src 'none'; "
    "frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
STATIC_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".js": "text/javascript"}


def _html(body: str) -> HTMLResponse:
    return HTMLResponse(body, headers=PAGE_HEADERS)


def with_urls(summary: dict[str, Any]) -> dict[str, Any]:
    """A partition summary plus the links the pages and API clients follow."""
    page = summary.get("report_page")
    return summary | {
        "url": urls.partition_url(summary["dataset"], summary["partition"]),
        "report": urls.report_url(summary["dataset"], summary["partition"], page) if page else None,
    }


def create_app(
    storage: Callable[[], Storage],
    *,
    dependencies: Sequence[Depends] = (),
    runs_dataset: str | None = None,
    partition_for_run: Callable[[str, str], str | None] | None = None,
) -> FastAPI:
    """The steward app; ``dependencies`` guard every route (the plugin passes the api-server's auth).

    ``runs_dataset`` and ``partition_for_run(dag_id, run_id)`` serve a DAG run's tab: the run's
    partition page. Without them the ``/runs/...`` route answers 404.
    """
    app = FastAPI(
        title="Training data (stewards)",
        dependencies=list(dependencies),
        # no interactive docs or schema: they would be routes outside the views' access rules
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        lake = storage()
        overview = {
            dataset: [
                with_urls(queries.partition_summary(s)) for s in queries.partition_statuses(lake, dataset)
            ]
            for dataset in queries.list_datasets(lake)
        }
        return _html(pages.render_index(lake.root, overview))

    @app.get("/api/datasets")
    def datasets() -> JSONResponse:
        return JSONResponse(queries.list_datasets(storage()))

    @app.get("/api/datasets/{dataset}/partitions")
    def partitions(dataset: str) -> JSONResponse:
        try:
            statuses = queries.partition_statuses(storage(), dataset)
        except ValueError:
            raise HTTPException(404, "no such dataset") from None
        return JSONResponse([with_urls(queries.partition_summary(s)) for s in statuses])

    @app.get("/api/datasets/{dataset}/partitions/{partition}")
    def partition_json(dataset: str, partition: str) -> JSONResponse:
        return JSONResponse(with_urls(queries.partition_summary(_status(storage(), dataset, partition))))

    @app.get("/datasets/{dataset}/{partition}", response_class=HTMLResponse)
    def partition(dataset: str, partition: str) -> HTMLResponse:
        lake = storage()
        summary = with_urls(queries.partition_summary(_status(lake, dataset, partition)))
        return _html(pages.render_partition(summary, queries.quarantine_reasons(lake, dataset, partition)))

    @app.get("/reports/{dataset}/{partition}/{path:path}")
    def report(dataset: str, partition: str, path: str) -> Response:
        try:
            found = queries.report_file(storage(), dataset, partition, path)
        except ValueError:
            found = None
        if found is None:
            raise HTTPException(404, "no such report file")
        body, media_type = found
        return Response(body, media_type=media_type, headers=REPORT_HEADERS)

    @app.get("/runs/{dag_id}/{run_id}")
    def run_report(dag_id: str, run_id: str) -> RedirectResponse:
        """A DAG run's tab: to the page of the partition the run writes."""
        name = partition_for_run(dag_id, run_id) if partition_for_run and runs_dataset else None
        if name is None or runs_dataset is None:
            raise HTTPException(404, "this run writes no training-set partition")
        return RedirectResponse(urls.partition_url(runs_dataset, name), status_code=307)

    @app.get("/static/{name}")
    def static(name: str) -> Response:
        """The pages' own assets, from the package: nothing is loaded from a CDN."""
        suffix = name[name.rfind(".") :] if "." in name else ""
        asset = resources.files("support_curation.steward").joinpath("static", name)
        if "/" in name or name.startswith(".") or suffix not in STATIC_TYPES or not asset.is_file():
            raise HTTPException(404, "no such asset")
        return Response(asset.read_bytes(), media_type=STATIC_TYPES[suffix], headers=PAGE_HEADERS)

    return app


def _status(lake: Storage, dataset: str, partition: str) -> queries.PartitionStatus:
    try:
        status = queries.partition_status(lake, dataset, partition)
    except ValueError:
        status = None
    if status is None:
        raise HTTPException(404, "no such partition")
    return status
