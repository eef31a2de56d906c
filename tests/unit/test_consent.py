from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from support_curation.consent import (
    CONSENT_DENIED,
    NO_CONSENT_RECORD,
    REVOKED_SINCE,
    SCOPE_NOT_GRANTED,
    ConsentEvent,
    decide,
    decide_many,
    event_ref,
    screen,
)

AS_OF = datetime(2024, 3, 2, tzinfo=UTC)


def event(day: int, scope: str = "chat", granted: bool = True, purpose: str = "ai_training", eid: str = ""):
    return ConsentEvent(
        event_id=eid or f"e{day}{scope}{granted}",
        customer_id="c1",
        purpose=purpose,
        scope=scope,
        granted=granted,
        recorded_at=datetime(2024, 3, day, tzinfo=UTC),
        notice_version="2024-01",
    )


@pytest.mark.parametrize(
    ("events", "scope", "granted", "reason"),
    [
        ([], "chat", False, NO_CONSENT_RECORD),
        ([event(1, purpose="marketing")], "chat", False, NO_CONSENT_RECORD),
        ([event(1)], "chat", True, None),
        ([event(1, scope="chat")], "tickets", False, SCOPE_NOT_GRANTED),
        (
            [event(1), event(1, granted=False, eid="z")],
            "chat",
            False,
            CONSENT_DENIED,
        ),  # same time: id breaks tie
        ([event(1, granted=False), event(1, eid="z")], "chat", True, None),
        # granted then withdrawn before the interval ended
        ([event(1), event(1, granted=False, eid="z2")], "chat", False, CONSENT_DENIED),
        # granted at the interval end, revoked later: a backfill must not use it
        ([event(1), event(5, granted=False)], "chat", False, REVOKED_SINCE),
        # first granted only after the interval: it was not consented then
        ([event(5)], "chat", False, SCOPE_NOT_GRANTED),
        # denied, then granted again before the interval end
        ([event(1, granted=False), event(1, eid="zz")], "chat", True, None),
        # an event exactly at the interval end is not yet known as of the end
        ([event(2)], "chat", False, SCOPE_NOT_GRANTED),
        # other scopes do not matter
        ([event(1), event(1, scope="tickets", granted=False)], "chat", True, None),
    ],
)
def test_latest_event_for_purpose_and_scope_decides(events, scope, granted, reason):
    decision = decide(events, purpose="ai_training", scope=scope, as_of=AS_OF)
    assert (decision.granted, decision.reason) == (granted, reason)


def test_grant_reports_the_notice_version():
    assert decide([event(1)], purpose="ai_training", scope="chat", as_of=AS_OF).notice_version == "2024-01"


def test_an_erasure_request_overrides_consent():
    from support_curation.consent import ERASURE_REQUESTED

    events = {"c1": [event(1)], "c2": [event(1)]}
    decisions = decide_many(
        events, [("c1", "chat"), ("c2", "chat")], purpose="ai_training", as_of=AS_OF, erased={"c2"}
    )
    assert [(d.granted, d.reason) for d in decisions] == [(True, None), (False, ERASURE_REQUESTED)]


# --- ledger events dated in the future (#11: consent fails closed) -------------------------------

NOW = datetime(2024, 3, 10, tzinfo=UTC)  # when the ledger is read


def future(granted: bool, scope: str = "chat") -> ConsentEvent:
    return ConsentEvent(
        event_id=f"future-{scope}-{granted}",
        customer_id="c1",
        purpose="ai_training",
        scope=scope,
        granted=granted,
        recorded_at=datetime(2099, 1, 1, tzinfo=UTC),
    )


def test_a_grant_dated_in_the_future_does_not_mask_a_real_revocation():
    # granted during the interval, revoked after it (a backfill), and a bogus 2099 grant on top:
    # before the fix the 2099 grant was "the latest event" and the conversation was published again
    events = [event(1), event(5, granted=False), future(True)]
    decision = decide(events, purpose="ai_training", scope="chat", as_of=AS_OF, now=NOW)
    assert (decision.granted, decision.reason) == (False, REVOKED_SINCE)
    assert decision.ledger_errors == (event_ref("future-chat-True"),)


def test_a_future_grant_alone_is_no_consent_and_a_future_refusal_still_refuses():
    alone = decide([future(True)], purpose="ai_training", scope="chat", as_of=AS_OF, now=NOW)
    assert (alone.granted, alone.reason) == (False, SCOPE_NOT_GRANTED)
    refused = decide([event(1), future(False)], purpose="ai_training", scope="chat", as_of=AS_OF, now=NOW)
    assert (refused.granted, refused.reason) == (False, REVOKED_SINCE)
    # a real grant stays a grant when only another scope's event is impossible
    other = decide(
        [event(1), future(True, "tickets")], purpose="ai_training", scope="chat", as_of=AS_OF, now=NOW
    )
    assert (other.granted, other.ledger_errors) == (True, ())


def test_ledger_errors_are_reported_by_opaque_reference_only():
    customer = "cust-4711@example.com"
    bogus = ConsentEvent(
        f"ev-{customer}", customer, "ai_training", "chat", True, datetime(2099, 1, 1, tzinfo=UTC)
    )
    events = {customer: [event(1), bogus]}
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("support_curation.consent")
    logger.addHandler(handler)
    try:
        decisions = decide_many(events, [(customer, "chat")], purpose="ai_training", as_of=AS_OF, now=NOW)
    finally:
        logger.removeHandler(handler)
    assert decisions[0].granted  # the real grant stands; the impossible one is set aside
    text = "\n".join(seen)
    assert "1 events dated in the future" in text and event_ref(f"ev-{customer}") in text
    assert customer not in text and "4711" not in text


def test_screen_orders_and_splits_at_the_read_time():
    screened = screen([future(False), event(3), event(1)], NOW)
    assert [e.recorded_at.day for e in screened.believed] == [1, 3]
    assert screened.future_refusal and len(screened.errors) == 1
