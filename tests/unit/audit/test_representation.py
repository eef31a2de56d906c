"""Representation: ratios per group, bounds as expectations, drift, window sums; counts only."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from support_curation.audit import groups as audit_groups
from support_curation.audit import representation
from support_curation.config import AuditPolicy, RepresentationBounds

POLICY = AuditPolicy(dimensions=["segment"])


def _groups(extracted: dict[str, int], consented: dict[str, int]) -> dict:
    return {
        "extracted": {"segment": extracted, "source": {"tickets": sum(extracted.values())}},
        "consented": {"segment": consented, "source": {"tickets": sum(consented.values())}},
        "notice_versions": {"2024-01": sum(consented.values())},
    }


def _report(published: dict[str, int], **kwargs) -> dict:
    extracted = {"consumer": 60, "business": 20, "premium": 20, "tiny": 2}
    consented = {"consumer": 50, "business": 16, "premium": 3, "tiny": 2}
    return representation.representation_report(
        groups=_groups(extracted, consented),
        published={"segment": published, "source": {"tickets": sum(published.values())}},
        suppressed={"segment": {}},
        flags={"health": 2},
        unattributed=4,
        **{"policy": POLICY, **kwargs},
    )


def test_a_group_that_rarely_consents_is_flagged() -> None:
    report = _report({"consumer": 48, "business": 15, "premium": 2, "tiny": 1})
    rows = {r["value"]: r for r in report["dimensions"]["segment"]}
    assert rows["premium"]["ratio"] < 0.8 and rows["premium"]["status"] == "flagged"
    assert rows["premium"]["consent_exclusion_rate"] == pytest.approx(0.85)
    assert rows["consumer"]["status"] == "ok" and 0.8 <= rows["consumer"]["ratio"] <= 1.25
    assert rows["tiny"]["status"] == "too_small"  # 2 extracted: reported, not judged
    assert report["flagged"] == ["segment=premium"]
    assert report["too_small"] == ["segment=tiny"]
    assert not report["success"] and not report["blocked"]  # the default action is warn
    assert report["totals"]["extracted"] == 102 + 4 and report["totals"]["unattributed"] == 4


def test_block_action_marks_the_report_blocked() -> None:
    policy = POLICY.model_copy(update={"bounds": RepresentationBounds(action="block")})
    report = _report({"consumer": 48, "business": 15, "premium": 2, "tiny": 1}, policy=policy)
    assert report["blocked"]


def test_balanced_publication_passes() -> None:
    report = _report({"consumer": 30, "business": 10, "premium": 10, "tiny": 1})
    assert report["flagged"] == []


def test_drift_against_trailing_partitions() -> None:
    before = _report({"consumer": 30, "business": 10, "premium": 10, "tiny": 1})
    now = _report({"consumer": 48, "business": 15, "premium": 2, "tiny": 1}, previous=[before, before])
    changes = {c["value"]: c["change"] for c in now["drift"]["changes"]}
    assert changes["premium"] < -0.15
    drift = [e for e in now["expectations"] if e["expectation"] == representation.DRIFT_EXPECTATION]
    assert {e["value"] for e in drift if not e["success"]} >= {"premium"}


def test_window_report_sums_partitions() -> None:
    one = _report({"consumer": 48, "business": 15, "premium": 2, "tiny": 1})
    window = representation.window_report([one, one], POLICY)
    rows = {r["value"]: r for r in window["dimensions"]["segment"]}
    assert rows["premium"]["extracted"] == 40 and rows["premium"]["published"] == 4
    assert rows["premium"]["ratio"] == pytest.approx(one["dimensions"]["segment"][2]["ratio"], abs=1e-3)
    assert window["totals"]["unattributed"] == 8 and window["flags"] == {"health": 4}


def test_group_counts_carry_counts_only() -> None:
    conversations = [
        {"source": "chat", "channel": "chat", "language": "en-GB", "segment": "premium", "customer_id": "c1"},
        {"source": "chat", "channel": "chat", "language": "en-GB", "segment": None, "customer_id": "c2"},
    ]
    decisions = [SimpleNamespace(granted=True, notice_version="2024-01"), SimpleNamespace(granted=False)]
    counts = audit_groups.count_groups(conversations, decisions)
    assert counts["extracted"]["segment"] == {"premium": 1, "unknown": 1}
    assert counts["consented"]["segment"] == {"premium": 1}
    assert counts["notice_versions"] == {"2024-01": 1}
    assert "c1" not in repr(counts)
    merged = audit_groups.merge_groups([counts, None, counts])
    assert merged["extracted"]["segment"] == {"premium": 2, "unknown": 2}


def test_out_of_bounds_by_chance_is_not_flagged() -> None:
    """6 of 10 kept against 50 of 100: ratio 1.19 at best noise; 2 of 10 against 50 of 100 is not."""
    groups = {
        "extracted": {"segment": {"a": 10, "b": 100}, "source": {"tickets": 110}},
        "consented": {"segment": {"a": 10, "b": 100}, "source": {"tickets": 110}},
    }

    def status(kept: int, policy: AuditPolicy = POLICY) -> str:
        report = representation.representation_report(
            groups=groups,
            published={"segment": {"a": kept, "b": 50}, "source": {"tickets": kept + 50}},
            suppressed={},
            flags={},
            unattributed=0,
            policy=policy,
        )
        return next(r["status"] for r in report["dimensions"]["segment"] if r["value"] == "a")

    assert status(3) == "not_significant"  # ratio 0.64, p ~ 0.2
    assert status(0) == "flagged"
    bounds_only = POLICY.model_copy(update={"bounds": RepresentationBounds(significance=None)})
    assert status(3, bounds_only) == "flagged"
