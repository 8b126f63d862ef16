"""Face verification 2.0: start a try, then ask WeChat how it ended (F088, F089).

The name and ID number are checked here before WeChat hears of them. Each session WeChat opens is one
of the person's five tries a day (Beijing day, ``api.clock``). No connection is held across a call to
WeChat: a short transaction reserves the try, another records what came of it.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from stdnum.cn import ric

from api import clock
from api.auth.service import citizen_tokens
from api.db import load_queries, transaction
from api.identity import crypto
from api.errors import IdempotencyKeyReused
from api.identity.errors import (FaceCheckFailed, FaceNeedsWechat, FaceNotVerified, FaceTriesUsedUp,
                                 IdentityAlreadyVerified, IdentityTaken, InvalidPersonName, InvalidResidentId,
                                 VerificationExpired, VerificationFinished, VerificationInProgress,
                                 VerificationNotFound)
from api.identity.schemas import IdentityOut, VerificationResult, VerificationStarted
from api.identity.service import holder_of, identity_of, record_verified, verified_identity
from wechat.errors import WechatUnavailable
from wechat.face import FaceRefused, face_for

q = load_queries(__file__, "face.sql")

TRIES_A_DAY = 5
NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\u00b7]{2,30}$")

# verify_ret -> what the person reads (WeChat's published enumeration, grouped by what to do about it)
RET_MESSAGES = {
    **dict.fromkeys((90001, 90109), "您的手机不支持人脸识别，请换一台手机重试，或携带身份证到办事窗口认证。"),
    **dict.fromkeys((90002, 90003, 90004, 90005, 90006), "您已取消人脸识别，本次认证未完成。"),
    **dict.fromkeys((90007, 90012), "网络不稳定，人脸数据上传失败，请在网络良好时重试。"),
    **dict.fromkeys((90008, 90009, 90010), "请在手机设置中允许微信使用相机和麦克风后重试。"),
    **dict.fromkeys((90011, 90013, 90014), "未采集到有效的人脸，请在光线充足处正对屏幕、按提示动作后重试。"),
    **dict.fromkeys((90017, 90107), "人脸识别超时，请重新发起并尽快按提示完成。"),
}
RET_OTHER = "人脸识别未成功（微信系统错误），请稍后重试。"
NOT_THE_PERSON = "人脸核身未通过：请确认姓名、身份证号为本人信息，并由本人完成人脸识别。"


def checked_person(name: str, id_number: str) -> tuple[str, str]:
    """The name and resident ID as WeChat must get them, or the error saying what is wrong."""
    name = name.strip()
    if not NAME.match(name):
        raise InvalidPersonName()
    number = crypto.normalise(id_number)
    try:
        ric.validate(number)  # length, check digit, birth date and region code
    except Exception:  # stdnum raises several ValidationError subclasses
        raise InvalidResidentId() from None
    return name, number


def _next_day(now: datetime) -> datetime:
    return clock.at(clock.local_day(now) + timedelta(days=1), datetime.min.time())


def _day_start(now: datetime) -> datetime:
    return clock.at(clock.local_day(now), datetime.min.time())


async def start(pool: Any, settings: Any, *, user_id: int, name: str, id_number: str,
                now: datetime, idempotency_key: str | None = None) -> VerificationStarted:
    """Open a try. The same Idempotency-Key again returns the session it opened (no second try, no
    second WeChat call); a key whose try WeChat never opened acts again; one still in flight is 409."""
    name, number = checked_person(name, id_number)
    fingerprint = crypto.active().hash("idempotency", f"{name}|{number}") if idempotency_key else None
    async with transaction(pool) as conn:
        account = await q.lock_account(conn, user_id=user_id)  # one start at a time per account
        if idempotency_key:
            prior = await q.attempt_by_key(conn, user_id=user_id, idem_key=idempotency_key, since=_day_start(now))
            if prior is not None:
                if bytes(prior["idem_hash"]) != fingerprint:
                    raise IdempotencyKeyReused()
                if prior["verify_id"] is not None:
                    return VerificationStarted(
                        id=prior["id"], verify_id=prior["verify_id"],
                        expires_in=int((prior["expires_at"] - prior["created_at"]).total_seconds()),
                        tries_left=max(0, TRIES_A_DAY - prior["tries_before"] - 1))
                if prior["outcome"] is None:
                    raise VerificationInProgress()
                await q.drop_key(conn, id=prior["id"])
        if await verified_identity(conn, user_id) is not None:
            raise IdentityAlreadyVerified()
        if not account or not account["openid"]:
            raise FaceNeedsWechat()
        tries = await tries_today(conn, user_id, now)
        if await holder_of(conn, "resident_id", number) not in (None, user_id):
            raise IdentityTaken()  # before WeChat: a try spent on someone else's identity is wasted
        attempt_id, out_seq_no = await add_try(conn, user_id=user_id, name=name, number=number, now=now,
                                               idem_key=idempotency_key, idem_hash=fingerprint)
        openid = account["openid"]
    return await open_session(pool, settings, attempt_id=attempt_id, out_seq_no=out_seq_no, name=name,
                              number=number, openid=openid, tries=tries, now=now)


async def tries_today(conn: Any, user_id: int, now: datetime) -> int:
    """The face tries the account has used today; FaceTriesUsedUp (saying when to come back) at five."""
    tries = await q.tries_since(conn, user_id=user_id, since=_day_start(now))
    if tries >= TRIES_A_DAY:
        back = _next_day(now)
        raise FaceTriesUsedUp(retry_after=max(1, int((back - now).total_seconds())), comeBackAt=back.isoformat())
    return tries


async def add_try(conn: Any, *, user_id: int, name: str, number: str, now: datetime,
                  idem_key: str | None = None, idem_hash: bytes | None = None) -> tuple[int, str]:
    """Record a try (certificate encrypted) under a fresh ``out_seq_no``; returns (try id, out_seq_no)."""
    kid, blob = crypto.active().encrypt(number)
    out_seq_no = "zsb" + secrets.token_urlsafe(18)  # 27 characters of [0-9A-Za-z_-]
    attempt_id = await q.add_attempt(conn, user_id=user_id, out_seq_no=out_seq_no, cert_name=name,
                                     cert_cipher=blob, cert_key_id=kid, created_at=now,
                                     idem_key=idem_key, idem_hash=idem_hash)
    return attempt_id, out_seq_no


async def open_session(pool: Any, settings: Any, *, attempt_id: int, out_seq_no: str, name: str, number: str,
                       openid: str, tries: int, now: datetime) -> VerificationStarted:
    """Ask WeChat for the try's verifyId (no connection held meanwhile): a refusal or outage ends the
    try as an error (it still counts), a session stores its verifyId and expiry."""
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


async def result(pool: Any, settings: Any, *, user_id: int, attempt_id: int, now: datetime,
                 auth: Any = None) -> VerificationResult:
    """Ask WeChat how the try ended; once verified, a fresh token pair carrying the verified claim."""
    cipher = crypto.active()
    async with transaction(pool) as conn:
        attempt = await q.attempt_of(conn, id=attempt_id, user_id=user_id)
        if attempt is None:
            raise VerificationNotFound()
        if attempt["outcome"] is not None or attempt["verify_id"] is None:
            raise VerificationFinished()
        expired = now > attempt["expires_at"]
        if expired:
            await q.finish(conn, id=attempt_id, outcome="expired", verify_ret=None, errcode=None, finished_at=now)
        else:
            name = attempt["cert_name"]
            number = cipher.decrypt(attempt["cert_key_id"], attempt["cert_cipher"])
    if expired:
        raise VerificationExpired()
    outcome = await face_for(settings).query_verify_info(verify_id=attempt["verify_id"], out_seq_no=attempt["out_seq_no"],
                                           openid=attempt["openid"], name=name, id_number=number)
    async with transaction(pool) as conn:
        if outcome.verified:
            try:
                identity = await record_verified(
                    conn, user_id=user_id, name=name, id_type="resident_id", id_number=number, method="face",
                    evidence={"attemptId": attempt_id, "outSeqNo": attempt["out_seq_no"],
                              "verifyRet": outcome.verify_ret}, verified_by=None, now=now)
            except (IdentityTaken, IdentityAlreadyVerified) as exc:
                refused: Exception | None = exc
            else:
                refused = None
                tokens = None if auth is None else await citizen_tokens(
                    conn, auth, user_id, refresh_days=settings.refresh_token_days)
            await q.finish(conn, id=attempt_id, outcome="verified" if refused is None else "error",
                           verify_ret=outcome.verify_ret, errcode=0, finished_at=now)
        else:
            await q.finish(conn, id=attempt_id, outcome="error" if outcome.errcode else "failed",
                           verify_ret=outcome.verify_ret, errcode=outcome.errcode, finished_at=now)
            tries = await q.tries_since(conn, user_id=user_id, since=_day_start(now))
    if outcome.verified:
        if refused is not None:
            raise refused
        return VerificationResult(id=attempt_id, verified=True, identity=identity, tokens=tokens)
    left = max(0, TRIES_A_DAY - tries)
    if outcome.errcode:
        raise FaceCheckFailed(errcode=outcome.errcode, triesLeft=left)
    raise FaceNotVerified(RET_MESSAGES.get(outcome.verify_ret or 0, RET_OTHER if (outcome.verify_ret or 0) >= 90000
                                           else NOT_THE_PERSON),
                          verifyRet=outcome.verify_ret, triesLeft=left)


async def tries_left(conn: Any, user_id: int, now: datetime) -> int:
    return max(0, TRIES_A_DAY - await q.tries_since(conn, user_id=user_id, since=_day_start(now)))


async def my_identity(conn: Any, user_id: int, now: datetime) -> IdentityOut:
    """The person's own record, its ID number masked like everywhere (README, "Real-name identity")."""
    identity = await identity_of(conn, user_id)
    return IdentityOut(verified=identity is not None and identity.status == "verified", identity=identity,
                       face_tries_left=await tries_left(conn, user_id, now))
