"""Atomic, idempotent publication of one partition of a training set.

Order of writes: the old manifest is withdrawn, data files are written, stale files removed, the
subject index written, and ``_manifest.json`` last. Readers trust a partition only through its
manifest (files listed with sha256), so they never take a half-written partition for a whole one.
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
from support_curation.records import WrittenFile, subject_id, write_jsonl_gz

if TYPE_CHECKING:
    from collections.abc import Iterable

    from support_curation.storage import Storage

MANIFEST = "_manifest.json"
SUBJECTS = "_subjects.json"
RECORDS_PER_PART = 5_000


@dataclass(frozen=True)
class Manifest:
    uri: str
    files: list[WrittenFile]
    body: dict[str, Any]


def partition_prefix(dataset: str, partition: str) -> str:
    return f"training_sets/{dataset}/{partition}"


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
) -> Manifest:
    """Write ``(record, customer_id)`` rows as gzip JSONL parts plus subject index and manifest.

    Rows must arrive in a deterministic order; the same rows give byte-identical files.
    """
    prefix = partition_prefix(dataset, partition)
    existing = set(storage.list(prefix + "/"))
    storage.delete([f"{prefix}/{MANIFEST}"])  # readers stop trusting the partition while it changes

    files: list[WrittenFile] = []
    subjects: dict[str, list[str]] = {}
    part: list[dict[str, Any]] = []

    def flush() -> None:
        if part:
            files.append(write_jsonl_gz(storage, f"{prefix}/part-{len(files):05d}.jsonl.gz", part))
            part.clear()

    for record, customer_id in rows:
        part.append(record)
        subjects.setdefault(subject_id(hmac_key, customer_id), []).append(record["record_id"])
        if len(part) >= records_per_part:
            flush()
    flush()

    subject_body = json.dumps(
        {k: sorted(v) for k, v in sorted(subjects.items())}, indent=1, sort_keys=True
    ).encode()
    storage.put_bytes(f"{prefix}/{SUBJECTS}", subject_body)
    written = {f.key for f in files} | {f"{prefix}/{SUBJECTS}", f"{prefix}/{MANIFEST}"}
    storage.delete(sorted(existing - written))

    body = {
        "dataset": dataset,
        "partition": partition,
        "format": "jsonl.gz",
        "files": [_relative(f, prefix) for f in files],
        "records": sum(f.records for f in files),
        "subject_index": {"key": SUBJECTS, "sha256": hashlib.sha256(subject_body).hexdigest()},
        "code_version": code_version(),
        **metadata,
    }
    storage.put_bytes(f"{prefix}/{MANIFEST}", json.dumps(body, indent=2, sort_keys=True).encode())
    return Manifest(uri=storage.uri(f"{prefix}/{MANIFEST}"), files=files, body=body)


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
    return all(
        hashlib.sha256(storage.get_bytes(f"{prefix}/{f['key']}")).hexdigest() == f["sha256"]
        for f in manifest["files"]
    )


def published_partitions(storage: Storage, dataset: str) -> list[str]:
    """Partitions with a manifest, oldest first."""
    prefix = f"training_sets/{dataset}/"
    return sorted(
        key.removeprefix(prefix).split("/")[0] for key in storage.list(prefix) if key.endswith("/" + MANIFEST)
    )
