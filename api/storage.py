"""Uploaded files: written in chunks as they arrive, renamed into place only when complete.

A local directory (``ZSB_STORAGE_DIR``, default ``var/storage``). Keys are opaque strings made
by the caller; a file is visible under its key only after ``commit`` (a rejected upload leaves
nothing behind)."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import anyio

from api.settings import Settings


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


def storage_for(settings: Settings) -> LocalStorage:
    return LocalStorage(settings.storage_path)
