"""Per-account protection of the staff password login, shared by ``POST /auth/staff-login`` and
the console's sign-in (issue 17, item 4).

Five wrong passwords in a row lock the phone for 15 minutes, each further lock twice as long
(up to a day), and the account's owner is told by SMS. The count is kept per phone typed in, in
the database: no client address is involved, so rotating addresses (X-Forwarded-For or real ones)
gets around nothing, and phones without an account lock alike (a lock does not tell which phones
are staff). The per-address request limit only slows an address; this is what protects the account.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import notify
from api.auth import passwords
from api.auth.errors import BadCredentials
from api.db import load_queries
from api.errors import TooManyRequests

q = load_queries(Path(__file__).parents[1], "lockout.sql")
users = load_queries(Path(__file__).parents[1])  # the accounts (queries.sql)

MAX_TRIES = 5
FIRST_LOCK = timedelta(minutes=15)
LONGEST_LOCK = timedelta(hours=24)
# A typo last week does not count towards today's lock; a lock yesterday no longer doubles today's.
TRIES_FORGOTTEN_AFTER = timedelta(hours=1)
LOCKS_FORGOTTEN_AFTER = timedelta(days=1)


class AccountLocked(TooManyRequests):
    """密码连续输错次数过多，账号已临时锁定，请稍后再试或联系管理员。"""

    code = "account_locked"
    keep_changes = True  # the lock (and its SMS) must stick although the request fails


def lock_length(locks: int) -> timedelta:
    return min(FIRST_LOCK * 2 ** (locks - 1), LONGEST_LOCK)


def _locked(until: datetime, now: datetime) -> AccountLocked:
    return AccountLocked(retry_after=max(1, int((until - now).total_seconds()) + 1), lockedUntil=until.isoformat())


async def check_password(conn: Any, phone: str, password: str, *, now: datetime) -> Any:
    """The account row when the password is right and the phone is not locked; otherwise raises
    ``BadCredentials`` or ``AccountLocked``. Disabled accounts and accounts without a password are
    refused like a wrong password (after the same argon2 work)."""
    guard = await q.count_password_try(conn, phone=phone, now=now, forget_before=now - TRIES_FORGOTTEN_AFTER)
    if guard["locked_until"] is not None and guard["locked_until"] > now:
        raise _locked(guard["locked_until"], now)  # refused before any password work
    row = await users.get_user_by_phone(conn, phone=phone)
    stored = row["password_hash"] if row and row["password_hash"] and not row["disabled"] else None
    if await passwords.verify(stored, password):
        await q.clear_phone(conn, phone=phone)
        if passwords.needs_rehash(stored):
            await users.set_password_hash(conn, id=row["id"], password_hash=await passwords.hash_password(password))
        return row
    if guard["tries"] < MAX_TRIES:
        raise BadCredentials(triesLeft=MAX_TRIES - guard["tries"])
    previous = guard["locked_until"]
    locks = guard["locks"] + 1 if previous is not None and previous > now - LOCKS_FORGOTTEN_AFTER else 1
    until = now + lock_length(locks)
    await q.lock_phone(conn, phone=phone, locks=locks, locked_until=until)
    if stored is not None:  # a staff account: its owner learns of it, whoever was guessing
        await notify.enqueue(conn, user_id=row["id"], event="staff_login_locked",
                             params={"tries": MAX_TRIES, "untilTime": until.isoformat()},
                             dedupe_key=f"staff_login_locked:{row['id']}:{int(until.timestamp())}")
    raise _locked(until, now)
