"""Accounts and sessions: who the caller is, and the tokens that say so.

Staff authority belongs to the session, not to the phone: only the staff password login opens a
staff session (tokens with the account's staff roles). An SMS or WeChat login of the same account
opens a citizen session (role ``applicant`` only), whatever roles the account holds. Staff access
tokens carry the account's ``token_version`` and their session (refresh family) id and are checked
on every request, so logout, disabling and a role change take effect at once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
import secrets
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import asyncpg
import msgspec
from litestar.security.jwt import JWTAuth

from api.auth import devices, passwords
from api.auth.service import lockout
from api.auth.errors import (AccountDisabled, PasswordChangeRequired, PhoneTaken, RefreshTokenInvalid,
                             UserNotFound)
from api.auth.schemas import Account, AuthUser, StaffIn, TokenPair, UserOut
from api.db import load_queries, transaction
from api.identity.service import verified_identity
from wechat import WeChatGateway

q = load_queries(Path(__file__).parents[1])
# What a citizen session (SMS or WeChat login) may do, whatever roles the account holds.
CITIZEN_ROLES = ("applicant",)


def _user_out(row: Any, roles: Any, steps: Any) -> UserOut:
    """The account as one session sees it: the session's roles, not necessarily the account's."""
    return UserOut(id=row["id"], roles=list(roles), name=row["name"], phone=row["phone"],
                   has_wechat=row["openid"] is not None, company_name=row["company_name"],
                   steps=list(steps))


def _hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def issue_tokens(conn: Any, auth: JWTAuth, row: Any, *, refresh_days: int, staff: bool,
                       family_id: uuid.UUID | None = None) -> TokenPair:
    """A token pair for one session: ``staff`` only after the password login (or refreshing one)."""
    family_id = family_id or uuid.uuid4()
    roles, steps = (list(row["roles"]), list(row["steps"])) if staff else (list(CITIZEN_ROLES), [])
    extras: dict[str, Any] = {"typ": "access", "roles": roles, "steps": steps}
    if await verified_identity(conn, row["id"]) is not None:
        extras["idv"] = True  # a verified person (F088): booking reads this claim, not the database
    if staff:  # checked on every request (tokens.retrieve_user -> staff_session_live)
        extras.update(ver=row["token_version"], sid=str(family_id))
    access = auth.create_token(identifier=str(row["id"]), token_extras=extras)
    refresh = secrets.token_urlsafe(32)
    await q.insert_refresh_token(
        conn, id=uuid.uuid4(), family_id=family_id, user_id=row["id"], staff=staff,
        token_hash=_hash_token(refresh), expires_at=datetime.now(timezone.utc) + timedelta(days=refresh_days),
    )
    return TokenPair(access_token=access, refresh_token=refresh,
                     expires_in=int(auth.default_token_expiration.total_seconds()), user=_user_out(row, roles, steps))


async def citizen_tokens(conn: Any, auth: JWTAuth, user_id: int, *, refresh_days: int) -> TokenPair:
    """A fresh citizen session for the account, e.g. once it is verified (its tokens' claim changes)."""
    row = await q.get_user(conn, id=user_id)
    if row is None or row["disabled"]:
        raise UserNotFound()
    return await issue_tokens(conn, auth, row, refresh_days=refresh_days, staff=False)


async def wechat_login(pool: asyncpg.Pool, wechat: WeChatGateway, auth: JWTAuth, code: str,
                       *, refresh_days: int) -> TokenPair:
    """The same WeChat user (openid) always maps to the same account, in a citizen session."""
    session = await wechat.code2session(code)  # network first, no connection held
    async with transaction(pool) as conn:
        row = await q.upsert_wechat_user(conn, openid=session.openid, unionid=session.unionid)
        if row["disabled"]:
            raise AccountDisabled()
        return await issue_tokens(conn, auth, row, refresh_days=refresh_days, staff=False)


async def phone_login(conn: Any, auth: JWTAuth, phone: str, *, refresh_days: int) -> TokenPair:
    """After a verified SMS code: the account of this phone (created on first use), in a citizen
    session. A code proves the phone, not the staff member: staff roles need the password."""
    row = await q.upsert_phone_user(conn, phone=phone)
    if row["disabled"]:
        raise AccountDisabled()
    return await issue_tokens(conn, auth, row, refresh_days=refresh_days, staff=False)


async def staff_login(conn: Any, auth: JWTAuth, phone: str, password: str, *, refresh_days: int,
                      device_secret: str, now: datetime | None = None) -> TokenPair:
    """A staff session, and a device token that spares this device the address limit next time."""
    now = now or datetime.now(timezone.utc)
    row = await lockout.check_password(conn, phone, password, now=now)
    if row["must_change_password"]:  # after an admin's reset: no session before the new password
        raise PasswordChangeRequired()
    tokens = await issue_tokens(conn, auth, row, refresh_days=refresh_days, staff=True)
    return msgspec.structs.replace(tokens, device_token=devices.issue(device_secret, phone, now))


async def account(conn: Any, user_id: int) -> Account | None:
    """A user's account as other domains read it (the console's session check), or None."""
    row = await q.get_user(conn, id=user_id)
    return None if row is None else msgspec.convert(dict(row), Account)


async def staff_session_live(pool: asyncpg.Pool, user_id: int, token_version: int, session_id: str) -> bool:
    """A staff access token still speaks for its account: same token version (no role or step
    change, not disabled since) and its session not logged out. One indexed read per request."""
    try:
        family_id = uuid.UUID(session_id)
    except (TypeError, ValueError):
        return False
    async with pool.acquire() as conn:
        return bool(await q.staff_session_live(conn, id=user_id, token_version=token_version,
                                               family_id=family_id))


async def refresh(conn: Any, auth: JWTAuth, token: str, *, refresh_days: int) -> TokenPair:
    """Rotate: a refresh token works once; presenting a used one revokes its whole family."""
    token_hash = _hash_token(token)
    used = await q.use_refresh_token(conn, token_hash=token_hash)
    if used is None:
        known = await q.find_refresh_token(conn, token_hash=token_hash)
        if known is not None:
            await q.revoke_family(conn, family_id=known["family_id"])
        raise RefreshTokenInvalid()
    row = await q.get_user(conn, id=used["user_id"])
    if row is None or row["disabled"]:
        raise RefreshTokenInvalid()
    return await issue_tokens(conn, auth, row, refresh_days=refresh_days, staff=used["staff"],
                              family_id=used["family_id"])


async def logout(conn: Any, token: str) -> None:
    known = await q.find_refresh_token(conn, token_hash=_hash_token(token))
    if known is not None:
        await q.revoke_family(conn, family_id=known["family_id"])


async def get_me(conn: Any, user: AuthUser) -> UserOut:
    row = await q.get_user(conn, id=user.id)
    if row is None:
        raise UserNotFound()
    return _user_out(row, user.roles, user.steps)


async def bind_phone(pool: asyncpg.Pool, wechat: WeChatGateway, user: AuthUser, code: str) -> UserOut:
    phone = await wechat.phone_number(code)  # network first, no connection held
    async with transaction(pool) as conn:
        owner = await q.get_user_by_phone(conn, phone=phone)
        if owner is not None and owner["id"] != user.id:
            raise PhoneTaken()
        row = await q.set_phone(conn, id=user.id, phone=phone)
        if row is None:
            raise UserNotFound()
        return _user_out(row, user.roles, user.steps)


async def create_staff(conn: Any, staff: StaffIn) -> UserOut:
    """Create a staff account, or set an existing account of that phone to these roles and this
    password (its staff sessions end when the roles or steps change: the token version moves). A
    citizen session of the same account keeps citizen rights only, whatever roles it now holds."""
    row = await q.upsert_staff(conn, phone=staff.phone, name=staff.name, roles=list(staff.roles),
                               steps=list(staff.steps), password_hash=await passwords.hash_password(staff.password))
    return _user_out(row, row["roles"], row["steps"])


def staff_from_args(**kwargs: Any) -> StaffIn:
    return msgspec.convert(kwargs, StaffIn)
