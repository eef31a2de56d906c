"""Consent ledger: may this customer's conversation be used for this purpose and scope?

Rules (silence is not consent):
- only events for the purpose and the conversation's scope count; the latest one wins
  (``recorded_at``, then ``event_id`` to break ties deterministically);
- the latest event as of the interval end must grant;
- and no later event may have withdrawn it: a backfill of an old interval run after a revocation
  must not publish that customer again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING

from sqlalchemy import select

from support_curation.sources.helpdesk_schema import consent_events, erasure_requests

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import datetime

    from sqlalchemy import Engine

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


def decide(events: Iterable[ConsentEvent], *, purpose: str, scope: str, as_of: datetime) -> ConsentDecision:
    """Decide for one customer from all of their ledger events."""
    for_purpose = [e for e in events if e.purpose == purpose]
    if not for_purpose:
        return ConsentDecision(False, NO_CONSENT_RECORD)
    in_scope = sorted((e for e in for_purpose if e.scope == scope), key=_order)
    known_then = [e for e in in_scope if e.recorded_at < as_of]
    if not known_then:
        return ConsentDecision(False, SCOPE_NOT_GRANTED)
    if not known_then[-1].granted:
        return ConsentDecision(False, CONSENT_DENIED)
    if not in_scope[-1].granted:
        return ConsentDecision(False, REVOKED_SINCE)
    return ConsentDecision(True, None, known_then[-1].notice_version)


def _order(event: ConsentEvent) -> tuple[datetime, str]:
    return (event.recorded_at, event.event_id)


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
                        recorded_at=_aware(row["recorded_at"]),
                        notice_version=row["notice_version"],
                    )
                )
    return by_customer


def load_erasures(engine: Engine, customer_ids: Iterable[str], batch_size: int = 500) -> set[str]:
    """Customers who asked for erasure, whatever the request's status: erased data is never used again."""
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
) -> list[ConsentDecision]:
    """Decisions for (customer_id, scope) pairs, in order; an erasure request overrides any consent."""
    return [
        ConsentDecision(False, ERASURE_REQUESTED)
        if customer_id in erased
        else decide(events_by_customer.get(customer_id, []), purpose=purpose, scope=scope, as_of=as_of)
        for customer_id, scope in requests
    ]


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; the source contract stores UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
