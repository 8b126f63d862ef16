"""The follow-up of bad reviews (FAQ F143) and the admin side of ratings.

A 不满意 or 非常不满意 rating opens a follow-up: a call back within ``callback_workdays`` working
days (1) and the rectification — a note and an outcome, told to the citizen — within
``rectify_workdays`` (5), both counted from the day of the rating on the State Council calendar.
Every step is appended to ``rating_follow_up_events``. A stage past its last day shows as
overdue and is escalated once to the leads (``escalate_overdue``, a cron job). An admin may void
a mistaken or malicious rating with a reason; it then counts nowhere and its follow-up stops.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import notify
from api.catalogue.service import load_workday_overrides
from api.clock import local_day
from api.db import rows
from api.enterprises import service as enterprises
from api.db import load_queries
from api.errors import Conflict
from api.ratings.schemas import (
    LEVEL_LABELS,
    OUTCOME_LABELS,
    AdminRatingDetail,
    AdminRatingOut,
    FollowUpEventOut,
    Policy,
    PolicyIn,
)
from api.ratings.checks import shown_to_staff
from api.ratings.errors import RatingNotFound
from api.ratings.views import comments_by_rating, follow_up_out, from_row, target_row
from api.types import mask_name, mask_phone
from api.workdays import add_workdays

q = load_queries(Path(__file__).parents[1], "queries.sql")


class NotABadReview(Conflict):
    """只有差评需要回访整改。"""

    code = "not_a_bad_review"


class CallBackRequired(Conflict):
    """请先登记电话回访，再登记整改结果。"""

    code = "call_back_required"


class AlreadyCalledBack(Conflict):
    """该差评已登记回访。"""

    code = "already_called_back"


class FollowUpClosed(Conflict):
    """该差评的回访整改已办结或评价已作废。"""

    code = "follow_up_closed"


class AlreadyVoided(Conflict):
    """该评价已作废。"""

    code = "rating_already_voided"


async def policy(conn: Any) -> Policy:
    return from_row(await q.policy(conn), Policy)


async def set_policy(conn: Any, data: PolicyIn) -> Policy:
    row = await q.set_policy(conn, callback_workdays=data.callback_workdays, rectify_workdays=data.rectify_workdays,
                             comment_days=data.comment_days)
    return from_row(row, Policy)


async def open_follow_up(conn: Any, rating: Any, *, now: datetime) -> Any:
    """Deadlines in working days from the day of the rating (F143)."""
    rules = await q.policy(conn)
    await load_workday_overrides(conn)
    day = local_day(now)
    row = await q.insert_follow_up(conn, rating_id=rating["id"],
                                   callback_due_on=add_workdays(day, rules["callback_workdays"]),
                                   rectify_due_on=add_workdays(day, rules["rectify_workdays"]), now=now)
    await q.insert_event(conn, rating_id=rating["id"], kind="opened", actor_id=None, note=None,
                         data={"level": rating["level"], "callbackDueOn": row["callback_due_on"].isoformat(),
                               "rectifyDueOn": row["rectify_due_on"].isoformat()})
    return row


def _admin_out(row: Any, cls: type = AdminRatingOut, **more: Any) -> Any:
    return cls(id=row["id"], target_type=row["target_type"], target_id=row["target_id"],
               service_code=row["service_code"], level=row["level"], level_label=LEVEL_LABELS[row["level"]],
               is_bad=row["is_bad"], tags=list(row["tags"]), created_at=row["created_at"],
               # unchecked or held by WeChat's content check: a placeholder, never the text (issue 25)
               comment=shown_to_staff(row["comment"], row["content_check"]),
               # staff handling a review see who, but not the whole name and number (call back via the desk)
               rater_name=mask_name(row["rater_name"]), rater_phone=mask_phone(row["rater_phone"]),
               voided_at=row["voided_at"], void_reason=row["void_reason"], follow_up=follow_up_out(row),
               callback_escalated_at=row["callback_escalated_at"], rectify_escalated_at=row["rectify_escalated_at"],
               **more)


async def admin_list(conn: Any, *, bad: bool | None, overdue: bool, include_voided: bool, before_id: int | None,
                     limit: int, now: datetime) -> list[AdminRatingOut]:
    found = await rows(q.admin_list(conn, bad=bad, overdue=overdue, include_voided=include_voided,
                                    today=local_day(now), before_id=before_id, max_rows=limit))
    subjects = await enterprises.owning_subjects(conn, (r["enterprise_id"] for r in found))
    return [_admin_out(r, subject=subjects[r["enterprise_id"]]) for r in found]


async def admin_get(conn: Any, rating_id: int, *, now: datetime) -> AdminRatingDetail:
    row = await q.admin_get(conn, id=rating_id, today=local_day(now))
    if row is None:
        raise RatingNotFound()
    comments = await comments_by_rating(conn, [rating_id], for_staff=True)
    events = [from_row(e, FollowUpEventOut) for e in await rows(q.events_of(conn, rating_id=rating_id))]
    return _admin_out(row, AdminRatingDetail, callback_note=row["callback_note"],
                      comments=comments.get(rating_id, []), events=events,
                      subject=await enterprises.owning_subject(conn, row["enterprise_id"]))


async def _follow_up_of(conn: Any, rating_id: int) -> tuple[Any, Any]:
    rating = await q.lock_rating(conn, id=rating_id)
    if rating is None:
        raise RatingNotFound()
    follow_up = await q.get_follow_up(conn, rating_id=rating_id)
    if follow_up is None:
        raise NotABadReview()
    return rating, follow_up


async def call_back(conn: Any, rating_id: int, *, actor_id: int, note: str, now: datetime) -> AdminRatingDetail:
    """Record the call back (电话回访): once, while the follow-up is open."""
    _, follow_up = await _follow_up_of(conn, rating_id)
    if await q.call_back(conn, rating_id=rating_id, actor_id=actor_id, note=note, now=now) is None:
        raise AlreadyCalledBack() if follow_up["status"] == "called_back" else FollowUpClosed()
    await q.insert_event(conn, rating_id=rating_id, kind="called_back", actor_id=actor_id, note=note,
                         data={"onTime": local_day(now) <= follow_up["callback_due_on"]})
    return await admin_get(conn, rating_id, now=now)


async def close(conn: Any, rating_id: int, *, actor_id: int, note: str, outcome: str,
                now: datetime) -> AdminRatingDetail:
    """Record the rectification note and outcome, close the follow-up and tell the citizen."""
    rating, follow_up = await _follow_up_of(conn, rating_id)
    if await q.close_follow_up(conn, rating_id=rating_id, actor_id=actor_id, note=note, outcome=outcome,
                               now=now) is None:
        raise CallBackRequired() if follow_up["status"] == "open" else FollowUpClosed()
    await q.insert_event(conn, rating_id=rating_id, kind="closed", actor_id=actor_id, note=note,
                         data={"outcome": outcome, "onTime": local_day(now) <= follow_up["rectify_due_on"]})
    await notify.enqueue(conn, user_id=rating["user_id"], event="rating_follow_up",
                         dedupe_key=f"rating_follow_up:{rating_id}", subject=("rating", rating_id),
                         params={"serviceName": await _service_name(conn, rating),
                                 "text": f"{OUTCOME_LABELS[outcome]}。{note}", "outcome": outcome,
                                 "level": rating["level"]})
    return await admin_get(conn, rating_id, now=now)


async def _service_name(conn: Any, rating: Any) -> str:
    target = await target_row(conn, rating["target_type"], rating["target_id"])
    return target["service_name"] if target else "办事服务"


async def void(conn: Any, rating_id: int, *, actor_id: int, reason: str, now: datetime) -> AdminRatingDetail:
    """Void a mistaken or malicious rating: it leaves the figures and its follow-up stops."""
    if await q.lock_rating(conn, id=rating_id) is None:
        raise RatingNotFound()
    if await q.void_rating(conn, id=rating_id, actor_id=actor_id, reason=reason, now=now) is None:
        raise AlreadyVoided()
    await q.void_follow_up(conn, rating_id=rating_id)
    await q.insert_event(conn, rating_id=rating_id, kind="voided", actor_id=actor_id, note=reason, data={})
    return await admin_get(conn, rating_id, now=now)


# ---------------------------------------------------------------- jobs

async def send_invitations(conn: Any, *, now: datetime, within_days: int = 7, max_rows: int = 1000) -> int:
    """Invite the people whose service finished in the last ``within_days`` to rate it, once each
    (the invitation row and the outbox dedupe key both make a second run send nothing)."""
    invited = await rows(q.claim_invitations(conn, since=now - timedelta(days=within_days), max_rows=max_rows))
    for row in invited:
        await notify.enqueue(conn, user_id=row["user_id"], event="rating_invitation",
                             dedupe_key=f"rating_invitation:{row['target_type']}:{row['target_id']}",
                             subject=(row["target_type"], row["target_id"]),
                             params={"serviceName": row["service_name"], "targetType": row["target_type"],
                                     "targetId": row["target_id"]})
    return len(invited)


async def escalate_overdue(conn: Any, *, now: datetime) -> int:
    """Flag each overdue stage once (an event) and tell the leads and admins."""
    today = local_day(now)
    stages = [("回访", r) for r in await rows(q.escalate_callbacks(conn, today=today, at=now))]
    stages += [("整改", r) for r in await rows(q.escalate_rectifications(conn, today=today, at=now))]
    if not stages:
        return 0
    recipients = [r["id"] for r in await rows(q.escalation_recipients(conn))]
    for stage, row in stages:
        await q.insert_event(conn, rating_id=row["rating_id"], kind="escalated", actor_id=None,
                             note=f"差评{stage}已超期", data={"stage": stage, "dueOn": row["due_on"].isoformat()})
        await notify.tell_staff(conn, recipients, event="task_overdue", key=f"rating_overdue:{row['rating_id']}:{stage}",
                                subject=("rating", row["rating_id"]), title=f"差评{stage}（评价{row['rating_id']}）",
                                due_on=row["due_on"])
    return len(stages)
