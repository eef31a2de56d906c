"""Retention: partitions older than the policy's retention period leave every area of the output root.

A day's partition exists in up to four areas (training set, quarantine, review items, reports); all of
them hold something derived from that day's conversations, so all of them expire together.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from support_curation import publish
from support_curation.layout import Area, PartitionRef, area_prefix, partition_day, partitions_in

if TYPE_CHECKING:
    from datetime import date

    from support_curation.storage import Storage

log = logging.getLogger(__name__)

# areas without a manifest: everything under an old partition folder goes
UNMANAGED_AREAS = (Area.QUARANTINE, Area.REVIEW, Area.REPORTS)


def partition_date(partition: str) -> date | None:
    """The day of a ``dt=YYYY-MM-DD`` partition (None for any other name)."""
    try:
        return partition_day(partition)
    except ValueError:
        return None


def _is_old(partition: str, older_than: date) -> bool:
    day = partition_date(partition)
    return day is not None and day < older_than


def expire_partitions(storage: Storage, dataset: str, older_than: date) -> list[dict[str, Any]]:
    """Delete published partitions whose day is before ``older_than``. Returns partitions and record counts.

    The manifest goes first: from then on no reader trusts the partition, and a failure before the data
    files are gone leaves only untrusted leftovers that the next run (or a republish) removes.
    """
    expired = []
    for partition in publish.published_partitions(storage, dataset):
        if not _is_old(partition, older_than):
            continue
        ref = PartitionRef(dataset, partition)
        with publish.partition_lock(storage, dataset, partition):  # not while someone republishes it
            manifest = publish.read_manifest(storage, dataset, partition) or {}
            storage.delete([ref.key(Area.TRAINING, publish.MANIFEST)])
            storage.delete(storage.list(ref.training + "/"))
        expired.append({"partition": partition, "records": int(manifest.get("records", 0))})
    # leftovers of partitions expired by an interrupted earlier run: no manifest, old enough
    leftovers = partitions_in(storage.list(area_prefix(Area.TRAINING, dataset)), Area.TRAINING, dataset)
    for partition, keys in sorted(leftovers.items()):
        if _is_old(partition, older_than):
            storage.delete(keys)
    return expired


def expire_other_areas(storage: Storage, dataset: str, older_than: date) -> list[dict[str, Any]]:
    """Delete quarantine, review and report partitions whose day is before ``older_than``.

    Returns one entry per area and partition with the number of objects removed (no content, no names).
    """
    expired = []
    for area in UNMANAGED_AREAS:
        grouped = partitions_in(storage.list(area_prefix(area, dataset)), area, dataset)
        for partition, keys in sorted(grouped.items()):
            if _is_old(partition, older_than):
                storage.delete(keys)
                expired.append({"area": str(area), "partition": partition, "objects": len(keys)})
    if expired:
        log.info("expired %d partitions outside the training area", len(expired))
    return expired
