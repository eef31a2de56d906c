"""The publish-time audit on synthetic records (no redaction run): what it publishes, writes and refuses."""

from __future__ import annotations

import json
import random
import re
from datetime import date
from types import SimpleNamespace

import pytest
import yaml
from faker import Faker

from support_curation.audit import risk
from support_curation.audit.aggregates import read_cells
from support_curation.audit.datacard import CARD
from support_curation.audit.groups import count_groups
from support_curation.audit.indirect import record_mentions, scan_model
from support_curation.audit.pack import CHECKSUMS, write_pack
from support_curation.audit.publication import REPRESENTATION, RISK, audit_key, publish_audited
from support_curation.audit.representation import RepresentationBlocked
from support_curation.config import AuditPolicy, RepresentationBounds, load_policy
from support_curation.layout import Area, PartitionRef
from support_curation.publish import read_manifest, read_partition_records
from support_curation.storage import open_storage

DATASET = "support_conversations"
KEY = "unit-audit-key-of-at-least-32-bytes-long"


def _conversations(seed: int, n: int) -> list[dict]:
    """Staged conversations with a segment that rarely consents, and a planted name in every text."""
    rng, fake = random.Random(seed), Faker("en_GB")
    fake.seed_instance(seed)
    out = []
    for i in range(n):
        segment = rng.choices(["consumer", "business", "premium"], [6, 2, 2])[0]
        out.append(
            {
                "record_id": f"{seed}-{i:04d}",
                "customer_id": f"cus-{seed}-{i:04d}",
                "source": rng.choice(["tickets", "chat"]),
                "channel": rng.choice(["email", "chat", "web"]),
                "language": rng.choice(["en-GB", "en-US"]),
                "segment": segment,
                "granted": rng.random() < (0.15 if segment == "premium" else 0.8),
                "name": fake.name(),
            }
        )
    return out


def _publish(storage, policy, day: str, conversations: list[dict], **kw):
    decisions = [SimpleNamespace(granted=c["granted"], notice_version="2024-01") for c in conversations]
    consented = [{"groups": count_groups(conversations, decisions)}]
    kept = [c for c in conversations if c["granted"]]
    rows = _rows(day, kept)
    counts = {
        "extracted": len(conversations),
        "published": len(kept),
        "excluded": {"no_consent": len(conversations) - len(kept)},
        "quarantined": {},
    }
    return publish_audited(
        storage,
        policy,
        consented,
        dataset=DATASET,
        partition=f"dt={day}",
        rows=rows,
        hmac_key=KEY,
        metadata={
            "counts": counts,
            "policy_version": "pipeline-v1+redaction-v1",
            "validation": {"success": True, "summary": {}},
        },
        **kw,
    )


def _again(day: str, kept: list[dict], model: str | None):
    """The rows again, with their mentions found already (as rows_again gives them)."""
    return ((record, subject, record_mentions(record, model)) for record, subject in _rows(day, kept))


def _rows(day: str, kept: list[dict]):
    return (
        (
            {
                "record_id": c["record_id"],
                "source": c["source"],
                "interval": f"{day}/next",
                "channel": c["channel"],
                "language": c["language"],
                "segment": c["segment"],
                "messages": [
                    {"role": "customer", "content": f"Hello, this is {c['name']} from Northwind Traders"}
                ],
                "entities": {},
                "flags": ["health"] if c["record_id"].endswith("7") else [],
                "policy_version": "pipeline-v1+redaction-v1",
            },
            c["customer_id"],
        )
        for c in kept
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    storage = open_storage(str(tmp_path_factory.mktemp("lake")))
    policy = load_policy().model_copy(
        update={"audit": load_policy().audit.model_copy(update={"indirect_ner": False})}
    )
    days = {"2024-03-01": _conversations(1, 120), "2024-03-02": _conversations(2, 120)}
    manifests = {day: _publish(storage, policy, day, c) for day, c in days.items()}
    return storage, policy, days, manifests


def test_published_metadata_is_k_anonymous_and_counts_reconcile(published) -> None:
    storage, policy, days, manifests = published
    for day in manifests:
        records = list(read_partition_records(storage, DATASET, f"dt={day}"))
        assert risk.min_k(records, policy.audit.quasi_identifiers) >= policy.audit.k_min
        counts = read_manifest(storage, DATASET, f"dt={day}")["counts"]
        assert counts["published"] == len(records)
        assert counts["published"] + sum(counts["excluded"].values()) == len(days[day])
        report = json.loads(storage.get_bytes(audit_key(PartitionRef(DATASET, f"dt={day}"), RISK)))
        assert report["before"]["min_k"] < policy.audit.k_min  # the rule had work to do
        assert counts["excluded"].get("k_anonymity", 0) == report["suppressed"]


def test_skew_flagged_by_consent_in_report_and_card(published) -> None:
    storage, _, _, manifests = published
    for day in manifests:
        ref = PartitionRef(DATASET, f"dt={day}")
        rep = json.loads(storage.get_bytes(audit_key(ref, REPRESENTATION)))
        assert "segment=premium" in rep["flagged_by_cause"]["consent"]
        card = storage.get_bytes(ref.key(Area.TRAINING, CARD)).decode()
        header = yaml.safe_load(card.split("---\n")[1])
        assert header["pretty_name"].endswith(f"(dt={day})") and header["language"] == ["en"]
        assert "`segment=premium`" in card and "## Bias, Risks, and Limitations" in card
    second = json.loads(storage.get_bytes(audit_key(PartitionRef(DATASET, "dt=2024-03-02"), REPRESENTATION)))
    assert second["drift"]["partitions"] == ["dt=2024-03-01"]


def test_aggregates_have_no_cell_under_k(published) -> None:
    storage, policy, _, manifests = published
    for day in manifests:
        cells = read_cells(storage, PartitionRef(DATASET, f"dt={day}"))
        assert cells and all(int(c["conversations"]) >= policy.audit.k_min for c in cells)


def test_block_action_publishes_nothing(tmp_path) -> None:
    storage = open_storage(str(tmp_path))
    base = load_policy()
    audit = AuditPolicy(
        **{**base.audit.model_dump(), "bounds": RepresentationBounds(action="block"), "indirect_ner": False}
    )
    with pytest.raises(RepresentationBlocked) as failure:
        _publish(storage, base.model_copy(update={"audit": audit}), "2024-03-01", _conversations(1, 120))
    assert "premium" in str(failure.value) and "cus-" not in str(failure.value)
    assert read_manifest(storage, DATASET, "dt=2024-03-01") is None
    assert storage.exists(audit_key(PartitionRef(DATASET, "dt=2024-03-01"), REPRESENTATION))


def test_audit_pack_is_byte_identical_and_carries_no_text(published, tmp_path) -> None:
    storage, policy, days, _ = published
    args = {"dataset": DATASET, "start": date(2024, 3, 1), "end": date(2024, 3, 2), "policy": policy}
    write_pack(storage, tmp_path / "a", **args)
    write_pack(storage, tmp_path / "b", **args)
    files = {
        p.relative_to(tmp_path / "a").as_posix(): p.read_bytes()
        for p in (tmp_path / "a").rglob("*")
        if p.is_file()
    }
    again = {
        p.relative_to(tmp_path / "b").as_posix(): p.read_bytes()
        for p in (tmp_path / "b").rglob("*")
        if p.is_file()
    }
    assert files == again and CHECKSUMS in files
    text = "\n".join(b.decode() for b in files.values())
    planted = {c["name"] for cs in days.values() for c in cs} | {
        c["customer_id"] for cs in days.values() for c in cs
    }
    assert not [v for v in planted if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text)]
    assert "Northwind" not in text
    # a pack from an empty window is still a pack: its checksum list and a release card
    empty = write_pack(
        storage, tmp_path / "c", **{**args, "start": date(2025, 1, 1), "end": date(2025, 1, 2)}
    )
    assert empty["partitions"] == []


def test_second_pass_over_the_callers_rows_publishes_what_the_spool_does(published, tmp_path) -> None:
    """``rows_again`` (the rows read again, no spool) against the spool it skips: the same bytes."""
    _, policy, days, _ = published
    day, conversations = "2024-03-01", days["2024-03-01"]
    kept = [c for c in conversations if c["granted"]]
    spooled, reread = (open_storage(str(tmp_path / name)) for name in ("spooled", "reread"))
    _publish(spooled, policy, day, conversations)
    # the mentions found beforehand, as the pipeline's redaction tasks find them
    model = scan_model(policy)
    _publish(reread, policy, day, conversations, rows_again=lambda: _again(day, kept, model))
    files = {
        key: spooled.get_bytes(key)
        for key in spooled.list("")
        if not key.startswith("_locks/") and not key.endswith("_manifest.json")
    }
    assert files == {key: reread.get_bytes(key) for key in reread.list("") if key in files}
    assert any("/part-" in k for k in files) and any(k.startswith("audit/") for k in files)
    manifest = read_manifest(spooled, DATASET, f"dt={day}")
    assert manifest == read_manifest(reread, DATASET, f"dt={day}")
    assert manifest["audit"]["generalised"] + manifest["audit"]["suppressed"] > 0  # the plan had work

    # a second pass that reads other rows than the first is refused before the manifest
    other = open_storage(str(tmp_path / "other"))
    with pytest.raises(RuntimeError, match="second pass"):
        _publish(other, policy, day, conversations, rows_again=lambda: _again(day, kept[:-1], model))
    assert read_manifest(other, DATASET, f"dt={day}") is None
