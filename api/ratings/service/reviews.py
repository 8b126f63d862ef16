"""好差评: one rating per finished service per person, appended comments, the rater's own list.

What citizens are promised (FAQ F142): five levels; each finished matter rated once; a rating
cannot be changed after it is submitted, but a comment can be appended within 7 days
(``rating_policy.comment_days``). A bad review (不满意, 非常不满意) opens a follow-up
(api/ratings/service/followup.py, FAQ F143).

Rateable targets: an application that is decided (approved or rejected), an appointment that was
checked in, a help-desk conversation that is resolved — each only by its subject (issue 20): the
person it was for, acting as themself, or, for an enterprise's case or booking, a person acting for
the enterprise (an 经办人: of a service granted to them), once per enterprise. The rater's list and
look-ups are the acting subject's (api/enterprises/scope.py).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from api.auth.schemas import AuthUser
from api.db import load_queries, rows
from api.enterprises import scope
from api.enterprises import service as enterprises
from api.enterprises.schemas import OwningSubjectOut
from api.ratings import checks
from api.ratings.service import followup
from api.ratings.errors import (AlreadyRated, CommentWindowClosed, RatingNotFound, RatingTargetNotFound,
                                TargetNotFinished)
from api.ratings.schemas import LEVEL_LABELS, CommentOut, RatingIn, RatingOut
from api.ratings.views import comments_by_rating, follow_up_out, target_row

q = load_queries(Path(__file__).parents[1])


def _rating_out(row: Any, comments: list[CommentOut] | None = None,
                subject: OwningSubjectOut | None = None) -> RatingOut:
    follow_up = follow_up_out(row) if "follow_up_status" in row.keys() else None
    return RatingOut(id=row["id"], target_type=row["target_type"], target_id=row["target_id"],
                     service_code=row["service_code"], level=row["level"], level_label=LEVEL_LABELS[row["level"]],
                     is_bad=row["is_bad"], tags=list(row["tags"]), comment=row["comment"],
                     created_at=row["created_at"], voided=row["voided_at"] is not None,
                     comments=comments or [], follow_up=follow_up, comment_held=row["content_check"] == "held",
                     subject=subject)


def _reaches(user: AuthUser, row: Any, owner: str) -> bool:
    return scope.reaches(user, enterprise_id=row["enterprise_id"], owner_id=row[owner],
                         service_code=row["service_code"])


async def target_of(conn: Any, target_type: str, target_id: int, user: AuthUser) -> Any:
    """The finished target the caller's acting subject may rate, or a domain error saying why not."""
    target = await target_row(conn, target_type, target_id)
    if target is None or not _reaches(user, target, "owner_id"):
        raise RatingTargetNotFound()  # someone else's case looks the same as no case
    if not target["finished"]:
        raise TargetNotFinished()
    return target


async def rate(conn: Any, *, user: AuthUser, data: RatingIn, now: datetime, wechat: Any = None) -> RatingOut:
    """Record a rating, the target's subject's; a bad one opens its follow-up in the same transaction.
    Its comment reaches staff only once WeChat's content check passed it (api/ratings/checks.py)."""
    user_id = user.id
    target = await target_of(conn, data.target_type, data.target_id, user)
    tags = sorted({t.strip() for t in data.tags if t.strip()})
    row = await q.insert_rating(conn, user_id=user_id, target_type=data.target_type, target_id=data.target_id,
                                service_code=target["service_code"], level=data.level, tags=tags,
                                comment=data.comment.strip(), now=now, enterprise_id=target["enterprise_id"])
    if row is None:
        raise AlreadyRated(ratingTargetType=data.target_type, targetId=data.target_id)
    await checks.first_look(conn, wechat, "rating", row["id"], user_id, row["comment"])
    if row["is_bad"]:
        await followup.open_follow_up(conn, row, now=now)
    return await mine_one(conn, user=user, rating_id=row["id"])


async def append_comment(conn: Any, *, user: AuthUser, rating_id: int, text: str, now: datetime,
                         wechat: Any = None) -> RatingOut:
    """Append a comment (the rating's subject); the people following up a bad review see it once the
    content check passed it."""
    rating = await q.lock_rating(conn, id=rating_id)
    if rating is None or not _reaches(user, rating, "user_id"):
        raise RatingNotFound()
    row = await q.append_comment(conn, rating_id=rating_id, user_id=user.id, text=text.strip(), now=now)
    if row is None:
        raise CommentWindowClosed()
    await checks.first_look(conn, wechat, "comment", row["id"], user.id, row["text"])
    return await mine_one(conn, user=user, rating_id=rating_id)


async def mine(conn: Any, *, user: AuthUser) -> list[RatingOut]:
    """The acting subject's ratings: the person's own as themself, or the enterprise's."""
    if user.enterprise_id is None:
        found = await rows(q.my_ratings(conn, user_id=user.id))
    else:
        found = await rows(q.enterprise_ratings(conn, enterprise_id=user.enterprise_id,
                                                **scope.granted_services(user)))
    comments = await comments_by_rating(conn, [r["id"] for r in found])
    subjects = await enterprises.owning_subjects(conn, (r["enterprise_id"] for r in found))
    return [_rating_out(r, comments.get(r["id"]), subjects[r["enterprise_id"]]) for r in found]


async def mine_one(conn: Any, *, user: AuthUser, rating_id: int) -> RatingOut:
    row = await q.rating_with_follow_up(conn, id=rating_id)
    if row is None or not _reaches(user, row, "user_id"):
        raise RatingNotFound()
    comments = await comments_by_rating(conn, [rating_id])
    return _rating_out(row, comments.get(rating_id), await enterprises.owning_subject(conn, row["enterprise_id"]))
