"""A fresh face check of the person an account is already verified as (FAQ F087, F146).

Changing the phone when the old one is gone, and closing the account, ask the verified person to
show their face again. ``start`` opens a face-verification try for the name and ID number of the
account's verified identity (the same five tries a day as a first verification); the person then
finishes it with the usual ``POST /me/identity/verifications/{id}/result`` (``face.result``: the
same person again keeps the record). ``fresh_check`` tells the account's services whether such a
try verified the person within the last minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from api.db import load_queries, transaction
from api.identity import crypto
from api.identity.errors import FaceNeedsWechat
from api.identity.errors_recheck import FaceCheckNeeded, FaceCheckNotPossible
from api.identity.face import add_try, open_session, tries_today
from api.identity.schemas import VerificationStarted

q = load_queries(__file__, "face.sql")
rq = load_queries(__file__, "recheck.sql")

# How long a passed face check confirms an account action (the person acts right after it).
FRESH_FOR = timedelta(minutes=10)


async def start(pool: Any, settings: Any, *, user_id: int, now: datetime) -> VerificationStarted:
    """Open a face-verification try for the account's own verified person."""
    async with transaction(pool) as conn:
        account = await q.lock_account(conn, user_id=user_id)
        identity = await rq.verified_cert(conn, user_id=user_id)
        if identity is None or identity["id_type"] != "resident_id":
            raise FaceCheckNotPossible()
        if not account or not account["openid"]:
            raise FaceNeedsWechat()
        tries = await tries_today(conn, user_id, now)
        name = identity["name"]
        number = crypto.active().decrypt(identity["id_key_id"], identity["id_cipher"])
        attempt_id, out_seq_no = await add_try(conn, user_id=user_id, name=name, number=number, now=now)
        openid = account["openid"]
    return await open_session(pool, settings, attempt_id=attempt_id, out_seq_no=out_seq_no, name=name,
                              number=number, openid=openid, tries=tries, now=now)


async def fresh_check(conn: Any, *, user_id: int, attempt_id: int, now: datetime) -> None:
    """Raise FaceCheckNeeded unless ``attempt_id`` is this account's face try that verified its
    verified person within FRESH_FOR of ``now`` (the caller records its use, once)."""
    row = await rq.passed_attempt(conn, id=attempt_id, user_id=user_id)
    if row is None or row["finished_at"] is None or now - row["finished_at"] > FRESH_FOR:
        raise FaceCheckNeeded()
