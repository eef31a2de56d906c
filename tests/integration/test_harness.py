"""The harness itself works: real PostgreSQL, a real S3 endpoint (boto3 and Airflow's S3Hook), and
``dag.test()`` on a fresh metadata DB. When these fail, every other integration test would too."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from support_curation.storage import open_storage


def test_postgres_roundtrip(postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    table = f"harness_{uuid.uuid4().hex[:8]}"
    try:
        with engine.begin() as conn:
            assert conn.execute(sa.text("SHOW server_version")).scalar().startswith("15")
            assert conn.execute(sa.text("SELECT current_database()")).scalar() == "helpdesk"
            conn.execute(sa.text(f"CREATE TABLE {table} (id int PRIMARY KEY, body text NOT NULL)"))
            conn.execute(
                sa.text(f"INSERT INTO {table} VALUES (:id, :body)"),
                [{"id": 1, "body": "hello"}, {"id": 2, "body": "wörld"}],
            )
        with engine.connect() as conn:
            rows = conn.execute(sa.text(f"SELECT id, body FROM {table} ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, "hello"), (2, "wörld")]
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
        engine.dispose()


@pytest.mark.parametrize("via", ["endpoint_url", "aws_conn_id"])
def test_s3_storage_roundtrip(s3_endpoint: dict[str, str], via: str) -> None:
    root = f"s3://{s3_endpoint['bucket']}/harness-{via}"
    if via == "endpoint_url":
        storage = open_storage(root, endpoint_url=s3_endpoint["endpoint_url"])
    else:
        # S3Hook reads AIRFLOW_CONN_CURATION_S3, whose extra carries the endpoint
        storage = open_storage(root, aws_conn_id="curation_s3")
    storage.put_bytes("dt=2024-01-01/part-00000.jsonl.gz", b"a")
    storage.put_bytes("dt=2024-01-01/_manifest.json", b"{}")
    storage.put_bytes("dt=2024-01-02/part-00000.jsonl.gz", b"b")

    assert storage.list("dt=2024-01-01/") == [
        "dt=2024-01-01/_manifest.json",
        "dt=2024-01-01/part-00000.jsonl.gz",
    ]
    assert len(storage.list("")) == 3
    assert storage.get_bytes("dt=2024-01-02/part-00000.jsonl.gz") == b"b"
    assert storage.exists("dt=2024-01-01/_manifest.json")
    assert not storage.exists("dt=2024-01-01/_manifest")  # a prefix is not an object
    assert storage.uri("x") == f"{root}/x"
    # streamed lines split as bytes.splitlines does, even where \r\n straddles a read chunk
    lines = b"a\r\n\nb\rc\n" + b"x" * ((1 << 20) - 10) + b"\r\nlast"
    storage.put_bytes("exports/lines.jsonl", lines)
    assert list(storage.iter_lines("exports/lines.jsonl")) == lines.splitlines()

    storage.delete(storage.list(""))
    assert storage.list("") == []


def test_dag_test_runs_on_fresh_metadata_db(register_dag) -> None:
    """``dag.test()`` runs real tasks in-process against this session's SQLite metadata DB."""
    from airflow.sdk import dag, task

    @dag(schedule=None, start_date=datetime(2024, 1, 1, tzinfo=UTC), catchup=False, tags=["harness"])
    def harness_trivial():
        @task
        def produce() -> dict[str, int]:
            return {"count": 3}

        @task
        def consume(payload: dict[str, int]) -> int:
            return payload["count"] * 2

        consume(produce())

    the_dag = harness_trivial()
    register_dag(the_dag)
    run = the_dag.test(logical_date=datetime(2024, 1, 2, tzinfo=UTC))
    assert str(run.state) == "success"
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert states == {"produce": "success", "consume": "success"}
