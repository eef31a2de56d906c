"""The audit sample (seeded, stratified, bounded) and the Wilson bound behind the leak estimate."""

from __future__ import annotations

import pytest
from faker import Faker

from support_curation.review.leak import LeakEstimate, combine, release_status, wilson_upper
from support_curation.review.sampling import AuditSampler, allocate, sample_size


def _rows(n: int, seed: int = 3) -> list[dict]:
    fake = Faker()
    Faker.seed(seed)
    strata = [("tickets", "email")] * 6 + [("tickets", "phone")] * 3 + [("chat", "chat")]
    rows = []
    for i in range(n):
        source, channel = strata[i % len(strata)]
        rows.append({"record": {"record_id": fake.sha1()[:32], "source": source, "channel": channel}})
    return rows


def test_sample_size_by_count_or_fraction():
    assert sample_size(1000, count=25, fraction=None) == 25
    assert sample_size(10, count=25, fraction=None) == 10
    assert sample_size(1001, count=25, fraction=0.01) == 11  # the fraction wins, rounded up
    assert sample_size(0, count=25, fraction=None) == 0


def test_allocation_is_proportional_and_exact():
    quota = allocate({("a", "x"): 600, ("b", "y"): 300, ("c", "z"): 100}, 25)
    assert sum(quota.values()) == 25
    assert quota == {("a", "x"): 15, ("b", "y"): 8, ("c", "z"): 2}  # 15, 7.5, 2.5: a tie goes by name


def test_sample_is_seeded_stratified_and_a_pass_through():
    rows = _rows(1000)
    sampler = AuditSampler(size=20, seed="0:ds:dt=2024-06-10")
    assert list(sampler.observe(rows)) == rows  # the publisher still gets every row
    drawn = sampler.sample()
    assert len(drawn) == 20
    by_stratum = {}
    for row in drawn:
        key = (row["record"]["source"], row["record"]["channel"])
        by_stratum[key] = by_stratum.get(key, 0) + 1
    assert by_stratum == {("tickets", "email"): 12, ("tickets", "phone"): 6, ("chat", "chat"): 2}
    again = AuditSampler(size=20, seed="0:ds:dt=2024-06-10")
    list(again.observe(reversed(rows)))  # order of arrival does not matter
    assert [r["record"]["record_id"] for r in again.sample()] == [r["record"]["record_id"] for r in drawn]
    other = AuditSampler(size=20, seed="0:ds:dt=2024-06-11")
    list(other.observe(rows))
    assert {r["record"]["record_id"] for r in other.sample()} != {r["record"]["record_id"] for r in drawn}
    # memory: at most `size` candidates per stratum, whatever the partition's size
    assert all(len(kept) <= 20 for kept in sampler._kept.values())


@pytest.mark.parametrize(
    ("misses", "n", "upper"),
    [
        (0, 25, 0.133193),  # z² / (n + z²)
        (0, 73, 0.049998),
        (1, 20, 0.236131),  # the textbook Wilson interval for 1/20: [0.0089, 0.2361]
        (5, 50, 0.213610),
        (0, 0, 1.0),
    ],
)
def test_wilson_upper_bound(misses, n, upper):
    assert wilson_upper(misses, n) == pytest.approx(upper, abs=1e-5)


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError):
        wilson_upper(3, 2)


def test_release_status_follows_policy():
    clean = LeakEstimate(sampled=25, reviewed=25, with_missed_pii=0)
    half = LeakEstimate(sampled=25, reviewed=12, with_missed_pii=0)
    leaky = LeakEstimate(sampled=25, reviewed=25, with_missed_pii=3)
    assert release_status(half, require_audit=False, max_leak_upper=0.15) == "released"
    assert release_status(clean, require_audit=True, max_leak_upper=0.15) == "released"
    assert release_status(half, require_audit=True, max_leak_upper=0.15) == "pending_review"
    assert release_status(leaky, require_audit=True, max_leak_upper=0.15) == "pending_review"
    assert release_status(clean, require_audit=True, max_leak_upper=0.05) == "pending_review"


def test_window_pools_partitions():
    pooled = combine([LeakEstimate(25, 25, 1), LeakEstimate(25, 20, 0)])
    assert (pooled.sampled, pooled.reviewed, pooled.with_missed_pii) == (50, 45, 1)
    assert pooled.as_dict()["upper_95"] == pytest.approx(wilson_upper(1, 45), abs=1e-6)
    assert not pooled.complete
