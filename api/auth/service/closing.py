"""Closing an account (F146): 注销后账号信息、咨询记录和地址等个人数据将被删除, 已办结的办件档案和已发证照
按档案管理规定由发证机关保存; the same WeChat or phone then logs in to a new account, verified anew.

The person proves it is them: the code sent to the account's phone, and for a verified account a
fresh face check as F146 asks (api/identity/recheck.py). Refused while a case is in progress or a
booking is open, and for staff accounts (an admin disables those). The row stays as a pseudonymous,
disabled holder of what the law keeps (cases, licences, the audit chain); everything else personal is
erased (accounts.sql erase_personal_data), the identity is released (the person can verify again on
another account), and every token ends at once (refresh tokens by disabling, access tokens in Redis).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api.auth import ended, sms
from api.auth.account_errors import BookingsStillOpen, CasesStillOpen, ProofRequired, StaffAccountNotClosable
from api.auth.errors import UserNotFound
from api.auth.schemas import AuthUser
from api.auth.schemas_accounts import AccountClosed
from api.db import load_queries
from api.identity import recheck, verified_identity

aq = load_queries(Path(__file__).parents[1], "accounts.sql")
STAFF_ROLES = ("approver", "helpdesk", "admin", "lead")


async def close(conn: Any, redis: Any, user: AuthUser, *, code: str | None, face_check_id: int | None, secret: str,
                now: Any, token_minutes: int) -> AccountClosed:
    me = await aq.lock_user(conn, id=user.id)
    if me is None or me["closed_at"] is not None:
        raise UserNotFound()
    if set(me["roles"] or ()) & set(STAFF_ROLES):
        raise StaffAccountNotClosable()
    if await aq.open_cases(conn, user_id=user.id):
        raise CasesStillOpen()
    if await aq.open_bookings(conn, user_id=user.id):
        raise BookingsStillOpen()
    verified = await verified_identity(conn, user.id) is not None
    missing = [k for k, gap in (("code", me["phone"] is not None and code is None),
                                ("faceCheckId", verified and face_check_id is None)) if gap]
    if missing:
        raise ProofRequired(needs=missing)
    if verified:
        if await aq.face_check_used(conn, attempt_id=face_check_id):
            raise ProofRequired()
        await recheck.fresh_check(conn, user_id=user.id, attempt_id=face_check_id, now=now)
    if me["phone"] is not None:
        await sms.check_code(conn, phone=me["phone"], code=code or "", secret=secret)
    await ended.mark(redis, user.id, token_minutes=token_minutes)
    await aq.erase_personal_data(conn, id=user.id, now=now)
    if me["phone"] is not None:
        await aq.forget_phone_codes(conn, phone=me["phone"])
    await aq.add_event(conn, user_id=user.id, kind="closed", other_user_id=None,
                       detail={"verified": verified}, face_attempt_id=face_check_id if verified else None, now=now)
    return AccountClosed()
