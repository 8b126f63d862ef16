"""The identity record: one verified person <-> one account, whatever the method.

``record_verified`` is the one way an identity becomes verified (face verification here; window and
document review call it too). The database keeps the rule that matters (partial unique indexes over
verified rows, migration 0184); this module turns a violation into ``identity_taken``.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from api import clock
from api.db import load_queries, rows
from api.identity import crypto
from api.identity.errors import IdentityAlreadyVerified, IdentityTaken
from api.identity.schemas import Identity
from api.types import mask_id_number

q = load_queries(__file__)

ID_TYPES = ("resident_id", "hk_macau_permit", "taiwan_permit", "residence_permit", "foreign_permanent", "passport")
METHODS = ("face", "window", "document")


def to_identity(row: Any) -> Identity:
    data = dict(row)
    data["id_number_masked"] = data.pop("id_masked")
    data.pop("id_hash", None)
    return Identity(**data)


async def identity_of(conn: Any, user_id: int) -> Identity | None:
    """The account's verified identity, else its latest record (pending, refused, released), else None."""
    row = await q.latest_of(conn, user_id=user_id)
    return to_identity(row) if row else None


async def verified_identity(conn: Any, user_id: int) -> Identity | None:
    """The account's verified identity only."""
    row = await q.verified_of(conn, user_id=user_id)
    return to_identity(row) if row else None


async def holder_of(conn: Any, id_type: str, id_number: str) -> int | None:
    """The account holding this verified person, if any."""
    return await q.holder_of(conn, id_hash=crypto.active().hash(id_type, id_number))


async def record_verified(conn: Any, *, user_id: int, name: str, id_type: str, id_number: str, method: str,
                          evidence: dict[str, Any], verified_by: int | None, now: Any = None) -> Identity:
    """Record that ``user_id`` is the person ``name`` / ``id_number`` (checked by ``method``).

    Verifying the same person again returns the existing record. Raises IdentityTaken (409
    ``identity_taken``) when another account holds that verified person, IdentityAlreadyVerified when
    this account is verified as someone else. ``now`` defaults to the system clock; pass the app's."""
    if id_type not in ID_TYPES or method not in METHODS:
        raise ValueError(f"unknown id_type {id_type!r} or method {method!r}")
    cipher = crypto.active()
    number = crypto.normalise(id_number)
    id_hash = cipher.hash(id_type, number)
    current = await q.verified_of(conn, user_id=user_id)
    if current is not None:
        if bytes(current["id_hash"]) == id_hash:
            return to_identity(current)
        raise IdentityAlreadyVerified()
    if await q.holder_of(conn, id_hash=id_hash) is not None:
        raise IdentityTaken()
    kid, blob = cipher.encrypt(number)
    try:
        async with conn.transaction():  # a savepoint: a lost race leaves the request's transaction usable
            row = await q.insert_verified(
                conn, user_id=user_id, method=method, name=name, id_type=id_type, id_cipher=blob, id_key_id=kid,
                id_hash=id_hash, id_masked=mask_id_number(number), evidence=evidence, verified_by=verified_by,
                verified_at=now or clock.system_now())
    except asyncpg.UniqueViolationError as exc:
        if exc.constraint_name == "identities_verified_person":
            raise IdentityTaken() from None
        raise IdentityAlreadyVerified() from None
    await q.set_account_name(conn, user_id=user_id, name=name)
    return to_identity(row)


async def id_number_of(conn: Any, identity_id: int) -> str:
    """The decrypted ID number of a record, for the person themself and staff who need it (callers log)."""
    row = await q.cipher_of(conn, id=identity_id)
    return crypto.active().decrypt(row["id_key_id"], row["id_cipher"])


async def rekey(conn: Any) -> int:
    """Re-encrypt every ID number held under a key other than the current one; how many were."""
    cipher = crypto.active()
    done = 0
    for row in await rows(q.under_other_keys(conn, current=cipher.current)):
        kid, blob = cipher.encrypt(cipher.decrypt(row["id_key_id"], row["id_cipher"]))
        await q.set_cipher(conn, id=row["id"], id_cipher=blob, id_key_id=kid)
        done += 1
    for row in await rows(q.attempts_under_other_keys(conn, current=cipher.current)):
        kid, blob = cipher.encrypt(cipher.decrypt(row["cert_key_id"], row["cert_cipher"]))
        await q.set_attempt_cipher(conn, id=row["id"], cert_cipher=blob, cert_key_id=kid)
        done += 1
    return done
