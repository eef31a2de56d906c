"""Applying decisions: one amendment per partition, counts reconciled, consent re-checked, values gone."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from faker import Faker
from sqlalchemy import create_engine, insert, select

from support_curation import publish
from support_curation.config import AuditSamplePolicy, ReviewPolicy, load_policy
from support_curation.layout import PartitionRef
from support_curation.policies import policy_file
from support_curation.records import subject_id
from support_curation.review import apply, items, store
from support_curation.review.decide import decide
from support_curation.review.leak import wilson_upper
from support_curation.review.queue import ReviewPublication
from support_curation.review.report import released_partitions
from support_curation.sources.helpdesk_schema import consent_events, erasure_requests, metadata
from support_curation.storage import LocalStorage

DATASET = "support_conversations"
DAY = datetime(2024, 6, 10, tzinfo=UTC)
REF = PartitionRef(DATASET, "dt=2024-06-10")
KEY = "unit-test-key-unit-test-key-unit-test-key"
NOW = datetime(2024, 6, 20, tzinfo=UTC)


def _policy(**release):
    base = load_policy(policy_file("pipeline_v1.yaml"))
    update = {"review": ReviewPolicy(audit_sample=AuditSamplePolicy(count=4))}
    if release:
        update["release"] = base.release.model_copy(update=release)
    return base.model_copy(update=update)


class World:
    """A published partition of 10 records, 3 review items waiting, 4 audit samples; a SQLite ledger."""

    def __init__(self, tmp_path, policy):
        fake = Faker()
        Faker.seed(5)
        self.agent = f"{fake.first_name()} {fake.last_name()}"  # the redactor "missed" this sign-off
        self.storage = LocalStorage(str(tmp_path / "lake"))
        self.helpdesk = create_engine(f"sqlite:///{tmp_path / 'helpdesk.db'}")
        metadata.create_all(self.helpdesk)
        self.customers = [f"C{n:03d}" for n in range(13)]
        with self.helpdesk.begin() as conn:
            conn.execute(
                insert(consent_events),
                [
                    {
                        "event_id": f"e{c}",
                        "customer_id": c,
                        "purpose": "ai_training",
                        "scope": "tickets",
                        "granted": True,
                        "notice_version": "v1",
                        "recorded_at": DAY - timedelta(days=30),
                    }
                    for c in self.customers
                ],
            )

        def staged(n: int, flags: list[str]) -> dict:
            record = {
                "record_id": f"{n:032x}",
                "source": "tickets",
                "channel": "email" if n % 3 else "web",
                "messages": [
                    {"role": "customer", "content": f"Order <ID_NUMBER_1> is late ({fake.word()})."},
                    {"role": "agent", "content": f"Sorry <PERSON_1>. Regards, {self.agent}"},
                ],
                "entities": {"ID_NUMBER": 1, "PERSON": 1},
                "flags": flags,
            }
            return {"record": record, "customer_id": self.customers[n], "scope": "tickets"}

        self.published_rows = [staged(n, []) for n in range(10)]
        self.review_rows = [staged(n, ["vulnerability"]) for n in range(10, 13)]
        self.policy = policy
        self.publish()
        self.store = store.DecisionStore(create_engine(f"sqlite:///{tmp_path / 'state.db'}"))

    def publish(self) -> None:
        """What the pipeline's validate and publish steps do for the interval (again, on a rerun)."""
        # validation queues its row-level quarantine (kind residual_pii) before publication, counted per
        # detector; publishing queues its own kinds and must leave these alone
        residual = self.review_rows[2]["record"] | {"record_id": "f" * 32, "flags": []}
        items.queue_records(
            self.storage, REF, "residual_pii", [(residual, subject_id(KEY, "C012"), "tickets")], DAY
        )
        rp = ReviewPublication(self.policy, REF, published=10, review_required=3)
        rows = ((r["record"], r["customer_id"]) for r in rp.observe(self.published_rows))
        counts = {
            "extracted": 14,
            "published": 10,
            "excluded": {},
            "quarantined": {"residual_pii:name": 1, "review_required": 3},
        }
        rp.publish_partition(
            self.storage,
            dataset=DATASET,
            partition=REF.partition,
            rows=rows,
            hmac_key=KEY,
            metadata={"counts": counts, "entities": {"ID_NUMBER": 10, "PERSON": 10}},
        )
        self.queued = rp.queue(
            self.storage, hmac_key=KEY, review_rows=self.review_rows, queued_at=DAY + timedelta(days=1)
        )

    def context(self, now: datetime = NOW) -> apply.Context:
        return apply.Context(
            storage=self.storage,
            store=self.store,
            policy=self.policy,
            dataset=DATASET,
            hmac_key=KEY,
            helpdesk=self.helpdesk,
            placeholder_names={},
            now=now,
        )

    def items(self, kind: str, states=("pending",)) -> list[dict]:
        return items.list_items(self.storage, DATASET, kind=kind, states=states)

    def decide(self, item: dict, **kwargs):
        return decide(
            self.storage, self.store, self.policy, dataset=DATASET, item=item["item"], who="ana", **kwargs
        )

    def manifest(self) -> dict:
        return publish.read_manifest(self.storage, DATASET, REF.partition)

    def records(self) -> list[dict]:
        return list(publish.read_partition_records(self.storage, DATASET, REF.partition))


def _reconciles(manifest: dict) -> bool:
    c = manifest["counts"]
    accounted = c["published"] + sum(c["excluded"].values()) + sum(c["quarantined"].values())
    return accounted == c["extracted"] and c["published"] == manifest["records"]


@pytest.fixture
def world(tmp_path):
    return World(tmp_path, _policy())


def test_publication_queues_review_items_and_a_stratified_sample(world):
    assert world.queued == {"review_required": 3, "audit_sample": 4}
    manifest = world.manifest()
    assert manifest["status"] == "released"  # release.require_audit is off by default
    assert manifest["review"]["leak"]["audit_sample"] == 4
    assert manifest["review"]["queued"] == {"audit_sample": 4, "residual_pii": 1, "review_required": 3}
    sample = world.items("audit_sample")
    published_ids = {r["record_id"] for r in world.records()}
    assert {i["record_id"] for i in sample} <= published_ids
    assert {i["channel"] for i in sample} == {"email", "web"}  # both strata drawn
    review = world.items("review_required")
    assert all(i["flags"] == ["vulnerability"] and i["record"]["messages"] for i in review)
    assert all(
        "customer_id" not in i and i["subject"] == subject_id(KEY, c)
        for i, c in zip(sorted(review, key=lambda i: i["record_id"]), world.customers[10:], strict=True)
    )


def test_decisions_change_the_partition_and_counts_reconcile(world):
    first, second, erased = sorted(world.items("review_required"), key=lambda i: i["record_id"])
    audit = sorted(world.items("audit_sample"), key=lambda i: i["record_id"])
    with world.helpdesk.begin() as conn:  # the third item's customer asks for erasure after queueing
        conn.execute(
            insert(erasure_requests).values(
                request_id="r1",
                customer_id=world.customers[12],
                requested_at=NOW - timedelta(days=1),
                status="pending",
            )
        )
    world.decide(first, action="approve")
    world.decide(second, action="exclude", reason="sensitive_content")
    world.decide(erased, action="approve")
    text = items.item_text(audit[0]["record"])
    start = text.index(world.agent)
    world.decide(audit[0], action="missed", entity_type="PERSON", span=(start, start + len(world.agent)))
    world.decide(audit[1], action="approve")
    world.decide(audit[2], action="exclude", reason="identifying_context")

    (summary,) = apply.apply_all(world.context())
    assert summary["outcomes"] == {
        "approved": 1,
        "published": 1,
        "removed:erasure_requested": 1,
        "requeued": 1,
        "reviewer:identifying_context": 1,
        "reviewer:sensitive_content": 1,
    }
    manifest = world.manifest()
    records = world.records()
    ids = {r["record_id"] for r in records}
    assert first["record_id"] in ids and second["record_id"] not in ids and erased["record_id"] not in ids
    assert audit[2]["record_id"] not in ids and audit[0]["record_id"] in ids
    assert manifest["counts"]["published"] == 10 == len(records)
    assert manifest["counts"]["quarantined"] == {"residual_pii:name": 1}
    assert manifest["counts"]["excluded"] == {
        "removed:erasure_requested": 1,
        "reviewer:identifying_context": 1,
        "reviewer:sensitive_content": 1,
    }
    assert _reconciles(manifest) and publish.verify_partition(world.storage, DATASET, REF.partition)
    # the marked name is gone from every record (a deny-list entry), the requeued item and all items
    lake = "".join(p.read_text(errors="ignore") for p in Path(world.storage.root).rglob("*.json"))
    for part in world.agent.split():
        assert all(part not in m["content"] for r in records for m in r["messages"])
        assert part not in lake
    assert manifest["entities"]["PERSON"] == sum(r["entities"]["PERSON"] for r in records)
    # the subject index follows: the approved item's subject is in, the erased one is not
    index = publish.read_subject_index(world.storage, DATASET, REF.partition)
    assert first["subject"] in index and erased["subject"] not in index
    # the leak estimate: 3 of 4 sampled records reviewed, 1 with missed personal data
    leak = manifest["review"]["leak"]
    assert (leak["audit_sample"], leak["reviewed"], leak["with_missed_pii"]) == (4, 3, 1)
    assert leak["upper_95"] == pytest.approx(wilson_upper(1, 3), abs=1e-6)
    assert manifest["review"]["missed_pii_by_type"] == {"PERSON": 1}
    assert manifest["amendments"][-1]["reason"] == "review_decisions"
    # items: resolved ones lost their text, the requeued sample waits again, re-redacted
    states = {i["item"]: i["state"] for i in items.list_items(world.storage, DATASET, states=None)}
    assert states[first["item"]] == "published" and states[erased["item"]] == "removed"
    assert states[audit[0]["item"]] == "pending" and states[audit[1]["item"]] == "approved"
    resolved = [i for i in items.list_items(world.storage, DATASET, states=None) if i["state"] != "pending"]
    assert resolved and all("record" not in i for i in resolved)
    # the log: who and what, never the value; everything applied, a second run changes nothing
    for decision, _ in world.store.applied(DATASET):
        assert world.agent.split()[0] not in repr(decision.public())
    assert world.store.pending(DATASET) == []
    files = {f["sha256"] for f in manifest["files"]}
    assert apply.apply_all(world.context()) == []
    assert {f["sha256"] for f in world.manifest()["files"]} == files


def test_a_failure_after_the_switch_is_finished_by_the_next_run(world, monkeypatch):
    first = sorted(world.items("review_required"), key=lambda i: i["record_id"])[0]
    world.decide(first, action="approve")

    def crash(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(world.store, "mark_applied", crash)
    with pytest.raises(RuntimeError):
        apply.apply_all(world.context())
    monkeypatch.undo()
    assert world.manifest()["counts"]["published"] == 11
    (summary,) = apply.apply_all(world.context())
    assert summary["outcomes"] == {"published": 1}
    manifest = world.manifest()
    assert manifest["counts"]["published"] == 11 and _reconciles(manifest)  # not counted twice


def test_revoked_consent_blocks_an_approval(world):
    item = sorted(world.items("review_required"), key=lambda i: i["record_id"])[0]
    with world.helpdesk.begin() as conn:
        conn.execute(
            insert(consent_events).values(
                event_id="late",
                customer_id=world.customers[10],
                purpose="ai_training",
                scope="tickets",
                granted=False,
                notice_version="v1",
                recorded_at=NOW - timedelta(days=2),
            )
        )
    world.decide(item, action="approve")
    (summary,) = apply.apply_all(world.context())
    assert summary["outcomes"] == {"removed:consent_revoked_since": 1}
    assert item["record_id"] not in {r["record_id"] for r in world.records()}
    assert _reconciles(world.manifest())


def test_release_waits_for_a_reviewed_sample_under_the_bound(tmp_path):
    world = World(tmp_path, _policy(require_audit=True, max_leak_upper=0.6))
    assert world.manifest()["status"] == "pending_review"
    assert released_partitions(world.storage, DATASET) == []  # consumers do not see it yet
    for item in world.items("audit_sample")[:3]:
        world.decide(item, action="approve")
    apply.apply_all(world.context())
    assert world.manifest()["status"] == "pending_review"  # 3 of 4 reviewed
    world.decide(world.items("audit_sample")[0], action="approve")
    apply.apply_all(world.context())
    manifest = world.manifest()
    assert manifest["review"]["leak"]["reviewed"] == 4
    assert manifest["review"]["leak"]["upper_95"] == pytest.approx(wilson_upper(0, 4), abs=1e-6)  # 0.49
    assert manifest["status"] == "released"
    assert released_partitions(world.storage, DATASET) == [REF.partition]


def test_no_decision_log_row_has_a_value_column():
    assert {c.name for c in store.decisions.columns} == {
        "decision_id",
        "item",
        "dataset",
        "partition",
        "kind",
        "action",
        "reason",
        "entity_type",
        "span_start",
        "span_end",
        "who",
        "decided_at",
    }
    assert select(store.decisions) is not None


def test_a_residual_pii_item_moves_its_detector_count(world):
    (residual,) = world.items("residual_pii")  # still queued after publication queued the other kinds
    world.decide(residual, action="approve")
    (summary,) = apply.apply_all(world.context())
    assert summary["outcomes"] == {"published": 1}
    manifest = world.manifest()
    assert manifest["counts"]["quarantined"] == {"review_required": 3}
    assert manifest["counts"]["published"] == 11 and _reconciles(manifest)


def test_an_item_left_pending_by_an_interrupted_apply_is_never_published_twice(world, monkeypatch):
    first = sorted(world.items("review_required"), key=lambda i: i["record_id"])[0]
    world.decide(first, action="approve")

    def crash(*args, **kwargs):
        raise RuntimeError("storage went away")

    monkeypatch.setattr(items, "write_item", crash)  # after the manifest switch, before the item's state
    with pytest.raises(RuntimeError):
        apply.apply_all(world.context())
    monkeypatch.undo()
    (summary,) = apply.apply_all(world.context())  # finishes the bookkeeping from the manifest
    assert summary["outcomes"] == {"published": 1}
    (still,) = [i for i in world.items("review_required") if i["item"] == first["item"]]
    world.decide(still, action="approve")  # the item still looked pending: a steward approves again
    (again,) = apply.apply_all(world.context())
    assert again["outcomes"] == {"stale": 1}
    ids = [r["record_id"] for r in world.records()]
    assert ids.count(first["record_id"]) == 1 and _reconciles(world.manifest())


def test_a_rerun_of_the_interval_gets_the_decisions_back(world):
    first = sorted(world.items("review_required"), key=lambda i: i["record_id"])[0]
    audit = sorted(world.items("audit_sample"), key=lambda i: i["record_id"])
    text = items.item_text(audit[0]["record"])
    start = text.index(world.agent)
    world.decide(audit[0], action="missed", entity_type="PERSON", span=(start, start + len(world.agent)))
    world.decide(first, action="approve")
    world.decide(audit[2], action="exclude", reason="identifying_context")
    apply.apply_all(world.context())
    (requeued,) = [i for i in world.items("audit_sample") if i["item"] == audit[0]["item"]]
    world.decide(requeued, action="approve")  # round two: the re-redacted sample looked at again
    apply.apply_all(world.context(NOW + timedelta(hours=1)))
    decided = world.manifest()
    records = {r["record_id"]: r for r in world.records()}

    world.publish()  # a rerun of the interval: the pipeline's partition and a fresh queue
    assert world.agent in json.dumps(world.records())  # the marked value is back ...
    assert apply.reapply_partition(world.context(), REF.partition)["rounds"] == 2
    assert {r["record_id"]: r for r in world.records()} == records  # ... and gone again
    manifest = world.manifest()
    assert manifest["counts"] == decided["counts"] and manifest["review"]["leak"] == decided["review"]["leak"]
    states = {i["item"]: i["state"] for i in items.list_items(world.storage, DATASET, states=None)}
    assert states[first["item"]] == "published" and states[audit[2]["item"]] == "excluded"
    assert states[audit[0]["item"]] == "approved"
    assert apply.reapply_partition(world.context(), REF.partition)["rounds"] == 0  # nothing left to do


class AuditedWorld(World):
    """The same partition published as the pipeline does it: through the publish-time audit (k_min 3)."""

    def publish(self) -> None:
        from types import SimpleNamespace

        from support_curation.audit.groups import count_groups
        from support_curation.audit.publication import publish_audited

        rp = ReviewPublication(self.policy, REF, published=10, review_required=3)
        rows = ((r["record"], r["customer_id"]) for r in rp.observe(self.published_rows))
        staged = [r["record"] for r in self.published_rows]
        granted = [SimpleNamespace(granted=True, notice_version="v1") for _ in staged]
        publish_audited(
            self.storage,
            self.policy,
            [{"groups": count_groups(staged, granted)}],
            dataset=DATASET,
            partition=REF.partition,
            rows=rows,
            hmac_key=KEY,
            metadata={
                "counts": {
                    "extracted": 13,
                    "published": 10,
                    "excluded": {},
                    "quarantined": {"review_required": 3},
                },
                "entities": {"ID_NUMBER": 10, "PERSON": 10},
                "policy_version": "pipeline-v1+redaction-v1",
                "validation": {"success": True, "summary": {}},
            },
            publish_partition=rp.publish_partition,
        )
        self.queued = rp.queue(
            self.storage, hmac_key=KEY, review_rows=self.review_rows, queued_at=DAY + timedelta(days=1)
        )


def test_an_audited_partition_keeps_k_anonymity_and_its_card_after_decisions(tmp_path):
    """An approved item is the only e-mail about a vulnerability: published as it is, it would be a group
    of one. The amendment passes the publish-time audit again, and the card beside the manifest stays."""
    from support_curation.audit import risk
    from support_curation.audit.datacard import CARD
    from support_curation.layout import Area

    base = _policy()
    policy = base.model_copy(
        update={"audit": base.audit.model_copy(update={"k_min": 3, "indirect_ner": False})}
    )
    world = AuditedWorld(tmp_path, policy)
    assert world.manifest()["audit"]["suppressed"] == 0
    first = sorted(world.items("review_required"), key=lambda i: i["record_id"])[0]
    world.decide(first, action="approve")
    (summary,) = apply.apply_all(world.context())
    # approved, but no group to hide in: kept out, and the steward's outcome says so everywhere
    assert summary["outcomes"] == {"k_anonymity": 1}
    manifest, records = world.manifest(), world.records()
    assert risk.min_k(records, policy.audit.quasi_identifiers) >= 3
    assert first["record_id"] not in {r["record_id"] for r in records}
    assert set(manifest["review"]["applied"].values()) == {"k_anonymity"}
    (item,) = [i for i in items.list_items(world.storage, DATASET, states=None) if i["item"] == first["item"]]
    assert (item["state"], item["outcome"]) == ("excluded", "k_anonymity") and "record" not in item
    assert [o for _, o in world.store.applied(DATASET)] == ["k_anonymity"]
    assert manifest["counts"]["excluded"] == {"k_anonymity": 1}
    assert manifest["amendments"][-1]["k_anonymity"] == {"generalised": 0, "suppressed": 1}
    assert _reconciles(manifest) and publish.verify_partition(world.storage, DATASET, REF.partition)
    card = world.storage.get_bytes(REF.key(Area.TRAINING, CARD)).decode()
    assert f"**Records:** {manifest['records']} conversations" in card
    assert "| excluded | k_anonymity | 1 |" in card
