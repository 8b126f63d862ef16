"""Accounts and sessions: who the caller is, and the tokens that say so."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import asyncpg
import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from litestar.security.jwt import JWTAuth

from api.auth.schemas import AuthUser, StaffIn, TokenPair, UserOut
from api.db import load_queries, transaction
from api.errors import Conflict, NotFound, Unauthorized
from wechat import WeChatGateway

q = load_queries(__file__)
_hasher = PasswordHasher()
# Verifying against this keeps a login for an unknown phone as slow as one for a known phone.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class BadCredentials(Unauthorized):
    """手机号或密码不正确。"""

    code = "bad_credentials"


class RefreshTokenInvalid(Unauthorized):
    """登录已失效，请重新登录。"""

    code = "refresh_token_invalid"
    keep_changes = True  # a reused token revokes its whole family, and that must stick


class PhoneTaken(Conflict):
    """该手机号已绑定其他账号。"""

    code = "phone_taken"


class UserNotFound(NotFound):
    """没有找到该用户。"""

    code = "user_not_found"


def _user_out(row: Any) -> UserOut:
    return UserOut(id=row["id"], roles=list(row["roles"]), name=row["name"], phone=row["phone"],
                   has_wechat=row["openid"] is not None, company_name=row["company_name"],
                   steps=list(row["steps"]))


def _hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def issue_tokens(conn: Any, auth: JWTAuth, row: Any, *, refresh_days: int,
                       family_id: uuid.UUID | None = None) -> TokenPair:
    access = auth.create_token(
        identifier=str(row["id"]),
        token_extras={"typ": "access", "roles": list(row["roles"]), "steps": list(row["steps"])},
    )
    refresh = secrets.token_urlsafe(32)
    await q.insert_refresh_token(
        conn, id=uuid.uuid4(), family_id=family_id or uuid.uuid4(), user_id=row["id"],
        token_hash=_hash_token(refresh), expires_at=datetime.now(timezone.utc) + timedelta(days=refresh_days),
    )
    return TokenPair(access_token=access, refresh_token=refresh,
                     expires_in=int(auth.default_token_expiration.total_seconds()), user=_user_out(row))


async def wechat_login(pool: asyncpg.Pool, wechat: WeChatGateway, auth: JWTAuth, code: str,
                       *, refresh_days: int) -> TokenPair:
    """The same WeChat user (openid) always maps to the same account."""
    session = await wechat.code2session(code)  # network first, no connection held
    async with transaction(pool) as conn:
        row = await q.upsert_wechat_user(conn, openid=session.openid, unionid=session.unionid)
        return await issue_tokens(conn, auth, row, refresh_days=refresh_days)


async def phone_login(conn: Any, auth: JWTAuth, phone: str, *, refresh_days: int) -> TokenPair:
    """After a verified SMS code: the account of this phone, created on first use."""
    row = await q.upsert_phone_user(conn, phone=phone)
    return await issue_tokens(conn, auth, row, refresh_days=refresh_days)


async def staff_login(conn: Any, auth: JWTAuth, phone: str, password: str, *, refresh_days: int) -> TokenPair:
    row = await q.get_user_by_phone(conn, phone=phone)
    stored = row["password_hash"] if row and row["password_hash"] and not row["disabled"] else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        raise BadCredentials() from None
    if stored is None:
        raise BadCredentials()
    if _hasher.check_needs_rehash(stored):
        await q.set_password_hash(conn, id=row["id"], password_hash=_hasher.hash(password))
    return await issue_tokens(conn, auth, row, refresh_days=refresh_days)


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
    return await issue_tokens(conn, auth, row, refresh_days=refresh_days, family_id=used["family_id"])


async def logout(conn: Any, token: str) -> None:
    known = await q.find_refresh_token(conn, token_hash=_hash_token(token))
    if known is not None:
        await q.revoke_family(conn, family_id=known["family_id"])


async def get_me(conn: Any, user: AuthUser) -> UserOut:
    row = await q.get_user(conn, id=user.id)
    if row is None:
        raise UserNotFound()
    return _user_out(row)


async def bind_phone(pool: asyncpg.Pool, wechat: WeChatGateway, user: AuthUser, code: str) -> UserOut:
    phone = await wechat.phone_number(code)  # network first, no connection held
    async with transaction(pool) as conn:
        owner = await q.get_user_by_phone(conn, phone=phone)
        if owner is not None and owner["id"] != user.id:
            raise PhoneTaken()
        row = await q.set_phone(conn, id=user.id, phone=phone)
        if row is None:
            raise UserNotFound()
        return _user_out(row)


async def create_staff(conn: Any, staff: StaffIn) -> UserOut:
    row = await q.upsert_staff(conn, phone=staff.phone, name=staff.name, roles=list(staff.roles),
                               steps=list(staff.steps), password_hash=_hasher.hash(staff.password))
    return _user_out(row)


def staff_from_args(**kwargs: Any) -> StaffIn:
    return msgspec.convert(kwargs, StaffIn)
