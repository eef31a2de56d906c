"""Remove subjects' records from published partitions of the training area.

A removal never edits a published file: it republishes the partition through
:func:`support_curation.publish.publish_partition` (new content-addressed data files and subject index
first, the manifest switch last, then the old files go), so readers see either the old or the new
version, never half of one, and a failure in the middle leaves the previous version whole.

Subjects are found through each partition's subject index (keyed hashes -> record ids), so neither raw
ids nor a scan of every record is needed to find them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from support_curation import publish
from support_curation.audit import amend
from support_curation.layout import PartitionRef
from support_curation.sources.contract import scope_for

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator, Mapping

    from support_curation.config import PipelinePolicy
    from support_curation.storage import Storage

log = logging.getLogger(__name__)

# manifest fields publish_partition computes itself; everything else is carried over on a rewrite
_COMPUTED = ("dataset", "partition", "format", "files", "records", "subject_index")


def record_scope(record: Mapping[str, Any], scope_by_channel: Mapping[str, str]) -> str | None:
    """The consent scope a published record needed, by the sources' own rule; None when unknown."""
    return scope_for(record.get("source"), record.get("channel"), scope_by_channel)


def remove_subjects(
    storage: Storage,
    dataset: str,
    subject_hashes: Collection[str],
    reason: str,
    policy_version: str,
    *,
    scopes: Mapping[str, Collection[str]] | None = None,
    scope_by_channel: Mapping[str, str] | None = None,
    policy: PipelinePolicy | None = None,
) -> list[dict[str, Any]]:
    """Rewrite every published partition that holds any of these subjects, without their records.

    A subject listed in ``scopes`` loses only its records of those scopes (a record whose scope cannot be
    told is removed too: the safe side); every other subject loses all of its records. Only partitions
    whose subject index names a subject, and that have something to drop, are rewritten, so a second run
    is a no-op. The manifest keeps its provenance and gains an ``amendments`` entry, and its counts still
    reconcile (the removed records move from ``published`` to ``excluded["removed:<reason>"]``).
    An audited partition passes the publish-time audit again (:func:`amend.republish`, with ``policy``,
    by default the settings' one): smaller groups may need more generalising or suppression, and its
    ``_datacard.md`` is written again from the new contents.
    """
    wanted = set(subject_hashes)
    changed: list[dict[str, Any]] = []
    if not wanted:
        return changed
    for partition in publish.published_partitions(storage, dataset):
        if not wanted & publish.read_subject_index(storage, dataset, partition).keys():
            continue  # the common case, decided without the lock
        # read, decide and republish under the partition's lock: no pipeline publish, review decision
        # or other enforcement may switch the manifest between our read and our switch
        with publish.partition_lock(storage, dataset, partition):
            entry = _remove_from(
                storage,
                PartitionRef(dataset, partition),
                wanted,
                scopes or {},
                scope_by_channel or {},
                {"reason": reason, "policy_version": policy_version},
                policy,
            )
        if entry:
            changed.append(entry)
    return changed


def _remove_from(
    storage: Storage,
    ref: PartitionRef,
    wanted: set[str],
    scopes: Mapping[str, Collection[str]],
    scope_by_channel: Mapping[str, str],
    why: dict[str, str],
    policy: PipelinePolicy | None,
) -> dict[str, Any] | None:
    index = publish.read_subject_index(storage, ref.dataset, ref.partition)
    hit = wanted & index.keys()
    drop = {rid for subject in hit - scopes.keys() for rid in index[subject]}
    partial = {rid: set(scopes[subject]) for subject in hit & scopes.keys() for rid in index[subject]}
    if partial:
        for record in publish.read_partition_records(storage, ref.dataset, ref.partition):
            revoked = partial.get(record["record_id"])
            if revoked is not None and record_scope(record, scope_by_channel) in revoked | {None}:
                drop.add(record["record_id"])
    manifest = publish.read_manifest(storage, ref.dataset, ref.partition)
    if not drop or manifest is None:  # nothing of theirs in the revoked scopes, or expired meanwhile
        return None
    subjects = sum(1 for subject in hit if drop.intersection(index[subject]))
    republish_without(
        storage, ref, manifest, index, drop, {**why, "removed": len(drop), "subjects": subjects}, policy
    )
    log.info("removed %d records of %d subjects from %s", len(drop), subjects, ref.partition)
    return {"partition": ref.partition, "removed": len(drop)}


def republish_without(
    storage: Storage,
    ref: PartitionRef,
    manifest: dict[str, Any],
    index: dict[str, list[str]],
    drop: set[str],
    amendment: dict[str, Any],
    policy: PipelinePolicy | None = None,
) -> None:
    """Publish the partition again without the ``drop`` record ids, recording why in its manifest."""
    owner = {rid: subject for subject, rids in index.items() for rid in rids}
    kept_entities: dict[str, int] = {}

    def rows() -> Iterator[tuple[dict[str, Any], str]]:
        for record in publish.read_partition_records(storage, ref.dataset, ref.partition):
            if record["record_id"] in drop:
                continue
            for kind, count in (record.get("entities") or {}).items():
                kept_entities[kind] = kept_entities.get(kind, 0) + count
            yield record, owner[record["record_id"]]

    metadata = {k: v for k, v in manifest.items() if k not in _COMPUTED}
    metadata["counts"] = _counts_after(metadata.get("counts") or {}, len(drop), amendment["reason"])
    metadata["amendments"] = [
        *metadata.get("amendments", []),
        {**amendment, "code_version": publish.code_version()},
    ]
    if "entities" in manifest:
        # filled while the rows stream: publish_partition writes the manifest only after the last row
        metadata["entities"] = kept_entities
    # the original validation result stays: removing records cannot add personal data to the rest; the
    # k-anonymity rule is checked again (smaller groups), and a removal is mandatory: never refused
    amend.republish(
        storage,
        dataset=ref.dataset,
        partition=ref.partition,
        rows=rows(),
        metadata=metadata,
        policy=policy,
        mandatory=True,
    )


def _counts_after(counts: Mapping[str, Any], removed: int, reason: str) -> dict[str, Any]:
    """The manifest's counts with ``removed`` records moved from published to excluded."""
    after = dict(counts)
    if "published" in after:
        after["published"] -= removed
        excluded = dict(after.get("excluded") or {})
        excluded[f"removed:{reason}"] = excluded.get(f"removed:{reason}", 0) + removed
        after["excluded"] = dict(sorted(excluded.items()))
    return after
