"""Consent ledger rules: may this customer's conversation be used for this purpose and scope?

Rules (silence is not consent), shared by the consent join and the lifecycle's enforcement:
- only events for the purpose and the conversation's scope count; the latest one wins
  (``recorded_at``, then ``event_id`` to break ties deterministically: :func:`event_order`);
- the latest event as of the interval end must grant;
- and no later event may have withdrawn it: a backfill of an old interval run after a revocation
  must not publish that customer again;
- an event dated after the moment of the decision cannot be real (a bad clock, a typo, a test row):
  it is a ledger error. Such a grant never counts (a 2099 grant must not mask a real revocation),
  such a refusal still refuses (honouring a refusal needs no trustworthy date): :func:`screen`.
  Ledger errors are reported by an opaque reference (:func:`event_ref`), never by customer id.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from support_curation.sources.helpdesk_schema import consent_events, erasure_requests

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from sqlalchemy import Engine

log = logging.getLogger(__name__)

NO_CONSENT_RECORD = "no_consent_record"
SCOPE_NOT_GRANTED = "scope_not_granted"
CONSENT_DENIED = "consent_denied"
REVOKED_SINCE = "consent_revoked_since"
ERASURE_REQUESTED = "erasure_requested"


@dataclass(frozen=True)
class ConsentEvent:
    event_id: str
    customer_id: str
    purpose: str
    scope: str
    granted: bool
    recorded_at: datetime
    notice_version: str | None = None


@dataclass(frozen=True)
class ConsentDecision:
    granted: bool
    reason: str | None  # why not, when not granted
    notice_version: str | None = None  # of the granting event
    ledger_errors: tuple[str, ...] = ()  # opaque refs of the impossible events this decision ignored


@dataclass(frozen=True)
class Screened:
    """One customer's events for one scope, split into what may be believed and what may not."""

    believed: list[ConsentEvent]  # in event order
    future_refusal: bool  # an impossible event refused: the customer refuses, whatever its date
    errors: tuple[str, ...]  # opaque refs of the events dated after the decision time


def event_order(event: ConsentEvent) -> tuple[datetime, str]:
    return (event.recorded_at, event.event_id)


def event_ref(event_id: str) -> str:
    """An opaque reference to a ledger event for logs and audit: upstream ids may embed a customer id."""
    return "cev:" + hashlib.sha256(event_id.encode()).hexdigest()[:16]


def screen(events: Iterable[ConsentEvent], now: datetime) -> Screened:
    """Sort events and set aside those recorded after ``now`` (the time the ledger is read)."""
    ordered = sorted(events, key=event_order)
    future = [e for e in ordered if e.recorded_at > now]
    return Screened(
        believed=[e for e in ordered if e.recorded_at <= now],
        future_refusal=any(not e.granted for e in future),
        errors=tuple(event_ref(e.event_id) for e in future),
    )


def decide(
    events: Iterable[ConsentEvent],
    *,
    purpose: str,
    scope: str,
    as_of: datetime,
    now: datetime | None = None,
) -> ConsentDecision:
    """Decide for one customer from all of their ledger events, read at ``now`` (default: the clock)."""
    for_purpose = [e for e in events if e.purpose == purpose]
    if not for_purpose:
        return ConsentDecision(False, NO_CONSENT_RECORD)
    screened = screen((e for e in for_purpose if e.scope == scope), now or datetime.now(UTC))
    errors = screened.errors
    if screened.future_refusal:
        return ConsentDecision(False, REVOKED_SINCE, ledger_errors=errors)
    known_then = [e for e in screened.believed if e.recorded_at < as_of]
    if not known_then:
        return ConsentDecision(False, SCOPE_NOT_GRANTED, ledger_errors=errors)
    if not known_then[-1].granted:
        return ConsentDecision(False, CONSENT_DENIED, ledger_errors=errors)
    if not screened.believed[-1].granted:
        return ConsentDecision(False, REVOKED_SINCE, ledger_errors=errors)
    return ConsentDecision(True, None, known_then[-1].notice_version, ledger_errors=errors)


def load_events(
    engine: Engine, customer_ids: Iterable[str], purpose: str, batch_size: int = 500
) -> dict[str, list[ConsentEvent]]:
    """All ledger events of these customers for the purpose, grouped by customer."""
    ids = sorted(set(customer_ids))
    by_customer: dict[str, list[ConsentEvent]] = defaultdict(list)
    with engine.connect() as conn:
        for start in range(0, len(ids), batch_size):
            query = select(consent_events).where(
                consent_events.c.customer_id.in_(ids[start : start + batch_size]),
                consent_events.c.purpose == purpose,
            )
            for row in conn.execute(query).mappings():
                by_customer[row["customer_id"]].append(
                    ConsentEvent(
                        event_id=row["event_id"],
                        customer_id=row["customer_id"],
                        purpose=row["purpose"],
                        scope=row["scope"],
                        granted=bool(row["granted"]),
                        recorded_at=aware(row["recorded_at"]),
                        notice_version=row["notice_version"],
                    )
                )
    return by_customer


def load_erasures(engine: Engine, customer_ids: Iterable[str], batch_size: int = 500) -> set[str]:
    """Customers who asked for erasure, whatever the request's status or date: never used again."""
    ids = sorted(set(customer_ids))
    erased: set[str] = set()
    with engine.connect() as conn:
        for start in range(0, len(ids), batch_size):
            query = select(erasure_requests.c.customer_id).where(
                erasure_requests.c.customer_id.in_(ids[start : start + batch_size])
            )
            erased.update(conn.execute(query).scalars())
    return erased


def decide_many(
    events_by_customer: Mapping[str, list[ConsentEvent]],
    requests: Iterable[tuple[str, str]],
    *,
    purpose: str,
    as_of: datetime,
    erased: set[str] = frozenset(),  # type: ignore[assignment]
    now: datetime | None = None,
) -> list[ConsentDecision]:
    """Decisions for (customer_id, scope) pairs, in order; an erasure request overrides any consent.

    Ledger errors (events dated after ``now``, by default the moment of this call) are logged once, as a
    count and opaque references, never customer ids.
    """
    now = now or datetime.now(UTC)
    decisions = [
        ConsentDecision(False, ERASURE_REQUESTED)
        if customer_id in erased
        else decide(
            events_by_customer.get(customer_id, []), purpose=purpose, scope=scope, as_of=as_of, now=now
        )
        for customer_id, scope in requests
    ]
    report_ledger_errors(d.ledger_errors for d in decisions)
    return decisions


def report_ledger_errors(refs: Iterable[Iterable[str]]) -> int:
    """Log the impossible ledger events seen (count and refs); returns how many distinct ones."""
    distinct = sorted({ref for group in refs for ref in group})
    if distinct:
        log.warning(
            "consent ledger: %d events dated in the future were not believed (grants ignored, refusals "
            "honoured); refs: %s",
            len(distinct),
            ", ".join(distinct[:20]),
        )
    return len(distinct)


def aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns; the source contract stores UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
