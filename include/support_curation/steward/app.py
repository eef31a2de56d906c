"""The stewards' FastAPI app: routes only; reads are in :mod:`.queries`, markup in the templates.

The app knows nothing of Airflow. Whoever mounts it (the Airflow plugin, a test) passes the
authentication dependency and, optionally, a :class:`~.runs.RunSource` that tells which runs curate
which partition and how they stand.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from support_curation.run_status import DRY_RUN_FOLDER
from support_curation.steward import charts, pages, queries, review_pages, urls

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from fastapi.params import Depends

    from support_curation.steward.runs import RunSource
    from support_curation.storage import Storage

# Our pages load nothing but the app's stylesheet; nothing may call out or frame them elsewhere.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; connect-src 'none'; "
    "frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
STATIC_TYPES = {".css": "text/css", ".svg": "image/svg+xml"}
REPORT_DATA = {"validation_summary.json", "validation_result.json", "run_status.json"}


def _html(body: str) -> HTMLResponse:
    return HTMLResponse(body, headers=PAGE_HEADERS)


def with_urls(summary: dict[str, Any]) -> dict[str, Any]:
    """A partition summary plus the links the pages and API clients follow."""
    dataset, partition = summary["dataset"], summary["partition"]
    page = summary.get("report_page")
    dry_page = (summary.get("dry_run") or {}).get("report_page")
    return summary | {
        "url": urls.partition_url(dataset, partition),
        "report": urls.report_url(dataset, partition, page) if page else None,
        "dry_run_report": urls.report_url(dataset, partition, dry_page) if dry_page else None,
    }


def create_app(
    storage: Callable[[], Storage],
    *,
    dependencies: Sequence[Depends] = (),
    runs: RunSource | None = None,
    runs_dataset: str | None = None,
) -> FastAPI:
    """The steward app; ``dependencies`` guard every route (the plugin passes the api-server's auth).

    ``runs`` (with ``runs_dataset``, the dataset the runs write) adds each partition's latest run to
    its state, and serves a DAG run's tab: the page of the partition it curates.
    """
    app = FastAPI(
        title="Training data (stewards)",
        dependencies=list(dependencies),
        # no interactive docs or schema: they would be routes outside the views' access rules
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )

    def summaries(
        lake: Storage, dataset: str, statuses: list[queries.PartitionStatus]
    ) -> list[dict[str, Any]]:
        latest = runs.latest_runs([s.partition for s in statuses]) if runs and dataset == runs_dataset else {}
        return [with_urls(queries.partition_summary(s, latest.get(s.partition))) for s in statuses]

    def one(lake: Storage, dataset: str, partition: str) -> dict[str, Any]:
        try:
            status = queries.partition_status(lake, dataset, partition)
        except ValueError:
            status = None
        if status is None:
            raise HTTPException(404, "no such partition")
        return summaries(lake, dataset, [status])[0]

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        lake = storage()
        overview = {
            dataset: summaries(lake, dataset, queries.partition_statuses(lake, dataset))
            for dataset in queries.list_datasets(lake)
        }
        trends = {dataset: charts.trend_charts(rows) for dataset, rows in overview.items()}
        return _html(pages.render_index(lake.root, overview, trends))

    @app.get("/api/datasets")
    def datasets() -> JSONResponse:
        return JSONResponse(queries.list_datasets(storage()))

    @app.get("/api/datasets/{dataset}/partitions")
    def partitions(dataset: str) -> JSONResponse:
        lake = storage()
        try:
            statuses = queries.partition_statuses(lake, dataset)
        except ValueError:
            raise HTTPException(404, "no such dataset") from None
        return JSONResponse(summaries(lake, dataset, statuses))

    @app.get("/api/datasets/{dataset}/partitions/{partition}")
    def partition_json(dataset: str, partition: str) -> JSONResponse:
        return JSONResponse(one(storage(), dataset, partition))

    @app.get("/datasets/{dataset}/{partition}", response_class=HTMLResponse)
    def partition(dataset: str, partition: str) -> HTMLResponse:
        lake = storage()
        summary = one(lake, dataset, partition)
        return _html(pages.render_partition(summary, queries.quarantine_reasons(lake, dataset, partition)))

    @app.get("/reports/{dataset}/{partition}/{path:path}")
    def report(dataset: str, partition: str, path: str) -> Response:
        """A run's validation report, rendered from its stored results; or one of those JSON files."""
        dry_run = path == DRY_RUN_FOLDER or path.startswith(DRY_RUN_FOLDER + "/")
        page = path.removeprefix(DRY_RUN_FOLDER).lstrip("/")
        if page in REPORT_DATA:
            return _report_data(storage(), dataset, partition, path)
        try:
            found = queries.validation_report(storage(), dataset, partition, dry_run=dry_run)
        except ValueError:
            found = None
        if found is None:
            raise HTTPException(404, "no validation report for this partition")
        if page in ("", queries.REPORT_INDEX):
            return _html(pages.render_report(found))
        suite = page.removeprefix(urls.SUITES + "/").removesuffix(".html")
        if page.startswith(urls.SUITES + "/") and suite in found["suites"]:
            return _html(pages.render_suite(found, suite))
        raise HTTPException(404, "no such report page")

    @app.get("/runs/{dag_id}/{run_id}")
    def run_report(dag_id: str, run_id: str) -> RedirectResponse:
        """A DAG run's tab: to the page of the partition the run curates."""
        name = runs.partition_for_run(dag_id, run_id) if runs and runs_dataset else None
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

    # the review queue's pages (support_curation.steward.review_pages) read the same lake
    app.include_router(review_pages.router)
    app.dependency_overrides[review_pages.lake] = storage
    return app


def _report_data(lake: Storage, dataset: str, partition: str, path: str) -> JSONResponse:
    try:
        found = queries.report_file(lake, dataset, partition, path)
    except ValueError:
        found = None
    if found is None:
        raise HTTPException(404, "no such report file")
    return JSONResponse(json.loads(found[0]), headers=PAGE_HEADERS)
