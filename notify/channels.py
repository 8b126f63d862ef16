"""The channels and their table: a row's ``channel`` names the Sender that sends it.

A new channel is a class with ``async def send(ctx, row, spec, now) -> Outcome`` (notify/sender.py)
entered in CHANNELS, a value of the notifications.channel column, and the routing that writes its
rows (the ``enqueue`` statement in notify/outbox.sql). In-app rows are sent when written: no Sender.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import structlog

from api.clock import ZONE, local_day
from notify import pause
from notify.render import inapp_text, sms_params, wechat_data
from notify.sender import PAUSED, SENT, Done, FallBack, Later, Outcome, Sender, backoff
from notify.templates import EventSpec
from notify.threads import in_thread
from wechat import pages
from wechat.messages import OfficialAccountMissing

log = structlog.get_logger("zsb.notify")

QUIET_HOURS = (22, 8)  # Asia/Shanghai: 22:00–08:00 non-urgent SMS wait
LATER_SECONDS = 3600.0  # isv.BUSINESS_LIMIT_CONTROL: the number's frequency quota
# After a timeout the next attempt waits at least this long, giving QuerySendDetails time to see
# a message that did reach Aliyun.
UNCERTAIN_MIN_DELAY = 30.0


def quiet_until(now: datetime, hours: tuple[int, int] | None = QUIET_HOURS) -> datetime | None:
    """The end of the quiet hours when ``now`` falls inside them, else None."""
    if hours is None:
        return None
    start, end = hours
    local = now.astimezone(ZONE)
    if local.hour >= start:
        return datetime.combine(local.date() + timedelta(days=1), time(end), ZONE)
    if local.hour < end:
        return datetime.combine(local.date(), time(end), ZONE)
    return None


def send_dates(row: Any, now: datetime) -> list[date]:
    """The Shanghai dates an earlier attempt of this row may have been sent on."""
    first = local_day(row["claimed_at"] or row["created_at"])
    days = sorted({first, local_day(row["created_at"]), local_day(now)})
    return days


class SmsChannel:
    """Aliyun SMS (``ctx["sms"]``). SendSms is not idempotent: when an earlier attempt may have
    reached Aliyun (a timeout, a worker killed mid-call) the OutId is looked up before sending again."""

    async def send(self, ctx: dict[str, Any], row: Any, spec: EventSpec, now: datetime) -> Outcome:
        if not row["urgent"]:
            until = quiet_until(now, ctx.get("quiet_hours", QUIET_HOURS))
            if until is not None:
                return Later((until - now).total_seconds(), "quiet hours", uncertain=row["uncertain"],
                             count_attempt=False)
        phone = row["to_phone"]
        if not phone or not spec.sms_template:
            return Done("failed", error="no phone number or no SMS template")
        redis = ctx["redis"]
        paused = await pause.paused_ms(redis)
        if paused and paused > 0:
            return Later(paused / 1000, pause.PAUSED_ERROR, uncertain=row["uncertain"], count_attempt=False)
        provider = ctx["sms"]
        out_id = str(row["id"])
        params = sms_params(spec, row["params"])
        content = inapp_text(spec, row["params"])
        if spec.secret and provider.name != "sandbox":
            content = content.replace(str(row["params"].get("code", "")) or "\0", "******")
        if row["uncertain"]:
            # An earlier attempt may have reached Aliyun: never send twice, look for our OutId first.
            try:
                found = await in_thread(
                    lambda: provider.find(phone=phone, out_id=out_id, dates=send_dates(row, now)))
            except LookupError as exc:
                return Later(backoff(row["attempts"]), f"query before resend failed: {exc}", uncertain=True)
            if found is not None:
                status = {3: "delivered", 2: "failed"}.get(found.send_status, "sending")
                return Done(status, provider_status=found.err_code or None, content=content,
                            scrub_params=spec.secret)
        result = await in_thread(
            lambda: provider.send(phone=phone, template=spec.sms_template, params=params, out_id=out_id))
        if result.verdict == "accepted":
            SENT.labels("sms", provider.name).inc()
            # The sandbox has no receipts to wait for: what it accepts counts as delivered.
            status = "delivered" if provider.name == "sandbox" else "sending"
            return Done(status, provider_ref=result.ref, provider_status=result.code, content=content,
                        scrub_params=spec.secret)
        error = f"{result.code}: {result.message}"[:500]
        if result.verdict == "failed":
            return Done("failed", provider_status=result.code, error=error)
        if result.verdict == "retry_later":
            return Later(LATER_SECONDS, error)
        if result.verdict == "pause":
            seconds = ctx.get("sms_pause_seconds", pause.PAUSE_SECONDS)
            # One flag for every worker: until it expires nobody calls Aliyun, so no retry storm.
            if await pause.pause(redis, result.code, seconds=seconds):
                PAUSED.labels(result.code).inc()
                log.error("sms_channel_paused", provider_code=result.code, message=result.message, seconds=seconds,
                          alert=True)
            return Later(seconds, f"{pause.PAUSED_ERROR}: {error}"[:500], count_attempt=False)
        delay = backoff(row["attempts"])
        if result.uncertain:
            delay = max(delay, ctx.get("uncertain_min_delay", UNCERTAIN_MIN_DELAY))
        return Later(delay, error, uncertain=result.uncertain)


class WechatChannel:
    """A mini-program subscribe message (``ctx["wechat_messages"]``), using one authorisation."""

    async def send(self, ctx: dict[str, Any], row: Any, spec: EventSpec, now: datetime) -> Outcome:
        openid = row["to_openid"]
        if not openid:
            return FallBack("no openid")
        sender = ctx["wechat_messages"]
        data = wechat_data(spec, row["params"], now)
        result = await in_thread(
            lambda: sender.send_subscribe(openid=openid, template_id=row["template_id"] or spec.wechat_template,
                                          data=data, page=pages.link(spec.wechat_page, row["params"])))
        if result.verdict == "accepted":
            SENT.labels("wechat", sender.name).inc()
            return Done("sent", provider_ref=result.ref, provider_status="0", content=inapp_text(spec, row["params"]))
        if result.verdict == "no_authorisation":
            return FallBack(f"{result.code}: {result.message}")
        error = f"{result.code}: {result.message}"[:500]
        if result.verdict == "bad_data":
            # WeChat refused a value of ours (render.wechat_value should have made it valid): fix the
            # template mapping; the person hears by SMS and keeps the authorisation WeChat did not use.
            log.error("wechat_data_refused", id=row["id"], notify_event=row["event"], errcode=int(result.code),
                      errmsg=result.message, alert=True)
            return FallBack(error, code=result.code, give_back=True)
        if result.verdict == "failed":
            return Done("failed", provider_status=result.code, error=error)
        return Later(backoff(row["attempts"]), error)


class OfficialAccountChannel:
    """An official-account template message; a follower that left gets the message by SMS."""

    async def send(self, ctx: dict[str, Any], row: Any, spec: EventSpec, now: datetime) -> Outcome:
        openid = row["to_oa_openid"]
        if not openid:  # unfollowed since the row was written
            return FallBack("no longer follows the official account", code="43004")
        sender = ctx["wechat_messages"]
        data = wechat_data(spec, row["params"], now)
        try:
            result = await in_thread(
                lambda: sender.send_template(openid=openid, template_id=row["template_id"], data=data,
                                             page=pages.link(spec.wechat_page, row["params"])))
        except OfficialAccountMissing:
            log.error("official_account_not_configured", id=row["id"], alert=True)
            return FallBack("official account not configured", code="config")
        if result.verdict == "accepted":
            SENT.labels("wechat_oa", sender.name).inc()
            return Done("sent", provider_ref=result.ref, provider_status="0", content=inapp_text(spec, row["params"]))
        if result.verdict == "not_following":
            return FallBack(f"{result.code}: {result.message}", code=result.code, unfollowed=openid)
        error = f"{result.code}: {result.message}"[:500]
        if result.verdict in ("failed", "bad_data"):
            # A template or data the account refuses is ours to fix; the person still hears by SMS.
            log.error("official_account_template_refused", id=row["id"], errcode=int(result.code), alert=True)
            return FallBack(error, code=result.code)
        return Later(backoff(row["attempts"]), error)


CHANNELS: dict[str, Sender] = {"sms": SmsChannel(), "wechat": WechatChannel(), "wechat_oa": OfficialAccountChannel()}
