from __future__ import annotations

import pytest

from support_curation.storage import LocalStorage, open_storage


def test_local_storage_round_trip_and_listing(tmp_path):
    storage = open_storage(str(tmp_path))
    assert isinstance(storage, LocalStorage)
    storage.put_bytes("a/dt=2024-01-01/x.json", b"1")
    storage.put_bytes("a/dt=2024-01-02/y.json", b"2")
    assert storage.get_bytes("a/dt=2024-01-01/x.json") == b"1"
    assert storage.list("a/dt=2024-01-0") == ["a/dt=2024-01-01/x.json", "a/dt=2024-01-02/y.json"]
    assert storage.list("a/dt=2024-01-01/") == ["a/dt=2024-01-01/x.json"]
    assert storage.list("missing/") == []
    storage.delete(["a/dt=2024-01-01/x.json", "not/there"])
    assert not storage.exists("a/dt=2024-01-01/x.json")


def test_keys_cannot_escape_the_root(tmp_path):
    with pytest.raises(ValueError, match="escapes"):
        open_storage(str(tmp_path / "root")).put_bytes("../outside", b"")


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="unsupported"):
        open_storage("gs://bucket/prefix")


@pytest.mark.parametrize(
    "data", [b"", b"one", b"a\nb\n", b"a\r\n\r\nb", b"a\rb\n\n", b'{"x": 1}\n\xff\xfe broken\n']
)
def test_iter_lines_streams_what_splitlines_gives(tmp_path, data):
    storage = open_storage(str(tmp_path))
    storage.put_bytes("chats/x.jsonl", data)
    assert list(storage.iter_lines("chats/x.jsonl")) == data.splitlines()
