"""What users send: WeChat pushes and in-app chat, the machine's first answer, and delivery.

A user's text joins their open conversation (one per person, a partial unique index). The FAQ
answers at once when it is confident and nobody is handling the conversation yet; otherwise
the conversation waits for a person with the FAQ's suggestions attached, and every agent's
live view hears of it. Texts to WeChat users leave as customer-service messages from a job,
after the transaction that wrote them has committed (no connection held across the call).
"""

from __future__ import annotations

from pathlib import Path
import re
from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec
import structlog

import notify
from api.clock import local_now
from api.content_checks import first_look
from api.db import after_commit, load_queries, transaction
from api.faq import service as faq
from api.faq.index import FaqIndex
from api.helpdesk import checks, hours
from api.helpdesk.live import publish
from api.helpdesk.messages import message_out, queue
from api.helpdesk.schemas import ChatMessageOut
from notify.delivery import MAX_ATTEMPTS, backoff
from wechat import customer_service, push as wxpush
from wechat.errors import WechatReplyWindowClosed, WechatUnavailable

q = load_queries(Path(__file__).parents[1])
log = structlog.get_logger("zsb.helpdesk")

# F140 promises: type "人工" and a person takes over, whatever the FAQ thinks.
ASK_FOR_PERSON = re.compile(r"^(我要|我想|请|帮我)?(转|找|接)?(人工|真人)(客服|服务)?(吧|呢|啊)?$")
_PUNCT = re.compile(r"[\s,.!?，。！？~、]+")

NON_TEXT = {"image": "[图片]", "voice": "[语音]", "video": "[视频]", "miniprogrampage": "[小程序卡片]",
            "link": "[链接]", "location": "[位置]"}


async def accept_push(conn: Any, redis: Any, body: bytes, query: dict[str, str], settings: Any, *,
                      now: datetime) -> int | None:
    """A push to /wechat/push: checked (signature, freshness, replay, safe mode, shape), kept, and
    its processing queued; a retried push (same MsgId) is a no-op. Refusals are 4xx domain errors."""
    msg = await wxpush.read_trusted(redis, body, query, account="mp", token=settings.wechat_token,
                                    aes_key=settings.wechat_aes_key, appid=settings.wechat_appid, now=now,
                                    window=settings.wechat_push_window_seconds)
    return await store_push(conn, msg)


async def verify_push_url(redis: Any, query: dict[str, str], settings: Any, *, now: datetime) -> str:
    """The URL check WeChat makes when the push address is configured: the echostr to answer."""
    return await wxpush.verify_url(redis, query, account="mp", token=settings.wechat_token, now=now,
                                   window=settings.wechat_push_window_seconds)


async def store_push(conn: Any, msg: wxpush.PushMessage) -> int | None:
    """Keep the push (its typed fields only) and queue its processing; a retried push is a no-op."""
    push_id = await q.store_push(conn, dedupe_key=msg.dedupe_key, openid=msg.openid, msg_type=msg.msg_type,
                                 event=msg.event, payload=msgspec.to_builtins(msg))
    if push_id is not None:
        after_commit(conn, lambda: queue("process_wechat_push", push_id, f"wxpush:{push_id}"))
    return push_id


async def receive(conn: Any, index: FaqIndex, *, user_id: int, channel: Literal["wechat", "app"],
                  text: str, redis: Any, now: datetime | None = None, wechat: Any = None) -> list[ChatMessageOut]:
    """A user's message: stored, then answered by the machine or queued for a person.

    Agents see the text only once WeChat's content check passed it (``api.content_checks.first_look``: the
    sandbox's rule at once, msgSecCheck in the ``check_chat_message`` job); a held text reaches
    nobody but its author, who is told. Returns the messages written (the user's, the machine's
    answer if any, or the notice of when agents are next online when a person is needed outside
    the F140 hours)."""
    conv = await q.join_conversation(conn, user_id=user_id, channel=channel)
    state, verdict = await first_look(wechat, text)
    mine = await q.add_user_message(conn, conversation_id=conv["id"], text=text, content_check=state,
                                    content_check_result=verdict)
    written = [message_out(mine)]
    if state == "held":
        return written + await checks.tell_author(conn, conv, redis)
    if state == "pending":
        after_commit(conn, lambda: queue("check_chat_message", mine["id"], f"chatcheck:{mine['id']}"))
    if ASK_FOR_PERSON.match(_PUNCT.sub("", text)):
        waiting = await q.wait_for_agent(conn, id=conv["id"], suggestions=[])
        _announce(conn, redis, waiting, text, state)
        return written + await _offline_notice(conn, conv, waiting, channel, redis, now or local_now())
    asked = await faq.ask(conn, index, text, source="chat" if channel == "app" else "wechat",
                          conversation_id=conv["id"])
    # Confident: the answer. Unsure but on the domain (neither flag): "您是不是想问" the top 3 rather
    # than a hand-off — the user sends one of them (matched at once) or “人工”.
    offered = not (asked.confident or asked.handoff) and bool(asked.matches)
    if (asked.confident or offered) and conv["status"] == "bot":
        top = asked.matches[0]
        slot = await q.use_reply_slot(conn, id=conv["id"])
        if slot is not None:  # just reopened by this message, so only a race could close it
            answer = await q.add_message(conn, conversation_id=conv["id"], sender="bot", agent_id=None,
                                         text=_did_you_mean(asked.matches) if offered else top.answer[:2000],
                                         faq_entry_id=None if offered else top.id,
                                         delivery="pending" if channel == "wechat" else "none")
            written.append(message_out(answer))
            if channel == "wechat":
                after_commit(conn, lambda: queue("deliver_chat_message", answer["id"], f"chatmsg:{answer['id']}"))
            after_commit(conn, lambda: publish(redis, "message", conversation_id=conv["id"], sender="bot"))
            return written
    waiting = await q.wait_for_agent(conn, id=conv["id"], suggestions=msgspec.to_builtins(asked.matches))
    _announce(conn, redis, waiting, text, state)
    return written + await _offline_notice(conn, conv, waiting, channel, redis, now or local_now())


def _did_you_mean(matches: list[Any]) -> str:
    lines = [f"{n}. {m.question}" for n, m in enumerate(matches[:3], 1)]
    return "您是不是想问：\n" + "\n".join(lines) + "\n请发送您要问的那一条，或回复“人工”转人工客服。"


def _announce(conn: Any, redis: Any, conv: Any, text: str, state: str) -> None:
    """Agents' live view hears of the user's text after commit; a text still being checked is
    announced by the check's job once it passed (api/helpdesk/checks.py), a held one never."""
    if state == "pass":
        after_commit(conn, lambda: publish(redis, "waiting" if conv["status"] == "waiting" else "message",
                                           conversation_id=conv["id"], status=conv["status"],
                                           agent_id=conv["agent_id"], text=text[:200]))


async def _offline_notice(conn: Any, before: Any, after: Any, channel: str, redis: Any,
                          now: datetime) -> list[ChatMessageOut]:
    """F140: handed to a person outside the hours, the user learns when agents are next online.

    Said once as the conversation joins the queue (not again for each message while it waits:
    on WeChat every machine text uses one of the 5 replies the agent will need). A conversation
    an agent already holds gets no notice: that agent is answering."""
    if after["status"] != "waiting" or before["status"] == "waiting" or hours.agents_online(now):
        return []
    if await q.use_reply_slot(conn, id=after["id"]) is None:  # WeChat's window is used up: stay silent
        return []
    notice = await q.add_message(conn, conversation_id=after["id"], sender="bot", agent_id=None,
                                 text=hours.offline_notice(now), faq_entry_id=None,
                                 delivery="pending" if channel == "wechat" else "none")
    if channel == "wechat":
        after_commit(conn, lambda: queue("deliver_chat_message", notice["id"], f"chatmsg:{notice['id']}"))
    after_commit(conn, lambda: publish(redis, "message", conversation_id=after["id"], sender="bot"))
    return [message_out(notice)]


async def handle_push(conn: Any, index: FaqIndex, push_id: int, *, redis: Any,
                      now: datetime | None = None, wechat: Any = None) -> list[ChatMessageOut]:
    """The job's share of a push, in one transaction: a retried job finds it done."""
    row = await q.claim_push(conn, id=push_id)
    if row is None:
        return []
    try:
        msg = wxpush.message(row["payload"])
    except wxpush.PushMalformed as exc:  # kept before pushes were typed at the edge: set aside, never retried
        log.warning("wechat_push_unreadable", push_id=push_id, error=str(exc)[:200])
        await q.set_push_error(conn, id=push_id, error=f"unreadable: {exc}"[:500])
        return []
    if msg.msg_type == "event":
        if msg.event in ("subscribe_msg_popup_event", "subscribe_msg_change_event"):
            await _record_subscriptions(conn, msg)
        return []
    text = (msg.content or "").strip() if msg.msg_type == "text" else NON_TEXT.get(msg.msg_type, f"[{msg.msg_type}]")
    if not text:
        return []
    user_id = await q.user_for_openid(conn, openid=msg.openid)
    written = await receive(conn, index, user_id=user_id, channel="wechat", text=text[:2000], redis=redis, now=now,
                            wechat=wechat if msg.msg_type == "text" else None)
    if msg.msg_type in ("image", "voice") and msg.media_id:
        # the file itself is fetched from WeChat's media API by its own job (api/helpdesk/media.py)
        mine = written[0]
        await q.attach_media(conn, id=mine.id, media_kind=msg.msg_type, media_id=msg.media_id)
        after_commit(conn, lambda: queue("fetch_chat_media", mine.id, f"chatmedia:{mine.id}"))
    return written


async def _record_subscriptions(conn: Any, msg: wxpush.PushMessage) -> None:
    accepted, rejected = wxpush.subscriptions(msg)
    if accepted or rejected:
        user_id = await q.user_for_openid(conn, openid=msg.openid)
        await notify.record_subscriptions(conn, user_id=user_id, accepted=accepted, rejected=rejected)


class Delivery(msgspec.Struct, frozen=True):
    """What became of one attempt to send a text: sent, failed, skipped, or retry in ``retry_in`` s."""

    outcome: Literal["sent", "failed", "skipped", "retry"]
    retry_in: float = 0.0


async def deliver(pool: Any, settings: Any, message_id: int, *, redis: Any, now: datetime) -> Delivery:
    """Send one pending WeChat text: claim it, release the connection, send, record the outcome.

    The claim makes one job the sender; a claim left by a worker that died is taken over after two
    minutes. WeChat down or a send that timed out (the connection held, then closed unanswered):
    back to pending for a later try, as outbox rows are, failed for good after MAX_ATTEMPTS."""
    async with transaction(pool) as conn:
        row = await q.claim_delivery(conn, id=message_id)
    if row is None:
        return Delivery("skipped")  # sent, failed, or another job is sending it
    outcome, error = "sent", None
    try:
        if not row["openid"]:
            raise WechatReplyWindowClosed(errcode=None)  # the user has no WeChat identity any more
        await customer_service.send_text(settings, row["openid"], row["text"])
    except WechatReplyWindowClosed as exc:
        outcome, error = "failed", f"window_closed:{exc.extra.get('errcode')}"
    except WechatUnavailable:
        if row["attempts"] < MAX_ATTEMPTS:
            delay = backoff(row["attempts"])
            async with transaction(pool) as conn:
                await q.release_delivery(conn, id=message_id, retry_at=now + timedelta(seconds=delay),
                                         error=f"wechat_unavailable:attempt {row['attempts']}")
            return Delivery("retry", delay)
        outcome, error = "failed", f"wechat_unavailable after {row['attempts']} attempts"
    async with transaction(pool) as conn:
        conv = await q.mark_delivery(conn, id=message_id, delivery=outcome, error=error)
    if conv is not None:
        await publish(redis, "delivery", conversation_id=conv, message_id=message_id, delivery=outcome)
    return Delivery(outcome)


async def deliveries_due(conn: Any, *, now: datetime) -> list[int]:
    """Pending texts whose job was lost and claims of dead workers, for the sweeper to queue again."""
    return [r["id"] async for r in q.chat_deliveries_due(conn, now=now)]


async def unprocessed_pushes(conn: Any, older_than_seconds: int = 60) -> list[int]:
    return [r["id"] async for r in q.unprocessed_pushes(conn, older_than_seconds=older_than_seconds)]
