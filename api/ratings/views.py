"""Ratings as the API shows them and the targets they rate, shared by the rater's side
(service/reviews.py) and the follow-up of bad reviews (service/followup.py)."""

from __future__ import annotations

from typing import Any

from api.db import load_queries, rows
from api.ratings.checks import shown_to_staff
from api.ratings.schemas import OUTCOME_LABELS, CommentOut, FollowUpOut

q = load_queries(__file__)

_TARGET_QUERIES = {
    "application": q.application_target,
    "appointment": q.appointment_target,
    "conversation": q.conversation_target,
}


async def target_row(conn: Any, target_type: str, target_id: int) -> Any:
    """The rated application, appointment or conversation (owner, finished, service), or None."""
    return await _TARGET_QUERIES[target_type](conn, id=target_id)


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


async def comments_by_rating(conn: Any, rating_ids: list[int], *, for_staff: bool = False) -> dict[int, list[CommentOut]]:
    """The comments appended to these ratings; for staff, one not (yet) passed by the content check
    is a placeholder (api/ratings/checks.py), its author sees it marked held."""
    found: dict[int, list[CommentOut]] = {}
    for c in await rows(q.comments_of(conn, rating_ids=rating_ids)):
        state = c["content_check"]
        text = shown_to_staff(c["text"], state) if for_staff else c["text"]
        found.setdefault(c["rating_id"], []).append(CommentOut(id=c["id"], text=text, created_at=c["created_at"],
                                                               held=state == "held"))
    return found
