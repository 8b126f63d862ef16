"""The last step approves: licences into the library, the case approved, the paper licence's
delivery prepared. A decision calls it, and so does an exam passed in every subject (the exams
area), so it imports nothing that imports approvals' decisions.

Public: ``await approve_final(conn, app_id, actor_id=..., note=..., data=..., now=...) -> [licence ids]``
(``now``: the app's clock — it dates acceptance, decision, licences and the on-site check).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.applications import service as applications
from api.clock import local_day
from api.licences import service as licences
from api.approvals.service import site_checks
from api.licences.service import delivery


async def approve_final(conn: Any, app_id: int, *, actor_id: int, note: str, data: dict[str, Any],
                        now: datetime) -> list[int]:
    """Licences into the library, approved (approval_result by SMS and WeChat, sent by the
    applications area), and the paper licence's delivery prepared."""
    app = await applications.lock_case(conn, app_id)
    if app.status == "submitted":  # a one-step service: acceptance and decision at once
        await applications.transition(conn, app_id, "accepted", actor_id=actor_id, note="受理",
                                      data=data, notify_applicant=False, now=now)
    issued = await licences.issue_licences(conn, app_id, actor_id=actor_id, now=now)
    await applications.transition(conn, app_id, "approved", actor_id=actor_id, note=note, data=data, now=now)
    await delivery.prepare_delivery(conn, app_id, local_day(now))
    await site_checks.schedule_new(conn)  # F071: a class-1/2 repair filing's on-site check, due in 30 days
    return [lic.id for lic in issued]
