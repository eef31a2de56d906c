"""Consent lifecycle on published partitions: locate, revocation/erasure removal, retention, audit.

Local-folder storage and a SQLite helpdesk; the same code runs against S3 and PostgreSQL in
tests/integration/test_consent_lifecycle.py.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select

from support_curation import consent
from support_curation.layout import Area, PartitionRef, area_prefix, partition_name, partitions_in
from support_curation.lifecycle import audit, ledger, retention, rewrite
from support_curation.lifecycle.customer import erase_customer, locate
from support_curation.lifecycle.enforcement import Enforcement, remove_everywhere
from support_curation.lifecycle.retention import partition_date
from support_curation.publish import (
    publish_partition,
    published_partitions,
    read_manifest,
    read_partition_records,
    read_subject_index,
    verify_partition,
)
from support_curation.records import read_jsonl_gz, subject_id, write_jsonl_gz
from support_curation.review.items import list_items, make_item, write_item
from support_curation.sources.helpdesk_schema import consent_events, erasure_requests, metadata
from support_curation.storage import open_storage

KEY = "unit-key"
DS = "ds"
DAYS = [partition_name(date(2024, 1, d)) for d in (1, 2, 3)]
CUSTOMERS = ["cust-a", "cust-b", "cust-c", "cust-d"]
POLICY = {"version": "pipeline-v1", "sha256": "abc"}
SCOPE_BY_CHANNEL = {"email": "tickets", "web": "tickets", "phone": "voice", "chat": "chat"}
CHANNELS = [("chat", "chat"), ("tickets", "email"), ("tickets", "phone")]


def t(day: int, hour: int = 12) -> datetime:
    return datetime(2024, 2, day, hour, tzinfo=UTC)


def make_rows(partition: str, n: int = 10):
    for i in range(n):
        customer = CUSTOMERS[i % len(CUSTOMERS)]
        source, channel = CHANNELS[i % len(CHANNELS)]
        record = {
            "record_id": f"{partition_date(partition)}-r{i:03d}",
            "source": source,
            "channel": channel,
            "messages": [{"role": "customer", "content": f"message {i} of {partition}"}],
            "entities": {"PERSON": 1 + i % 2},
        }
        yield record, customer


@pytest.fixture
def storage(tmp_path):
    store = open_storage(str(tmp_path / "lake"))
    for partition in DAYS:
        rows = list(make_rows(partition))
        entities: dict[str, int] = {}
        for record, _ in rows:
            entities["PERSON"] = entities.get("PERSON", 0) + record["entities"]["PERSON"]
        publish_partition(
            store,
            dataset=DS,
            partition=partition,
            rows=rows,
            hmac_key=KEY,
            metadata={
                "counts": {"extracted": 12, "published": 10, "excluded": {"no_consent_record": 2}},
                "entities": entities,
                "code_version": "git:original",
            },
            records_per_part=3,
        )
    return store


@pytest.fixture
def engine(tmp_path):
    eng = create_engine(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    metadata.create_all(eng)
    return eng


def add_event(engine, customer, granted, at, scope="tickets", purpose="ai_training", eid=None):
    with engine.begin() as conn:
        conn.execute(
            consent_events.insert().values(
                event_id=eid or f"e-{customer}-{scope}-{purpose}-{at.isoformat()}",
                customer_id=customer,
                purpose=purpose,
                scope=scope,
                granted=granted,
                notice_version="2024-01",
                recorded_at=at,
            )
        )


def records_by_id(storage) -> dict[str, str]:
    """record_id -> the record's JSON, over every published partition."""
    return {
        r["record_id"]: json.dumps(r, sort_keys=True)
        for p in published_partitions(storage, DS)
        for r in read_partition_records(storage, DS, p)
    }


def assert_consistent(storage) -> None:
    for partition in published_partitions(storage, DS):
        assert verify_partition(storage, DS, partition)
        manifest = read_manifest(storage, DS, partition)
        ids = [r["record_id"] for r in read_partition_records(storage, DS, partition)]
        indexed = [rid for rids in read_subject_index(storage, DS, partition).values() for rid in rids]
        assert sorted(ids) == sorted(indexed)
        assert manifest["records"] == len(ids) == manifest["counts"]["published"]
        counts = manifest["counts"]
        assert counts["published"] + sum(counts["excluded"].values()) == counts["extracted"]


def test_locate_lists_partitions_with_counts(storage):
    assert locate(storage, KEY, "cust-a", DS) == [
        {"partition": p, "records": 3} for p in DAYS
    ]  # records 0, 4, 8 of each partition
    assert locate(storage, KEY, "cust-d", DS) == [{"partition": p, "records": 2} for p in DAYS]
    assert locate(storage, KEY, "nobody", DS) == []
    assert locate(storage, "another-key", "cust-a", DS) == []


def test_find_subjects_latest_event_per_scope_in_window_and_pending_erasures(engine):
    add_event(engine, "grant-only", True, t(1))
    add_event(engine, "revoked-in-window", True, t(1))
    add_event(engine, "revoked-in-window", False, t(5))
    add_event(engine, "revoked-before", False, t(2))
    add_event(engine, "revoked-then-regranted", False, t(5))
    add_event(engine, "revoked-then-regranted", True, t(6))
    add_event(engine, "one-scope-revoked", True, t(1), scope="chat")
    add_event(engine, "one-scope-revoked", False, t(5), scope="voice")
    add_event(engine, "marketing-only", False, t(5), purpose="marketing")
    add_event(engine, "revoked-later", False, t(20))
    with engine.begin() as conn:
        conn.execute(
            erasure_requests.insert(),
            [
                {"request_id": "r1", "customer_id": "erase-me", "requested_at": t(1), "status": "pending"},
                {"request_id": "r2", "customer_id": "erased", "requested_at": t(1), "status": "done"},
                {"request_id": "r3", "customer_id": "later", "requested_at": t(20), "status": "pending"},
            ],
        )
    scan = ledger.scan_ledger(engine, t(3), t(10), "ai_training")
    assert scan.revoked == {"revoked-in-window": {"tickets"}, "one-scope-revoked": {"voice"}}
    assert scan.erasing == {"erase-me"}
    assert scan.errors == []
    full = ledger.scan_ledger(engine, None, t(10), "ai_training")
    assert set(full.revoked) == {"revoked-in-window", "one-scope-revoked", "revoked-before"}


def test_remove_subjects_rewrites_only_their_records(storage):
    before = records_by_id(storage)
    gone = {subject_id(KEY, "cust-a"), subject_id(KEY, "cust-c")}
    removed_ids = {
        rid
        for p in DAYS
        for s, rids in read_subject_index(storage, DS, p).items()
        if s in gone
        for rid in rids
    }
    changed = rewrite.remove_subjects(storage, DS, gone, "consent_revoked", "pipeline-v1")
    assert changed == [{"partition": p, "removed": 5} for p in DAYS]
    assert locate(storage, KEY, "cust-a", DS) == []
    assert locate(storage, KEY, "cust-c", DS) == []
    after = records_by_id(storage)
    assert after == {rid: js for rid, js in before.items() if rid not in removed_ids}  # byte-identical JSON
    assert_consistent(storage)
    manifest = read_manifest(storage, DS, DAYS[0])
    assert manifest["code_version"] == "git:original"  # provenance of the records kept
    assert manifest["counts"]["excluded"]["removed:consent_revoked"] == 5
    assert manifest["amendments"][0] | {"code_version": "x"} == {
        "reason": "consent_revoked",
        "removed": 5,
        "subjects": 2,
        "policy_version": "pipeline-v1",
        "code_version": "x",
    }
    kept = list(read_partition_records(storage, DS, DAYS[0]))
    assert manifest["entities"] == {"PERSON": sum(r["entities"]["PERSON"] for r in kept)}


def test_a_revocation_removes_only_the_revoked_scopes(storage):
    before = records_by_id(storage)
    # cust-a holds records 0, 4, 8 of each partition: chat, email (tickets), phone (voice)
    changed = rewrite.remove_subjects(
        storage,
        DS,
        {subject_id(KEY, "cust-a")},
        "consent_revoked",
        "v",
        scopes={subject_id(KEY, "cust-a"): ["voice"]},
        scope_by_channel=SCOPE_BY_CHANNEL,
    )
    assert changed == [{"partition": p, "removed": 1} for p in DAYS]
    after = records_by_id(storage)
    assert set(before) - set(after) == {f"{partition_date(p)}-r008" for p in DAYS}
    assert locate(storage, KEY, "cust-a", DS) == [{"partition": p, "records": 2} for p in DAYS]
    assert_consistent(storage)
    # a revoked scope the customer has nothing published in changes nothing
    snapshot = {k: storage.get_bytes(k) for k in storage.list("")}
    scoped = {subject_id(KEY, "cust-a"): ["voice"]}
    assert (
        rewrite.remove_subjects(
            storage, DS, scoped, "r", "v", scopes=scoped, scope_by_channel=SCOPE_BY_CHANNEL
        )
        == []
    )
    assert {k: storage.get_bytes(k) for k in storage.list("")} == snapshot
    # without the policy's mapping no record's scope can be told: the revocation removes them all (safe side)
    assert rewrite.remove_subjects(storage, DS, scoped, "r", "v", scopes=scoped) == [
        {"partition": p, "removed": 2} for p in DAYS
    ]


def test_record_scope_follows_the_policy_and_unknown_is_none():
    assert rewrite.record_scope({"source": "chat", "channel": "chat"}, SCOPE_BY_CHANNEL) == "chat"
    assert rewrite.record_scope({"source": "tickets", "channel": "phone"}, SCOPE_BY_CHANNEL) == "voice"
    assert rewrite.record_scope({"source": "tickets", "channel": "web"}, SCOPE_BY_CHANNEL) == "tickets"
    assert rewrite.record_scope({"source": "tickets"}, SCOPE_BY_CHANNEL) is None
    # the sources' rule (contract.scope_for): a channel the policy does not know has no scope, no fallback
    assert rewrite.record_scope({"source": "tickets", "channel": "Phone"}, SCOPE_BY_CHANNEL) is None
    assert rewrite.record_scope({"source": "chat", "channel": "chat"}, {"email": "tickets"}) is None


def test_removal_plan_holds_hashes_only(engine):
    add_event(engine, "cust-r", True, t(1), scope="chat")
    add_event(engine, "cust-r", False, t(5), scope="voice")
    add_event(engine, "cust-both", False, t(5))
    ledger.record_erasure_request(engine, "cust-both", t(2))
    ledger.record_erasure_request(engine, "cust-e", t(2))
    planned = ledger.removal_plan(ledger.scan_ledger(engine, t(3), t(10), "ai_training"), KEY)
    assert planned == {
        "subjects": sorted(subject_id(KEY, c) for c in ("cust-r", "cust-both", "cust-e")),
        "scopes": {subject_id(KEY, "cust-r"): ["voice"]},  # erasure wins over a scoped revocation
        "by_reason": {ledger.CONSENT_REVOKED: 2, ledger.ERASURE_REQUESTED: 2},
        "ledger_errors": 0,
    }
    assert "cust-" not in json.dumps(planned)


def test_enforcement_twice_is_a_no_op(storage):
    gone = {subject_id(KEY, "cust-b")}
    rewrite.remove_subjects(storage, DS, gone, "consent_revoked", "v")
    snapshot = {k: storage.get_bytes(k) for k in storage.list("")}
    assert rewrite.remove_subjects(storage, DS, gone, "consent_revoked", "v") == []
    assert rewrite.remove_subjects(storage, DS, set(), "consent_revoked", "v") == []
    assert {k: storage.get_bytes(k) for k in storage.list("")} == snapshot


@pytest.mark.parametrize("fail_at", ["part", "_subjects", "_manifest"])
def test_a_failure_mid_rewrite_leaves_the_previous_partition_whole(storage, monkeypatch, fail_at):
    before = {p: list(read_partition_records(storage, DS, p)) for p in DAYS}
    real_put = storage.put_bytes

    def failing_put(key, data):
        if key.startswith(PartitionRef(DS, DAYS[1]).training + "/") and key.rsplit("/", 1)[1].startswith(
            fail_at
        ):
            raise OSError("injected failure")
        real_put(key, data)

    monkeypatch.setattr(storage, "put_bytes", failing_put)
    with pytest.raises(OSError, match="injected"):
        rewrite.remove_subjects(storage, DS, {subject_id(KEY, "cust-a")}, "consent_revoked", "v")
    monkeypatch.undo()
    # the partition that failed is the old version, readable and complete
    assert verify_partition(storage, DS, DAYS[1])
    assert list(read_partition_records(storage, DS, DAYS[1])) == before[DAYS[1]]
    assert_consistent(storage)
    # and the retry finishes the job
    rewrite.remove_subjects(storage, DS, {subject_id(KEY, "cust-a")}, "consent_revoked", "v")
    assert locate(storage, KEY, "cust-a", DS) == []
    assert_consistent(storage)


def test_expire_partitions_removes_old_days_only(storage):
    expired = retention.expire_partitions(storage, DS, date(2024, 1, 3))
    assert expired == [{"partition": DAYS[0], "records": 10}, {"partition": DAYS[1], "records": 10}]
    assert published_partitions(storage, DS) == [DAYS[2]]
    assert storage.list(PartitionRef(DS, DAYS[0]).training + "/") == []
    assert retention.expire_partitions(storage, DS, date(2024, 1, 3)) == []


def test_expire_cleans_leftovers_of_an_interrupted_expiry(storage):
    prefix = PartitionRef(DS, DAYS[0]).training + "/"
    storage.delete([prefix + "_manifest.json"])  # as if the run died after the manifest went
    assert storage.list(prefix)
    assert retention.expire_partitions(storage, DS, date(2024, 1, 2)) == []
    assert storage.list(prefix) == []


def test_audit_entries_are_one_object_each_and_retries_do_not_duplicate(storage):
    entry = audit.audit_entry(
        at=t(3), action="remove_subjects", policy=POLICY, partitions=[{"partition": DAYS[0], "removed": 2}]
    )
    key = audit.append_audit(storage, entry)
    assert audit.append_audit(storage, entry) == key
    assert audit.read_audit(storage) == [entry]
    assert entry["records_removed"] == 2 and entry["at"] == t(3).isoformat()
    audit.append_audit(storage, entry | {"action": "expire_partitions"})
    assert len(audit.read_audit(storage)) == 2


def test_watermark_never_moves_backwards(storage):
    assert audit.read_watermark(storage) is None
    assert audit.write_watermark(storage, t(5)) == t(5)
    assert audit.write_watermark(storage, t(2)) == t(5)
    assert audit.read_watermark(storage) == t(5)


def test_erase_customer_removes_marks_done_and_audits_without_identifiers(storage, engine):
    counts_before = {p: read_manifest(storage, DS, p)["records"] for p in DAYS}
    held = {row["partition"]: row["records"] for row in locate(storage, KEY, "cust-d", DS)}
    result = erase_customer(
        storage, engine, hmac_key=KEY, customer_id="cust-d", dataset=DS, policy=POLICY, at=t(9)
    )
    assert locate(storage, KEY, "cust-d", DS) == []
    assert result["records_removed"] == sum(held.values()) == 6
    assert {p: read_manifest(storage, DS, p)["records"] for p in DAYS} == {
        p: counts_before[p] - held[p] for p in DAYS
    }
    with engine.connect() as conn:
        assert conn.execute(select(erasure_requests.c.status)).scalars().all() == ["done"]
    entries = json.dumps(audit.read_audit(storage))
    assert "cust-d" not in entries and subject_id(KEY, "cust-d") not in entries
    assert_consistent(storage)


def test_erasure_marks_only_enforced_subjects_done(engine):
    ledger.record_erasure_request(engine, "cust-x", t(1))
    ledger.record_erasure_request(engine, "cust-y", t(1))
    ledger.record_erasure_request(engine, "cust-x", t(1) + timedelta(days=30))
    assert ledger.mark_erasures_done(engine, KEY, {subject_id(KEY, "cust-x")}, t(2)) == 1
    with engine.connect() as conn:
        rows = conn.execute(select(erasure_requests.c.customer_id, erasure_requests.c.status)).all()
    assert sorted(rows) == [("cust-x", "done"), ("cust-x", "pending"), ("cust-y", "pending")]


# --- ledger errors: events dated after the ledger is read (#11: consent fails closed) ------------

FUTURE = datetime(2099, 1, 1, tzinfo=UTC)


def test_a_future_dated_grant_does_not_mask_a_revocation_and_is_reported(engine):
    add_event(engine, "masked", True, t(1))
    add_event(engine, "masked", False, t(5))
    add_event(engine, "masked", True, FUTURE, eid="bogus-masked-grant")
    scan = ledger.scan_ledger(engine, t(3), t(10), "ai_training", now=t(11))
    assert scan.revoked == {"masked": {"tickets"}}
    assert scan.errors == [consent.event_ref("bogus-masked-grant")]
    assert "masked" not in json.dumps(scan.errors)


def test_a_future_dated_refusal_is_enforced_at_once_and_by_every_run(engine):
    add_event(engine, "refuses", True, t(1))
    add_event(engine, "refuses", False, FUTURE)
    for since, until in [(t(3), t(10)), (t(10), t(20)), (None, t(20))]:
        scan = ledger.scan_ledger(engine, since, until, "ai_training", now=t(21))
        assert scan.revoked == {"refuses": {"tickets"}}
        assert len(scan.errors) == 1


def test_a_future_dated_erasure_request_is_enforced_and_marked_done(engine):
    ledger.record_erasure_request(engine, "cust-late-clock", FUTURE)
    scan = ledger.scan_ledger(engine, t(3), t(10), "ai_training", now=t(11))
    assert scan.erasing == {"cust-late-clock"} and len(scan.errors) == 1
    assert ledger.removal_plan(scan, KEY)["ledger_errors"] == 1
    subject = subject_id(KEY, "cust-late-clock")
    assert ledger.mark_erasures_done(engine, KEY, {subject}, t(10), now=t(11)) == 1


def enforcement(storage, engine) -> Enforcement:
    return Enforcement(
        output=storage,
        helpdesk=engine,
        hmac_key=KEY,
        dataset=DS,
        purpose="ai_training",
        retention_days=3650,  # the fixture days stay: this run is about removal
        scope_by_channel=SCOPE_BY_CHANNEL,
        policy=POLICY,
    )


def test_after_enforcement_a_future_grant_does_not_bring_the_customer_back(storage, engine):
    # cust-a consented to every scope, then revoked tickets; a bogus 2099 grant sits on top
    for scope in ("chat", "tickets", "voice"):
        add_event(engine, "cust-a", True, datetime(2024, 1, 1, tzinfo=UTC), scope=scope)
    add_event(engine, "cust-a", False, t(5), scope="tickets")
    add_event(engine, "cust-a", True, FUTURE, scope="tickets", eid="bogus-2099")
    run = enforcement(storage, engine)
    plan = run.plan(t(10), now=t(10))
    assert plan["scopes"] == {subject_id(KEY, "cust-a"): ["tickets"]} and plan["ledger_errors"] == 1
    removed = run.remove(plan)
    expired = run.expire(plan)
    run.record(plan, expired, removed, run_id="unit")
    held = {
        record["channel"]
        for p in published_partitions(storage, DS)
        for sid, rids in read_subject_index(storage, DS, p).items()
        if sid == subject_id(KEY, "cust-a")
        for record in read_partition_records(storage, DS, p)
        if record["record_id"] in rids
    }
    assert held == {"chat", "phone"}  # the email (tickets scope) records are gone
    # a rerun or backfill of a January day asks the ledger again: still no ticket consent
    decisions = consent.decide_many(
        consent.load_events(engine, ["cust-a"], "ai_training"),
        [("cust-a", "tickets"), ("cust-a", "chat")],
        purpose="ai_training",
        as_of=datetime(2024, 1, 2, tzinfo=UTC),
        now=t(10),
    )
    assert [(d.granted, d.reason) for d in decisions] == [(False, consent.REVOKED_SINCE), (True, None)]
    removal = [e for e in audit.read_audit(storage) if e["action"] == "remove_subjects"]
    assert removal[0]["ledger_errors"] == 1 and "cust-a" not in json.dumps(removal)
    assert_consistent(storage)


# --- erasure and retention reach the quarantine, review items and reports (#11) -----------------


def quarantine_items(storage, partition: str) -> list[dict]:
    key = PartitionRef(DS, partition).key(Area.QUARANTINE, "extract-tickets.jsonl.gz")
    return list(read_jsonl_gz(storage, key))


@pytest.fixture
def restricted(storage):
    """Quarantine files and review items for every day: cust-d and cust-a appear in both."""
    for partition in DAYS:
        ref = PartitionRef(DS, partition)
        write_jsonl_gz(
            storage,
            ref.key(Area.QUARANTINE, "extract-tickets.jsonl.gz"),
            [
                {
                    "ref": f"tickets:{partition}-q1",
                    "reason": "message_too_long",
                    "subject": subject_id(KEY, "cust-d"),
                },
                {
                    "ref": f"tickets:{partition}-q2",
                    "reason": "message_too_long",
                    "subject": subject_id(KEY, "cust-a"),
                },
                {"ref": f"chat:{partition}-line7", "reason": "malformed_json"},  # nobody known
            ],
        )
        storage.put_bytes(ref.key(Area.QUARANTINE, "validation_failed.json"), b'{"records": 3}')
        storage.put_bytes(ref.key(Area.REPORTS, "validation_summary.json"), b'{"success": true}')
        for name in ("cust-d", "cust-a"):
            record = {
                "record_id": f"{partition}-{name}-rv",
                "source": "tickets",
                "channel": "email",
                "messages": [],
            }
            write_item(
                storage,
                make_item(
                    kind="review_required",
                    ref=ref,
                    record=record,
                    subject=subject_id(KEY, name),
                    scope="tickets",
                    queued_at=t(1),
                ),
            )
    return storage


def test_erasure_removes_the_subjects_quarantine_and_review_items(restricted, engine):
    result = erase_customer(
        restricted, engine, hmac_key=KEY, customer_id="cust-d", dataset=DS, policy=POLICY, at=t(9)
    )
    assert result["quarantine"] == [{"partition": p, "removed": 1} for p in DAYS]
    assert result["review_items_removed"] == len(DAYS)
    for partition in DAYS:
        refs = [item["ref"] for item in quarantine_items(restricted, partition)]
        assert refs == [f"tickets:{partition}-q2", f"chat:{partition}-line7"]
    subjects = {item["subject"] for item in list_items(restricted, DS)}
    assert subjects == {subject_id(KEY, "cust-a")}
    entry = audit.read_audit(restricted)[-1]
    assert entry["review_items_removed"] == len(DAYS) and entry["quarantine"] == result["quarantine"]
    # a second erasure of the same customer changes nothing more
    again = remove_everywhere(restricted, DS, [subject_id(KEY, "cust-d")], "erasure_requested", "v")
    assert again == {"training": [], "review_items": 0, "quarantine": []}


def test_a_revocation_removes_review_items_but_keeps_quarantine_references(restricted):
    removed = remove_everywhere(
        restricted,
        DS,
        [subject_id(KEY, "cust-a")],
        "consent_enforcement",
        "v",
        scopes={subject_id(KEY, "cust-a"): ["tickets"]},
        scope_by_channel=SCOPE_BY_CHANNEL,
    )
    assert removed["review_items"] == len(DAYS) and removed["quarantine"] == []
    assert len(quarantine_items(restricted, DAYS[0])) == 3


def test_retention_expires_every_area(restricted):
    older_than = date(2024, 1, 3)
    assert retention.expire_partitions(restricted, DS, older_than) == [
        {"partition": p, "records": 10} for p in DAYS[:2]
    ]
    expired = retention.expire_other_areas(restricted, DS, older_than)
    assert {(e["area"], e["partition"]) for e in expired} == {
        (str(area), p) for area in (Area.QUARANTINE, Area.REVIEW, Area.REPORTS) for p in DAYS[:2]
    }
    for area in (Area.TRAINING, Area.QUARANTINE, Area.REVIEW, Area.REPORTS):
        left = partitions_in(restricted.list(area_prefix(area, DS)), area, DS)
        assert sorted(left) == [DAYS[2]], area
    assert retention.expire_other_areas(restricted, DS, older_than) == []


def test_partition_date_reads_only_well_formed_partition_names():
    assert partition_date(DAYS[0]) == date(2024, 1, 1)
    assert [partition_date(n) for n in ("dt=2024-13-01", "dt=", "2024-01-01", "x=2024-01-01")] == [None] * 4


def test_rewrites_and_expiry_read_and_switch_manifests_under_one_hold_of_the_lock(storage, monkeypatch):
    """What a rewrite decides from (the manifest it read) must still be current when it switches."""
    import contextlib
    import itertools

    from support_curation import publish

    holds: dict[str, list[int]] = {}  # partition -> [hold id, depth]
    ids = itertools.count(1)
    last_read: dict[str, int | None] = {}
    real_lock, real_read_index = publish.partition_lock, publish.read_subject_index
    real_put, real_delete = storage.put_bytes, storage.delete

    @contextlib.contextmanager
    def recording_lock(store, dataset, partition, **kwargs):
        with real_lock(store, dataset, partition, **kwargs):
            hold = holds.setdefault(partition, [next(ids), 0])
            hold[1] += 1
            try:
                yield
            finally:
                hold[1] -= 1
                if not hold[1]:
                    del holds[partition]

    def partition_of(key):
        return key.split("/")[2] if key.endswith("/" + publish.MANIFEST) else None

    def current(partition):
        return holds[partition][0] if partition in holds else None

    def read_index(store, dataset, partition):  # what a rewrite decides from
        last_read[partition] = current(partition)
        return real_read_index(store, dataset, partition)

    def switched(key):
        partition = partition_of(key)
        if partition:
            assert current(partition) is not None, "manifest changed without the lock"
            if partition in last_read:  # a rewrite (expiry decides from the partition name alone)
                assert last_read.pop(partition) == current(partition), "decided outside this hold"

    def put(key, data):
        switched(key)
        real_put(key, data)

    def delete(keys):
        keys = list(keys)
        for key in keys:
            switched(key)
        real_delete(keys)

    monkeypatch.setattr(publish, "partition_lock", recording_lock)
    monkeypatch.setattr(publish, "read_subject_index", read_index)
    monkeypatch.setattr(storage, "put_bytes", put)
    monkeypatch.setattr(storage, "delete", delete)
    assert rewrite.remove_subjects(storage, DS, {subject_id(KEY, "cust-b")}, "consent_revoked", "v")
    assert retention.expire_partitions(storage, DS, date(2024, 1, 2))
    assert holds == {}
