"""The audit sample: a seeded random sample of a published partition, stratified by source and channel.

Why proportional allocation (largest remainder) and no minimum per stratum: a proportionally allocated
stratified sample is self-weighting, so the share of sampled records with missed personal data estimates
the partition's share directly and the plain Wilson bound in ``leak`` stays valid; stratifying still
guarantees that every large enough source and channel is looked at, instead of leaving it to chance.

The draw is a keyed hash of each record id (seeded by policy and partition): the same partition gives the
same sample on every rerun, and the sampler sees each record once as it streams to the publisher, keeping
at most ``size`` records per stratum (memory bounded by the sample, not by the partition).
"""

from __future__ import annotations

import hashlib
import heapq
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator


def sample_size(total: int, *, count: int | None, fraction: float | None) -> int:
    """How many records to draw from a partition of ``total``: a fraction (rounded up) or a count."""
    wanted = math.ceil(fraction * total) if fraction is not None else (count or 0)
    return max(0, min(total, wanted))


def stratum(record: dict[str, Any]) -> tuple[str, str]:
    return str(record.get("source") or ""), str(record.get("channel") or "")


def allocate(sizes: dict[tuple[str, str], int], n: int) -> dict[tuple[str, str], int]:
    """Split ``n`` over strata in proportion to their sizes (largest remainder; ties by stratum)."""
    total = sum(sizes.values())
    if total == 0 or n <= 0:
        return {s: 0 for s in sizes}
    n = min(n, total)
    exact = {s: n * size / total for s, size in sizes.items()}
    quota = {s: math.floor(v) for s, v in exact.items()}
    left = n - sum(quota.values())
    for s in sorted(sizes, key=lambda s: (-(exact[s] - quota[s]), s))[:left]:
        quota[s] += 1
    return quota


@dataclass
class AuditSampler:
    """Watches rows (``{"record", "customer_id", "scope", ...}``) go by and keeps a stratified sample."""

    size: int
    seed: str
    _kept: dict[tuple[str, str], list[tuple[int, str, dict[str, Any]]]] = field(default_factory=dict)
    _sizes: dict[tuple[str, str], int] = field(default_factory=dict)
    _ids: set[str] = field(default_factory=set)  # record ids among the kept candidates

    def _draw(self, record_id: str) -> int:
        # negated so that heapq's min-heap keeps the ``size`` smallest draws of each stratum
        return -int.from_bytes(hashlib.sha256(f"{self.seed}:{record_id}".encode()).digest()[:8], "big")

    def observe(self, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Pass the rows through unchanged, remembering the candidates."""
        for row in rows:
            if self.size > 0:
                record = row["record"]
                key = stratum(record)
                self._sizes[key] = self._sizes.get(key, 0) + 1
                kept = self._kept.setdefault(key, [])
                entry = (self._draw(record["record_id"]), record["record_id"], row)
                if len(kept) < self.size:
                    heapq.heappush(kept, entry)
                    self._ids.add(entry[1])
                elif entry[:2] > kept[0][:2]:
                    self._ids.discard(heapq.heapreplace(kept, entry)[1])
                    self._ids.add(entry[1])
            yield row

    def is_candidate(self, record_id: str) -> bool:
        """Whether the record may still be drawn (it is among the kept candidates so far)."""
        return record_id in self._ids

    def sample(self) -> list[dict[str, Any]]:
        """The drawn rows, by stratum then draw order."""
        quota = allocate(self._sizes, self.size)
        drawn = []
        for key in sorted(self._kept):
            best = sorted(self._kept[key], key=lambda e: (-e[0], e[1]))[: quota[key]]
            drawn += [row for _, _, row in best]
        return drawn

    @property
    def strata(self) -> dict[str, int]:
        """Records seen per stratum (``source/channel``), for the manifest."""
        return {f"{s}/{c}": n for (s, c), n in sorted(self._sizes.items())}
