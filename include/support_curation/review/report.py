"""The leak report: per partition and for a window of partitions, from the manifests' review fields.

Counts only: records sampled, reviewed, with missed personal data, the 95 % upper bound, the release
status, and the missed-data marks by type (where recognizer work would pay).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from support_curation import publish
from support_curation.review.leak import LeakEstimate, combine
from support_curation.review.names import RELEASED

if TYPE_CHECKING:
    from support_curation.storage import Storage


def released_partitions(storage: Storage, dataset: str) -> list[str]:
    """Published partitions a consumer may use: status ``released`` (absent: published before release
    statuses existed, which released on publication). ``pending_review`` ones wait for their audit."""
    return [
        partition
        for partition in publish.published_partitions(storage, dataset)
        if (publish.read_manifest(storage, dataset, partition) or {}).get("status", RELEASED) == RELEASED
    ]


def partition_estimate(manifest: dict[str, Any]) -> LeakEstimate:
    leak = (manifest.get("review") or {}).get("leak") or {}
    return LeakEstimate(
        sampled=int(leak.get("audit_sample", 0)),
        reviewed=int(leak.get("reviewed", 0)),
        with_missed_pii=int(leak.get("with_missed_pii", 0)),
    )


def leak_report(
    storage: Storage, dataset: str, since: str | None = None, until: str | None = None
) -> dict[str, Any]:
    """Per published partition in ``[since, until]`` (``dt=`` names, inclusive) and pooled over them."""
    partitions = []
    estimates = []
    missed: dict[str, int] = {}
    for partition in publish.published_partitions(storage, dataset):
        if (since and partition < since) or (until and partition > until):
            continue
        manifest = publish.read_manifest(storage, dataset, partition) or {}
        estimate = partition_estimate(manifest)
        estimates.append(estimate)
        by_type = (manifest.get("review") or {}).get("missed_pii_by_type") or {}
        for kind, count in by_type.items():
            missed[kind] = missed.get(kind, 0) + int(count)
        partitions.append(
            {"partition": partition, "status": manifest.get("status", "released"), **estimate.as_dict()}
        )
    return {
        "dataset": dataset,
        "window": {"since": since, "until": until, "partitions": len(partitions)},
        "pooled": combine(estimates).as_dict(),
        "missed_pii_by_type": dict(sorted(missed.items())),
        "partitions": partitions,
    }
