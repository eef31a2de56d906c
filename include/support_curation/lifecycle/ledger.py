"""Who must leave the published training sets: revocations and erasure requests, read from the helpdesk.

The consent rules are :mod:`support_curation.consent`'s, not a second copy: the same event order, and
the same screening of impossible events (dated after the ledger is read): a future-dated grant never
hides a revocation, a future-dated refusal is enforced at once. Both are counted as ledger errors with
opaque references only.

Only keyed hashes leave this module towards storage or XCom (:func:`removal_plan`); customer ids stay
inside the functions that talk to the helpdesk.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select, update

from support_curation import consent
from support_curation.records import subject_id
from support_curation.sources.helpdesk_schema import consent_events, erasure_requests

if TYPE_CHECKING:
    from collections.abc import Collection

    from sqlalchemy import Engine

CONSENT_REVOKED = "consent_revoked"
ERASURE_REQUESTED = "erasure_requested"
PENDING, DONE = "pending", "done"


@dataclass
class LedgerScan:
    """What the ledger says must go, as of one enforcement: customer ids (never leave this process)."""

    revoked: dict[str, set[str]] = field(default_factory=dict)  # customer id -> revoked scopes
    erasing: set[str] = field(default_factory=set)  # customer ids with a pending erasure request
    errors: list[str] = field(default_factory=list)  # opaque refs of events dated after the read


def scan_ledger(
    engine: Engine, since: datetime | None, until: datetime, purpose: str, *, now: datetime | None = None
) -> LedgerScan:
    """Revocations in ``(since, until]`` (all up to ``until`` when ``since`` is None) and pending erasures.

    ``now`` is when the ledger is read (default: the clock); anything recorded after it is a ledger error.
    """
    now = now or datetime.now(UTC)
    revoked, errors = find_revocations(engine, since, until, purpose, now=now)
    erasing, erasure_errors = pending_erasures(engine, until, now=now)
    return LedgerScan(revoked, erasing, sorted({*errors, *erasure_errors}))


def find_revocations(
    engine: Engine, since: datetime | None, until: datetime, purpose: str, *, now: datetime
) -> tuple[dict[str, set[str]], list[str]]:
    """Customer id -> the scopes whose consent for ``purpose`` was withdrawn; and the ledger errors seen.

    A scope counts when the customer's latest believed event for it as of ``until`` refuses and was
    recorded in the window, or when an impossible (future-dated) event for it refuses: that one is
    enforced by every run, harmlessly, until the ledger is corrected.
    """
    ledger = consent_events.c
    candidates = select(ledger.customer_id).where(ledger.purpose == purpose)
    if since is not None:  # only customers with an event in the window (or an impossible one) can be new
        candidates = candidates.where(
            or_(ledger.recorded_at > now, (ledger.recorded_at > since) & (ledger.recorded_at <= until))
        )
    with engine.connect() as conn:
        customer_ids = set(conn.scalars(candidates.distinct()))
    revoked: dict[str, set[str]] = {}
    errors: set[str] = set()
    for customer_id, events in consent.load_events(engine, customer_ids, purpose).items():
        for scope in {e.scope for e in events}:
            screened = consent.screen((e for e in events if e.scope == scope), now)
            errors.update(screened.errors)
            known = [e for e in screened.believed if e.recorded_at <= until]
            latest = known[-1] if known else None
            withdrawn = latest is not None and not latest.granted
            in_window = latest is not None and (since is None or latest.recorded_at > since)
            if screened.future_refusal or (withdrawn and in_window):
                revoked.setdefault(customer_id, set()).add(scope)
    return revoked, sorted(errors)


def pending_erasures(engine: Engine, until: datetime, *, now: datetime) -> tuple[set[str], list[str]]:
    """Customers with a pending erasure request made up to ``until``, or dated impossibly after ``now``.

    An erasure request is never windowed (every pending one is enforced) and a bad date never delays
    it; such requests are also reported as ledger errors (opaque refs).
    """
    table = erasure_requests.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(table.request_id, table.customer_id, table.requested_at).where(
                table.status == PENDING, _due(until, now)
            )
        ).all()
    errors = sorted(consent.event_ref(rid) for rid, _, at in rows if consent.aware(at) > now)
    return {customer_id for _, customer_id, _ in rows}, errors


def _due(until: datetime, now: datetime) -> Any:
    return or_(erasure_requests.c.requested_at <= until, erasure_requests.c.requested_at > now)


def removal_plan(scan: LedgerScan, hmac_key: str) -> dict[str, Any]:
    """What to remove, as keyed hashes only (safe for XCom): whole subjects and subjects' revoked scopes.

    An erasure request removes all of a customer's records; a revocation removes the records of the
    revoked scopes (the customer may still consent for another).
    """
    scopes = {
        subject_id(hmac_key, c): sorted(s) for c, s in sorted(scan.revoked.items()) if c not in scan.erasing
    }
    subjects = sorted(set(scopes) | {subject_id(hmac_key, c) for c in scan.erasing})
    return {
        "subjects": subjects,
        "scopes": dict(sorted(scopes.items())),
        "by_reason": {CONSENT_REVOKED: len(scan.revoked), ERASURE_REQUESTED: len(scan.erasing)},
        "ledger_errors": len(scan.errors),
    }


def record_erasure_request(engine: Engine, customer_id: str, requested_at: datetime) -> str:
    """Insert a pending erasure request; returns its request id (random, carries nothing about the person)."""
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
    engine: Engine,
    hmac_key: str,
    subject_hashes: Collection[str],
    until: datetime,
    *,
    now: datetime | None = None,
) -> int:
    """Mark the enforced subjects' pending requests done (those :func:`pending_erasures` saw); how many."""
    wanted = set(subject_hashes)
    with engine.begin() as conn:
        pending = conn.execute(
            select(erasure_requests.c.request_id, erasure_requests.c.customer_id).where(
                erasure_requests.c.status == PENDING, _due(until, now or datetime.now(UTC))
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
