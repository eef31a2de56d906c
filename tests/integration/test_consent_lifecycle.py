"""Consent lifecycle end to end on a real PostgreSQL helpdesk and an S3 endpoint (moto server): a revocation
and pending erasure requests reach every published partition through the ``enforce_consent_revocations``
DAG (``dag.test``), retention expires old partitions, and a backfill never brings a revoked customer back.

Partitions are published with ``pipeline.run_interval`` (the stages the main DAG runs) and a stand-in
redactor that blanks every message: this test is about what happens after publication, the redactor
has its own tests, and not loading Presidio keeps the module fast.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select

from support_curation.config import DATASET, PROJECT_ROOT, get_settings
from support_curation.layout import Area, PartitionRef, area_prefix, partition_name
from support_curation.lifecycle import audit, rewrite
from support_curation.lifecycle.customer import locate
from support_curation.publish import (
    publish_partition,
    published_partitions,
    read_manifest,
    read_partition_records,
    read_subject_index,
    verify_partition,
)
from support_curation.records import read_jsonl_gz, subject_id
from support_curation.review.items import list_items
from support_curation.sources.helpdesk_schema import consent_events, erasure_requests

pytestmark = pytest.mark.integration

DAYS = [date(2024, 6, 10), date(2024, 6, 11)]
SEED = 29
HMAC_KEY = "lifecycle-test-key-at-least-32-bytes-long"  # keys under 32 bytes are refused
REVOKED_AT = datetime(2024, 6, 15, 9, tzinfo=UTC)
ENFORCE_AT = datetime(2024, 6, 16, 3, tzinfo=UTC)
OLD_PARTITION = partition_name(date(2021, 1, 4))  # older than the policy's 730 days at ENFORCE_AT


def interval(day: date):
    from support_curation.pipeline import Interval

    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    return Interval(start, start + timedelta(days=1))


@pytest.fixture(scope="module")
def deployment(postgres_url, s3_endpoint, airflow_db, tmp_path_factory, configure_pipeline):
    """Demo data for two days in PostgreSQL and S3, both days published; settings point at them."""
    from support_curation.demo import generate_demo
    from support_curation.pipeline import run_interval

    data_dir = str(tmp_path_factory.mktemp("lifecycle-data"))
    with configure_pipeline(
        postgres_url, s3_endpoint["bucket"], "lifecycle/", data_dir, HMAC_KEY, chunk_size=25
    ):
        settings = get_settings()
        engine = create_engine(postgres_url)
        truth = generate_demo(
            engine,
            settings.open_storage(settings.resolved_chat_root),
            start=DAYS[0],
            days=len(DAYS),
            seed=SEED,
            customers=40,
            tickets_per_day=20,
            chats_per_day=20,
        )
        for day in DAYS:
            run_interval(interval(day), settings)
        output = settings.output_storage()
        # an old partition that retention must expire
        publish_partition(
            output,
            dataset=DATASET,
            partition=OLD_PARTITION,
            rows=[({"record_id": "old-0001", "messages": []}, "cus-old")],
            hmac_key=HMAC_KEY,
            metadata={"counts": {"published": 1}},
        )
        yield {"engine": engine, "output": output, "truth": truth}


@pytest.fixture(scope="module")
def enforcement_dag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    assert bag.import_errors == {}
    return bag.dags["enforce_consent_revocations"]


def run_enforcement(dag, at: datetime):
    return dag.test(run_after=at, logical_date=at)


def records(output) -> dict[str, str]:
    """record_id -> record JSON over the demo days' partitions."""
    return {
        r["record_id"]: json.dumps(r, sort_keys=True)
        for p in map(partition_name, DAYS)
        for r in read_partition_records(output, DATASET, p)
    }


def snapshot(output) -> dict[str, bytes]:
    return {k: output.get_bytes(k) for k in output.list(area_prefix(Area.TRAINING, DATASET))}


def pending_erasure_customers(engine) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.scalars(select(erasure_requests.c.customer_id).where(erasure_requests.c.status == "pending"))
        )


@pytest.fixture(scope="module")
def target(deployment) -> str:
    """A consenting customer with published conversations in both days and no pending erasure request."""
    consent = deployment["truth"].to_json()["consent"]
    erasing = pending_erasure_customers(deployment["engine"])
    held = {
        c: locate(deployment["output"], HMAC_KEY, c, DATASET)
        for c, state in sorted(consent.items())
        if state == "granted" and c not in erasing
    }
    best = max(held, key=lambda c: (len(held[c]), sum(r["records"] for r in held[c])))
    assert len(held[best]) == len(DAYS), "the demo should give some customer conversations on both days"
    return best


@pytest.fixture(scope="module")
def enforced(deployment, enforcement_dag, target):
    """Revoke the target's consent, then run the enforcement DAG once."""
    output, engine = deployment["output"], deployment["engine"]
    erasing = pending_erasure_customers(engine)
    removed_subjects = {subject_id(HMAC_KEY, c) for c in erasing | {target}}
    before = {
        "records": records(output),
        "indexes": {p: read_subject_index(output, DATASET, p) for p in map(partition_name, DAYS)},
        "counts": {p: read_manifest(output, DATASET, p)["records"] for p in map(partition_name, DAYS)},
        "erasing": erasing,
        "removed_subjects": removed_subjects,
    }
    with engine.begin() as conn:
        conn.execute(
            consent_events.insert(),
            [
                {
                    "event_id": f"cev-lifecycle-{scope}",
                    "customer_id": target,
                    "purpose": "ai_training",
                    "scope": scope,
                    "granted": False,
                    "notice_version": "2024-06",
                    "recorded_at": REVOKED_AT,
                }
                for scope in ("tickets", "chat", "voice")
            ],
        )
    run = run_enforcement(enforcement_dag, ENFORCE_AT)
    return run, before


def test_enforcement_removes_the_revoked_and_erased_customers_everywhere(deployment, target, enforced):
    run, before = enforced
    assert run.state == "success"
    output = deployment["output"]
    assert locate(output, HMAC_KEY, target, DATASET) == []
    for customer in before["erasing"]:
        assert locate(output, HMAC_KEY, customer, DATASET) == []
    with deployment["engine"].connect() as conn:
        statuses = conn.execute(
            select(erasure_requests.c.status).where(erasure_requests.c.customer_id.in_(before["erasing"]))
        ).scalars()
        assert set(statuses) == {"done"}
    # and from the restricted areas: no review item of a removed subject, no quarantine item of an erased one
    erased = {subject_id(HMAC_KEY, c) for c in before["erasing"]}
    assert not {i["subject"] for i in list_items(output, DATASET)} & before["removed_subjects"]
    quarantine_keys = [
        k for k in output.list(area_prefix(Area.QUARANTINE, DATASET)) if k.endswith(".jsonl.gz")
    ]
    assert not {i.get("subject") for k in quarantine_keys for i in read_jsonl_gz(output, k)} & erased


def test_every_other_record_is_byte_identical(deployment, enforced):
    _, before = enforced
    removed_ids = {
        rid
        for index in before["indexes"].values()
        for subject, rids in index.items()
        if subject in before["removed_subjects"]
        for rid in rids
    }
    assert removed_ids, "the enforcement had something to remove"
    expected = {rid: js for rid, js in before["records"].items() if rid not in removed_ids}
    # the rewrite passes the k-anonymity rule again: smaller groups may be generalised further or
    # suppressed, as many as the amendments say; the text of every record that stays never changes
    done = [
        a.get("k_anonymity", {})
        for p in map(partition_name, DAYS)
        for a in read_manifest(deployment["output"], DATASET, p).get("amendments", [])
    ]
    now = records(deployment["output"])
    assert set(now) <= set(expected)
    assert len(set(expected) - set(now)) == sum(d.get("suppressed", 0) for d in done)
    changed = [rid for rid, js in now.items() if js != expected[rid]]
    assert len(changed) <= sum(d.get("generalised", 0) for d in done)
    for rid in changed:
        assert json.loads(now[rid])["messages"] == json.loads(expected[rid])["messages"]


def test_manifests_and_indexes_agree_with_the_files(deployment, enforced):
    _, before = enforced
    output = deployment["output"]
    for partition in map(partition_name, DAYS):
        assert verify_partition(output, DATASET, partition)
        manifest = read_manifest(output, DATASET, partition)
        ids = sorted(r["record_id"] for r in read_partition_records(output, DATASET, partition))
        index = read_subject_index(output, DATASET, partition)
        assert ids == sorted(rid for rids in index.values() for rid in rids)
        removed = sum(
            len(rids) for s, rids in before["indexes"][partition].items() if s in before["removed_subjects"]
        )
        suppressed = sum(
            a.get("k_anonymity", {}).get("suppressed", 0) for a in manifest.get("amendments", [])
        )
        assert manifest["records"] == len(ids) == before["counts"][partition] - removed - suppressed
        # the card beside the manifest is the amended partition's (a rewrite used to drop it)
        card = output.get_bytes(PartitionRef(DATASET, partition).key(Area.TRAINING, "_datacard.md")).decode()
        assert f"**Records:** {manifest['records']} conversations" in card
        counts = manifest["counts"]
        assert counts["published"] == len(ids)
        accounted = (
            counts["published"] + sum(counts["excluded"].values()) + sum(counts["quarantined"].values())
        )
        assert accounted == counts["extracted"]
        if removed:
            assert manifest["amendments"][-1]["removed"] == removed


def test_retention_expires_old_partitions_with_an_audit_entry(deployment, enforced):
    output = deployment["output"]
    assert OLD_PARTITION not in published_partitions(output, DATASET)
    assert output.list(PartitionRef(DATASET, OLD_PARTITION).training + "/") == []
    expiries = [e for e in audit.read_audit(output) if e["action"] == "expire_partitions"]
    assert [p["partition"] for e in expiries for p in e["partitions"]] == [OLD_PARTITION]


def test_audit_entries_hold_no_raw_identifiers(deployment, target, enforced):
    _, before = enforced
    output = deployment["output"]
    entries = audit.read_audit(output)
    removal = [e for e in entries if e["action"] == "remove_subjects"]
    assert len(removal) == 1
    assert removal[0]["records_removed"] == sum(p["removed"] for p in removal[0]["partitions"]) > 0
    assert removal[0]["policy"]["version"] == "pipeline-v1"
    text = json.dumps(entries)
    truth = deployment["truth"]
    identifiers = {target, *before["erasing"], *truth.to_json()["consent"], *before["removed_subjects"]}
    assert not {i for i in identifiers if i in text}
    assert not {v for v in truth.all_values() if len(v) > 3 and v in text}


def test_a_second_run_is_a_no_op(deployment, enforcement_dag, enforced):
    output = deployment["output"]
    files = snapshot(output)
    run = run_enforcement(enforcement_dag, ENFORCE_AT + timedelta(days=1))
    assert run.state == "success"
    assert snapshot(output) == files
    assert audit.read_watermark(output) == ENFORCE_AT + timedelta(days=1)


def test_a_failure_mid_rewrite_leaves_the_previous_partition_readable(deployment, enforced, monkeypatch):
    output = deployment["output"]
    partition = partition_name(DAYS[0])
    index = read_subject_index(output, DATASET, partition)
    victim = sorted(index)[0]
    before = list(read_partition_records(output, DATASET, partition))
    real_put = output.put_bytes

    def failing_put(key, data):
        if key.endswith("/_manifest.json"):  # every new file is written, the switch fails
            raise OSError("injected failure")
        real_put(key, data)

    monkeypatch.setattr(output, "put_bytes", failing_put)
    with pytest.raises(OSError, match="injected"):
        rewrite.remove_subjects(output, DATASET, {victim}, "consent_revoked", "pipeline-v1")
    monkeypatch.undo()
    assert verify_partition(output, DATASET, partition)
    assert list(read_partition_records(output, DATASET, partition)) == before
    assert read_subject_index(output, DATASET, partition) == index


def test_a_backfill_before_the_revocation_does_not_publish_the_customer(deployment, target, enforced):
    from support_curation.pipeline import run_interval

    output = deployment["output"]
    result = run_interval(interval(DAYS[0]), get_settings())
    assert result["counts"]["excluded"].get("consent_revoked_since", 0) > 0
    assert locate(output, HMAC_KEY, target, DATASET) == []
    assert verify_partition(output, DATASET, partition_name(DAYS[0]))


def test_a_future_dated_grant_does_not_republish_a_revoked_customer(
    deployment, enforcement_dag, target, enforced
):
    """#11: a 2099 grant used to be "the latest event" and the next run published the customer again."""
    from support_curation.pipeline import run_interval

    output, engine = deployment["output"], deployment["engine"]
    with engine.begin() as conn:
        conn.execute(
            consent_events.insert(),
            [
                {
                    "event_id": f"cev-lifecycle-future-{scope}",
                    "customer_id": target,
                    "purpose": "ai_training",
                    "scope": scope,
                    "granted": True,
                    "notice_version": "2024-06",
                    "recorded_at": datetime(2099, 1, 1, tzinfo=UTC),
                }
                for scope in ("tickets", "chat", "voice")
            ],
        )
    for day in DAYS:
        result = run_interval(interval(day), get_settings())
        assert result["counts"]["excluded"].get("consent_revoked_since", 0) > 0
        # the day shows the impossible events that decided its conversations, and still reconciles
        ledger = result["counts"]["consent_ledger_errors"]
        assert 1 <= ledger["events"] <= 3 and ledger["kept"] == 0
        assert ledger["conversations"] == sum(ledger["excluded"].values()) > 0
        assert (
            read_manifest(output, DATASET, partition_name(day))["counts"]["consent_ledger_errors"] == ledger
        )
    assert locate(output, HMAC_KEY, target, DATASET) == []
    run = run_enforcement(enforcement_dag, ENFORCE_AT + timedelta(days=2))
    assert run.state == "success"
    latest = [e for e in audit.read_audit(output) if e["action"] == "remove_subjects"][-1]
    assert latest["ledger_errors"] == 3
    assert target not in json.dumps(latest)


def test_reports_hold_no_subject_data(deployment, enforced):
    """Erasure need not reach the reports because there is nothing of a person in them: verify it."""
    output, engine = deployment["output"], deployment["engine"]
    keys = output.list(area_prefix(Area.REPORTS, DATASET))
    assert keys, "the pipeline wrote reports"
    text = "\n".join(output.get_bytes(k).decode("utf-8", "replace") for k in keys)
    with engine.connect() as conn:
        customer_ids = set(conn.scalars(select(consent_events.c.customer_id)))
    subjects = {subject_id(HMAC_KEY, c) for c in customer_ids}
    record_ids = set(records(output)) | set(enforced[1]["records"])
    found = {i for i in customer_ids | subjects | record_ids if i in text}
    assert not found, f"{len(found)} identifiers in the reports"
    values = {v for v in deployment["truth"].all_values() if len(v) > 3}
    assert not {v for v in values if v in text}
