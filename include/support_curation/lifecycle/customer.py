"""One customer, now: where are their conversations (``curate locate``), erase them (``curate erase``).

Both go through the subject index with the customer's keyed hash; only partitions and counts come back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from support_curation import publish
from support_curation.lifecycle import audit, ledger
from support_curation.lifecycle.enforcement import remove_everywhere
from support_curation.records import subject_id

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy import Engine

    from support_curation.storage import Storage


def locate(storage: Storage, hmac_key: str, customer_id: str, dataset: str) -> list[dict[str, Any]]:
    """Every published partition holding this customer's conversations, with how many (index lookup only)."""
    wanted = subject_id(hmac_key, customer_id)
    found = []
    for partition in publish.published_partitions(storage, dataset):
        record_ids = publish.read_subject_index(storage, dataset, partition).get(wanted)
        if record_ids:
            found.append({"partition": partition, "records": len(record_ids)})
    return found


def erase_customer(
    storage: Storage,
    engine: Engine,
    *,
    hmac_key: str,
    customer_id: str,
    dataset: str,
    policy: dict[str, Any],
    at: datetime,
) -> dict[str, Any]:
    """Record an erasure request and enforce it at once everywhere; mark it done; audit it."""
    ledger.record_erasure_request(engine, customer_id, at)
    subject = subject_id(hmac_key, customer_id)
    removed = remove_everywhere(storage, dataset, [subject], ledger.ERASURE_REQUESTED, policy["version"])
    done = ledger.mark_erasures_done(engine, hmac_key, {subject}, at)
    entry = audit.audit_entry(
        at=at,
        action="erase_subject",
        policy=policy,
        partitions=removed["training"],
        quarantine=removed["quarantine"],
        review_items_removed=removed["review_items"],
        subjects=1,
        erasure_requests_done=done,
        trigger="cli",
    )
    key = audit.append_audit(storage, entry)
    return {
        "partitions": removed["training"],
        "quarantine": removed["quarantine"],
        "review_items_removed": removed["review_items"],
        "records_removed": entry["records_removed"],
        "audit": storage.uri(key),
    }
