"""Uploaded files: written in chunks as they arrive, visible only when complete.

A local directory (``ZSB_STORAGE_DIR``, default ``var/storage``), or any S3-compatible store
when ``ZSB_S3_BUCKET`` is set (so several API hosts share the files). Keys are opaque strings
made by the caller; a file is visible under its key only after ``commit`` (a rejected upload
leaves nothing behind)."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import anyio

from api.settings import Settings


# Every stored upload served back (to its owner or to staff): the stored content type and nothing
# else (no sniffing into HTML), never kept by a browser or proxy cache (applicants' documents).
FILE_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


class Writer:
    def __init__(self, root: Path) -> None:
        self._root = root
        self._tmp = root / ".incoming" / uuid.uuid4().hex
        self._tmp.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self._tmp, "wb")  # noqa: SIM115 - closed by commit/abort
        self.size = 0
        self.head = b""
        self._hash = hashlib.sha256()

    async def write(self, chunk: bytes) -> None:
        if len(self.head) < 64:
            self.head = (self.head + chunk)[:64]
        self.size += len(chunk)
        self._hash.update(chunk)
        await anyio.to_thread.run_sync(self._file.write, chunk)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    async def spooled(self) -> Path:
        """The upload so far as a local file (before commit), for checks that read it whole."""
        await anyio.to_thread.run_sync(self._file.flush)
        return self._tmp

    async def commit(self, key: str) -> None:
        self._file.close()
        target = self._root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self._tmp, target)

    async def abort(self) -> None:
        self._file.close()
        self._tmp.unlink(missing_ok=True)


class LocalStorage:
    def __init__(self, root: str) -> None:
        self.root = Path(root)

    def writer(self) -> Writer:
        return Writer(self.root)

    async def read(self, key: str, chunk_size: int = 64 * 1024) -> AsyncIterator[bytes]:
        async with await anyio.open_file(self.root / key, "rb") as f:
            while chunk := await f.read(chunk_size):
                yield chunk

    async def delete(self, key: str) -> None:
        (self.root / key).unlink(missing_ok=True)


class S3Writer(Writer):
    """Spools the upload to a local temporary file, then puts it whole (boto3 in a thread)."""

    def __init__(self, storage: S3Storage) -> None:
        super().__init__(storage.spool)
        self._storage = storage

    async def commit(self, key: str) -> None:
        self._file.close()
        try:
            await anyio.to_thread.run_sync(
                lambda: self._storage.client.upload_file(str(self._tmp), self._storage.bucket, key))
        finally:
            self._tmp.unlink(missing_ok=True)


class S3Storage:
    def __init__(self, settings: Settings) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = settings.s3_bucket
        self.spool = Path(settings.var_dir) / "spool"
        self.client = boto3.client(
            "s3", endpoint_url=settings.s3_endpoint or None, region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key, aws_secret_access_key=settings.s3_secret_key,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30),
        )

    def writer(self) -> Writer:
        return S3Writer(self)

    async def read(self, key: str, chunk_size: int = 64 * 1024) -> AsyncIterator[bytes]:
        body = (await anyio.to_thread.run_sync(
            lambda: self.client.get_object(Bucket=self.bucket, Key=key)))["Body"]
        try:
            while chunk := await anyio.to_thread.run_sync(body.read, chunk_size):
                yield chunk
        finally:
            body.close()

    async def delete(self, key: str) -> None:
        await anyio.to_thread.run_sync(lambda: self.client.delete_object(Bucket=self.bucket, Key=key))


_s3: dict[tuple[str, str, str], S3Storage] = {}


def storage_for(settings: Settings) -> LocalStorage | S3Storage:
    if settings.s3_bucket:
        # boto3 clients are thread-safe and costly to build: one per store and process.
        key = (settings.s3_endpoint, settings.s3_bucket, settings.s3_access_key)
        if key not in _s3:
            _s3[key] = S3Storage(settings)
        return _s3[key]
    return LocalStorage(settings.storage_path)
