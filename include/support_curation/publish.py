"""Atomic, idempotent publication of one partition of a training set.

Files are content-addressed (``part-00000-<sha256 prefix>.jsonl.gz``, ``_subjects-<sha>.json``), so a
new version of a partition never overwrites a file the current manifest lists. Order of writes:
new data files, new subject index, then ``_manifest.json`` (one atomic put: the switch), then the
files no manifest lists any more are removed. A failure at any point leaves the previous version
readable and complete; the same rows give the same names and bytes, so a rerun changes nothing.

Every write of a partition holds its lock (:func:`partition_lock`, an object in the output storage): two
runs of the same day, an enforcement rewrite and a review decision never interleave. A rewrite that reads
the current version first (enforcement, review) takes the lock around its read too; the lock is
re-entrant, so the ``publish_partition`` inside it does not wait for itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from typing import TYPE_CHECKING, Any

from support_curation.config import PROJECT_ROOT
from support_curation.layout import Area, PartitionRef, area_prefix

# re-exported: every rewriter takes the partition lock through this module
from support_curation.partition_lock import PartitionLocked as PartitionLocked
from support_curation.partition_lock import partition_lock as partition_lock
from support_curation.records import WrittenFile, encode_jsonl_gz, key_id, read_jsonl_gz, subject_id

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from support_curation.storage import Storage

MANIFEST = "_manifest.json"
RECORDS_PER_PART = 5_000


@dataclass(frozen=True)
class Manifest:
    uri: str
    files: list[WrittenFile]
    body: dict[str, Any]


def partition_prefix(dataset: str, partition: str) -> str:
    return PartitionRef(dataset, partition).training


def code_version() -> str:
    """The code that made a partition: CURATION_CODE_VERSION (set by image builds), else the git commit."""
    if version := os.environ.get("CURATION_CODE_VERSION"):
        return version
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        return f"git:{commit}"
    except (OSError, subprocess.CalledProcessError):
        return f"package:{importlib_metadata.version('support-curation')}"


def publish_partition(
    storage: Storage,
    *,
    dataset: str,
    partition: str,
    rows: Iterable[tuple[dict[str, Any], str]],
    hmac_key: str,
    metadata: dict[str, Any],
    records_per_part: int = RECORDS_PER_PART,
    subjects_hashed: bool = False,
) -> Manifest:
    """Write ``(record, customer_id)`` rows as gzip JSONL parts plus subject index and manifest.

    Rows must arrive in a deterministic order; the same rows give byte-identical files. With
    ``subjects_hashed`` the rows carry subject hashes instead of customer ids: a rewrite of a published
    partition (consent enforcement) only has the index's hashes, never the raw ids.
    """
    with partition_lock(storage, dataset, partition):
        return _publish(
            storage, dataset, partition, rows, hmac_key, metadata, records_per_part, subjects_hashed
        )


def _publish(
    storage: Storage,
    dataset: str,
    partition: str,
    rows: Iterable[tuple[dict[str, Any], str]],
    hmac_key: str,
    metadata: dict[str, Any],
    records_per_part: int,
    subjects_hashed: bool,
) -> Manifest:
    prefix = partition_prefix(dataset, partition)
    existing = set(storage.list(prefix + "/"))

    files: list[WrittenFile] = []
    subjects: dict[str, list[str]] = {}
    part: list[dict[str, Any]] = []

    def flush() -> None:
        if part:
            data, count = encode_jsonl_gz(part)
            files.append(_put_addressed(storage, f"{prefix}/part-{len(files):05d}", ".jsonl.gz", data, count))
            part.clear()

    for record, customer_id in rows:
        part.append(record)
        subject = customer_id if subjects_hashed else subject_id(hmac_key, customer_id)
        subjects.setdefault(subject, []).append(record["record_id"])
        if len(part) >= records_per_part:
            flush()
    flush()

    index = json.dumps({k: sorted(v) for k, v in sorted(subjects.items())}, indent=1).encode()
    subject_file = _put_addressed(storage, f"{prefix}/_subjects", ".json", index, len(subjects))
    body = {
        "dataset": dataset,
        "partition": partition,
        "format": "jsonl.gz",
        "files": [_relative(f, prefix) for f in files],
        "records": sum(f.records for f in files),
        "subject_index": _relative(subject_file, prefix),
        "code_version": code_version(),
        # which key made the record ids and subject hashes (a rewrite carries the original's over)
        **({} if subjects_hashed else {"key_id": key_id(hmac_key)}),
        **metadata,
    }
    storage.put_bytes(f"{prefix}/{MANIFEST}", json.dumps(body, indent=2, sort_keys=True).encode())
    current = {f.key for f in files} | {subject_file.key, f"{prefix}/{MANIFEST}"}
    storage.delete(sorted(existing - current))
    return Manifest(uri=storage.uri(f"{prefix}/{MANIFEST}"), files=files, body=body)


def _put_addressed(storage: Storage, stem: str, suffix: str, data: bytes, count: int) -> WrittenFile:
    digest = hashlib.sha256(data).hexdigest()
    key = f"{stem}-{digest[:16]}{suffix}"
    storage.put_bytes(key, data)
    return WrittenFile(key, digest, count, len(data))


def _relative(written: WrittenFile, prefix: str) -> dict[str, Any]:
    return written.as_dict() | {"key": written.key.removeprefix(prefix + "/")}


def read_manifest(storage: Storage, dataset: str, partition: str) -> dict[str, Any] | None:
    """The partition's manifest, or None when the partition is not (or not yet) published."""
    key = f"{partition_prefix(dataset, partition)}/{MANIFEST}"
    return json.loads(storage.get_bytes(key)) if storage.exists(key) else None


def verify_partition(storage: Storage, dataset: str, partition: str) -> bool:
    """True when every file the manifest lists is present with the recorded sha256."""
    manifest = read_manifest(storage, dataset, partition)
    if manifest is None:
        return False
    prefix = partition_prefix(dataset, partition)
    listed = [*manifest["files"], manifest["subject_index"]]
    return all(
        storage.exists(f"{prefix}/{f['key']}")
        and hashlib.sha256(storage.get_bytes(f"{prefix}/{f['key']}")).hexdigest() == f["sha256"]
        for f in listed
    )


def read_subject_index(storage: Storage, dataset: str, partition: str) -> dict[str, list[str]]:
    """Subject hash -> record ids of the partition's current version (empty when unpublished)."""
    manifest = read_manifest(storage, dataset, partition)
    if manifest is None:
        return {}
    key = f"{partition_prefix(dataset, partition)}/{manifest['subject_index']['key']}"
    return json.loads(storage.get_bytes(key))


def read_partition_records(storage: Storage, dataset: str, partition: str) -> Iterator[dict[str, Any]]:
    """The records of the partition's current version, in manifest order."""
    manifest = read_manifest(storage, dataset, partition) or {"files": []}
    prefix = partition_prefix(dataset, partition)
    for listed in manifest["files"]:
        yield from read_jsonl_gz(storage, f"{prefix}/{listed['key']}")


def published_partitions(storage: Storage, dataset: str) -> list[str]:
    """Partitions with a manifest, oldest first."""
    prefix = area_prefix(Area.TRAINING, dataset)
    return sorted(
        key.removeprefix(prefix).split("/")[0] for key in storage.list(prefix) if key.endswith("/" + MANIFEST)
    )
