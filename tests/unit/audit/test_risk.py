"""k-anonymity: planned from combination counts, enforced by generalising then suppressing."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from support_curation.audit import risk
from support_curation.config import AuditAction, AuditPolicy

QIS = ["channel", "language", "segment", "interval", "flags"]
SCOPES = {"email": "tickets", "web": "tickets", "phone": "voice", "chat": "chat"}


def _records(n: int, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    return [
        {
            "record_id": f"r{i:04d}",
            "channel": rng.choices(["email", "web", "phone", "chat"], [5, 3, 2, 5])[0],
            "language": rng.choice(["en-GB", "en-US"]),
            "segment": rng.choices(["consumer", "business", "premium"], [6, 2, 1])[0],
            "interval": "2024-03-01/2024-03-02",
            "flags": rng.choices([[], ["health"], ["financial_hardship"]], [8, 1, 1])[0],
        }
        for i in range(n)
    ]


def _plan(records: list[dict], policy: AuditPolicy) -> risk.KAnonymityPlan:
    combos = Counter(risk.combination(r, policy.quasi_identifiers) for r in records)
    return risk.plan_k_anonymity(combos, policy, SCOPES)


def _publish(records: list[dict], plan: risk.KAnonymityPlan) -> list[dict]:
    return [shown for r in records if (shown := plan.apply(r)) is not None]


LADDER = AuditPolicy(
    k_min=5,
    actions=[
        AuditAction(action="generalise", field="segment"),
        AuditAction(action="generalise", field="flags"),
        AuditAction(action="generalise", field="language"),
        AuditAction(action="generalise", field="channel"),
        AuditAction(action="suppress"),
    ],
)


@pytest.mark.parametrize("n", [0, 7, 40, 300])
@pytest.mark.parametrize("k_min", [2, 5, 10])
def test_every_published_group_meets_k_min(n: int, k_min: int) -> None:
    policy = LADDER.model_copy(update={"k_min": k_min})
    records = _records(n)
    plan = _plan(records, policy)
    published = _publish(records, plan)
    assert not published or risk.min_k(published, QIS) >= k_min
    report = plan.report()
    assert report["k_met"] and report["after"]["records_below_k"] == 0
    assert len(published) + report["suppressed"] == n
    assert report["after"]["records"] == len(published)


def test_without_the_rule_the_metadata_singles_people_out() -> None:
    """The check can fail: the raw metadata of a small day has groups of one."""
    records = _records(40)
    assert risk.min_k(records, QIS) < 5


def test_generalising_first_keeps_more_records_than_suppressing() -> None:
    records = _records(300)
    suppress_only = _plan(records, AuditPolicy(k_min=5, actions=[AuditAction(action="suppress")]))
    ladder = _plan(records, LADDER)
    assert ladder.report()["suppressed"] < suppress_only.report()["suppressed"]
    assert ladder.report()["generalised"] > 0


def test_only_records_in_small_groups_change() -> None:
    common = {"channel": "email", "language": "en-GB", "segment": "consumer", "interval": "i", "flags": []}
    rare = {**common, "segment": "premium", "flags": ["health"]}
    records = [dict(common, record_id=str(i)) for i in range(6)] + [dict(rare, record_id="x")]
    plan = _plan(records, LADDER.model_copy(update={"k_min": 3}))
    published = _publish(records, plan)
    assert [r for r in published if r["record_id"] != "x"] == records[:6]  # untouched, same objects
    # premium -> other is not enough for one record; flags, language, channel follow; then it goes
    assert all(r["record_id"] != "x" for r in published)
    assert [s["field"] for s in plan.steps] == ["segment", "flags", "language", "channel", None]


def test_rare_segment_becomes_other_and_merges() -> None:
    base = {"channel": "chat", "language": "en-US", "interval": "i", "flags": []}
    records = [dict(base, segment="premium", record_id=f"p{i}") for i in range(2)]
    records += [dict(base, segment="business", record_id=f"b{i}") for i in range(3)]
    records += [dict(base, segment="consumer", record_id=f"c{i}") for i in range(9)]
    plan = _plan(records, LADDER.model_copy(update={"k_min": 5}))
    published = _publish(records, plan)
    assert Counter(r["segment"] for r in published) == {"consumer": 9, "other": 5}
    assert plan.report()["suppressed"] == 0 and plan.report()["generalised"] == 5


def test_generalised_values() -> None:
    assert risk.generalise_value("segment", "premium", SCOPES) == "other"
    assert risk.generalise_value("flags", "health", SCOPES) == risk.GENERALISED_FLAG
    assert risk.generalise_value("flags", "", SCOPES) == ""
    assert risk.generalise_value("language", "en-GB", SCOPES) == "en"
    assert risk.generalise_value("channel", "web", SCOPES) == "tickets"


def test_no_suppress_step_and_groups_left_under_k_refuses() -> None:
    records = _records(12)
    policy = AuditPolicy(k_min=50, actions=[AuditAction(action="generalise", field="segment")])
    with pytest.raises(risk.KAnonymityNotMet) as failure:
        _plan(records, policy)
    assert "premium" not in str(failure.value) and "consumer" not in str(failure.value)


def test_policy_action_needs_a_field_only_to_generalise() -> None:
    with pytest.raises(ValueError):
        AuditAction(action="generalise")
    with pytest.raises(ValueError):
        AuditAction(action="suppress", field="segment")
