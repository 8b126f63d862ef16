"""好差评: one rating per finished service per person, appended comments, the rater's own list.

What citizens are promised (FAQ F142): five levels; each finished matter rated once; a rating
cannot be changed after it is submitted, but a comment can be appended within 7 days
(``rating_policy.comment_days``). A bad review (不满意, 非常不满意) opens a follow-up
(api/ratings/service_followup.py, FAQ F143).

Rateable targets: an application that is decided (approved or rejected), an appointment that was
checked in, a help-desk conversation that is resolved — each only by the person it was for.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.db import rows
from api.db import load_queries
from api.errors import Conflict, NotFound
from api.ratings.schemas import (
    LEVEL_LABELS,
    OUTCOME_LABELS,
    CommentOut,
    FollowUpOut,
    RatingIn,
    RatingOut,
)

q = load_queries(__file__)

_TARGET_QUERIES = {
    "application": q.application_target,
    "appointment": q.appointment_target,
    "conversation": q.conversation_target,
}


class RatingTargetNotFound(NotFound):
    """没有找到要评价的办件或服务。"""

    code = "rating_target_not_found"


class TargetNotFinished(Conflict):
    """服务办结后才能评价。"""

    code = "target_not_finished"


class AlreadyRated(Conflict):
    """您已评价过该服务，评价提交后不能修改，可在7天内追加评论。"""

    code = "already_rated"


class RatingNotFound(NotFound):
    """没有找到该评价。"""

    code = "rating_not_found"


class CommentWindowClosed(Conflict):
    """只能在评价后7天内追加评论，且最多追加5条。"""

    code = "comment_window_closed"


def from_row(row: Any, struct: Any) -> Any:
    """A row as a response Struct (rows carry snake_case names, the Structs' JSON is camelCase)."""
    return struct(**{f: row[f] for f in struct.__struct_fields__})


def follow_up_out(row: Any, *, today: Any = None) -> FollowUpOut | None:
    if row["follow_up_status"] is None:
        return None
    overdue = row["overdue"] if "overdue" in row.keys() else False
    return FollowUpOut(status=row["follow_up_status"], callback_due_on=row["callback_due_on"],
                       rectify_due_on=row["rectify_due_on"], called_back_at=row["called_back_at"],
                       closed_at=row["closed_at"], outcome=row["outcome"],
                       outcome_label=OUTCOME_LABELS.get(row["outcome"] or ""),
                       rectification_note=row["rectification_note"] if "rectification_note" in row.keys() else None,
                       overdue=bool(overdue))


def _rating_out(row: Any, comments: list[CommentOut] | None = None) -> RatingOut:
    follow_up = follow_up_out(row) if "follow_up_status" in row.keys() else None
    return RatingOut(id=row["id"], target_type=row["target_type"], target_id=row["target_id"],
                     service_code=row["service_code"], level=row["level"], level_label=LEVEL_LABELS[row["level"]],
                     is_bad=row["is_bad"], tags=list(row["tags"]), comment=row["comment"],
                     created_at=row["created_at"], voided=row["voided_at"] is not None,
                     comments=comments or [], follow_up=follow_up, comment_held=row["content_check"] == "held")


async def comments_by_rating(conn: Any, rating_ids: list[int], *, for_staff: bool = False) -> dict[int, list[CommentOut]]:
    """The comments appended to these ratings; for staff, one not (yet) passed by the content check
    is a placeholder (api/ratings/checks.py), its author sees it marked held."""
    from api.ratings.checks import shown_to_staff

    found: dict[int, list[CommentOut]] = {}
    for c in await rows(q.comments_of(conn, rating_ids=rating_ids)):
        state = c["content_check"]
        text = shown_to_staff(c["text"], state) if for_staff else c["text"]
        found.setdefault(c["rating_id"], []).append(CommentOut(id=c["id"], text=text, created_at=c["created_at"],
                                                               held=state == "held"))
    return found


async def target_of(conn: Any, target_type: str, target_id: int, user_id: int) -> Any:
    """The finished target ``user_id`` may rate, or a domain error saying why not."""
    target = await _TARGET_QUERIES[target_type](conn, id=target_id)
    if target is None or target["owner_id"] != user_id:
        raise RatingTargetNotFound()  # someone else's case looks the same as no case
    if not target["finished"]:
        raise TargetNotFinished()
    return target


async def rate(conn: Any, *, user_id: int, data: RatingIn, now: datetime, wechat: Any = None) -> RatingOut:
    """Record a rating; a bad one opens its follow-up in the same transaction. Its comment reaches
    staff only once WeChat's content check passed it (api/ratings/checks.py)."""
    from api.ratings import checks, service_followup

    target = await target_of(conn, data.target_type, data.target_id, user_id)
    tags = sorted({t.strip() for t in data.tags if t.strip()})
    row = await q.insert_rating(conn, user_id=user_id, target_type=data.target_type, target_id=data.target_id,
                                service_code=target["service_code"], level=data.level, tags=tags,
                                comment=data.comment.strip(), now=now)
    if row is None:
        raise AlreadyRated(ratingTargetType=data.target_type, targetId=data.target_id)
    await checks.first_look(conn, wechat, "rating", row["id"], user_id, row["comment"])
    if row["is_bad"]:
        await service_followup.open_follow_up(conn, row, now=now)
    return await mine_one(conn, user_id=user_id, rating_id=row["id"])


async def append_comment(conn: Any, *, user_id: int, rating_id: int, text: str, now: datetime,
                         wechat: Any = None) -> RatingOut:
    """Append a comment; the people following up a bad review see it once the content check passed it."""
    from api.ratings import checks

    row = await q.append_comment(conn, rating_id=rating_id, user_id=user_id, text=text.strip(), now=now)
    if row is None:
        rating = await q.lock_rating(conn, id=rating_id)
        if rating is None or rating["user_id"] != user_id:
            raise RatingNotFound()
        raise CommentWindowClosed()
    await checks.first_look(conn, wechat, "comment", row["id"], user_id, row["text"])
    return await mine_one(conn, user_id=user_id, rating_id=rating_id)


async def mine(conn: Any, *, user_id: int) -> list[RatingOut]:
    found = await rows(q.my_ratings(conn, user_id=user_id))
    comments = await comments_by_rating(conn, [r["id"] for r in found])
    return [_rating_out(r, comments.get(r["id"])) for r in found]


async def mine_one(conn: Any, *, user_id: int, rating_id: int) -> RatingOut:
    row = await q.my_rating(conn, user_id=user_id, id=rating_id)
    if row is None:
        raise RatingNotFound()
    comments = await comments_by_rating(conn, [rating_id])
    return _rating_out(row, comments.get(rating_id))
