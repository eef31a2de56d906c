"""Aggregates for analysts who need no text: conversations counted by topic x channel x segment x day.

Published as their own dataset under ``aggregates/<dataset>/dt=.../``: a content-addressed CSV, then
``_manifest.json`` last (the same switch as the training sets: readers trust a partition with a
manifest). Cells counting fewer than ``k_min`` conversations are suppressed: left out, and only the
number of suppressed cells is recorded, not their total (which a reader could subtract back out).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import TYPE_CHECKING, Any

from support_curation.layout import Area, PartitionRef

if TYPE_CHECKING:
    from collections import Counter
    from collections.abc import Iterable, Mapping

    from support_curation.storage import Storage

MANIFEST = "_manifest.json"
NO_TOPIC = "none"
COUNT_COLUMN = "conversations"


def cell_key(record: Mapping[str, Any], dimensions: Iterable[str]) -> tuple[str, ...]:
    """The record's cell: its topic (sensitive-topic flags, or ``none``) and other published fields."""
    key = []
    for name in dimensions:
        if name == "topic":
            key.append("+".join(sorted(record.get("flags") or [])) or NO_TOPIC)
        else:
            value = record.get(name)
            key.append("" if value is None else str(value))
    return tuple(key)


def suppress_small(
    cells: Counter[tuple[str, ...]], k_min: int
) -> tuple[list[tuple[tuple[str, ...], int]], int]:
    """(cells kept, sorted; number of cells suppressed because they count fewer than k_min)."""
    kept = sorted((key, count) for key, count in cells.items() if count >= k_min)
    return kept, sum(1 for count in cells.values() if count < k_min)


def encode_csv(day: str, dimensions: list[str], kept: list[tuple[tuple[str, ...], int]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["day", *dimensions, COUNT_COLUMN])
    for key, count in kept:
        writer.writerow([day, *key, count])
    return buffer.getvalue().encode()


def publish_aggregates(
    storage: Storage,
    ref: PartitionRef,
    *,
    day: str,
    dimensions: list[str],
    cells: Counter[tuple[str, ...]],
    k_min: int,
    metadata: Mapping[str, Any],
) -> dict[str, Any]:
    """Write the partition's counts (small cells suppressed), then its manifest; drop superseded files."""
    prefix = ref.prefix(Area.AGGREGATES)
    existing = set(storage.list(prefix + "/"))
    kept, suppressed_cells = suppress_small(cells, k_min)
    data = encode_csv(day, dimensions, kept)
    digest = hashlib.sha256(data).hexdigest()
    name = f"counts-{digest[:16]}.csv"
    storage.put_bytes(f"{prefix}/{name}", data)
    manifest = {
        "dataset": ref.dataset,
        "partition": ref.partition,
        "format": "csv",
        "columns": ["day", *dimensions, COUNT_COLUMN],
        "files": [{"key": name, "sha256": digest, "bytes": len(data), "records": len(kept)}],
        "k_min": k_min,
        "cells": len(kept),
        "cells_suppressed": suppressed_cells,
        **metadata,
    }
    storage.put_bytes(f"{prefix}/{MANIFEST}", json.dumps(manifest, indent=2, sort_keys=True).encode())
    storage.delete(sorted(existing - {f"{prefix}/{name}", f"{prefix}/{MANIFEST}"}))
    return manifest


def read_cells(storage: Storage, ref: PartitionRef) -> list[dict[str, str]]:
    """The published cells of an aggregates partition (empty when it has no manifest)."""
    prefix = ref.prefix(Area.AGGREGATES)
    if not storage.exists(f"{prefix}/{MANIFEST}"):
        return []
    manifest = json.loads(storage.get_bytes(f"{prefix}/{MANIFEST}"))
    rows: list[dict[str, str]] = []
    for listed in manifest["files"]:
        text = storage.get_bytes(f"{prefix}/{listed['key']}").decode()
        rows += list(csv.DictReader(io.StringIO(text)))
    return rows
