"""A fresh face check of the person an account is already verified as (FAQ F087, F146).

Changing the phone when the old one is gone, and closing the account, ask the verified person to
show their face again. ``start`` opens a face-verification try for the name and ID number of the
account's verified identity (the same five tries a day as a first verification); the person then
finishes it with the usual ``POST /me/identity/verifications/{id}/result`` (``face.result``: the
same person again keeps the record). ``fresh_check`` tells the account's services whether such a
try verified the person within the last minutes.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from api.db import load_queries, transaction
from api.identity import crypto
from api.identity.errors import FaceCheckFailed, FaceNeedsWechat, FaceTriesUsedUp
from api.identity.errors_recheck import FaceCheckNeeded, FaceCheckNotPossible
from api.identity.face import TRIES_A_DAY, _day_start, _next_day
from api.identity.schemas import VerificationStarted
from wechat.errors import WechatUnavailable
from wechat.face import FaceRefused, face_for

q = load_queries(__file__, "face.sql")
rq = load_queries(__file__, "recheck.sql")

# How long a passed face check confirms an account action (the person acts right after it).
FRESH_FOR = timedelta(minutes=10)


async def start(pool: Any, settings: Any, *, user_id: int, now: datetime) -> VerificationStarted:
    """Open a face-verification try for the account's own verified person."""
    cipher = crypto.active()
    async with transaction(pool) as conn:
        account = await q.lock_account(conn, user_id=user_id)
        identity = await rq.verified_cert(conn, user_id=user_id)
        if identity is None or identity["id_type"] != "resident_id":
            raise FaceCheckNotPossible()
        if not account or not account["openid"]:
            raise FaceNeedsWechat()
        tries = await q.tries_since(conn, user_id=user_id, since=_day_start(now))
        if tries >= TRIES_A_DAY:
            back = _next_day(now)
            raise FaceTriesUsedUp(retry_after=max(1, int((back - now).total_seconds())), comeBackAt=back.isoformat())
        number = cipher.decrypt(identity["id_key_id"], identity["id_cipher"])
        kid, blob = cipher.encrypt(number)
        out_seq_no = "zsb" + secrets.token_urlsafe(18)
        attempt_id = await q.add_attempt(conn, user_id=user_id, out_seq_no=out_seq_no, cert_name=identity["name"],
                                         cert_cipher=blob, cert_key_id=kid, created_at=now,
                                         idem_key=None, idem_hash=None)
        openid, name = account["openid"], identity["name"]
    try:
        session = await face_for(settings).get_verify_id(out_seq_no=out_seq_no, name=name, id_number=number,
                                                         openid=openid)
    except (FaceRefused, WechatUnavailable) as exc:
        async with transaction(pool) as conn:
            await q.finish(conn, id=attempt_id, outcome="error", verify_ret=None,
                           errcode=getattr(exc, "errcode", None), finished_at=now)
        if isinstance(exc, WechatUnavailable):
            raise
        raise FaceCheckFailed(errcode=exc.errcode) from None
    async with transaction(pool) as conn:
        await q.opened(conn, id=attempt_id, verify_id=session.verify_id,
                       expires_at=now + timedelta(seconds=session.expires_in))
    return VerificationStarted(id=attempt_id, verify_id=session.verify_id, expires_in=session.expires_in,
                               tries_left=TRIES_A_DAY - tries - 1)


async def fresh_check(conn: Any, *, user_id: int, attempt_id: int, now: datetime) -> None:
    """Raise FaceCheckNeeded unless ``attempt_id`` is this account's face try that verified its
    verified person within FRESH_FOR of ``now`` (the caller records its use, once)."""
    row = await rq.passed_attempt(conn, id=attempt_id, user_id=user_id)
    if row is None or row["finished_at"] is None or now - row["finished_at"] > FRESH_FOR:
        raise FaceCheckNeeded()
