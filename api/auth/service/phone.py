"""Binding and changing the account's phone (F085-F087): one phone, one account.

Binding (the WeChat phone button, or a phone and its SMS code): a free phone is simply bound; the
phone of an SMS-login account (no WeChat of its own) merges the caller's WeChat account into that
account (merge.py) and the caller gets that account's tokens (theirs end); the phone of an account
with another WeChat is taken (409). Changing the phone: the old phone's SMS code, or when that phone
is gone a fresh face check of the verified person (api/identity/recheck.py), plus the new phone's
own code. Every path takes the phone's lock, so racing binds meet in order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import msgspec

from api.auth import sms
from api.auth.account_errors import NoPhoneBound, PhoneAlreadyBound, PhoneUnchanged, ProofRequired
from api.auth.errors import AccountDisabled, PhoneTaken, UserNotFound
from api.auth.schemas import AuthUser, UserOut
from api.auth.schemas_accounts import PhoneBound
from api.auth.service.accounts import citizen_tokens
from api.auth.service.merge import merge
from api.db import load_queries
from api.identity import recheck
from api.types import mask_phone

aq = load_queries(Path(__file__).parents[1], "accounts.sql")


def _out(row: Any, user: AuthUser) -> UserOut:
    return UserOut(id=row["id"], roles=list(user.roles), name=row["name"], phone=row["phone"],
                   has_wechat=row["openid"] is not None, company_name=row["company_name"], steps=list(user.steps))


async def bind(conn: Any, redis: Any, auth: Any, user: AuthUser, phone: str, *, now: Any, refresh_days: int,
               token_minutes: int) -> PhoneBound:
    """Bind a proven phone to the caller's account, merging as F085 promises."""
    await aq.lock_phone(conn, phone=phone)
    me = await aq.lock_user(conn, id=user.id)
    if me is None or me["closed_at"] is not None:
        raise UserNotFound()
    if me["disabled"]:
        raise AccountDisabled()
    owner_id = await aq.phone_owner(conn, phone=phone)
    if owner_id == user.id:
        return PhoneBound(**msgspec.structs.asdict(_out(me, user)))
    if me["phone"] is not None:
        raise PhoneAlreadyBound()  # a phone is changed with proof of the old one (F087): /me/phone/change
    owner = None if owner_id is None else await aq.lock_user(conn, id=owner_id)
    if owner is None or owner["phone"] != phone:  # free, or freed while we waited (changed, closed)
        try:
            async with conn.transaction():
                row = await aq.set_phone(conn, id=user.id, phone=phone, now=now)
        except asyncpg.UniqueViolationError:
            raise PhoneTaken() from None
        return PhoneBound(**msgspec.structs.asdict(_out(row, user)))
    if owner["openid"] is not None:
        raise PhoneTaken()  # that account has its own WeChat: one account, one WeChat
    row = await merge(conn, redis, into_id=owner_id, from_id=user.id, now=now, token_minutes=token_minutes)
    tokens = await citizen_tokens(conn, auth, row["id"], refresh_days=refresh_days)
    return PhoneBound(**msgspec.structs.asdict(tokens.user), merged=True, tokens=tokens)


async def change(conn: Any, user: AuthUser, *, new_phone: str, new_code: str, old_code: str | None,
                 face_check_id: int | None, secret: str, now: Any) -> UserOut:
    """F087: prove the account (old phone's code, or a fresh face check), then the new phone."""
    await aq.lock_phone(conn, phone=new_phone)
    me = await aq.lock_user(conn, id=user.id)
    if me is None or me["closed_at"] is not None:
        raise UserNotFound()
    if me["phone"] is None:
        raise NoPhoneBound()
    if me["phone"] == new_phone:
        raise PhoneUnchanged()
    if await aq.phone_owner(conn, phone=new_phone) is not None:
        raise PhoneTaken()
    old_code_id = None
    if old_code is not None:
        old_code_id = await sms.check_code(conn, phone=me["phone"], code=old_code, secret=secret, use=False)
    elif face_check_id is not None:
        if await aq.face_check_used(conn, attempt_id=face_check_id):
            raise ProofRequired()
        await recheck.fresh_check(conn, user_id=user.id, attempt_id=face_check_id, now=now)
    else:
        raise ProofRequired()
    await sms.check_code(conn, phone=new_phone, code=new_code, secret=secret)
    if old_code_id is not None:
        await sms.use_code(conn, old_code_id)
    try:
        async with conn.transaction():
            row = await aq.set_phone(conn, id=user.id, phone=new_phone, now=now)
    except asyncpg.UniqueViolationError:
        raise PhoneTaken() from None
    await aq.add_event(conn, user_id=user.id, kind="phone_changed", other_user_id=None,
                       detail={"from": mask_phone(me["phone"]), "to": mask_phone(new_phone),
                               "proof": "sms" if old_code is not None else "face"},
                       face_attempt_id=face_check_id if old_code is None else None, now=now)
    return _out(row, user)
