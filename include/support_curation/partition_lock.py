"""A lock per published partition, so no two writers (a run, a rerun, enforcement, a review decision)
interleave their read-manifest / write-files / switch-manifest steps on the same partition.

Why a lock object in the output storage, and not an Airflow pool or a database advisory lock: a pool
with one slot serialises every partition behind one another, and only inside one DAG, while the
enforcement DAG, the review DAG and the CLI rewrite partitions too. An advisory lock needs a database
every writer shares; the output storage is the one thing they all share already. The lock is an object
created only if absent (``O_CREAT | O_EXCL`` on a folder, ``PutObject`` with ``If-None-Match: *`` on S3,
which AWS and MinIO honour), holding an owner token and a lease. A holder that dies (SIGKILL, a lost
worker) leaves its lock behind; once the lease has run out the next writer breaks it. The lease is
longer than any task's ``execution_timeout``, so a live holder is never broken.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from support_curation.layout import PartitionRef

if TYPE_CHECKING:
    from collections.abc import Iterator

    from support_curation.storage import Storage

LOCK_FOLDER = "_locks"
DEFAULT_LEASE = timedelta(hours=3)  # > the longest execution_timeout of a task that publishes
DEFAULT_WAIT = timedelta(minutes=30)
POLL_SECONDS = 1.0

_held = threading.local()  # (storage root, key) -> [token, depth]: re-entrant within one thread


class PartitionLocked(TimeoutError):
    """Another writer held the partition's lock for longer than we were willing to wait."""


def lock_key(dataset: str, partition: str) -> str:
    return f"{LOCK_FOLDER}/{PartitionRef(dataset, partition).training}.lock"


@contextlib.contextmanager
def partition_lock(
    storage: Storage,
    dataset: str,
    partition: str,
    *,
    wait: timedelta = DEFAULT_WAIT,
    lease: timedelta = DEFAULT_LEASE,
    poll_seconds: float = POLL_SECONDS,
) -> Iterator[None]:
    """Hold the partition's publish lock for the block (re-entrant: an inner call inside it is free)."""
    key = lock_key(dataset, partition)
    held: dict[tuple[str, str], list[Any]] = _held.__dict__.setdefault("locks", {})
    slot = (storage.root, key)
    if slot in held:
        held[slot][1] += 1
        try:
            yield
        finally:
            held[slot][1] -= 1
        return
    token = _acquire(storage, key, wait=wait, lease=lease, poll_seconds=poll_seconds)
    held[slot] = [token, 1]
    try:
        yield
    finally:
        del held[slot]
        _release(storage, key, token)


def _acquire(storage: Storage, key: str, *, wait: timedelta, lease: timedelta, poll_seconds: float) -> str:
    token = uuid.uuid4().hex
    deadline = time.monotonic() + wait.total_seconds()
    while True:
        # wall clock on purpose: the lease must mean the same to writers on other machines
        now = datetime.now(UTC)
        body = json.dumps({"owner": token, "expires_at": (now + lease).isoformat()}).encode()
        if create_if_absent(storage, key, body):
            return token
        current = _read(storage, key)
        if current is not None and _expired(current, now):
            # a dead holder's lock: look once more right before removing it, so that a lock another
            # writer has just taken over is not the one removed
            again = _read(storage, key)
            if again is not None and again.get("owner") == current.get("owner"):
                storage.delete([key])
            continue
        if time.monotonic() >= deadline:
            raise PartitionLocked(f"partition lock {key} is held by another writer")
        time.sleep(poll_seconds)


def _release(storage: Storage, key: str, token: str) -> None:
    current = _read(storage, key)
    if current is not None and current.get("owner") == token:
        storage.delete([key])


def _read(storage: Storage, key: str) -> dict[str, Any] | None:
    try:
        body = json.loads(storage.get_bytes(key))
    except FileNotFoundError:
        return None
    except Exception as error:  # S3 NoSuchKey, a torn write: treated as absent / expired below
        if _is_missing(error):
            return None
        return {}
    return body if isinstance(body, dict) else {}


def _expired(body: dict[str, Any], now: datetime) -> bool:
    try:
        return datetime.fromisoformat(str(body["expires_at"])) <= now
    except (KeyError, ValueError):
        return True  # an unreadable lock protects nothing: break it


def _is_missing(error: Exception) -> bool:
    response = getattr(error, "response", None)
    code = (response or {}).get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code in {"NoSuchKey", "404"}


def create_if_absent(storage: Storage, key: str, data: bytes) -> bool:
    """Create ``key`` only if no object has that key; True when this call created it."""
    from support_curation.storage import LocalStorage, S3Storage

    if isinstance(storage, LocalStorage):
        path = Path(storage.uri(key))
        path.parent.mkdir(parents=True, exist_ok=True)
        # written whole to a temp file, then hard-linked into place: link() fails if the name exists,
        # and no reader ever sees a half-written lock (which would read as broken, and be broken)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-lock-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.link(tmp, path)
        except FileExistsError:
            return False
        finally:
            Path(tmp).unlink(missing_ok=True)
        return True
    if isinstance(storage, S3Storage):
        from botocore.exceptions import ClientError

        try:
            storage.client.put_object(
                Bucket=storage.bucket,
                Key=storage.uri(key).removeprefix(f"s3://{storage.bucket}/"),
                Body=data,
                IfNoneMatch="*",
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code in {"PreconditionFailed", "ConditionalRequestConflict"}:
                return False
            raise
        return True
    raise TypeError(f"no conditional create for {type(storage).__name__}")
