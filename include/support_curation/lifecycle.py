"""Consent lifecycle after publication: revocations, erasure requests and retention reach every published
training set.

Published partitions carry a subject index (keyed hashes of customer ids -> record ids), so finding and
removing a customer needs neither raw ids in storage nor a scan of every record. A removal rewrites the
partition through :func:`support_curation.publish.publish_partition` (new content-addressed files, then the
manifest switch), so readers see either the old or the new version, never half of one, and a failure in
the middle leaves the previous version whole.

Watermark: the enforcement DAG stores the end of the window it last completed in
``audit/enforcement_state.json`` of the output storage, not in Airflow's data interval: after failed or
skipped days the next successful run covers the whole gap, and an on-demand run covers up to its trigger
time. Removal is idempotent, so overlapping windows are harmless. Erasure requests are not windowed: every
pending one is enforced.

Nothing here logs or returns raw customer ids: callers get partitions and counts; audit entries hold
counts, partitions and the policy, nothing that identifies a person.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from support_curation import publish
from support_curation.records import subject_id
from support_curation.sources.helpdesk_schema import consent_events, erasure_requests

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator, Mapping

    from sqlalchemy import Engine

    from support_curation.storage import Storage

log = logging.getLogger(__name__)

AUDIT_PREFIX = "audit/consent_enforcement"
STATE_KEY = "audit/enforcement_state.json"
CONSENT_REVOKED = "consent_revoked"
ERASURE_REQUESTED = "erasure_requested"
PENDING, DONE = "pending", "done"
_PARTITION_DATE = re.compile(r"^dt=(\d{4}-\d{2}-\d{2})$")
# manifest fields publish_partition computes itself; everything else is carried over on a rewrite
_COMPUTED = ("dataset", "partition", "format", "files", "records", "subject_index")


# --- where is a customer? ------------------------------------------------------------------------


def locate(
    storage: Storage, hmac_key: str, customer_id: str, dataset: str | None = None
) -> list[dict[str, Any]]:
    """Every published partition holding this customer's conversations, with how many (index lookup only)."""
    dataset = dataset or _default_dataset()
    wanted = subject_id(hmac_key, customer_id)
    found = []
    for partition in publish.published_partitions(storage, dataset):
        record_ids = publish.read_subject_index(storage, dataset, partition).get(wanted)
        if record_ids:
            found.append({"partition": partition, "records": len(record_ids)})
    return found


def _default_dataset() -> str:
    from support_curation.config import DATASET

    return DATASET


# --- who must go? ---------------------------------------------------------------------------------


def find_revocations(
    engine: Engine, since: datetime | None, until: datetime, purpose: str
) -> dict[str, set[str]]:
    """Customer id -> the scopes whose consent for ``purpose`` was withdrawn in ``(since, until]``.

    A scope counts when the customer's latest event for it (as of ``until``; ordered like
    consent.decide: ``recorded_at``, then ``event_id``) refuses and was recorded in the window (any
    time up to ``until`` when ``since`` is None: a full scan).
    """
    latest: dict[tuple[str, str], tuple[datetime, str, bool]] = {}
    ledger = consent_events.c
    query = select(
        ledger.customer_id, ledger.scope, ledger.recorded_at, ledger.event_id, ledger.granted
    ).where(ledger.purpose == purpose, ledger.recorded_at <= until)
    if since is not None:  # only customers with an event in the window can have revoked in it
        in_window = select(ledger.customer_id).where(
            ledger.purpose == purpose, ledger.recorded_at > since, ledger.recorded_at <= until
        )
        query = query.where(ledger.customer_id.in_(in_window))
    with engine.connect() as conn:
        for customer_id, scope, recorded_at, event_id, granted in conn.execute(query):
            candidate = (_aware(recorded_at), event_id, bool(granted))
            key = (customer_id, scope)
            if key not in latest or candidate[:2] > latest[key][:2]:
                latest[key] = candidate
    revoked: dict[str, set[str]] = {}
    for (customer_id, scope), (at, _event_id, granted) in latest.items():
        if not granted and (since is None or at > since):
            revoked.setdefault(customer_id, set()).add(scope)
    return revoked


def pending_erasures(engine: Engine, until: datetime) -> set[str]:
    """Customer ids with a pending erasure request made up to ``until`` (not windowed: all pending)."""
    with engine.connect() as conn:
        return set(
            conn.scalars(
                select(erasure_requests.c.customer_id).where(
                    erasure_requests.c.status == PENDING, erasure_requests.c.requested_at <= until
                )
            )
        )


def find_subjects_by_reason(
    engine: Engine, since: datetime | None, until: datetime, purpose: str
) -> dict[str, set[str]]:
    """Customers to act on, by reason: ``consent_revoked`` (see find_revocations), ``erasure_requested``."""
    return {
        CONSENT_REVOKED: set(find_revocations(engine, since, until, purpose)),
        ERASURE_REQUESTED: pending_erasures(engine, until),
    }


def removal_plan(
    engine: Engine, hmac_key: str, since: datetime | None, until: datetime, purpose: str
) -> dict[str, Any]:
    """What to remove, as keyed hashes only (safe for XCom): whole subjects and subjects' revoked scopes.

    An erasure request removes all of a customer's records; a revocation removes the records of the
    revoked scopes (the customer may still consent for another).
    """
    revoked = find_revocations(engine, since, until, purpose)
    erasing = pending_erasures(engine, until)
    scopes = {subject_id(hmac_key, c): sorted(s) for c, s in sorted(revoked.items()) if c not in erasing}
    subjects = sorted(set(scopes) | {subject_id(hmac_key, c) for c in erasing})
    return {
        "subjects": subjects,
        "scopes": dict(sorted(scopes.items())),
        "by_reason": {CONSENT_REVOKED: len(revoked), ERASURE_REQUESTED: len(erasing)},
    }


def find_subjects_to_remove(
    engine: Engine, since: datetime | None, until: datetime, purpose: str
) -> set[str]:
    """Customer ids some of whose records must leave the published training sets (any reason)."""
    return set().union(*find_subjects_by_reason(engine, since, until, purpose).values())


def record_erasure_request(engine: Engine, customer_id: str, requested_at: datetime) -> str:
    """Insert a pending erasure request; returns its request id (random, carries nothing about the person)."""
    import uuid

    request_id = f"era-cli-{uuid.uuid4().hex[:20]}"
    with engine.begin() as conn:
        erasure_requests.create(conn, checkfirst=True)
        conn.execute(
            erasure_requests.insert().values(
                request_id=request_id, customer_id=customer_id, requested_at=requested_at, status=PENDING
            )
        )
    return request_id


def mark_erasures_done(
    engine: Engine, hmac_key: str, subject_hashes: Collection[str], until: datetime
) -> int:
    """Mark pending requests made up to ``until`` done for the enforced subjects; returns how many."""
    wanted = set(subject_hashes)
    with engine.begin() as conn:
        pending = conn.execute(
            select(erasure_requests.c.request_id, erasure_requests.c.customer_id).where(
                erasure_requests.c.status == PENDING, erasure_requests.c.requested_at <= until
            )
        ).all()
        done = sorted(rid for rid, cid in pending if subject_id(hmac_key, cid) in wanted)
        for start in range(0, len(done), 500):
            conn.execute(
                update(erasure_requests)
                .where(erasure_requests.c.request_id.in_(done[start : start + 500]))
                .values(status=DONE)
            )
    return len(done)


# --- rewrite and expire ---------------------------------------------------------------------------


def record_scope(record: dict[str, Any], scope_by_channel: Mapping[str, str]) -> str | None:
    """The consent scope a published record needed (as extraction assigned it); None when unknown."""
    if record.get("source") == "chat":
        return scope_by_channel.get("chat", "chat")
    channel = record.get("channel")
    return scope_by_channel.get(channel, "tickets") if channel else None


def remove_subjects(
    storage: Storage,
    dataset: str,
    subject_hashes: Collection[str],
    reason: str,
    policy_version: str,
    *,
    scopes: Mapping[str, Collection[str]] | None = None,
    scope_by_channel: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Rewrite every published partition that holds any of these subjects, without their records.

    A subject listed in ``scopes`` loses only its records of those scopes (a record whose scope cannot be
    told is removed too: the safe side); every other subject loses all of its records. Only partitions
    whose subject index names a subject, and that have something to drop, are rewritten, so a second run
    is a no-op. Each rewrite is one publish (new files, manifest switch, old files removed); the
    manifest keeps its provenance and gains an ``amendments`` entry, and its counts still reconcile (the
    removed records move from ``published`` to ``excluded["removed:<reason>"]``).
    """
    wanted = set(subject_hashes)
    scopes = scopes or {}
    scope_by_channel = scope_by_channel or {}
    changed: list[dict[str, Any]] = []
    if not wanted:
        return changed
    for partition in publish.published_partitions(storage, dataset):
        index = publish.read_subject_index(storage, dataset, partition)
        hit = wanted & index.keys()
        if not hit:
            continue
        drop = {rid for subject in hit - scopes.keys() for rid in index[subject]}
        partial = {rid: set(scopes[subject]) for subject in hit & scopes.keys() for rid in index[subject]}
        if partial:
            for record in publish.read_partition_records(storage, dataset, partition):
                revoked = partial.get(record["record_id"])
                if revoked is not None and record_scope(record, scope_by_channel) in revoked | {None}:
                    drop.add(record["record_id"])
        manifest = publish.read_manifest(storage, dataset, partition)
        if not drop or manifest is None:  # nothing of theirs in the revoked scopes, or expired meanwhile
            continue
        subjects = sum(1 for subject in hit if drop.intersection(index[subject]))
        _rewrite(storage, dataset, partition, manifest, index, drop, subjects, reason, policy_version)
        changed.append({"partition": partition, "removed": len(drop)})
        log.info("removed %d records of %d subjects from %s", len(drop), subjects, partition)
    return changed


def _rewrite(
    storage: Storage,
    dataset: str,
    partition: str,
    manifest: dict[str, Any],
    index: dict[str, list[str]],
    drop: set[str],
    subjects: int,
    reason: str,
    policy_version: str,
) -> None:
    owner = {rid: subject for subject, rids in index.items() for rid in rids}
    kept_entities: dict[str, int] = {}

    def rows() -> Iterator[tuple[dict[str, Any], str]]:
        for record in publish.read_partition_records(storage, dataset, partition):
            if record["record_id"] in drop:
                continue
            for kind, count in (record.get("entities") or {}).items():
                kept_entities[kind] = kept_entities.get(kind, 0) + count
            yield record, owner[record["record_id"]]

    removed = len(drop)
    metadata = {k: v for k, v in manifest.items() if k not in _COMPUTED}
    counts = dict(metadata.get("counts") or {})
    if "published" in counts:
        counts["published"] -= removed
        excluded = dict(counts.get("excluded") or {})
        excluded[f"removed:{reason}"] = excluded.get(f"removed:{reason}", 0) + removed
        counts["excluded"] = dict(sorted(excluded.items()))
    metadata["counts"] = counts
    metadata["amendments"] = [
        *metadata.get("amendments", []),
        {
            "reason": reason,
            "removed": removed,
            "subjects": subjects,
            "policy_version": policy_version,
            "code_version": publish.code_version(),
        },
    ]
    if "entities" in manifest:
        # filled while the rows stream: publish_partition writes the manifest only after the last row
        metadata["entities"] = kept_entities
    # the original validation result stays: removing records cannot add personal data to the rest
    publish.publish_partition(
        storage,
        dataset=dataset,
        partition=partition,
        rows=rows(),
        hmac_key="",  # unused: the rows carry the index's hashes
        metadata=metadata,
        subjects_hashed=True,
    )


def partition_date(partition: str) -> date | None:
    """The day of a ``dt=YYYY-MM-DD`` partition (None for any other name)."""
    match = _PARTITION_DATE.match(partition)
    return date.fromisoformat(match.group(1)) if match else None


def expire_partitions(storage: Storage, dataset: str, older_than: date) -> list[dict[str, Any]]:
    """Delete published partitions whose day is before ``older_than``. Returns partitions and record counts.

    The manifest goes first: from then on no reader trusts the partition, and a failure before the data
    files are gone leaves only untrusted leftovers that the next run (or a republish) removes.
    """
    expired = []
    prefix = f"training_sets/{dataset}/"
    for partition in publish.published_partitions(storage, dataset):
        day = partition_date(partition)
        if day is None or day >= older_than:
            continue
        manifest = publish.read_manifest(storage, dataset, partition) or {}
        base = publish.partition_prefix(dataset, partition)
        storage.delete([f"{base}/{publish.MANIFEST}"])
        storage.delete(storage.list(f"{base}/"))
        expired.append({"partition": partition, "records": int(manifest.get("records", 0))})
    # leftovers of partitions expired by an interrupted earlier run: no manifest, old enough
    for key in storage.list(prefix):
        day = partition_date(key.removeprefix(prefix).split("/")[0])
        if day is not None and day < older_than:
            storage.delete([key])
    return expired


# --- audit and watermark --------------------------------------------------------------------------


def append_audit(storage: Storage, entry: dict[str, Any]) -> str:
    """Write one audit entry as its own object (S3 has no append). Returns its key.

    The key is the entry's time plus a hash of its content, so a retried task writes the same object
    again instead of a duplicate entry. Entries must hold counts and partitions only, never identifiers.
    """
    body = json.dumps(entry, indent=2, sort_keys=True).encode()
    at = str(entry.get("at", "")).replace(":", "").replace("+0000", "Z")
    key = f"{AUDIT_PREFIX}/{at}-{hashlib.sha256(body).hexdigest()[:12]}.json"
    storage.put_bytes(key, body)
    return key


def read_audit(storage: Storage) -> list[dict[str, Any]]:
    """All audit entries, oldest first."""
    return [json.loads(storage.get_bytes(k)) for k in storage.list(AUDIT_PREFIX + "/")]


def read_watermark(storage: Storage) -> datetime | None:
    """The end of the window the last successful enforcement covered (None before the first one)."""
    if not storage.exists(STATE_KEY):
        return None
    return datetime.fromisoformat(json.loads(storage.get_bytes(STATE_KEY))["until"])


def write_watermark(storage: Storage, until: datetime) -> datetime:
    """Advance the watermark to ``until`` (never backwards: an older on-demand run must not rewind it)."""
    current = read_watermark(storage)
    new = max(until, current) if current else until
    storage.put_bytes(STATE_KEY, json.dumps({"until": new.isoformat()}, indent=2).encode())
    return new


def audit_entry(
    *,
    at: datetime,
    action: str,
    policy: dict[str, Any],
    partitions: list[dict[str, Any]],
    **counts: Any,
) -> dict[str, Any]:
    """An audit entry: when, which action and policy, which partitions, how many records; nothing else."""
    return {
        "at": at.astimezone(UTC).isoformat(),
        "action": action,
        "policy": policy,
        "partitions": partitions,
        "records_removed": sum(int(p.get("removed", p.get("records", 0))) for p in partitions),
        **counts,
    }


# --- one customer, now (the CLI's `curate erase`) ------------------------------------------------


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
    """Record an erasure request and enforce it at once: rewrite the partitions, mark it done, audit it."""
    record_erasure_request(engine, customer_id, at)
    subject = subject_id(hmac_key, customer_id)
    changed = remove_subjects(storage, dataset, {subject}, ERASURE_REQUESTED, policy["version"])
    done = mark_erasures_done(engine, hmac_key, {subject}, at)
    entry = audit_entry(
        at=at,
        action="erase_subject",
        policy=policy,
        partitions=changed,
        subjects=1,
        erasure_requests_done=done,
        trigger="cli",
    )
    key = append_audit(storage, entry)
    return {"partitions": changed, "records_removed": entry["records_removed"], "audit": storage.uri(key)}


def policy_ref(policy_version: str, policy_sha256: str) -> dict[str, str]:
    """How audit entries name the policy they enforced."""
    return {"version": policy_version, "sha256": policy_sha256}


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; the source contract stores UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
