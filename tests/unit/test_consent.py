from __future__ import annotations

from datetime import UTC, datetime

import pytest

from support_curation.consent import (
    CONSENT_DENIED,
    NO_CONSENT_RECORD,
    REVOKED_SINCE,
    SCOPE_NOT_GRANTED,
    ConsentEvent,
    decide,
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
    from support_curation.consent import ERASURE_REQUESTED, decide_many

    events = {"c1": [event(1)], "c2": [event(1)]}
    decisions = decide_many(
        events, [("c1", "chat"), ("c2", "chat")], purpose="ai_training", as_of=AS_OF, erased={"c2"}
    )
    assert [(d.granted, d.reason) for d in decisions] == [(True, None), (False, ERASURE_REQUESTED)]
