"""WeChat's content check of complaint texts and rating comments (issue 25; the help desk's own
check is jobs/helpdesk.py). WeChat down -> retried with backoff; a second run acts on nothing (the
rows are settled by conditional updates); a lost job is queued again by the sweeper."""

from __future__ import annotations

from typing import Any

from arq import Retry

from api import clock
from api.complaints import checks as complaint_checks
from api.db import transaction
from api.ratings import checks as rating_checks


def _outcome(outcome: str, ctx: dict[str, Any]) -> str:
    if outcome == "retry":
        raise Retry(defer=min(300, 15 * ctx.get("job_try", 1)))
    return outcome


async def check_complaint_text(ctx: dict[str, Any], complaint_id: int, part: str = "text") -> str:
    """part 'text': the complaint itself; 'rating': the comment given with the rating of the answer."""
    return _outcome(await complaint_checks.check(ctx["pool"], ctx["wechat"], complaint_id, part), ctx)  # type: ignore[arg-type]


async def check_rating_text(ctx: dict[str, Any], kind: str, row_id: int) -> str:
    """kind 'rating': a rating's comment; 'comment': an appended comment."""
    return _outcome(await rating_checks.check(ctx["pool"], ctx["wechat"], kind, row_id), ctx)  # type: ignore[arg-type]


async def sweep_text_checks(ctx: dict[str, Any]) -> int:
    """Complaint and rating texts still pending a minute on (the queue lost their job): queued again
    under the same job ids, so a queued retry is not doubled."""
    async with transaction(ctx["pool"]) as conn:
        complaints = await complaint_checks.due(conn, now=clock.now(ctx))
        ratings = await rating_checks.due(conn, now=clock.now(ctx))
    for part, complaint_id in complaints:
        await ctx["redis"].enqueue_job("check_complaint_text", complaint_id, part,
                                       _job_id=f"complaintcheck:{part}:{complaint_id}")
    for kind, row_id in ratings:
        await ctx["redis"].enqueue_job("check_rating_text", kind, row_id, _job_id=f"ratingcheck:{kind}:{row_id}")
    return len(complaints) + len(ratings)
