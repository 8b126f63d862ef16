"""WeChat's content check (msgSecCheck 2.0) of what users write, the same for every text checked:
help-desk messages, complaint texts and rating comments (issue 25).

In the sandbox (dev, demo, most tests) the sandbox's rule answers at once (wechat/gateway.py
SANDBOX_RISKY); live, a text waits as 'pending' while a job asks WeChat, with the author's openid
and the comment scene, and no database connection is held across the call. Each domain keeps its
own rows, states and notices (``api/helpdesk/checks.py``, ``api/complaints/checks.py``,
``api/ratings/checks.py``); this module is what they share.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from api.db import transaction
from notify import queue as notify_queue
from wechat.errors import WechatUnavailable
from wechat.gateway import SCENE_COMMENT, SandboxWeChat

SANDBOX = SandboxWeChat()

Settled = Callable[[Any, str, Any, Any], Awaitable[None]]


async def first_look(wechat: Any, text: str, *, scene: int = SCENE_COMMENT) -> tuple[str, dict[str, Any] | None]:
    """The check state a new user text starts in, and the verdict when it is already known."""
    gateway = wechat or SANDBOX
    if isinstance(gateway, SandboxWeChat):  # a local rule: no network, decided now
        verdict = await gateway.msg_sec_check("", text, scene=scene)
        return ("held" if verdict.held else "pass"), msgspec.to_builtins(verdict)
    return "pending", None


async def queue_job(function: str, *args: Any, job_id: str) -> None:
    """Queue a check's job; with no queue (a CLI run) the domain's sweeper picks the row up."""
    await notify_queue.enqueue_job(function, *args, job_id=job_id)


async def ask(pool: Any, wechat: Any, read: Callable[[Any], Awaitable[Any]],
              settle: Callable[[Any, str, Any], Awaitable[Any]], on_settled: Settled) -> tuple[str, Any]:
    """One pending text's check: read the row, ask WeChat with no connection held, then record the
    verdict only if the text is still pending and run ``on_settled(conn, state, row, verdict)`` in
    that same transaction. Returns the outcome (pass, held, skipped: checked already or never
    pending, retry: WeChat unreachable) and the row."""
    async with transaction(pool) as conn:
        row = await read(conn)
    if row is None:
        return "skipped", None
    try:
        verdict = await wechat.msg_sec_check(row["openid"] or "", row["text"], scene=SCENE_COMMENT)
    except WechatUnavailable:
        return "retry", row
    state = "held" if verdict.held else "pass"
    async with transaction(pool) as conn:
        if await settle(conn, state, msgspec.to_builtins(verdict)) is None:
            return "skipped", row
        await on_settled(conn, state, row, verdict)
    return state, row
