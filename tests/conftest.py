"""Test-wide settings. Airflow reads its config once, at first import, so the environment is set here,
at module top, before any test module (or plugin) can import airflow.

Every session gets a fresh AIRFLOW_HOME with its own SQLite metadata DB, so tests never touch a
developer's ~/airflow or a real deployment, and reruns start clean.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

REPO_ROOT = Path(__file__).resolve().parents[1]

_AIRFLOW_HOME = tempfile.mkdtemp(prefix="curation-airflow-home-")
# Not a fixture: the folder must exist before the first `import airflow`, which may happen at collection.
atexit.register(shutil.rmtree, _AIRFLOW_HOME, ignore_errors=True)

_TEST_ENV = {
    "AIRFLOW_HOME": _AIRFLOW_HOME,
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
    "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
    # explicit, so an outer AIRFLOW__DATABASE__SQL_ALCHEMY_CONN (e.g. a dev's Postgres) is never migrated
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_AIRFLOW_HOME}/airflow.db",
    "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
    "GX_ANALYTICS_ENABLED": "false",
    # demo mode: the settings accept the built-in demo key (outside it a real CURATION_HMAC_KEY is required)
    "CURATION_DEMO": "1",
}
os.environ.update(_TEST_ENV)


def airflow_env() -> dict[str, str]:
    """The environment for child processes (airflow CLI, dag_runner) that must see the same test home."""
    return {**os.environ, **_TEST_ENV}


@pytest.fixture(scope="session")
def airflow_home() -> Path:
    """This session's AIRFLOW_HOME (fresh temp folder, removed at exit)."""
    return Path(_AIRFLOW_HOME)


@pytest.fixture(scope="session")
def airflow_db(airflow_home: Path) -> Path:
    """Create the SQLite metadata DB once per session (``airflow db migrate``), needed by ``dag.test()``.

    A subprocess, not the python API: migrating in-process would import and configure Airflow's ORM
    with whatever state the test process has, and the CLI is what operators run too.
    """
    airflow = Path(sys.executable).with_name("airflow")
    cmd = [str(airflow)] if airflow.exists() else [sys.executable, "-m", "airflow"]
    proc = subprocess.run(
        [*cmd, "db", "migrate"], env=airflow_env(), capture_output=True, text=True, timeout=600, check=False
    )
    if proc.returncode != 0:
        pytest.fail(f"airflow db migrate failed ({proc.returncode}):\n{proc.stderr[-4000:]}", pytrace=False)
    return airflow_home / "airflow.db"


@pytest.fixture(scope="session")
def register_dag(airflow_db: Path) -> Callable[[Any], None]:
    """A function that writes an in-memory DAG (defined in a test, not in dags/) to the metadata DB.

    Airflow 3.3's ``dag.test()`` only creates a run for a DAG with a serialized version in the DB
    ("Cannot create DagRun ... because the dag is not serialized"). It syncs the configured bundles
    (our dags/ folder) itself, which covers the project's DAGs but not one defined inside a test.
    """

    def register(dag: Any) -> None:
        from airflow.dag_processing.bundles.manager import DagBundlesManager
        from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db

        DagBundlesManager().sync_bundles_to_db()  # the dag row references its bundle's row
        bag = DagBag(collect_dags=False)
        bag.bag_dag(dag)
        sync_bag_to_db(bag, "dags-folder", None)

    return register
