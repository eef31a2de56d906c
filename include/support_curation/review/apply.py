"""Decisions applied to their partitions: one atomic amendment per partition, counts kept reconciled.

For each partition with decisions not applied yet:

1. each item's decisions are read in order: missed-data marks collect values (read from the item's own
   redacted text under the marked span, never from the log) and the last decision says what happens;
2. review items to be published are checked against the consent ledger and the erasure requests: one
   whose customer was erased, or whose consent no longer holds, is never published by an approval;
3. the partition is rewritten through ``audit.amend.republish``, as the enforcement DAG rewrites it:
   approved items added, excluded samples dropped, every record (and every pending item) with each
   marked value redacted at all its mentions; the publish-time k-anonymity rule runs again on the new
   contents and the card is written again (an amendment that cannot meet ``k_min`` is refused:
   ``KAnonymityNotMet``, nothing written, the decisions stay pending); then ``publish.publish_partition``
   writes new content-addressed files and switches the manifest. The manifest's counts move
   (``quarantined.<kind>`` -> ``published`` or ``excluded.reviewer:<reason>``) and must still reconcile;
   its ``review`` block gets the outcomes, the leak estimate and the missed types; its ``status``
   follows the release policy;
4. the items' states are written, then the decisions are marked applied (a rerun after a failure finds
   the outcomes in the manifest and only finishes the bookkeeping).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from support_curation import consent, publish
from support_curation.audit import amend
from support_curation.layout import Area, PartitionRef, partition_day
from support_curation.records import subject_id
from support_curation.review import items
from support_curation.review.leak import LeakEstimate, release_status
from support_curation.review.names import (
    MISSED_PII_REASON,
    REMOVED_PREFIX,
    REVIEWER_PREFIX,
    Action,
    Kind,
    State,
)
from support_curation.review.reredact import redact_record
from support_curation.sources.helpdesk_schema import consent_events, erasure_requests

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from sqlalchemy import Engine

    from support_curation.config import PipelinePolicy, Settings
    from support_curation.review.store import Decision, DecisionStore
    from support_curation.storage import Storage

log = logging.getLogger(__name__)

MISSED_REPORT = "review_missed_pii.json"
REQUEUED, RE_REDACTED, STALE = "requeued", "re_redacted", "stale"
K_ANONYMITY_OUTCOME = "k_anonymity"  # approved, then kept out by the partition's k-anonymity rule
# manifest fields publish_partition computes itself; everything else is carried over on a rewrite
_COMPUTED = ("dataset", "partition", "format", "files", "records", "subject_index")


class CountsDoNotReconcile(RuntimeError):
    """An amendment would leave the manifest's counts unreconciled: nothing was written."""


@dataclass(frozen=True)
class Context:
    storage: Storage
    store: DecisionStore
    policy: PipelinePolicy
    dataset: str
    hmac_key: str
    helpdesk: Engine | None  # the consent ledger; None only in tests that approve nothing unpublished
    placeholder_names: Mapping[str, str]
    now: datetime


@dataclass
class _Plan:
    item: dict[str, Any]
    decisions: list[Decision]
    values: dict[str, set[str]]
    final: str  # approve / exclude / missed / stale
    reason: str | None = None


# --- consent and erasure since queueing -----------------------------------------------------------


def blocked_items(ctx: Context, candidates: list[dict[str, Any]], partition: str) -> dict[str, str]:
    """Item -> why it must not be published: its customer asked for erasure, or consent no longer holds.

    Items hold only subject hashes. Erased customers are all hashed (erasure requests are few); for
    consent, only customers with a ledger event since the partition's day can have changed since the
    pipeline decided, and those are decided again with the ledger's own rules.
    """
    if not candidates:
        return {}
    if ctx.helpdesk is None:
        raise RuntimeError("approving unpublished items needs the consent ledger (helpdesk database)")
    subjects = {i["subject"] for i in candidates}
    day = datetime.combine(partition_day(partition), time.min, tzinfo=UTC)
    with ctx.helpdesk.connect() as conn:
        erased_ids = set(conn.scalars(select(erasure_requests.c.customer_id)))
        changed_ids = set(
            conn.scalars(
                select(consent_events.c.customer_id)
                .where(consent_events.c.purpose == ctx.policy.purpose, consent_events.c.recorded_at >= day)
                .distinct()
            )
        )
    erased = {subject_id(ctx.hmac_key, c) for c in erased_ids} & subjects
    changed = {h: c for c in changed_ids if (h := subject_id(ctx.hmac_key, c)) in subjects}
    events = consent.load_events(ctx.helpdesk, changed.values(), ctx.policy.purpose) if changed else {}
    blocked = {}
    for item in candidates:
        if item["subject"] in erased:
            blocked[item["item"]] = consent.ERASURE_REQUESTED
        elif item["subject"] in changed:
            decision = consent.decide(
                events.get(changed[item["subject"]], []),
                purpose=ctx.policy.purpose,
                scope=item.get("scope") or "",
                as_of=day + timedelta(days=1),
                now=ctx.now,
            )
            if not decision.granted:
                blocked[item["item"]] = decision.reason or "consent_revoked"
    return blocked


# --- planning -------------------------------------------------------------------------------------


def _plan(item: dict[str, Any] | None, decisions: list[Decision]) -> _Plan:
    if item is None or item["state"] != State.PENDING:
        return _Plan(item or {}, decisions, {}, STALE)
    text = items.item_text(item["record"])
    values: dict[str, set[str]] = {}
    for d in decisions:
        if d.action == Action.MISSED and d.span and 0 <= d.span[0] < d.span[1] <= len(text):
            value = text[d.span[0] : d.span[1]].strip()
            if value:
                values.setdefault(d.entity_type or "PERSON", set()).add(value)
    last = decisions[-1]
    return _Plan(item, decisions, values, last.action, last.reason)


def _move(counts: dict[str, Any], source: str, target: str | None, kind: str | None = None) -> None:
    """Move one record between count buckets: ``published``, ``quarantined:<k>`` or ``excluded:<k>``."""

    def bucket(name: str, delta: int) -> None:
        area, _, key = name.partition(":")
        if area == "published":
            counts["published"] = int(counts.get("published", 0)) + delta
            return
        group = dict(counts.get(area) or {})
        group[key] = int(group.get(key, 0)) + delta
        if group[key] < 0:
            raise CountsDoNotReconcile(f"no {area} record of reason {key} left to move ({kind})")
        counts[area] = {k: v for k, v in sorted(group.items()) if v}

    bucket(source, -1)
    if target:
        bucket(target, +1)


def _quarantine_bucket(counts: Mapping[str, Any], item: dict[str, Any]) -> str:
    """The quarantine count an unpublished item sits in: its own reason, else its kind (or, for counts
    kept per detector such as ``residual_pii:<detector>``, the first of that kind's keys)."""
    quarantined = counts.get("quarantined") or {}
    reason = item.get("quarantine_reason") or item["kind"]
    if not quarantined.get(reason):
        reason = next(
            (k for k in sorted(quarantined) if k.startswith(f"{item['kind']}:") and quarantined[k]), reason
        )
    return f"quarantined:{reason}"


def _reconciles(counts: Mapping[str, Any], records: int) -> bool:
    if "extracted" not in counts:
        return True  # a manifest from before counts were recorded: nothing to keep true
    accounted = (
        int(counts.get("published", 0))
        + sum((counts.get("excluded") or {}).values())
        + sum((counts.get("quarantined") or {}).values())
    )
    return accounted == int(counts["extracted"]) and int(counts.get("published", 0)) == records


# --- one partition --------------------------------------------------------------------------------


def apply_partition(ctx: Context, partition: str) -> dict[str, Any]:
    """Apply the partition's pending decisions; returns counts by outcome (no text, no values)."""
    pending = ctx.store.pending(ctx.dataset, partition)
    summary: dict[str, Any] = {"partition": partition, "decisions": len(pending), "outcomes": {}}
    if not pending:
        return summary
    # read, decide and rewrite under the partition's lock: no pipeline publish or enforcement interleaves
    with publish.partition_lock(ctx.storage, ctx.dataset, partition):
        manifest = publish.read_manifest(ctx.storage, ctx.dataset, partition)
        if manifest is None:
            summary["skipped"] = "partition not published"
            return summary
        outcomes = _apply_locked(ctx, partition, manifest, pending)
    ctx.store.mark_applied(outcomes, at=ctx.now)
    by_outcome: dict[str, int] = {}
    for outcome in outcomes.values():
        by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
    summary["outcomes"] = dict(sorted(by_outcome.items()))
    log.info("applied %d review decisions to %s: %s", len(outcomes), partition, summary["outcomes"])
    return summary


def reapply_partition(ctx: Context, partition: str) -> dict[str, Any]:
    """Bring a republished partition back to its stewards' decisions (a rerun of its interval publishes
    it afresh and re-queues its items: without this an excluded sample or a marked value would return).

    The decisions applied before are replayed round by round, as their applications ran, against the
    re-queued items (same ids, and the same text: the pipeline is deterministic). Decisions the current
    manifest already holds are skipped, so this is a no-op on a partition that was not republished.
    """
    summary: dict[str, Any] = {"partition": partition, "rounds": 0, "outcomes": {}}
    rounds = ctx.store.applied_rounds(ctx.dataset, partition)
    if not rounds:
        return summary
    by_outcome: dict[str, int] = {}
    with publish.partition_lock(ctx.storage, ctx.dataset, partition):
        for decisions in rounds:
            manifest = publish.read_manifest(ctx.storage, ctx.dataset, partition)
            if manifest is None:
                break
            done = (manifest.get("review") or {}).get("applied") or {}
            missing = [d for d in decisions if str(d.decision_id) not in done]
            if not missing:
                continue
            for outcome in _apply_locked(ctx, partition, manifest, missing).values():
                by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
            summary["rounds"] += 1
    summary["outcomes"] = dict(sorted(by_outcome.items()))
    if summary["rounds"]:
        log.info("re-applied review decisions to republished %s: %s", partition, summary["outcomes"])
    return summary


def _apply_locked(
    ctx: Context, partition: str, manifest: dict[str, Any], pending: list[Decision]
) -> dict[int, str]:
    review = dict(manifest.get("review") or {})
    done: dict[str, str] = dict(review.get("applied") or {})
    new = [d for d in pending if str(d.decision_id) not in done]
    listed = items.list_items(ctx.storage, ctx.dataset, partition=partition, states=None)
    all_items = {i["item"]: i for i in listed}
    by_item: dict[str, list[Decision]] = {}
    for d in new:
        by_item.setdefault(d.item, []).append(d)
    plans = {ref: _plan(all_items.get(ref), ds) for ref, ds in sorted(by_item.items())}

    to_publish = [
        p.item for p in plans.values() if p.final == Action.APPROVE and p.item["kind"] != Kind.AUDIT_SAMPLE
    ]
    blocked = blocked_items(ctx, to_publish, partition)
    deny: dict[str, set[str]] = {}
    for p in plans.values():
        for kind, values in p.values.items():
            deny.setdefault(kind, set()).update(values)
    deny_list = {k: sorted(v) for k, v in deny.items()}

    counts = dict(manifest.get("counts") or {})
    outcomes: dict[int, str] = {}
    item_updates: dict[str, dict[str, Any]] = {}
    drop: set[str] = set()
    add: list[tuple[dict[str, Any], str]] = []
    after_missed = ctx.policy.review.after_missed
    index = publish.read_subject_index(ctx.storage, ctx.dataset, partition)
    present = {rid for rids in index.values() for rid in rids}

    for ref, p in plans.items():
        item = p.item
        final = p.final
        if final == Action.MISSED and after_missed == "exclude":
            final, p.reason = Action.EXCLUDE, MISSED_PII_REASON
        outcome: str
        published_already = item.get("record_id") in present
        if (
            final == STALE
            or (item.get("kind") == Kind.AUDIT_SAMPLE and not published_already)
            or (item.get("kind") != Kind.AUDIT_SAMPLE and published_already)
        ):
            # resolved already; or a sample whose record left the partition (erasure) meanwhile; or an
            # unpublished item whose record is in the partition (an interrupted earlier apply published it)
            outcome = STALE
        elif final == Action.APPROVE and item["kind"] != Kind.AUDIT_SAMPLE:
            if ref in blocked:
                outcome = f"{REMOVED_PREFIX}{blocked[ref]}"
                _move(counts, _quarantine_bucket(counts, item), f"excluded:{outcome}", item["kind"])
                item_updates[ref] = items.resolved(item, State.REMOVED, outcome=outcome)
            else:
                record, _ = redact_record(item["record"], deny_list, ctx.placeholder_names)
                add.append((record, item["subject"]))
                _move(counts, _quarantine_bucket(counts, item), "published", item["kind"])
                outcome = str(State.PUBLISHED)
                item_updates[ref] = items.resolved(item, State.PUBLISHED, outcome=outcome)
        elif final == Action.APPROVE:
            outcome = str(State.APPROVED)
            item_updates[ref] = items.resolved(item, State.APPROVED, outcome=outcome)
        elif final == Action.EXCLUDE:
            outcome = f"{REVIEWER_PREFIX}{p.reason}"
            source = "published" if item["kind"] == Kind.AUDIT_SAMPLE else _quarantine_bucket(counts, item)
            if item["kind"] == Kind.AUDIT_SAMPLE:
                drop.add(item["record_id"])
            _move(counts, source, f"excluded:{outcome}", item["kind"])
            item_updates[ref] = items.resolved(item, State.EXCLUDED, outcome=outcome)
        else:  # missed marks, requeued: re-redacted below, and a steward looks again
            outcome = REQUEUED
        for d in p.decisions:
            outcomes[d.decision_id] = outcome if d is p.decisions[-1] or outcome == STALE else RE_REDACTED

    # already applied to the manifest by an interrupted earlier run: only the bookkeeping is left
    for d in pending:
        if str(d.decision_id) in done:
            outcomes[d.decision_id] = done[str(d.decision_id)]
            kept_out = all_items.get(d.item)
            if (
                done[str(d.decision_id)] == K_ANONYMITY_OUTCOME
                and kept_out
                and kept_out["state"] == State.PENDING
            ):
                # its record is not in the partition, so nothing else would mark it resolved
                items.write_item(
                    ctx.storage, items.resolved(kept_out, State.EXCLUDED, outcome=K_ANONYMITY_OUTCOME)
                )
    if not new:
        return outcomes

    amended = _rewrite(ctx, partition, manifest, counts, drop, add, deny_list, outcomes, plans)
    # approved items that k-anonymity kept out of the amended partition: resolved as what happened
    for ref, p in plans.items():
        if outcomes.get(p.decisions[-1].decision_id) == K_ANONYMITY_OUTCOME:
            item_updates[ref] = items.resolved(p.item, State.EXCLUDED, outcome=K_ANONYMITY_OUTCOME)
    # items after the switch: pending ones lose the marked values too; resolved ones their text
    for ref, item in all_items.items():
        if ref in item_updates:
            items.write_item(ctx.storage, item_updates[ref])
        elif item["state"] == State.PENDING and deny_list:
            record, changed = redact_record(item["record"], deny_list, ctx.placeholder_names)
            if changed:
                items.write_item(ctx.storage, item | {"record": record})
    _write_missed_report(ctx, partition, amended)
    return outcomes


def _rewrite(
    ctx: Context,
    partition: str,
    manifest: dict[str, Any],
    counts: dict[str, Any],
    drop: set[str],
    add: list[tuple[dict[str, Any], str]],
    deny_list: dict[str, list[str]],
    outcomes: dict[int, str],
    plans: dict[str, _Plan],
) -> dict[str, Any]:
    index = publish.read_subject_index(ctx.storage, ctx.dataset, partition)
    owner = {rid: subject for subject, rids in index.items() for rid in rids}
    expected = sum(len(r) for r in index.values()) - len(drop & owner.keys()) + len(add)
    if not _reconciles(counts, expected):
        raise CountsDoNotReconcile(f"review decisions for {partition} would not reconcile; nothing written")
    entities: dict[str, int] = {}
    re_redacted = {"records": 0, "mentions": 0}

    def rows() -> Iterator[tuple[dict[str, Any], str]]:
        existing = (
            (r, owner[r["record_id"]])
            for r in publish.read_partition_records(ctx.storage, ctx.dataset, partition)
            if r["record_id"] not in drop
        )
        for record, subject in _chain(existing, add):
            if deny_list:
                record, mentions = redact_record(record, deny_list, ctx.placeholder_names)
                if mentions:
                    re_redacted["records"] += 1
                    re_redacted["mentions"] += mentions
            for kind, count in (record.get("entities") or {}).items():
                entities[kind] = entities.get(kind, 0) + count
            yield record, subject

    metadata = {k: v for k, v in manifest.items() if k not in _COMPUTED}
    metadata["counts"] = counts
    review = dict(metadata.get("review") or {})
    applied = dict(review.get("applied") or {}) | {str(d): o for d, o in sorted(outcomes.items())}
    missed = dict(review.get("missed_pii_by_type") or {})
    audit_reviewed = set(review.get("audit_reviewed") or [])
    audit_missed = set(review.get("audit_missed") or [])
    for ref, plan in plans.items():
        if plan.item.get("kind") != Kind.AUDIT_SAMPLE or plan.final == STALE:
            continue
        audit_reviewed.add(ref)
        if plan.values:
            audit_missed.add(ref)
    for plan in plans.values():
        for d in plan.decisions:
            if d.action == Action.MISSED and plan.final != STALE:
                missed[d.entity_type or "UNKNOWN"] = missed.get(d.entity_type or "UNKNOWN", 0) + 1
    sampled = sum(
        1
        for i in items.list_items(ctx.storage, ctx.dataset, partition=partition, states=None)
        if i["kind"] == Kind.AUDIT_SAMPLE
    )
    estimate = LeakEstimate(sampled=sampled, reviewed=len(audit_reviewed), with_missed_pii=len(audit_missed))
    review.update(
        applied=applied,
        audit_reviewed=sorted(audit_reviewed),
        audit_missed=sorted(audit_missed),
        leak=estimate.as_dict(),
        missed_pii_by_type=dict(sorted(missed.items())),
    )
    metadata["review"] = review
    metadata["status"] = release_status(
        estimate,
        require_audit=ctx.policy.release.require_audit,
        max_leak_upper=ctx.policy.release.max_leak_upper,
    )
    amendment = {
        "reason": "review_decisions",
        "decisions": len(outcomes),
        "added": len(add),
        "removed": len(drop),
        "re_redacted": re_redacted,  # filled while the rows stream (the manifest is written last)
        "at": ctx.now.astimezone(UTC).isoformat(),
        "code_version": publish.code_version(),
    }
    metadata["amendments"] = [*metadata.get("amendments", []), amendment]
    if "entities" in manifest:
        metadata["entities"] = entities  # filled while the rows stream, as lifecycle does

    def suppressed(record_ids: set[str]) -> None:
        # an approved item with no group to hide in is not published: its outcome (decision log, the
        # manifest's applied map, the item) says so; the counts already moved it to excluded.k_anonymity
        for plan in plans.values():
            if plan.item.get("record_id") in record_ids and outcomes.get(
                plan.decisions[-1].decision_id
            ) == str(State.PUBLISHED):
                outcomes[plan.decisions[-1].decision_id] = K_ANONYMITY_OUTCOME
                applied[str(plan.decisions[-1].decision_id)] = K_ANONYMITY_OUTCOME

    # approved items arrive with their fine-grained quasi-identifiers and exclusions shrink groups: an
    # audited partition passes the publish-time audit again (card included), or nothing is written
    written = amend.republish(
        ctx.storage,
        dataset=ctx.dataset,
        partition=partition,
        rows=rows(),
        metadata=metadata,
        policy=ctx.policy,
        on_suppressed=suppressed,
    )
    return written.body


def _chain(
    first: Iterator[tuple[dict[str, Any], str]], then: list[tuple[dict[str, Any], str]]
) -> Iterator[tuple[dict[str, Any], str]]:
    yield from first
    yield from then


def _write_missed_report(ctx: Context, partition: str, manifest: dict[str, Any]) -> None:
    """Missed-PII marks by type (what recognizer work to aim at) beside the partition's other reports."""
    review = manifest.get("review") or {}
    body = {
        "partition": partition,
        "missed_pii_by_type": review.get("missed_pii_by_type", {}),
        "leak": review.get("leak", {}),
        "status": manifest.get("status"),
    }
    key = PartitionRef(ctx.dataset, partition).key(Area.REPORTS, MISSED_REPORT)
    ctx.storage.put_bytes(key, json.dumps(body, indent=2, sort_keys=True).encode())


# --- every partition ------------------------------------------------------------------------------


def partitions_with_pending(store: DecisionStore, dataset: str) -> list[str]:
    return sorted({d.partition for d in store.pending(dataset)})


def apply_all(ctx: Context, partition: str | None = None) -> list[dict[str, Any]]:
    """Apply pending decisions of one partition, or of every partition that has some."""
    targets = [partition] if partition else partitions_with_pending(ctx.store, ctx.dataset)
    return [apply_partition(ctx, p) for p in targets]


def context_from_settings(settings: Settings, now: datetime, dataset: str | None = None) -> Context:
    """Storage, decision log, policy and ledger as the settings name them (CLI and DAG)."""
    from support_curation.config import DATASET, load_policy
    from support_curation.redaction.policy import load_redaction_policy
    from support_curation.review.store import DecisionStore, state_engine
    from support_curation.sources.helpdesk import helpdesk_engine

    policy = load_policy(settings.policy_path)
    return Context(
        storage=settings.output_storage(),
        store=DecisionStore(state_engine(settings)),
        policy=policy,
        dataset=dataset or DATASET,
        hmac_key=settings.hmac_key.get_secret_value(),
        helpdesk=helpdesk_engine(settings),
        placeholder_names=load_redaction_policy(policy.redaction_policy_path).placeholder_names,
        now=now,
    )
