"""Erasure in the quarantine area: drop the items of erased subjects from its JSONL files.

Quarantine items hold a reference and a reason (and, for a failed validation batch, redacted records);
an item about a known customer carries that customer's keyed hash as ``subject`` (the same hash as the
training sets' subject index), never the id. Items without a ``subject`` belong to nobody known
(an unparsable line) and stay. Each changed file is written again whole under its own key: one put, so a
reader sees the old file or the new one.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from support_curation.layout import Area, area_prefix, partitions_in
from support_curation.records import encode_jsonl_gz, read_jsonl_gz

if TYPE_CHECKING:
    from collections.abc import Collection

    from support_curation.storage import Storage

log = logging.getLogger(__name__)

JSONL_GZ = ".jsonl.gz"


def remove_subjects_from_quarantine(
    storage: Storage, dataset: str, subject_hashes: Collection[str]
) -> list[dict[str, Any]]:
    """Rewrite every quarantine file holding items of these subjects without them.

    Returns ``{"partition", "removed"}`` per partition that changed; a second run changes nothing.
    """
    wanted = set(subject_hashes)
    changed: list[dict[str, Any]] = []
    if not wanted:
        return changed
    grouped = partitions_in(storage.list(area_prefix(Area.QUARANTINE, dataset)), Area.QUARANTINE, dataset)
    for partition, keys in sorted(grouped.items()):
        removed = sum(_drop_items(storage, key, wanted) for key in keys if key.endswith(JSONL_GZ))
        if removed:
            changed.append({"partition": partition, "removed": removed})
    if changed:
        log.info("removed %d quarantine items", sum(c["removed"] for c in changed))
    return changed


def _drop_items(storage: Storage, key: str, wanted: set[str]) -> int:
    items = list(read_jsonl_gz(storage, key))
    kept = [item for item in items if item.get("subject") not in wanted]
    if len(kept) == len(items):
        return 0
    data, _ = encode_jsonl_gz(kept)  # an emptied file stays, empty: readers expect the day's files
    storage.put_bytes(key, data)
    return len(items) - len(kept)
