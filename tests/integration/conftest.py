"""Real services for integration tests: a PostgreSQL 15 server and an S3 endpoint (moto server mode).

Both are started once per session on 127.0.0.1 and free ports, so parallel checkouts don't collide.
They are real network servers on purpose: the code under test talks to them exactly as it would to
a deployment (psycopg2 over TCP, boto3/S3Hook over HTTP), not to in-process mocks.

The deployment tests (LocalExecutor and Celery) share ``start_deployment`` (a whole
``devenv.deploy_stack`` for one module, its logs kept in ``test-artifacts/``) and ``token`` (an admin's,
once the module's ``stack`` has parsed the DAG, which it unpauses).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

TEST_BUCKET = "curation-test"
S3_CONN_ID = "curation_s3"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DAG_ID = "curate_support_conversations"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything in this folder carries the `integration` marker (`-m "not integration"` skips it)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of a real, empty `helpdesk` database on a throwaway PostgreSQL server.

    ``CURATION_TEST_POSTGRES_URL`` points at an existing server instead. Missing PostgreSQL fails the
    run (a skipped integration suite looks green in CI); ``CURATION_ALLOW_SKIP_INTEGRATION=1`` skips.
    """
    external = os.environ.get("CURATION_TEST_POSTGRES_URL")
    if external:
        yield external
        return
    from support_curation.devenv import local_postgres

    try:
        server = local_postgres.start("helpdesk")
    except local_postgres.PostgresUnavailable as exc:
        if os.environ.get("CURATION_ALLOW_SKIP_INTEGRATION") == "1":
            pytest.skip(f"PostgreSQL unavailable: {exc}")
        pytest.fail(f"{exc} (or set CURATION_ALLOW_SKIP_INTEGRATION=1 to skip)", pytrace=False)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[dict[str, str]]:
    """A real HTTP S3 endpoint (moto server) with bucket ``curation-test``.

    Sets, for the session, fake AWS credentials and the Airflow connection ``curation_s3``
    (``AIRFLOW_CONN_CURATION_S3``) pointing at the endpoint, so code using either boto3's default
    chain or ``S3Hook(aws_conn_id="curation_s3")`` reaches it. Yields ``{"endpoint_url", "bucket"}``.
    """
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint_url = f"http://{host}:{port}"
    conn = {
        "conn_type": "aws",
        "login": "testing",
        "password": "testing",
        "extra": {"endpoint_url": endpoint_url, "region_name": "us-east-1"},
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        # a stray real session token or profile would be sent along with the fake keys
        mp.delenv("AWS_SESSION_TOKEN", raising=False)
        mp.delenv("AWS_PROFILE", raising=False)
        mp.setenv(f"AIRFLOW_CONN_{S3_CONN_ID.upper()}", json.dumps(conn))
        try:
            client = boto3.client("s3", endpoint_url=endpoint_url)
            client.create_bucket(Bucket=TEST_BUCKET)
            names = [b["Name"] for b in client.list_buckets()["Buckets"]]
            assert TEST_BUCKET in names, f"bucket not created on {endpoint_url}: {names}"
            yield {"endpoint_url": endpoint_url, "bucket": TEST_BUCKET}
        finally:
            server.stop()


@contextlib.contextmanager
def pipeline_settings(
    postgres_url: str, bucket: str, prefix: str, data_dir: str, hmac_key: str, chunk_size: int
) -> Iterator[None]:
    """Point the pipeline's settings at the test PostgreSQL and S3 server, through Airflow connections."""
    from support_curation.config import get_settings, load_policy

    env = {
        "AIRFLOW_CONN_HELPDESK_DB": postgres_url.replace("postgresql+psycopg2://", "postgresql://"),
        "CURATION_HELPDESK_CONN_ID": "helpdesk_db",
        "CURATION_AWS_CONN_ID": S3_CONN_ID,
        "CURATION_CHAT_ROOT": f"s3://{bucket}/{prefix}landing/exports",
        "CURATION_OUTPUT_ROOT": f"s3://{bucket}/{prefix}curated",
        "CURATION_STAGING_ROOT": f"s3://{bucket}/{prefix}staging",
        "CURATION_DATA_DIR": data_dir,
        "CURATION_HMAC_KEY": hmac_key,
        "CURATION_CHUNK_SIZE": str(chunk_size),
    }
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        get_settings.cache_clear()
        load_policy.cache_clear()
        try:
            yield
        finally:
            get_settings.cache_clear()
            load_policy.cache_clear()


@pytest.fixture(scope="session")
def configure_pipeline() -> Callable[..., contextlib.AbstractContextManager[None]]:
    """``with configure_pipeline(postgres_url, bucket, prefix, data_dir, hmac_key, chunk_size):``"""
    return pipeline_settings


@contextlib.contextmanager
def _deployment(tmp_path_factory: pytest.TempPathFactory, name: str, **options: Any) -> Iterator[Any]:
    from support_curation.devenv import deploy_stack

    state = tmp_path_factory.mktemp(name)
    stack = deploy_stack.start(
        state,
        data_dir=state / "curation",
        triggerer=False,  # nothing here defers; one process less on two cores
        use_job_schedule=False,  # only the backfills create runs: no surprise run for "yesterday"
        inherit_env=False,  # the test session's own Airflow home and settings stay out
        **options,
    )
    try:
        yield stack
    finally:
        logs = ARTIFACTS / f"{name}-logs"
        shutil.rmtree(logs, ignore_errors=True)
        stack.stop()
        shutil.copytree(state / "logs", logs, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def start_deployment(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[..., contextlib.AbstractContextManager[Any]]:
    """``with start_deployment(name, **deploy_stack.start options) as stack:`` a whole local deployment,
    stopped at exit; its component logs copied to ``test-artifacts/<name>-logs`` for CI to keep."""
    return functools.partial(_deployment, tmp_path_factory)


@pytest.fixture(scope="module")
def token(stack: Any) -> str:
    """An admin's API token for the module's ``stack``, once its DAG is parsed; the DAG unpaused."""
    token = str(stack.token("admin"))
    stack.wait_dag(token)
    status, body = stack.request("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": False}, token=token)
    assert status == 200, body
    return token
