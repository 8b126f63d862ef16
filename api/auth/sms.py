"""SMS login codes: 6 digits, 5 minutes, 5 wrong tries burn a code; sending limits per phone and IP,
and an hourly budget for all phones together (SMS pumping: codes sent to many numbers to earn
from the texts, from any number of addresses), whose exhaustion alerts operations.

FAQ F124/F085: a new code after 60 seconds, at most 10 a day per number, valid 5 minutes.
Only a keyed hash of the code is stored; the code itself travels in the outbox row until the
SMS is sent (then it is scrubbed). Limits per phone are counted under a lock on the phone's row
(``sms_login_phones``), so concurrent requests cannot both slip under a limit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

import structlog
from litestar.security.jwt import JWTAuth

import notify
from api.auth import service
from api.auth.schemas import TokenPair
from api.db import load_queries
from api.errors import BadRequest, TooManyRequests

q = load_queries(__file__, "sms.sql")
log = structlog.get_logger("zsb.auth.sms")

CODE_LIFETIME = timedelta(minutes=5)
MAX_TRIES = 5
# (window, most codes in it) per phone: FAQ F124 says 60 s between codes and 10 a day.
PHONE_LIMITS = ((timedelta(minutes=1), 1), (timedelta(hours=1), 5), (timedelta(days=1), 10))
IP_LIMIT = (timedelta(hours=1), 20)  # one address (a NAT, a hotel) may serve several people
BUDGET_WINDOW = timedelta(hours=1)
_BUDGET_ALERT_KEY = "zsb:alert:sms-login-budget"  # one alert per window, not one per refusal


class SmsCodeTooSoon(TooManyRequests):
    """验证码发送太频繁，请60秒后再试。"""

    code = "sms_code_too_soon"


class SmsCodeHourlyLimit(TooManyRequests):
    """该手机号1小时内获取验证码次数已达上限，请稍后再试。"""

    code = "sms_code_hourly_limit"


class SmsCodeDailyLimit(TooManyRequests):
    """该手机号今日获取验证码次数已达上限（每天最多10次），请明天再试或改用微信登录。"""

    code = "sms_code_daily_limit"


class SmsCodeIpLimit(TooManyRequests):
    """当前网络获取验证码过于频繁，请稍后再试。"""

    code = "sms_code_ip_limit"


class SmsCodeBudgetSpent(TooManyRequests):
    """短信验证码发送量异常，已暂停发送，请稍后再试或改用微信登录。"""

    code = "sms_code_budget_spent"


class SmsCodeWrong(BadRequest):
    """验证码不正确。"""

    code = "sms_code_wrong"
    keep_changes = True  # the wrong try counts although the request fails


class SmsCodeInvalid(BadRequest):
    """验证码已失效，请重新获取。"""

    code = "sms_code_invalid"
    keep_changes = True  # the fifth wrong try burns the code, and that must stick


_LIMIT_ERRORS = (SmsCodeTooSoon, SmsCodeHourlyLimit, SmsCodeDailyLimit)


def _hash(secret: str, phone: str, code: str) -> bytes:
    return hmac.new(secret.encode(), f"{phone}:{code}".encode(), hashlib.sha256).digest()


def _retry_after(oldest: datetime, window: timedelta, now: datetime) -> int:
    return max(1, int((oldest + window - now).total_seconds()) + 1)


async def request_code(conn: Any, redis: Any, *, phone: str, ip: str, secret: str, hourly_budget: int,
                       now: datetime | None = None) -> int:
    """Create a code for ``phone`` and queue its SMS; returns the seconds until a new one may be asked."""
    now = now or datetime.now(timezone.utc)
    window, most = IP_LIMIT
    ip_recent = await q.ip_codes_since(conn, ip=ip, since=now - window)
    if ip_recent["n"] >= most:
        raise SmsCodeIpLimit(retry_after=_retry_after(ip_recent["oldest"], window, now))
    sent = await q.codes_since(conn, since=now - BUDGET_WINDOW, most=hourly_budget)
    if sent["n"] >= hourly_budget:
        if await redis.set(_BUDGET_ALERT_KEY, now.isoformat(), nx=True, ex=int(BUDGET_WINDOW.total_seconds())):
            log.error("sms_login_budget_spent", budget=hourly_budget, window="1h", alert=True)
        raise SmsCodeBudgetSpent(retry_after=_retry_after(sent["oldest"], BUDGET_WINDOW, now))
    await q.lock_phone(conn, phone=phone)  # serialises this phone's requests until commit
    for (window, most), error in zip(PHONE_LIMITS, _LIMIT_ERRORS):
        recent = await q.phone_codes_since(conn, phone=phone, since=now - window, most=most)
        if recent is not None:  # the most-th newest code inside the window: the limit is reached
            raise error(retry_after=_retry_after(recent, window, now))
    code = f"{secrets.randbelow(10**6):06d}"
    code_id = await q.insert_code(conn, phone=phone, code_hash=_hash(secret, phone, code), ip=ip,
                                  created_at=now, expires_at=now + CODE_LIFETIME)
    await notify.enqueue(conn, user_id=None, phone=phone, event="login_code", params={"code": code},
                         dedupe_key=f"login_code:{code_id}", expires_at=now + CODE_LIFETIME)
    return int(PHONE_LIMITS[0][0].total_seconds())


async def check_code(conn: Any, *, phone: str, code: str, secret: str, now: datetime | None = None,
                     use: bool = True) -> int:
    """Check the newest live code of ``phone``; every try counts, the fifth wrong one burns it.
    Returns the code's id; ``use=False`` leaves it live (``use_code`` later: a second code checked
    in the same request may still fail). Also proves a phone for binding, changing it and closing
    the account (api/auth/service/phone.py, closing.py)."""
    now = now or datetime.now(timezone.utc)
    row = await q.count_try(conn, phone=phone, now=now, max_tries=MAX_TRIES)
    if row is None:
        raise SmsCodeInvalid()
    if not hmac.compare_digest(bytes(row["code_hash"]), _hash(secret, phone, code)):
        left = MAX_TRIES - row["tries"]
        if left <= 0:
            raise SmsCodeInvalid()
        raise SmsCodeWrong(triesLeft=left)
    if use:
        await q.use_code(conn, id=row["id"], now=now)
    return row["id"]


async def use_code(conn: Any, code_id: int, now: datetime | None = None) -> None:
    await q.use_code(conn, id=code_id, now=now or datetime.now(timezone.utc))


async def login(conn: Any, auth: JWTAuth, *, phone: str, code: str, secret: str, refresh_days: int,
                now: datetime | None = None) -> TokenPair:
    """A citizen session for the phone whose code is right (the account of that phone, created on
    first use, or the WeChat account that bound it: one phone, one account, F085)."""
    await check_code(conn, phone=phone, code=code, secret=secret, now=now)
    return await service.phone_login(conn, auth, phone, refresh_days=refresh_days)
