"""The main DAG end to end with the real Airflow runtime (``dag.test``), a real PostgreSQL helpdesk and a
real S3 API endpoint (moto server): consent, redaction, validation, atomic publish, idempotent reruns,
and failing closed.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select

from support_curation.config import DATASET, PROJECT_ROOT, get_settings
from support_curation.publish import (
    MANIFEST,
    partition_prefix,
    read_manifest,
    read_partition_records,
    read_subject_index,
    verify_partition,
)
from support_curation.records import record_id, subject_id
from support_curation.sources.helpdesk_schema import tickets
from support_curation.storage import open_storage

pytestmark = pytest.mark.integration

DAY_OK = date(2024, 5, 6)
DAY_FAIL = date(2024, 5, 7)
HMAC_KEY = "integration-test-key-of-at-least-32-bytes"  # shorter keys are refused


@pytest.fixture(scope="module")
def deployment(postgres_url, s3_endpoint, airflow_db, tmp_path_factory, configure_pipeline):
    """Demo data in PostgreSQL and S3; settings pointing the pipeline at them through Airflow connections."""
    from support_curation.demo import generate_demo

    data_dir = str(tmp_path_factory.mktemp("data"))
    with configure_pipeline(postgres_url, s3_endpoint["bucket"], "", data_dir, HMAC_KEY, chunk_size=10):
        settings = get_settings()
        truth = generate_demo(
            create_engine(postgres_url),
            settings.open_storage(settings.resolved_chat_root),
            start=DAY_OK,
            days=2,
            seed=11,
            customers=40,
            tickets_per_day=20,
            chats_per_day=20,
        )
        yield {
            "engine": create_engine(postgres_url),
            "output": settings.output_storage(),
            "staging": settings.open_storage(settings.resolved_staging_root),
            "truth": truth,
        }


@pytest.fixture(scope="module")
def dag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    assert bag.import_errors == {}
    return bag.dags["curate_support_conversations"]


def run_day(dag, day: date):
    # a manual run covers the last complete interval before its logical date, as in the UI's "Trigger"
    return dag.test(logical_date=datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC))


TEXT_SUFFIXES = (".json", ".jsonl.gz", ".html", ".css", ".js", ".txt")


def snapshot(storage, prefix: str) -> dict[str, bytes]:
    return {key: storage.get_bytes(key) for key in storage.list(prefix)}


def text_files(storage, prefix: str) -> list[str]:
    """Decoded text of every text file under prefix (fonts and images are not where values could hide)."""
    files = snapshot(storage, prefix)
    return [
        gzip.decompress(data).decode() if key.endswith(".gz") else data.decode()
        for key, data in files.items()
        if key.endswith(TEXT_SUFFIXES)
    ]


def published_records(storage, day: date) -> list[dict]:
    return list(read_partition_records(storage, DATASET, f"dt={day}"))


def leaked_values(texts: list[str], values: set[str]) -> set[str]:
    """Truth values found in texts: case-insensitive, whitespace-insensitive, word-bounded."""
    found = set()
    haystack = "\n".join(texts)
    for value in values:
        body = r"\s+".join(re.escape(part) for part in value.split())
        if re.search(rf"(?<!\w){body}(?!\w)", haystack, re.IGNORECASE):
            found.add(value)
    return found


@pytest.fixture(scope="module")
def first_run(deployment, dag):
    run = run_day(dag, DAY_OK)
    return run, snapshot(deployment["output"], f"training_sets/{DATASET}/")


def test_run_succeeds_and_publishes_a_manifest_last(deployment, first_run):
    run, _ = first_run
    assert run.state == "success"
    manifest = read_manifest(deployment["output"], DATASET, f"dt={DAY_OK}")
    assert manifest is not None and manifest["validation"]["success"] is True
    assert verify_partition(deployment["output"], DATASET, f"dt={DAY_OK}")
    assert manifest["records"] == manifest["counts"]["published"] > 0
    assert manifest["policy_version"].startswith("pipeline-v1+")
    assert deployment["staging"].list(f"{DATASET}/dt={DAY_OK}/") == []  # raw staging is cleaned up


def test_counts_reconcile_with_what_the_sources_hold(deployment, first_run):
    counts = read_manifest(deployment["output"], DATASET, f"dt={DAY_OK}")["counts"]
    accounted = counts["published"] + sum(counts["excluded"].values()) + sum(counts["quarantined"].values())
    assert accounted == counts["extracted"]
    start = datetime.combine(DAY_OK, datetime.min.time(), tzinfo=UTC)
    with deployment["engine"].connect() as conn:
        day_tickets = conn.execute(
            select(tickets.c.ticket_id).where(
                tickets.c.updated_at >= start, tickets.c.updated_at < start + timedelta(days=1)
            )
        ).all()
    assert counts["extracted_by_source"]["tickets"] == len(day_tickets)
    assert counts["extracted_by_source"]["chat"] >= 1
    assert counts["excluded"], "the demo has customers without consent"
    assert counts["quarantined"], "the demo has malformed chat lines"


def record_owners(deployment) -> dict[str, str]:
    """record_id -> customer_id for every ticket and chat in the sources."""
    with deployment["engine"].connect() as conn:
        owners = {
            record_id(HMAC_KEY, "tickets", t): c
            for t, c in conn.execute(select(tickets.c.ticket_id, tickets.c.customer_id)).all()
        }
    landing = open_storage(get_settings().chat_root, aws_conn_id="curation_s3")
    for key in landing.list("chats/"):
        for line in landing.get_bytes(key).splitlines():
            try:
                chat = json.loads(line)
                owners[record_id(HMAC_KEY, "chat", chat["chat_id"])] = chat["customer_id"]
            except (ValueError, KeyError):
                continue  # the deliberately malformed lines
    return owners


def test_no_conversation_of_a_customer_without_consent_is_published(deployment, first_run):
    consent = deployment["truth"].to_json()["consent"]
    owners = record_owners(deployment)
    allowed = {"tickets": {"granted"}, "chat": {"granted", "chat_only"}}
    records = published_records(deployment["output"], DAY_OK)
    assert {r["source"] for r in records} == {"tickets", "chat"}
    for record in records:
        assert consent[owners[record["record_id"]]] in allowed[record["source"]], record["record_id"]
    index = read_subject_index(deployment["output"], DATASET, f"dt={DAY_OK}")
    refused = {c for c, state in consent.items() if state in {"never_asked", "revoked"}}
    assert refused and not {subject_id(HMAC_KEY, c) for c in refused} & set(index)


def test_no_demo_truth_value_appears_in_any_published_file(deployment, first_run):
    _, files = first_run
    texts = [gzip.decompress(b).decode() if k.endswith(".gz") else b.decode() for k, b in files.items()]
    reports = text_files(deployment["output"], "reports/")
    assert leaked_values(texts + reports, deployment["truth"].all_values()) == set()


def test_rerun_gives_byte_identical_files_and_no_duplicates(deployment, dag, first_run):
    _, before = first_run
    run = run_day(dag, DAY_OK)
    assert run.state == "success"
    after = snapshot(deployment["output"], f"training_sets/{DATASET}/")
    assert after == before
    ids = [r["record_id"] for r in published_records(deployment["output"], DAY_OK)]
    assert len(ids) == len(set(ids))


def test_validation_failure_quarantines_and_publishes_nothing(deployment, dag, first_run, monkeypatch):
    """A redactor that lets everything through must be caught by validation, and nothing published."""
    import support_curation.redaction as redaction

    class LeakyRedactor:
        policy_version = "leaky"

        def prime(self, conversations):
            pass

        def redact_conversation(self, messages, known_identifiers=None):
            return redaction.RedactionResult(
                messages=[dict(m) for m in messages], entities={}, flags=[], action="keep"
            )

    monkeypatch.setattr(redaction, "get_redactor", lambda *args, **kwargs: LeakyRedactor())
    run = run_day(dag, DAY_FAIL)
    assert run.state == "failed"
    output = deployment["output"]
    assert not output.exists(partition_prefix(DATASET, f"dt={DAY_FAIL}") + f"/{MANIFEST}")
    assert output.list(partition_prefix(DATASET, f"dt={DAY_FAIL}") + "/") == []
    quarantine = json.loads(output.get_bytes(f"quarantine/{DATASET}/dt={DAY_FAIL}/validation_failed.json"))
    assert quarantine["records"] > 0 and quarantine["validation"]["success"] is False
    # a broken redactor: the flagged share is far above the policy's rate, so no row-level quarantine
    residual = quarantine["validation"]["residual"]
    assert residual["share"] > residual["max_rate"] > 0 and residual["records_by_detector"]["name"] > 0
    assert not output.exists(f"quarantine/{DATASET}/dt={DAY_FAIL}/residual_pii.jsonl.gz")
    failed = output.get_bytes(f"quarantine/{DATASET}/dt={DAY_FAIL}/validation_failed.jsonl.gz")
    rows = [json.loads(line) for line in gzip.decompress(failed).splitlines()]
    # every row names its subject, so an erasure finds it there
    assert len(rows) == quarantine["records"] and all(row.get("subject") for row in rows)
    # the steward-facing outputs name no failing value, though the batch was full of them
    report_texts = text_files(output, f"reports/{DATASET}/dt={DAY_FAIL}/")
    assert report_texts, "a failing run still publishes its validation report"
    visible = report_texts + [json.dumps(quarantine)]
    assert leaked_values(visible, deployment["truth"].all_values()) == set()
    assert deployment["staging"].list(f"{DATASET}/dt={DAY_FAIL}/") == []
