"""Followers of the official account (公众号): recorded from its pushes, linked to users by unionid.

A follow event carries only the account's own openid. The unionid that joins it to the same
person's mini-program login comes from user/info, a call to WeChat, so it is made by a job
after the push is answered (WeChat waits 5 seconds at most), never inside the request. Until
a follower is linked nothing is routed to it; a cron job links whatever a lost job left over.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog
from wechatpy.exceptions import WeChatClientException

from api.db import after_commit, load_queries, transaction
from notify.queue import enqueue_job
from notify.threads import in_thread
from wechat.client import is_unavailable
from wechat.messages import Follower, OfficialAccountMissing
from wechat.push import PushMessage

q = load_queries(__file__, "followers.sql")
log = structlog.get_logger("zsb.notify")

LINK_JOB = "link_wechat_follower"
FOLLOW_EVENTS = {"subscribe": True, "unsubscribe": False}


async def record_push(conn: Any, msg: PushMessage, *, received_at: datetime) -> bool:
    """A push to the official account: follow and unfollow events are recorded (a new follower is
    linked after commit); anything else the account receives is not ours to answer. Returns
    whether the push changed a follower. Events are ordered by when they happened, never later
    than their arrival: an event dated ahead cannot outrank the events that come after it."""
    following = FOLLOW_EVENTS.get(msg.event or "") if msg.msg_type == "event" else None
    if following is None:
        return False
    at = msg.happened_at(received_at)
    changed = bool(await q.record_follow(conn, oa_openid=msg.openid, following=following, at=at))
    if changed:
        after_commit(conn, lambda: _queue_link(msg.openid, msg.dedupe_key))
    return changed


async def _queue_link(oa_openid: str, key: str) -> None:
    # without a queue (a CLI run) nothing is queued: the cron job links it within a minute
    await enqueue_job(LINK_JOB, oa_openid, job_id=f"wxfollow:{key}")


async def link_wechat_follower(ctx: dict[str, Any], oa_openid: str) -> int:
    """A new follower of the official account: its unionid from user/info joins it to a user."""
    return await _link(ctx, [oa_openid])


async def link_wechat_followers(ctx: dict[str, Any]) -> int:
    """Followers a lost or failed job left unlinked (not asked about in the last day)."""
    async with transaction(ctx["pool"]) as conn:
        oa_openids = [r["oa_openid"] async for r in q.unlinked_followers(conn, max_rows=100)]
    return await _link(ctx, oa_openids)


async def _link(ctx: dict[str, Any], oa_openids: list[str]) -> int:
    """Ask user/info about each follower and record the answer: its unionid (which joins it to a
    user; an older openid holding the same unionid lets it go), or that it left."""
    pool = ctx["pool"]
    sender = ctx["wechat_messages"]
    linked = 0
    for openid in oa_openids:
        try:
            follower = await in_thread(lambda: sender.follower(openid))
        except OfficialAccountMissing:
            log.error("official_account_not_configured", alert=True)
            return linked
        except WeChatClientException as exc:  # e.g. the account lacks the user/info permission
            log.error("wechat_follower_lookup_refused", errcode=exc.errcode, errmsg=exc.errmsg)
            follower = Follower(True)  # noted as asked; asked again in a day
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("wechat_unavailable", error=type(exc).__name__)
            return linked  # WeChat is down: the cron job asks again
        async with transaction(pool) as conn:
            if follower.unionid:
                await q.release_unionid(conn, oa_openid=openid, unionid=follower.unionid)
            await q.link_follower(conn, oa_openid=openid, unionid=follower.unionid, following=follower.following)
        linked += 1
    return linked
