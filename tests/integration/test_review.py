"""Stewards' review end to end on a real PostgreSQL (helpdesk and decision log) and an S3 endpoint (moto
server): the pipeline queues sensitive-topic conversations and an audit sample; stewards decide through
the CLI; the ``apply_review_decisions`` DAG (``dag.test``) amends the partition.

Approve one review item, exclude one, approve one whose customer asked for erasure after it was queued,
mark a missed value in an audit-sample conversation, apply: the approved conversation is published, the
excluded and the erased ones are not, the marked value appears nowhere in the partition, the counts
reconcile, and the decision log (PostgreSQL) holds no marked value.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, insert, select

from support_curation import cli
from support_curation.config import DATASET, PROJECT_ROOT, get_settings
from support_curation.layout import partition_name
from support_curation.publish import (
    partition_prefix,
    read_manifest,
    read_partition_records,
    read_subject_index,
    verify_partition,
)
from support_curation.records import subject_id
from support_curation.review import items as review_items
from support_curation.review import store
from support_curation.review.leak import wilson_upper
from support_curation.sources.helpdesk_schema import customers, erasure_requests

pytestmark = pytest.mark.integration

DAY = date(2024, 7, 1)
PARTITION = partition_name(DAY)
HMAC_KEY = "review-integration-key-of-32-bytes-or-more"
ERASED_AT = datetime(2024, 7, 5, 9, tzinfo=UTC)
APPLY_AT = datetime(2024, 7, 6, 5, tzinfo=UTC)
WORD = re.compile(r"(?<![<\w])[A-Z][a-z]{3,}(?![\w>])")


@pytest.fixture(scope="module")
def deployment(postgres_url, s3_endpoint, airflow_db, tmp_path_factory, configure_pipeline):
    """One demo day published by the pipeline; the decision log in PostgreSQL (curation_state)."""
    from support_curation.demo import generate_demo
    from support_curation.pipeline import Interval, run_interval

    data_dir = str(tmp_path_factory.mktemp("review-data"))
    with (
        configure_pipeline(postgres_url, s3_endpoint["bucket"], "review/", data_dir, HMAC_KEY, chunk_size=25),
        pytest.MonkeyPatch.context() as mp,
    ):
        mp.setenv(
            "AIRFLOW_CONN_CURATION_STATE", postgres_url.replace("postgresql+psycopg2://", "postgresql://")
        )
        settings = get_settings()
        engine = create_engine(postgres_url)
        generate_demo(
            engine,
            settings.open_storage(settings.resolved_chat_root),
            start=DAY,
            days=1,
            seed=27,
            customers=80,
            tickets_per_day=60,
            chats_per_day=60,
        )
        start = datetime.combine(DAY, datetime.min.time(), tzinfo=UTC)
        published = run_interval(Interval(start, start + timedelta(days=1)), settings)
        yield {"engine": engine, "output": settings.output_storage(), "published": published}


def curate(capsys, *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    return code, capsys.readouterr().out


@pytest.fixture(scope="module")
def queue(deployment) -> dict[str, list[dict]]:
    waiting = review_items.list_items(deployment["output"], DATASET, partition=PARTITION)
    by_kind: dict[str, list[dict]] = {}
    for item in waiting:
        by_kind.setdefault(item["kind"], []).append(item)
    return by_kind


def test_the_pipeline_queues_review_items_and_an_audit_sample(deployment, queue, capsys):
    manifest = read_manifest(deployment["output"], DATASET, PARTITION)
    assert len(queue["review_required"]) == manifest["counts"]["quarantined"]["review_required"] >= 3
    sampled = len(queue["audit_sample"])
    # 25 drawn (policy count); a drawn record that k-anonymity suppressed at publish is no sample
    assert sampled == manifest["review"]["leak"]["audit_sample"] and 20 <= sampled <= 25
    assert manifest["status"] == "released"  # release.require_audit is off in pipeline_v1
    queued = {"review_required": len(queue["review_required"]), "audit_sample": sampled}
    assert deployment["published"]["review"] == queued
    code, out = curate(capsys, "review", "list", "--json", "--partition", PARTITION)
    listed = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(listed) == len(queue["review_required"]) + sampled
    assert all({"item", "partition", "kind"} <= row.keys() and "record" not in row for row in listed)
    # redacted, never raw: the item holds placeholders and no customer id
    item = queue["review_required"][0]
    assert "customer_id" not in item and re.search(r"<[A-Z_]+_\d+>", review_items.item_text(item["record"]))


@pytest.fixture(scope="module")
def decided(deployment, queue):
    """Decisions through the CLI (as a steward scripts them); returns what was decided on."""
    import contextlib
    import io

    def run(*argv: str) -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert cli.main(list(argv)) == 0
        return out.getvalue()

    approve, exclude, erased = sorted(queue["review_required"], key=lambda i: i["item"])[:3]
    run("review", "decide", approve["item"], "--approve", "--who", "steward-ana")
    run("review", "decide", exclude["item"], "--exclude", "sensitive_content", "--who", "steward-ana")
    run("review", "decide", erased["item"], "--approve", "--who", "steward-ana")
    # the third item's customer asks for erasure after it was queued (found by its subject hash)
    with deployment["engine"].begin() as conn:
        ids = conn.scalars(select(customers.c.customer_id)).all()
        customer = next(c for c in ids if subject_id(HMAC_KEY, c) == erased["subject"])
        conn.execute(
            insert(erasure_requests).values(
                request_id="era-review-test", customer_id=customer, requested_at=ERASED_AT, status="pending"
            )
        )
    # a value left in an audit-sample conversation, marked as missed (the redactor's miss or a steward's call)
    sample, start, value = next(
        (item, m.start(), m.group())
        for item in sorted(queue["audit_sample"], key=lambda i: i["item"])
        for m in WORD.finditer(review_items.item_text(item["record"]))
    )
    marked = run(
        "review",
        "decide",
        sample["item"],
        "--missed",
        "PERSON",
        "--span",
        f"{start}:{start + len(value)}",
        "--who",
        "steward-ana",
    )
    assert value not in marked
    return {"approve": approve, "exclude": exclude, "erased": erased, "sample": sample, "value": value}


@pytest.fixture(scope="module")
def applied(deployment, decided):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    assert bag.import_errors == {}
    before = read_manifest(deployment["output"], DATASET, PARTITION)
    run = bag.dags["apply_review_decisions"].test(run_after=APPLY_AT, logical_date=APPLY_AT)
    return run, before


def _partition_text(output) -> str:
    """Every file of the partition but its dataset card: counts and fixed prose, no record text (the marked
    value is an ordinary word the card's prose may use)."""
    prefix = partition_prefix(DATASET, PARTITION)
    return "".join(
        gzip.decompress(output.get_bytes(k)).decode() if k.endswith(".gz") else output.get_bytes(k).decode()
        for k in output.list(prefix + "/")
        if not k.endswith("/_datacard.md")
    )


def _kept_out(output) -> bool:
    """Whether the approved item was kept out by the partition's k-anonymity rule: an amendment passes the
    publish-time audit again, and a sensitive-topic conversation approved on a small day may have no group
    of k_min to hide in. Either way the outcome is recorded and every count follows (asserted below)."""
    applied_outcomes = read_manifest(output, DATASET, PARTITION)["review"]["applied"].values()
    assert ("published" in applied_outcomes) != ("k_anonymity" in applied_outcomes)
    return "k_anonymity" in applied_outcomes


def test_decisions_are_applied_to_the_partition(deployment, decided, applied):
    run, before = applied
    assert run.state == "success"
    output = deployment["output"]
    ids = {r["record_id"] for r in read_partition_records(output, DATASET, PARTITION)}
    assert (decided["approve"]["record_id"] in ids) != _kept_out(output)
    assert decided["exclude"]["record_id"] not in ids
    assert decided["erased"]["record_id"] not in ids  # erased since queued: never published by an approval
    index = read_subject_index(output, DATASET, PARTITION)
    assert decided["erased"]["subject"] not in index
    assert (decided["approve"]["subject"] in index) or _kept_out(output)
    # the marked value is gone from every file of the partition (deny-listed at every mention)
    assert not re.search(rf"(?<!\w){re.escape(decided['value'])}(?!\w)", _partition_text(output), re.I)
    assert verify_partition(output, DATASET, PARTITION)


def test_counts_move_and_reconcile(deployment, applied):
    _, before = applied
    manifest = read_manifest(deployment["output"], DATASET, PARTITION)
    counts, old = manifest["counts"], before["counts"]
    suppressed = manifest["amendments"][-1]["k_anonymity"]["suppressed"]
    assert suppressed >= _kept_out(deployment["output"])
    assert counts["published"] == old["published"] + 1 - suppressed == manifest["records"]
    assert counts["excluded"].get("k_anonymity", 0) == old["excluded"].get("k_anonymity", 0) + suppressed
    assert counts["quarantined"].get("review_required", 0) == old["quarantined"]["review_required"] - 3
    assert counts["excluded"]["reviewer:sensitive_content"] == 1
    assert counts["excluded"]["removed:erasure_requested"] == 1
    accounted = counts["published"] + sum(counts["excluded"].values()) + sum(counts["quarantined"].values())
    assert accounted == counts["extracted"]
    leak = manifest["review"]["leak"]
    assert (leak["reviewed"], leak["with_missed_pii"]) == (1, 1)
    assert leak["upper_95"] == pytest.approx(wilson_upper(1, 1), abs=1e-6)
    assert manifest["review"]["missed_pii_by_type"] == {"PERSON": 1}


def test_the_decision_log_holds_who_and_what_never_the_value(deployment, decided, applied):
    with deployment["engine"].connect() as conn:
        rows = [dict(r) for r in conn.execute(select(store.decisions)).mappings()]
        outcomes = dict(
            conn.execute(select(store.applications.c.decision_id, store.applications.c.outcome)).all()
        )
    assert {r["who"] for r in rows} == {"steward-ana"} and len(rows) == 4
    assert decided["value"].lower() not in json.dumps(rows, default=str).lower()
    approved = "k_anonymity" if _kept_out(deployment["output"]) else "published"
    assert sorted(outcomes.values()) == sorted(
        [approved, "reviewer:sensitive_content", "removed:erasure_requested", "requeued"]
    )


def test_the_items_follow_and_a_second_run_changes_nothing(deployment, decided, applied):
    output = deployment["output"]
    states = {
        i["item"]: i for i in review_items.list_items(output, DATASET, partition=PARTITION, states=None)
    }
    expected = ("excluded", "k_anonymity") if _kept_out(output) else ("published", "published")
    assert (
        states[decided["approve"]["item"]]["state"],
        states[decided["approve"]["item"]]["outcome"],
    ) == expected
    assert states[decided["erased"]["item"]]["state"] == "removed"
    assert "record" not in states[decided["exclude"]["item"]]
    requeued = states[decided["sample"]["item"]]
    assert requeued["state"] == "pending" and decided["value"] not in review_items.item_text(
        requeued["record"]
    )
    files = read_manifest(output, DATASET, PARTITION)["files"]
    from support_curation.review.apply import apply_all, context_from_settings

    assert apply_all(context_from_settings(get_settings(), APPLY_AT)) == []
    assert read_manifest(output, DATASET, PARTITION)["files"] == files


def test_a_rerun_of_the_day_keeps_the_stewards_decisions(deployment, decided, applied):
    """Backfilling the day again republishes it and re-queues its items; the decisions come back with it."""
    from support_curation.pipeline import Interval, run_interval

    output = deployment["output"]
    before = read_manifest(output, DATASET, PARTITION)
    start = datetime.combine(DAY, datetime.min.time(), tzinfo=UTC)
    result = run_interval(Interval(start, start + timedelta(days=1)), get_settings())
    after = read_manifest(output, DATASET, PARTITION)
    assert result["counts"] == after["counts"]
    old, new = before["counts"], after["counts"]
    assert (new["published"], new["quarantined"]) == (old["published"], old["quarantined"])
    # the erased customer is now left out at the consent join instead of by the blocked approval
    assert sum(new["excluded"].values()) == sum(old["excluded"].values())
    assert (
        new["excluded"].get("removed:erasure_requested", 0)
        == old["excluded"]["removed:erasure_requested"] - 1
    )
    ids = {r["record_id"] for r in read_partition_records(output, DATASET, PARTITION)}
    assert (decided["approve"]["record_id"] in ids) != _kept_out(output)
    assert decided["exclude"]["record_id"] not in ids and decided["erased"]["record_id"] not in ids
    assert not re.search(rf"(?<!\w){re.escape(decided['value'])}(?!\w)", _partition_text(output), re.I)
    assert after["review"]["leak"] == before["review"]["leak"] and verify_partition(
        output, DATASET, PARTITION
    )
