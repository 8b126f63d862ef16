"""WeChat's content check (msgSecCheck 2.0) of rating comments (issue 25).

A rating's comment and each appended comment are shown to staff (the ratings list, the follow-up
pages) only once they passed: the sandbox's rule decides at once (api/content_checks.first_look);
live, the text waits as 'pending' while the ``check_rating_text`` job asks WeChat with the author's
openid and scene 2 (评论). A held text stays visible to its author, marked held; the author is told;
a lead or admin reviews and may release it. A bad review's follow-up hears of an appended comment
only once it passed.
"""

from __future__ import annotations

from typing import Any, Literal

import structlog

import notify
from api.content_checks import ask, first_look as look, queue_job
from api.db import after_commit, load_queries, rows
from api.errors import NotFound
from api.ratings.schemas import HeldRatingTextOut
from wechat.gateway import SCENE_COMMENT

q = load_queries(__file__)
log = structlog.get_logger("zsb.ratings")

Kind = Literal["rating", "comment"]
PENDING_TEXT = "（内容安全检查中，通过后显示）"
HELD_TEXT = "（内容未通过微信内容安全检查，已暂存待复核）"
_TO_CHECK = {"rating": q.rating_to_check, "comment": q.comment_to_check}
_SET = {"rating": q.set_rating_check, "comment": q.set_comment_check}
_SETTLE = {"rating": q.settle_rating, "comment": q.settle_comment}
_RELEASE = {"rating": q.release_rating, "comment": q.release_comment}


class HeldRatingTextNotFound(NotFound):
    """没有找到该暂存评价内容，或它已被放行。"""

    code = "held_rating_text_not_found"


def shown_to_staff(text: str, state: str) -> str:
    if state in ("none", "pass"):
        return text
    return PENDING_TEXT if state == "pending" else HELD_TEXT


async def _passed(conn: Any, kind: Kind, row: Any) -> None:
    """An appended comment that passed reaches the people following up a bad review."""
    if kind == "comment" and await q.get_follow_up(conn, rating_id=row["rating_id"]) is not None:
        await q.insert_event(conn, rating_id=row["rating_id"], kind="comment", actor_id=row["user_id"],
                             note=row["text"], data={"commentId": row["id"]})


async def _tell_author(conn: Any, kind: Kind, user_id: int, row_id: int) -> None:
    what = "评价内容" if kind == "rating" else "追加评论"
    await notify.enqueue(conn, user_id=user_id, event="content_held", params={"what": what},
                         dedupe_key=f"content_held:{kind}:{row_id}")


async def first_look(conn: Any, wechat: Any, kind: Kind, row_id: int, user_id: int, text: str) -> str:
    """Just after writing: the sandbox's verdict now, or the job queued after commit."""
    if not text:
        return "none"
    state, verdict = await look(wechat, text, scene=SCENE_COMMENT)
    row = await _SET[kind](conn, id=row_id, content_check=state, content_check_result=verdict)
    if state == "held":
        await _tell_author(conn, kind, user_id, row_id)
    elif state == "pending":
        after_commit(conn, lambda: queue_job("check_rating_text", kind, row_id, job_id=f"ratingcheck:{kind}:{row_id}"))
    else:
        await _passed(conn, kind, row)
    return state


async def check(pool: Any, wechat: Any, kind: Kind, row_id: int) -> str:
    """The job's share: ask WeChat about one pending text (no connection held across the call)."""
    async def settled(conn: Any, state: str, row: Any, verdict: Any) -> None:
        if state == "held":
            await _tell_author(conn, kind, row["user_id"], row_id)
            log.warning("rating_text_held", kind=kind, id=row_id, suggest=verdict.suggest, label=verdict.label,
                        trace_id=verdict.trace_id)
        else:
            await _passed(conn, kind, row)

    state, _ = await ask(pool, wechat, lambda conn: _TO_CHECK[kind](conn, id=row_id),
                         lambda conn, state, result: _SETTLE[kind](conn, id=row_id, content_check=state,
                                                                   content_check_result=result),
                         settled)
    return state


async def held(conn: Any, *, limit: int = 100) -> list[HeldRatingTextOut]:
    return [HeldRatingTextOut(kind=r["kind"], id=r["id"], rating_id=r["rating_id"], text=r["text"],
                              suggest=(r["content_check_result"] or {}).get("suggest"),
                              label=(r["content_check_result"] or {}).get("label"), created_at=r["created_at"])
            for r in await rows(q.held_texts(conn, max_rows=limit))]


async def release(conn: Any, reviewer_id: int, kind: Kind, row_id: int) -> None:
    row = await _RELEASE[kind](conn, id=row_id, reviewer_id=reviewer_id)
    if row is None:
        raise HeldRatingTextNotFound()
    await _passed(conn, kind, row)
    log.info("rating_text_released", kind=kind, id=row_id, reviewer_id=reviewer_id)


async def due(conn: Any, *, now: Any) -> list[tuple[str, int]]:
    return [(r["kind"], r["id"]) for r in await rows(q.checks_due(conn, now=now))]
