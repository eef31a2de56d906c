"""The consent join's ledger errors reach the day's counts (manifest and run status), and still reconcile.

A ledger event dated after the ledger is read cannot be real: a grant is not believed, a refusal is
honoured (:mod:`support_curation.consent`). The enforcement audit counted them; the day whose
conversations they decided must show them too, by opaque count only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from support_curation import pipeline
from support_curation.config import Settings
from support_curation.records import write_jsonl_gz
from support_curation.sources.helpdesk_schema import consent_events, metadata

START = datetime(2024, 3, 4, tzinfo=UTC)
PAST = START - timedelta(days=30)
FUTURE = datetime(2099, 1, 1, tzinfo=UTC)
HMAC_KEY = "unit-test-key-not-secret-0123456789abcdef"

# customer -> their ledger events for ai_training/tickets: (granted, recorded_at)
LEDGER: dict[str, list[tuple[bool, datetime]]] = {
    "cus-both": [(True, PAST), (True, FUTURE)],  # a real grant and an impossible one: kept
    "cus-future-grant": [(True, FUTURE)],  # only an impossible grant: no consent
    "cus-future-refusal": [(True, PAST), (False, FUTURE)],  # an impossible refusal: honoured
    "cus-clean": [(True, PAST)],
    "cus-silent": [],
}


@pytest.fixture
def joined(tmp_path) -> tuple[pipeline.Runtime, list[dict[str, Any]], list[dict[str, Any]]]:
    settings = Settings(data_dir=tmp_path, hmac_key=HMAC_KEY, chunk_size=4)
    rt = pipeline.Runtime(pipeline.Interval(START, START + timedelta(days=1)), settings)
    metadata.create_all(rt.helpdesk)
    with rt.helpdesk.begin() as conn:
        conn.execute(
            insert(consent_events),
            [
                {
                    "event_id": f"ev-{customer}-{n}",
                    "customer_id": customer,
                    "purpose": "ai_training",
                    "scope": "tickets",
                    "granted": granted,
                    "notice_version": "v1",
                    "recorded_at": at,
                }
                for customer, events in LEDGER.items()
                for n, (granted, at) in enumerate(events)
            ],
        )
    # two chunks: cus-both writes twice, once in each
    conversations = [
        {"customer_id": c, "scope": "tickets", "source": "tickets", "channel": "email"}
        for c in [*LEDGER, "cus-both"]
    ]
    chunks = [f"{rt.staging_prefix}/extracted/tickets/chunk-{n:05d}.jsonl.gz" for n in range(2)]
    write_jsonl_gz(rt.staging, chunks[0], conversations[:4])
    write_jsonl_gz(rt.staging, chunks[1], conversations[4:])
    extracts = [{"source": "tickets", "chunks": chunks, "extracted": 6, "excluded": {}, "quarantined": {}}]
    return rt, extracts, pipeline.consent_join(extracts, rt)


def test_the_consent_join_counts_conversations_decided_with_ledger_errors(joined) -> None:
    _, _, consented = joined
    first, second = consented
    assert first["ledger_errors"]["conversations"] == 3
    assert first["ledger_errors"]["excluded"] == {"consent_revoked_since": 1, "scope_not_granted": 1}
    assert second["ledger_errors"]["conversations"] == 1 and second["ledger_errors"]["excluded"] == {}
    # opaque references only: never a customer id or an event id
    text = repr(consented)
    assert "cus-" not in text and "ev-" not in text


def test_the_days_counts_show_them_and_still_reconcile(joined) -> None:
    _, extracts, consented = joined
    kept = sum(c["consented"] for c in consented)
    redacted = [{"chunk": "r", "records": kept, "excluded": {}, "quarantined": {}}]
    counts = pipeline.reconcile(extracts, consented, redacted)
    assert counts["consent_ledger_errors"] == {
        "events": 3,  # distinct impossible events, however many conversations they decided
        "conversations": 4,
        "kept": 2,
        "excluded": {"consent_revoked_since": 1, "scope_not_granted": 1},
    }
    assert counts["excluded"] == {
        "consent_revoked_since": 1,
        "no_consent_record": 1,
        "scope_not_granted": 1,
    }
    accounted = counts["published"] + sum(counts["excluded"].values()) + sum(counts["quarantined"].values())
    assert accounted == counts["extracted"] == 6


def test_a_day_without_ledger_errors_has_no_such_count(joined) -> None:
    _, extracts, consented = joined
    clean = [{k: v for k, v in c.items() if k != "ledger_errors"} for c in consented]
    redacted = [{"chunk": "r", "records": 3, "excluded": {}, "quarantined": {}}]
    assert "consent_ledger_errors" not in pipeline.reconcile(extracts, clean, redacted)


def test_ledger_error_counts_that_exceed_their_reason_do_not_reconcile(joined) -> None:
    _, extracts, consented = joined
    tampered = [dict(c) for c in consented]
    tampered[1] = tampered[1] | {
        "ledger_errors": tampered[1]["ledger_errors"] | {"excluded": {"consent_denied": 1}}
    }
    redacted = [{"chunk": "r", "records": 3, "excluded": {}, "quarantined": {}}]
    with pytest.raises(pipeline.CountsDoNotReconcile, match="ledger"):
        pipeline.reconcile(extracts, tampered, redacted)


def test_the_dataset_card_states_them(joined, tmp_path) -> None:
    from types import SimpleNamespace

    from support_curation.audit.datacard import CARD
    from support_curation.audit.groups import count_groups
    from support_curation.audit.publication import publish_audited
    from support_curation.layout import Area, PartitionRef
    from support_curation.storage import open_storage

    rt, extracts, consented = joined
    counts = pipeline.reconcile(
        extracts, consented, [{"chunk": "r", "records": 3, "excluded": {}, "quarantined": {}}]
    )
    policy = rt.policy.model_copy(
        update={"audit": rt.policy.audit.model_copy(update={"k_min": 1, "indirect_ner": False})}
    )
    records = [
        {"record_id": f"r{n}", "source": "tickets", "channel": "email", "messages": [], "flags": []}
        for n in range(3)
    ]
    storage = open_storage(str(tmp_path / "lake"))
    granted = [SimpleNamespace(granted=True, notice_version="v1") for _ in records]
    publish_audited(
        storage,
        policy,
        [{"groups": count_groups(records, granted)}],
        dataset="ds",
        partition="dt=2024-03-04",
        rows=[(r, f"subject-{n}") for n, r in enumerate(records)],
        hmac_key=HMAC_KEY,
        metadata={"counts": counts, "policy_version": "p+r", "validation": {"success": True, "summary": {}}},
    )
    card = storage.get_bytes(PartitionRef("ds", "dt=2024-03-04").key(Area.TRAINING, CARD)).decode()
    assert "4 conversation(s) were decided with 3 consent-ledger\nevent(s) dated in the future" in card
