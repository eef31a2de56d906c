"""Amendments of an audited partition (consent enforcement, review decisions) keep it audited.

A partition published with the audit (:func:`publish_audited`) is rewritten through the same audit: its
``_datacard.md`` beside the manifest is regenerated from the rewritten records and agrees with the
manifest, and the k-anonymity rule still holds after records leave or arrive.
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from support_curation.audit import amend, risk
from support_curation.audit.datacard import CARD
from support_curation.audit.groups import count_groups
from support_curation.audit.publication import RISK, audit_key, publish_audited
from support_curation.config import AuditAction, load_policy
from support_curation.layout import Area, PartitionRef
from support_curation.lifecycle import rewrite
from support_curation.publish import (
    read_manifest,
    read_partition_records,
    read_subject_index,
    verify_partition,
)
from support_curation.records import subject_id
from support_curation.storage import open_storage

DATASET = "support_conversations"
PARTITION = "dt=2024-05-02"
REF = PartitionRef(DATASET, PARTITION)
KEY = "unit-amend-key-of-at-least-32-bytes-long"
VICTIM = "cus-victim"  # owns 2 of the 5 records of the smallest group


def _policy(**audit):
    base = load_policy()
    return base.model_copy(update={"audit": base.audit.model_copy(update={"indirect_ner": False, **audit})})


def _conversations() -> list[dict]:
    """25 consented conversations: 20 consumer e-mails, and exactly k_min=5 premium chats."""
    out = []
    for i in range(25):
        premium = i >= 20
        out.append(
            {
                "record_id": f"r{i:03d}",
                "customer_id": VICTIM if i in (20, 21) else f"cus-{i:03d}",
                "source": "chat" if premium else "tickets",
                "channel": "chat" if premium else "email",
                "language": "en",
                "segment": "premium" if premium else "consumer",
                "scope": "chat" if premium else "tickets",
            }
        )
    return out


def _record(c: dict) -> dict:
    return {
        "record_id": c["record_id"],
        "source": c["source"],
        "interval": "2024-05-02/2024-05-03",
        "channel": c["channel"],
        "language": c["language"],
        "segment": c["segment"],
        "messages": [{"role": "customer", "content": f"Parcel <ID_NUMBER_1> is late ({c['record_id']})."}],
        "entities": {"ID_NUMBER": 1},
        "flags": [],
        "policy_version": "pipeline-v1+redaction-v1",
    }


def _publish(storage, policy) -> dict:
    conversations = _conversations()
    decisions = [SimpleNamespace(granted=True, notice_version="2024-01") for _ in conversations]
    manifest = publish_audited(
        storage,
        policy,
        [{"groups": count_groups(conversations, decisions)}],
        dataset=DATASET,
        partition=PARTITION,
        rows=((_record(c), c["customer_id"]) for c in conversations),
        hmac_key=KEY,
        metadata={
            "counts": {
                "extracted": 27,
                "published": 25,
                "excluded": {"no_consent_record": 2},
                "quarantined": {},
            },
            "policy_version": "pipeline-v1+redaction-v1",
            "validation": {"success": True, "summary": {}},
            "entities": {"ID_NUMBER": 25},
        },
    )
    return manifest.body


def _reconciles(counts: dict, records: int) -> bool:
    accounted = counts["published"] + sum(counts["excluded"].values()) + sum(counts["quarantined"].values())
    return accounted == counts["extracted"] and counts["published"] == records


def _card_agrees(storage, manifest: dict) -> None:
    """The card beside the manifest states the manifest's records and counts by reason."""
    card = storage.get_bytes(REF.key(Area.TRAINING, CARD)).decode()
    assert f"**Records:** {manifest['records']} conversations" in card
    counts = manifest["counts"]
    assert f"| published | | {counts['published']} |" in card
    for reason, count in counts["excluded"].items():
        assert f"| excluded | {reason} | {count} |" in card
    assert storage.get_bytes(audit_key(REF, CARD)).decode() == card.replace(
        "../../../" + REF.prefix(Area.AUDIT) + "/charts/", "charts/"
    )


@pytest.fixture
def storage(tmp_path):
    return open_storage(str(tmp_path / "lake"))


def test_a_fresh_publish_is_k_anonymous_with_its_card(storage) -> None:
    policy = _policy()
    manifest = _publish(storage, policy)
    assert manifest["records"] == 25 and manifest["audit"]["suppressed"] == 0
    _card_agrees(storage, manifest)


def test_a_removal_keeps_a_true_card_and_k_anonymity(storage) -> None:
    policy = _policy()
    _publish(storage, policy)
    changed = rewrite.remove_subjects(
        storage, DATASET, [subject_id(KEY, VICTIM)], "consent_enforcement", "v1", policy=policy
    )
    assert changed == [{"partition": PARTITION, "removed": 2}]
    manifest = read_manifest(storage, DATASET, PARTITION)
    records = list(read_partition_records(storage, DATASET, PARTITION))
    qis = policy.audit.quasi_identifiers
    # the 3 premium chats left form a group under k_min=5: generalised, then suppressed, never published
    assert risk.min_k(records, qis) >= policy.audit.k_min
    assert len(records) == manifest["records"] == 20
    assert manifest["counts"]["excluded"] == {
        "k_anonymity": 3,
        "no_consent_record": 2,
        "removed:consent_enforcement": 2,
    }
    assert _reconciles(manifest["counts"], len(records))
    assert manifest["audit"]["min_k"] >= policy.audit.k_min and manifest["audit"]["suppressed"] == 3
    assert manifest["amendments"][-1]["k_anonymity"] == {"generalised": 0, "suppressed": 3}
    assert manifest["entities"] == {"ID_NUMBER": 20}
    assert verify_partition(storage, DATASET, PARTITION)
    _card_agrees(storage, manifest)
    assert "1 amendment(s)" in storage.get_bytes(REF.key(Area.TRAINING, CARD)).decode()
    risk_report = json.loads(storage.get_bytes(audit_key(REF, RISK)))
    assert risk_report["after"]["records"] == 20 and risk_report["k_met"]
    # the index lists only what is published: the suppressed records' subjects leave it too
    index = read_subject_index(storage, DATASET, PARTITION)
    assert sum(len(r) for r in index.values()) == 20


def test_a_second_identical_amendment_changes_nothing(storage) -> None:
    policy = _policy()
    _publish(storage, policy)
    rewrite.remove_subjects(
        storage, DATASET, [subject_id(KEY, VICTIM)], "consent_enforcement", "v1", policy=policy
    )
    before = {k: storage.get_bytes(k) for k in storage.list(REF.training + "/")}
    assert (
        rewrite.remove_subjects(
            storage, DATASET, [subject_id(KEY, VICTIM)], "consent_enforcement", "v1", policy=policy
        )
        == []
    )
    assert {k: storage.get_bytes(k) for k in storage.list(REF.training + "/")} == before


def test_a_voluntary_amendment_that_cannot_meet_k_is_refused_and_writes_nothing(storage) -> None:
    policy = _policy()
    _publish(storage, policy)
    no_suppress = _policy(actions=[AuditAction(action="generalise", field="segment")])
    before = {k: storage.get_bytes(k) for k in storage.list("")}
    manifest = read_manifest(storage, DATASET, PARTITION)
    index = read_subject_index(storage, DATASET, PARTITION)
    drop = set(index[subject_id(KEY, VICTIM)])
    rows = (
        (r, next(s for s, ids in index.items() if r["record_id"] in ids))
        for r in read_partition_records(storage, DATASET, PARTITION)
        if r["record_id"] not in drop
    )
    metadata = {k: v for k, v in manifest.items() if k not in rewrite._COMPUTED}
    with pytest.raises(risk.KAnonymityNotMet, match=re.escape(PARTITION)):
        amend.republish(
            storage, dataset=DATASET, partition=PARTITION, rows=rows, metadata=metadata, policy=no_suppress
        )
    assert {k: storage.get_bytes(k) for k in storage.list("")} == before


def test_a_mandatory_removal_suppresses_even_when_the_policy_has_no_suppress_step(storage) -> None:
    _publish(storage, _policy())
    no_suppress = _policy(actions=[AuditAction(action="generalise", field="segment")])
    rewrite.remove_subjects(
        storage, DATASET, [subject_id(KEY, VICTIM)], "consent_enforcement", "v1", policy=no_suppress
    )
    manifest = read_manifest(storage, DATASET, PARTITION)
    records = list(read_partition_records(storage, DATASET, PARTITION))
    assert risk.min_k(records, no_suppress.audit.quasi_identifiers) >= 5 and len(records) == 20
    assert manifest["amendments"][-1]["k_anonymity"]["forced_suppression"] is True
    _card_agrees(storage, manifest)


def test_an_unaudited_partition_is_rewritten_as_before_without_a_card(storage) -> None:
    from support_curation.publish import publish_partition

    publish_partition(
        storage,
        dataset=DATASET,
        partition=PARTITION,
        rows=((_record(c), c["customer_id"]) for c in _conversations()),
        hmac_key=KEY,
        metadata={"counts": {"extracted": 25, "published": 25, "excluded": {}, "quarantined": {}}},
    )
    rewrite.remove_subjects(storage, DATASET, [subject_id(KEY, VICTIM)], "consent_enforcement", "v1")
    manifest = read_manifest(storage, DATASET, PARTITION)
    assert manifest["records"] == 23 and "audit" not in manifest
    assert not storage.exists(REF.key(Area.TRAINING, CARD))
