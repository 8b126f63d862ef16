"""Argon2 off the event loop, in a small pool of worker threads.

Argon2 is slow on purpose (tens of milliseconds of CPU per check). Run inline, every password
check stalls the whole process: six parallel guessers took /healthz from 2.6 ms to 98 ms
(issue 17). argon2-cffi releases the GIL while it works, so the threads run beside the event
loop. The pool is bounded: more guesses queue for a thread instead of taking more cores.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

WORKERS = max(1, min(4, os.cpu_count() or 1))
THREAD_PREFIX = "argon2"

_hasher = PasswordHasher()
_pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix=THREAD_PREFIX)
# Checking against this keeps a login for an unknown phone as slow as one for a known phone.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; no stored hash costs the same work and is False."""
    ok = await asyncio.get_running_loop().run_in_executor(_pool, _verify, stored or _DUMMY_HASH, password)
    return ok and stored is not None


def use_hasher(hasher: PasswordHasher) -> None:
    """Hash and check with ``hasher`` from now on (and keep the unknown-phone dummy as costly as a
    real check). Only the test suite calls it, with Argon2 at its minimum work: the production cost
    (~0.13 s of CPU per hash or check) made each of the suite's staff logins cost a quarter second."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("not-a-real-password")


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_pool, _hasher.hash, password)


def needs_rehash(stored: str) -> bool:
    """Cheap (it parses the hash's parameters): no thread needed."""
    return _hasher.check_needs_rehash(stored)
