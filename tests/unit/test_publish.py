from __future__ import annotations

import json

import pytest

from support_curation.publish import (
    MANIFEST,
    partition_prefix,
    publish_partition,
    published_partitions,
    read_manifest,
    read_partition_records,
    read_subject_index,
    verify_partition,
)
from support_curation.records import encode_jsonl_gz, record_id, subject_id
from support_curation.storage import open_storage


def rows(n: int, customers: int = 3):
    for i in range(n):
        yield (
            {"record_id": f"r{i:04d}", "messages": [{"role": "customer", "content": f"hi {i}"}]},
            f"c{i % customers}",
        )


@pytest.fixture
def storage(tmp_path):
    return open_storage(str(tmp_path / "lake"))


def publish(storage, n=7, per_part=3, meta=None):
    return publish_partition(
        storage,
        dataset="ds",
        partition="dt=2024-01-01",
        rows=rows(n),
        hmac_key="k",
        metadata=meta or {"counts": {"published": n}},
        records_per_part=per_part,
    )


def test_manifest_lists_every_file_with_hash_and_counts(storage):
    manifest = publish(storage)
    body = read_manifest(storage, "ds", "dt=2024-01-01")
    assert body == manifest.body
    assert [f["key"][:10] for f in body["files"]] == ["part-00000", "part-00001", "part-00002"]
    assert all(f["key"] == f"{f['key'][:10]}-{f['sha256'][:16]}.jsonl.gz" for f in body["files"])
    assert [f["records"] for f in body["files"]] == [3, 3, 1]
    assert body["records"] == 7 and body["counts"] == {"published": 7}
    assert body["code_version"]
    assert verify_partition(storage, "ds", "dt=2024-01-01")
    assert published_partitions(storage, "ds") == ["dt=2024-01-01"]


def names(storage) -> list[str]:
    return [k.rsplit("/", 1)[1][:10] for k in storage.list(partition_prefix("ds", "dt=2024-01-01"))]


def test_rerun_is_byte_identical_and_removes_stale_parts(storage):
    publish(storage, n=10)
    first = {k: storage.get_bytes(k) for k in storage.list("")}
    publish(storage, n=10)
    assert {k: storage.get_bytes(k) for k in storage.list("")} == first
    publish(storage, n=4)  # fewer records now: the old parts must go
    assert names(storage) == ["_manifest.", "_subjects-", "part-00000", "part-00001"]
    records = list(read_partition_records(storage, "ds", "dt=2024-01-01"))
    assert len(records) == len({r["record_id"] for r in records}) == 4
    assert verify_partition(storage, "ds", "dt=2024-01-01")


def test_a_failure_mid_publish_leaves_the_previous_version_whole(storage, monkeypatch):
    publish(storage, n=7)
    before = list(read_partition_records(storage, "ds", "dt=2024-01-01"))
    real_put = storage.put_bytes
    calls = []

    def failing_put(key, data):
        calls.append(key)
        if len(calls) == 2:  # after the first new part, before the manifest
            raise OSError("injected failure")
        real_put(key, data)

    monkeypatch.setattr(storage, "put_bytes", failing_put)
    with pytest.raises(OSError, match="injected"):
        publish(storage, n=5, per_part=2)
    monkeypatch.undo()
    assert verify_partition(storage, "ds", "dt=2024-01-01")
    assert list(read_partition_records(storage, "ds", "dt=2024-01-01")) == before


def test_tampered_or_missing_manifest_is_not_trusted(storage):
    manifest = publish(storage)
    prefix = partition_prefix("ds", "dt=2024-01-01")
    storage.put_bytes(manifest.files[0].key, b"tampered")
    assert not verify_partition(storage, "ds", "dt=2024-01-01")
    storage.delete([f"{prefix}/{MANIFEST}"])
    assert read_manifest(storage, "ds", "dt=2024-01-01") is None
    assert published_partitions(storage, "ds") == []


def test_subject_index_holds_keyed_hashes_not_ids(storage):
    publish(storage, n=6)
    index = read_subject_index(storage, "ds", "dt=2024-01-01")
    assert "c0" not in json.dumps(index) and set(index) == {subject_id("k", f"c{i}") for i in range(3)}
    assert index[subject_id("k", "c0")] == ["r0000", "r0003"]


def test_record_ids_are_keyed_and_stable():
    assert record_id("k", "chat", "1") == record_id("k", "chat", "1")
    assert record_id("k", "chat", "1") != record_id("other", "chat", "1")
    assert record_id("k", "chat", "1") != record_id("k", "tickets", "1")


def test_gzip_output_is_deterministic():
    assert encode_jsonl_gz([{"b": 1, "a": "é"}]) == encode_jsonl_gz([{"a": "é", "b": 1}])
