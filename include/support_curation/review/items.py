"""Review items: redacted conversations waiting for a steward, one JSON object each in the review area.

``review/<dataset>/dt=YYYY-MM-DD/items/<item>.json`` (keys from ``layout``). An item holds the curated
record exactly as it would be (or was) published, that is redacted, never raw, plus what a steward and
the apply step need: kind, flags, source, channel, the consent scope, and the customer only as the keyed
subject hash the partition's subject index uses (so that erasure finds items as it finds records).
The item id is an opaque reference derived from the kind and the (already keyed) record id: stable
across reruns, meaningless on its own.

Once a decision is applied the item keeps its metadata and state but drops its text: what was
published lives in the partition, and what was excluded need not be kept.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from support_curation.layout import Area, PartitionRef, area_prefix, partitions_in
from support_curation.review.names import ITEM_PREFIX, Kind, State

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable
    from datetime import datetime

    from support_curation.storage import Storage

ITEMS_FOLDER = "items"
MESSAGE_SEPARATOR = "\n"  # spans are offsets into the item's messages joined with this


def item_id(kind: str, record_id: str) -> str:
    digest = hashlib.sha256(f"{kind}:{record_id}".encode()).hexdigest()
    return f"{ITEM_PREFIX}{digest[:16]}"


def item_key(dataset: str, partition: str, item: str) -> str:
    return PartitionRef(dataset, partition).key(Area.REVIEW, f"{ITEMS_FOLDER}/{item}.json")


def make_item(
    *,
    kind: Kind | str,
    ref: PartitionRef,
    record: dict[str, Any],
    subject: str,
    scope: str | None,
    queued_at: datetime,
) -> dict[str, Any]:
    """A pending item for a curated (redacted) record."""
    kind = Kind(kind)
    return {
        "item": item_id(kind, record["record_id"]),
        "kind": str(kind),
        "dataset": ref.dataset,
        "partition": ref.partition,
        "record_id": record["record_id"],
        "subject": subject,
        "scope": scope,
        "source": record.get("source"),
        "channel": record.get("channel"),
        "flags": list(record.get("flags") or []),
        "queued_at": queued_at.isoformat(),
        "state": str(State.PENDING),
        "record": record,
    }


def write_item(storage: Storage, item: dict[str, Any]) -> str:
    key = item_key(item["dataset"], item["partition"], item["item"])
    storage.put_bytes(key, json.dumps(item, indent=1, sort_keys=True, ensure_ascii=False).encode())
    return key


def resolved(item: dict[str, Any], state: State, **details: Any) -> dict[str, Any]:
    """The item after a decision: its state and details, without its text."""
    return {k: v for k, v in item.items() if k != "record"} | {"state": str(state), **details}


def clear_partition(storage: Storage, ref: PartitionRef, kinds: Collection[str] | None = None) -> int:
    """Remove a partition's items, or only those of some kinds (a rerun queues them afresh; validation
    queues its own kind earlier in the same run, and publishing must not remove those)."""
    keys = _item_keys(storage, ref.dataset, ref.partition)
    if kinds is not None:
        wanted = {str(k) for k in kinds}
        keys = [k for k in keys if json.loads(storage.get_bytes(k)).get("kind") in wanted]
    storage.delete(keys)
    return len(keys)


def queue_records(
    storage: Storage,
    ref: PartitionRef,
    kind: Kind | str,
    rows: Iterable[tuple[Any, ...]],
    queued_at: datetime,
) -> int:
    """Queue ``(redacted record, subject hash, scope[, quarantine reason])`` rows as pending items of one
    kind; returns how many. The reason is the manifest's quarantine count the item sits in (default: the
    kind), so that a decision moves the right count."""
    count = 0
    for record, subject, scope, *reason in rows:
        item = make_item(kind=kind, ref=ref, record=record, subject=subject, scope=scope, queued_at=queued_at)
        if reason and reason[0]:
            item["quarantine_reason"] = str(reason[0])
        write_item(storage, item)
        count += 1
    return count


def _item_keys(storage: Storage, dataset: str, partition: str | None) -> list[str]:
    if partition:
        keys = storage.list(PartitionRef(dataset, partition).key(Area.REVIEW, ITEMS_FOLDER) + "/")
    else:
        grouped = partitions_in(storage.list(area_prefix(Area.REVIEW, dataset)), Area.REVIEW, dataset)
        keys = [k for part in sorted(grouped) for k in grouped[part]]
    return sorted(k for k in keys if f"/{ITEMS_FOLDER}/" in k and k.endswith(".json"))


def list_items(
    storage: Storage,
    dataset: str,
    *,
    partition: str | None = None,
    kind: str | None = None,
    states: Collection[str] | None = (State.PENDING,),
) -> list[dict[str, Any]]:
    """Items of a dataset (one partition, one kind), pending ones by default; ``states=None``: all."""
    found = []
    for key in _item_keys(storage, dataset, partition):
        item = json.loads(storage.get_bytes(key))
        if kind and item["kind"] != kind:
            continue
        if states is not None and item["state"] not in states:
            continue
        found.append(item)
    return sorted(found, key=lambda i: (i["partition"], i["kind"], i["item"]))


def find_item(storage: Storage, dataset: str, item: str) -> dict[str, Any] | None:
    """An item by its reference, wherever its partition is."""
    if not item.startswith(ITEM_PREFIX) or not item[len(ITEM_PREFIX) :].isalnum():
        return None  # not a reference: never let it shape a key
    suffix = f"/{ITEMS_FOLDER}/{item}.json"
    for key in _item_keys(storage, dataset, None):
        if key.endswith(suffix):
            return json.loads(storage.get_bytes(key))
    return None


def remove_subjects_from_review(storage: Storage, dataset: str, subject_hashes: Collection[str]) -> int:
    """Delete every item (any state) of these subjects; returns how many. For erasure and revocation."""
    wanted = set(subject_hashes)
    if not wanted:
        return 0
    doomed = [
        key
        for key in _item_keys(storage, dataset, None)
        if json.loads(storage.get_bytes(key)).get("subject") in wanted
    ]
    storage.delete(doomed)
    return len(doomed)


# --- the text a steward sees and marks ------------------------------------------------------------


def item_text(record: dict[str, Any]) -> str:
    """The messages' contents joined: what ``--span START:END`` offsets point into."""
    return MESSAGE_SEPARATOR.join(str(m.get("content") or "") for m in record.get("messages") or [])


def message_offsets(record: dict[str, Any]) -> list[tuple[int, int]]:
    """(start, end) of each message's content within ``item_text``."""
    offsets, at = [], 0
    for message in record.get("messages") or []:
        length = len(str(message.get("content") or ""))
        offsets.append((at, at + length))
        at += length + len(MESSAGE_SEPARATOR)
    return offsets
