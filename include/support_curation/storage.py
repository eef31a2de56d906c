"""Object storage behind one small interface: S3 (boto3; AWS, MinIO, any endpoint) or a local folder.

Keys are always relative to the storage root and use ``/`` separators, whichever backend is used.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlparse

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator


class Storage(Protocol):
    """What the pipeline needs from object storage."""

    @property
    def root(self) -> str: ...

    def put_bytes(self, key: str, data: bytes) -> None: ...
    def get_bytes(self, key: str) -> bytes: ...
    def iter_lines(self, key: str) -> Iterator[bytes]: ...
    def exists(self, key: str) -> bool: ...
    def list(self, prefix: str) -> list[str]: ...
    def delete(self, keys: Iterable[str]) -> None: ...
    def uri(self, key: str) -> str: ...


@dataclass
class LocalStorage:
    """A folder on local disk. Writes go to a temp file and are renamed, so no reader sees half a file."""

    root: str

    def _path(self, key: str) -> Path:
        path = (Path(self.root) / key).resolve()
        if not path.is_relative_to(Path(self.root).resolve()):
            raise ValueError("storage key escapes the storage root")
        return path

    def put_bytes(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get_bytes(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def iter_lines(self, key: str) -> Iterator[bytes]:
        """The file's lines as ``bytes.splitlines`` gives them, read as a stream (exports are large)."""
        with self._path(key).open("rb") as handle:
            for line in handle:
                yield from line.splitlines()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self, prefix: str) -> list[str]:
        base = Path(self.root).resolve()
        start = self._path(prefix) if prefix else base
        # a prefix may end mid-name ("dt=2024-01-0"), so walk the parent and filter by string
        walk_from = start if start.is_dir() else start.parent
        if not walk_from.exists():
            return []
        keys = []
        for path in walk_from.rglob("*"):
            if path.is_file() and not path.name.startswith(".tmp-"):
                key = path.relative_to(base).as_posix()
                if key.startswith(prefix):
                    keys.append(key)
        return sorted(keys)

    def delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._path(key).unlink(missing_ok=True)

    def uri(self, key: str) -> str:
        return str(self._path(key))


@dataclass
class S3Storage:
    """An S3 bucket and prefix, through a boto3 client (from an Airflow connection or boto3's chain)."""

    bucket: str
    prefix: str
    client: Any = field(repr=False)

    @property
    def root(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put_bytes(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def get_bytes(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()

    def iter_lines(self, key: str) -> Iterator[bytes]:
        """The object's lines as ``bytes.splitlines`` gives them, streamed in chunks."""
        body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        try:
            yield from body.iter_lines(chunk_size=1 << 20)
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        response = self.client.list_objects_v2(Bucket=self.bucket, Prefix=self._key(key), MaxKeys=1)
        return any(obj["Key"] == self._key(key) for obj in response.get("Contents", []))

    def list(self, prefix: str) -> list[str]:
        strip = len(self.prefix) + 1 if self.prefix else 0
        keys: list[str] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
            keys.extend(obj["Key"][strip:] for obj in page.get("Contents", []))
        return sorted(keys)

    def delete(self, keys: Iterable[str]) -> None:
        batch = [{"Key": self._key(k)} for k in keys]
        for start in range(0, len(batch), 1000):  # S3's DeleteObjects limit
            self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": batch[start : start + 1000], "Quiet": True}
            )

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{self._key(key)}"


def s3_client(aws_conn_id: str | None = None, endpoint_url: str | None = None) -> Any:
    """A boto3 S3 client: from an Airflow connection when one is named, else boto3's default chain."""
    if aws_conn_id:
        from airflow.providers.amazon.aws.hooks.s3 import S3Hook

        return S3Hook(aws_conn_id=aws_conn_id).get_conn()
    import boto3

    return boto3.client("s3", endpoint_url=endpoint_url)


def open_storage(root: str, *, aws_conn_id: str | None = None, endpoint_url: str | None = None) -> Storage:
    """Open ``s3://bucket/prefix`` or a local folder path as a :class:`Storage`."""
    parsed = urlparse(root)
    if parsed.scheme == "s3":
        return S3Storage(
            bucket=parsed.netloc,
            prefix=parsed.path.strip("/"),
            client=s3_client(aws_conn_id, endpoint_url),
        )
    if parsed.scheme not in ("", "file"):
        raise ValueError(f"unsupported storage scheme {parsed.scheme!r}")
    path = parsed.path if parsed.scheme == "file" else root
    Path(path).mkdir(parents=True, exist_ok=True)
    return LocalStorage(root=str(Path(path).resolve()))
