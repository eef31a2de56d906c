"""Aggregates: counts by topic x channel x segment x day, cells under k suppressed, manifest last."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter

from support_curation.audit import aggregates
from support_curation.layout import Area, PartitionRef
from support_curation.storage import open_storage

DIMS = ["topic", "channel", "segment"]
REF = PartitionRef("support_conversations", "dt=2024-03-01")


def _cells() -> Counter:
    records = (
        [{"flags": [], "channel": "email", "segment": "consumer"}] * 12
        + [{"flags": ["health"], "channel": "phone", "segment": "consumer"}] * 2
        + [{"flags": ["health", "financial_hardship"], "channel": "chat", "segment": "other"}] * 5
    )
    return Counter(aggregates.cell_key(r, DIMS) for r in records)


def test_small_cells_are_suppressed(tmp_path) -> None:
    storage = open_storage(str(tmp_path))
    manifest = aggregates.publish_aggregates(
        storage, REF, day="2024-03-01", dimensions=DIMS, cells=_cells(), k_min=5, metadata={}
    )
    rows = aggregates.read_cells(storage, REF)
    assert all(int(r["conversations"]) >= 5 for r in rows)
    assert {(r["topic"], r["channel"]) for r in rows} == {
        ("none", "email"),
        ("financial_hardship+health", "chat"),
    }
    assert manifest["cells"] == 2 and manifest["cells_suppressed"] == 1
    # only how many cells were suppressed is said, not how many conversations they held
    assert not any("suppressed" in key and key != "cells_suppressed" for key in manifest)
    assert manifest["files"][0]["records"] == 2
    body = storage.get_bytes(REF.key(Area.AGGREGATES, manifest["files"][0]["key"]))
    assert hashlib.sha256(body).hexdigest() == manifest["files"][0]["sha256"]
    assert list(csv.reader(io.StringIO(body.decode())))[0] == ["day", *DIMS, "conversations"]


def test_rewrite_is_byte_identical_and_drops_superseded_files(tmp_path) -> None:
    storage = open_storage(str(tmp_path))
    first = aggregates.publish_aggregates(
        storage, REF, day="2024-03-01", dimensions=DIMS, cells=_cells(), k_min=5, metadata={}
    )
    snapshot = {k: storage.get_bytes(k) for k in storage.list("")}
    again = aggregates.publish_aggregates(
        storage, REF, day="2024-03-01", dimensions=DIMS, cells=_cells(), k_min=5, metadata={}
    )
    assert again == first and {k: storage.get_bytes(k) for k in storage.list("")} == snapshot
    aggregates.publish_aggregates(
        storage, REF, day="2024-03-01", dimensions=DIMS, cells=_cells(), k_min=2, metadata={}
    )
    keys = storage.list(REF.prefix(Area.AGGREGATES) + "/")
    assert len(keys) == 2  # one CSV, one manifest
    assert json.loads(storage.get_bytes(REF.key(Area.AGGREGATES, "_manifest.json")))["cells"] == 3
