"""WeChat's content check (msgSecCheck 2.0) of complaint texts (issue 25).

A complaint's text reaches the bureau's queue only once it passed: in the sandbox the rule decides
at once (api/helpdesk/checks.first_look); live, the text waits as 'pending' while the
``check_complaint_text`` job asks WeChat with the author's openid (scene 2, 评论: a citizen's
remark on a service). Until then, and while held, staff lists and detail show a placeholder; the
complainant sees their own text and is told when it is held; a lead or admin reviews held texts.
"""

from __future__ import annotations

from typing import Any

import msgspec
import structlog

import notify
from api.db import after_commit, load_queries, rows, transaction
from api.errors import NotFound
from api.complaints.schemas import HeldComplaintOut
from wechat.errors import WechatUnavailable
from wechat.gateway import SCENE_COMMENT

q = load_queries(__file__)
log = structlog.get_logger("zsb.complaints")

SCENE = SCENE_COMMENT
PENDING_TEXT = "（内容安全检查中，通过后显示）"
HELD_TEXT = "（内容未通过微信内容安全检查，已暂存待复核）"


class HeldComplaintNotFound(NotFound):
    """没有找到该暂存投诉内容，或它已被放行。"""

    code = "held_complaint_not_found"


def shown_to_staff(row: Any) -> str:
    """The text staff may read: the text once passed (or never checked: filed before the checks)."""
    state = row["content_check"]
    if state in ("none", "pass"):
        return row["text"]
    return PENDING_TEXT if state == "pending" else HELD_TEXT


async def tell_author(conn: Any, complainant_id: int, complaint_id: int) -> None:
    await notify.enqueue(conn, user_id=complainant_id, event="content_held", params={"what": "投诉内容"},
                         dedupe_key=f"content_held:complaint:{complaint_id}", subject=("complaint", complaint_id))


async def first_look(conn: Any, wechat: Any, row: Any) -> Any:
    """Just after filing: the sandbox's verdict now, or the job queued after commit."""
    from api.helpdesk.checks import first_look as look, queue_job

    state, verdict = await look(wechat, row["text"], scene=SCENE)
    row = await q.set_text_check(conn, id=row["id"], content_check=state, content_check_result=verdict)
    if state == "held":
        await tell_author(conn, row["complainant_id"], row["id"])
    elif state == "pending":
        after_commit(conn, lambda: queue_job("check_complaint_text", row["id"], job_id=f"complaintcheck:{row['id']}"))
    return row


async def check(pool: Any, wechat: Any, complaint_id: int) -> str:
    """The job's share: ask WeChat about one pending text (no connection held across the call)."""
    async with transaction(pool) as conn:
        row = await q.complaint_to_check(conn, id=complaint_id)
    if row is None:
        return "skipped"  # checked already (a retried job) or never pending
    try:
        verdict = await wechat.msg_sec_check(row["openid"] or "", row["text"], scene=SCENE)
    except WechatUnavailable:
        return "retry"
    state = "held" if verdict.held else "pass"
    async with transaction(pool) as conn:
        if await q.settle_check(conn, id=complaint_id, content_check=state,
                                content_check_result=msgspec.to_builtins(verdict)) is None:
            return "skipped"
        if state == "held":
            await tell_author(conn, row["complainant_id"], complaint_id)
            log.warning("complaint_text_held", complaint_id=complaint_id, suggest=verdict.suggest,
                        label=verdict.label, trace_id=verdict.trace_id)
    return state


async def held(conn: Any, *, limit: int = 100) -> list[HeldComplaintOut]:
    return [HeldComplaintOut(id=r["id"], public_no=r["public_no"], text=r["text"],
                             suggest=(r["content_check_result"] or {}).get("suggest"),
                             label=(r["content_check_result"] or {}).get("label"), received_at=r["received_at"])
            for r in await rows(q.held_texts(conn, max_rows=limit))]


async def release(conn: Any, reviewer_id: int, complaint_id: int) -> None:
    if await q.release_text(conn, id=complaint_id, reviewer_id=reviewer_id) is None:
        raise HeldComplaintNotFound()
    log.info("complaint_text_released", complaint_id=complaint_id, reviewer_id=reviewer_id)


async def due(conn: Any, *, now: Any) -> list[int]:
    return [r["id"] for r in await rows(q.checks_due(conn, now=now))]
