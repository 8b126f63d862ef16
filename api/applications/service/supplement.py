"""FAQ F098's one-time extension of the supplement deadline.

"请在收到一次性告知之日起20个工作日内补齐，逾期未补正的视为撤回申请… 因特殊原因无法按时补正的，
可在期限内…申请延期一次。" The applicant asks before the deadline has passed, once per gap notice,
with a reason; the deadline moves ``SUPPLEMENT_EXTENSION_WORKDAYS`` working days further, on the
gap notice and on the application (which the closing job reads), and the timeline records it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api import clock
from api.applications.schemas import ApplicationOut
from api.applications.service.cases import TransitionRefused, append_event, lock, q
from api.applications.service.journey import owned, view
from api.applications.states import SUPPLEMENT_EXTENSION_WORKDAYS
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.errors import Conflict
from api.workdays import add_workdays


class SupplementNotPending(Conflict):
    """办件当前不在补正期间，无需申请延期。"""

    code = "supplement_not_pending"


class SupplementDeadlinePassed(Conflict):
    """补正期限已过，不能再申请延期；逾期未补正的视为撤回申请，请重新提交申请。"""

    code = "supplement_deadline_passed"


class ExtensionAlreadyUsed(Conflict):
    """补正期限只能申请延期一次，本次补正已延期过。"""

    code = "supplement_extension_used"


async def extend(conn: Any, user: AuthUser, application_id: int, reason: str, *,
                 now: datetime | None = None, agent_id: int | None = None) -> ApplicationOut:
    """Grant the one extension of the open gap notice's deadline; ``now``: the moment of asking.
    ``agent_id``: the help-desk agent who asked on the applicant's behalf (F098 "通过客服申请"),
    named on the timeline as the one who acted."""
    app = await lock(conn, (await owned(conn, user, application_id))["id"])
    if app["status"] != "needs_supplement":
        raise SupplementNotPending(currentStatus=app["status"])
    await catalogue.load_workday_overrides(conn)
    today = clock.local_day(now) if now else clock.today()
    previous = app["supplement_due_on"]
    if previous < today:  # the deadline's own last day still counts, as for closing
        raise SupplementDeadlinePassed(dueOn=previous.isoformat())
    notice = await q.open_gap_notice(conn, application_id=app["id"])
    new_due = add_workdays(previous, SUPPLEMENT_EXTENSION_WORKDAYS)
    granted = await q.insert_extension(conn, gap_notice_id=notice["id"], application_id=app["id"],
                                       requested_by=user.id, reason=reason.strip(), previous_due_on=previous,
                                       new_due_on=new_due)
    if granted is None:
        raise ExtensionAlreadyUsed(gapNoticeId=notice["id"], dueOn=previous.isoformat())
    # The row is locked and the notice is the open one: both updates find what they expect.
    if await q.extend_gap_notice(conn, id=notice["id"], previous_due_on=notice["due_on"], new_due_on=new_due) is None \
            or (moved := await q.extend_supplement_due(conn, id=app["id"], previous_due_on=previous,
                                                       new_due_on=new_due)) is None:
        raise TransitionRefused(currentStatus=app["status"], target="needs_supplement")
    await append_event(conn, moved, kind="gap_notice", actor_id=agent_id or user.id,
                       note=f"补正期限延期一次（{SUPPLEMENT_EXTENSION_WORKDAYS}个工作日），"
                            f"由{previous:%Y年%m月%d日}延至{new_due:%Y年%m月%d日}"
                            + ("，申请人通过在线客服申请" if agent_id else ""),
                       data={"gapNoticeId": notice["id"], "extensionId": granted["id"],
                             "previousDueOn": previous.isoformat(), "newDueOn": new_due.isoformat(),
                             **({"agentId": agent_id} if agent_id else {})})
    return await view(conn, user, app["id"])
