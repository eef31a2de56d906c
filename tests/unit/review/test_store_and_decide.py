"""The decision log is append-only and never holds a marked value; decisions are checked before storing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select

from support_curation.config import load_policy
from support_curation.layout import PartitionRef
from support_curation.policies import policy_file
from support_curation.review import items, store
from support_curation.review.decide import InvalidDecision, decide, parse_span
from support_curation.storage import LocalStorage

DATASET = "support_conversations"
REF = PartitionRef(DATASET, "dt=2024-06-10")
NAME = "Orsolya Brandvold"  # synthetic
POLICY = load_policy(policy_file("pipeline_v1.yaml"))


@pytest.fixture
def setup(tmp_path):
    storage = LocalStorage(str(tmp_path / "lake"))
    record = {
        "record_id": "a" * 32,
        "source": "tickets",
        "channel": "email",
        "messages": [
            {"role": "agent", "content": "Hi <PERSON_1>, how can I help?"},
            {"role": "customer", "content": f"This is {NAME}, my husband passed away."},
        ],
        "entities": {"PERSON": 1},
        "flags": ["vulnerability"],
    }
    items.queue_records(
        storage, REF, "review_required", [(record, "s" * 32, "tickets")], datetime(2024, 6, 11, tzinfo=UTC)
    )
    engine = create_engine(f"sqlite:///{tmp_path / 'state.db'}")
    decisions = store.DecisionStore(engine)
    (item,) = items.list_items(storage, DATASET)
    return storage, decisions, item, engine


def _decide(setup, **kwargs):
    storage, decisions, item, _ = setup
    return decide(storage, decisions, POLICY, dataset=DATASET, item=item["item"], who="steward-1", **kwargs)


def test_missed_mark_stores_type_and_span_never_the_value(setup):
    storage, decisions, item, engine = setup
    text = items.item_text(item["record"])
    start = text.index(NAME)
    decision = _decide(setup, action="missed", entity_type="PERSON", span=(start, start + len(NAME)))
    assert decision.public()["span"] == [start, start + len(NAME)]
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(store.decisions)).mappings()]
    assert len(rows) == 1 and rows[0]["who"] == "steward-1" and rows[0]["item"] == item["item"]
    dumped = repr(rows).lower()
    assert NAME.split()[0].lower() not in dumped and NAME.split()[1].lower() not in dumped
    assert [d.decision_id for d in decisions.pending(DATASET)] == [decision.decision_id]


def test_applied_is_recorded_once_and_nothing_is_updated(setup):
    _, decisions, _, _ = setup
    first = _decide(setup, action="approve")
    assert decisions.mark_applied({first.decision_id: "published"}) == 1
    assert decisions.mark_applied({first.decision_id: "published"}) == 0  # a rerun adds nothing
    assert decisions.pending(DATASET) == []
    assert [(d.decision_id, o) for d, o in decisions.applied(DATASET)] == [(first.decision_id, "published")]
    assert not any(hasattr(decisions, name) for name in ("update", "delete", "remove"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"action": "exclude", "reason": "because"}, "reason from"),
        ({"action": "missed", "entity_type": "NAME", "span": (0, 3)}, "type from"),
        ({"action": "missed", "entity_type": "PERSON"}, "--span"),
        ({"action": "missed", "entity_type": "PERSON", "span": (0, 9999)}, "outside"),
        ({"action": "missed", "entity_type": "PERSON", "span": (3, 14)}, "placeholder"),
        ({"action": "missed", "entity_type": "PERSON", "span": (25, 40)}, "one message"),
        ({"action": "missed", "entity_type": "PERSON", "span": (0, 1)}, "at least"),
    ],
)
def test_invalid_decisions_are_refused_before_storing(setup, kwargs, message):
    with pytest.raises(InvalidDecision, match=message) as refused:
        _decide(setup, **kwargs)
    assert NAME.split()[0] not in str(refused.value)
    assert setup[1].pending(DATASET) == []


def test_unknown_or_resolved_items_are_refused(setup):
    storage, decisions, item, _ = setup
    with pytest.raises(InvalidDecision):
        decide(storage, decisions, POLICY, dataset=DATASET, item="rv-0000", action="approve", who="x")
    with pytest.raises(InvalidDecision):
        decide(storage, decisions, POLICY, dataset=DATASET, item="../../etc", action="approve", who="x")
    items.write_item(storage, items.resolved(item, items.State.EXCLUDED))
    with pytest.raises(InvalidDecision, match="not pending"):
        _decide(setup, action="approve")


def test_parse_span():
    assert parse_span("3:10") == (3, 10)
    with pytest.raises(InvalidDecision):
        parse_span("3-10")
