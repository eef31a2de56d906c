"""Where the steward app's pages live inside the api-server (it is mounted at :data:`BASE_PATH`).

One place for the links the pages, the API and the Airflow plugin (menu entry, run tab, task link) use.
"""

from __future__ import annotations

from urllib.parse import quote

from support_curation.run_status import DRY_RUN_FOLDER
from support_curation.steward.queries import REPORT_INDEX

# what the steward views link to inside the api-server; the plugin mounts the app here
BASE_PATH = "/steward"
SUITES = "suites"


def index_url() -> str:
    return f"{BASE_PATH}/"


def partition_url(dataset: str, partition: str) -> str:
    return f"{BASE_PATH}/datasets/{quote(dataset)}/{quote(partition)}"


def report_url(
    dataset: str, partition: str, page: str | None = REPORT_INDEX, *, dry_run: bool = False
) -> str:
    """A page of a partition's validation report (the published run's, or the dry run's beside it)."""
    folder = f"{DRY_RUN_FOLDER}/" if dry_run and not (page or "").startswith(DRY_RUN_FOLDER) else ""
    return f"{BASE_PATH}/reports/{quote(dataset)}/{quote(partition)}/{folder}{page or REPORT_INDEX}"


def suite_url(dataset: str, partition: str, suite: str, *, dry_run: bool = False) -> str:
    return report_url(dataset, partition, f"{SUITES}/{quote(suite)}.html", dry_run=dry_run)


def run_url(dag_id: str, run_id: str) -> str:
    """The app's entry for one DAG run (the run's "Validation report" tab)."""
    return f"{BASE_PATH}/runs/{quote(dag_id, safe='')}/{quote(run_id, safe='')}"


def static_url(name: str) -> str:
    return f"{BASE_PATH}/static/{quote(name)}"
