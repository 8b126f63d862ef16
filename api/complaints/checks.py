"""WeChat's content check (msgSecCheck 2.0) of complaint texts (issue 25).

A complaint's text reaches the bureau's queue only once it passed: in the sandbox the rule decides
at once (api/content_checks.first_look); live, the text waits as 'pending' while the
``check_complaint_text`` job asks WeChat with the author's openid (scene 2, 评论: a citizen's
remark on a service). The comment given with the rating of the answer goes the same way. Until then, and while held, staff lists and detail show a placeholder; the
complainant sees their own text and is told when it is held; a lead or admin reviews held texts.
"""

from __future__ import annotations

from typing import Any, Literal

import structlog

import notify
from api.content_checks import ask, first_look as look, queue_job
from api.db import after_commit, load_queries, rows
from api.errors import NotFound
from api.complaints.schemas import HeldComplaintOut
from wechat.gateway import SCENE_COMMENT

q = load_queries(__file__)
log = structlog.get_logger("zsb.complaints")

SCENE = SCENE_COMMENT
PENDING_TEXT = "（内容安全检查中，通过后显示）"
HELD_TEXT = "（内容未通过微信内容安全检查，已暂存待复核）"
# part 'text': the complaint itself; 'rating': the comment given with the rating of the answer
Part = Literal["text", "rating"]
_WHAT = {"text": "投诉内容", "rating": "投诉评价内容"}
_SET = {"text": q.set_text_check, "rating": q.set_rating_comment_check}
_TO_CHECK = {"text": q.complaint_to_check, "rating": q.rating_comment_to_check}
_SETTLE = {"text": q.settle_check, "rating": q.settle_rating_comment_check}
_RELEASE = {"text": q.release_text, "rating": q.release_rating_comment}


class HeldComplaintNotFound(NotFound):
    """没有找到该暂存投诉内容，或它已被放行。"""

    code = "held_complaint_not_found"


def shown_to_staff(text: str | None, state: str) -> str | None:
    """What staff may read: the text once passed (or never checked: written before the checks)."""
    if state in ("none", "pass"):
        return text
    return PENDING_TEXT if state == "pending" else HELD_TEXT


def _job(part: Part, complaint_id: int) -> tuple[tuple[Any, ...], str]:
    return (complaint_id, part), f"complaintcheck:{part}:{complaint_id}"


async def tell_author(conn: Any, part: Part, complainant_id: int, complaint_id: int) -> None:
    await notify.enqueue(conn, user_id=complainant_id, event="content_held", params={"what": _WHAT[part]},
                         dedupe_key=f"content_held:complaint:{part}:{complaint_id}",
                         subject=("complaint", complaint_id))


async def first_look(conn: Any, wechat: Any, part: Part, row: Any) -> Any:
    """Just after writing: the sandbox's verdict now, or the job queued after commit."""
    text = row["text"] if part == "text" else row["rating_comment"]
    if not text:
        return row
    state, verdict = await look(wechat, text, scene=SCENE)
    row = await _SET[part](conn, id=row["id"], content_check=state, content_check_result=verdict)
    if state == "held":
        await tell_author(conn, part, row["complainant_id"], row["id"])
    elif state == "pending":
        args, job_id = _job(part, row["id"])
        after_commit(conn, lambda: queue_job("check_complaint_text", *args, job_id=job_id))
    return row


async def check(pool: Any, wechat: Any, complaint_id: int, part: Part = "text") -> str:
    """The job's share: ask WeChat about one pending text (no connection held across the call)."""
    async def settled(conn: Any, state: str, row: Any, verdict: Any) -> None:
        if state == "held":
            await tell_author(conn, part, row["complainant_id"], complaint_id)
            log.warning("complaint_text_held", complaint_id=complaint_id, part=part, suggest=verdict.suggest,
                        label=verdict.label, trace_id=verdict.trace_id)

    state, _ = await ask(pool, wechat, lambda conn: _TO_CHECK[part](conn, id=complaint_id),
                         lambda conn, state, result: _SETTLE[part](conn, id=complaint_id, content_check=state,
                                                                   content_check_result=result),
                         settled)
    return state


async def held(conn: Any, *, limit: int = 100) -> list[HeldComplaintOut]:
    return [HeldComplaintOut(part=r["part"], id=r["id"], public_no=r["public_no"], text=r["text"],
                             suggest=(r["content_check_result"] or {}).get("suggest"),
                             label=(r["content_check_result"] or {}).get("label"), created_at=r["created_at"])
            for r in await rows(q.held_texts(conn, max_rows=limit))]


async def release(conn: Any, reviewer_id: int, complaint_id: int, part: Part = "text") -> None:
    if await _RELEASE[part](conn, id=complaint_id, reviewer_id=reviewer_id) is None:
        raise HeldComplaintNotFound()
    log.info("complaint_text_released", complaint_id=complaint_id, part=part, reviewer_id=reviewer_id)


async def due(conn: Any, *, now: Any) -> list[tuple[Part, int]]:
    return [(r["part"], r["id"]) for r in await rows(q.checks_due(conn, now=now))]
