"""A case entered for a person at a window (F083: 工作人员帮您一次录入).

The person comes to a window with their ID card; an approver enters the case into the person's own
account (named by its phone): the draft is the person's, who checks it on the phone and submits it
as any case (materials, pre-review, gating). The case records who entered it (``entered_by``) and
the visit is a trip (a window check-in), so the reform figures count it as it happened: not online,
not zero-trip. The person must be a verified subject (409 ``identity_required``: verify them at the
window first); staff never enter a case for themselves (403 ``own_case``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from api import identity
from api.applications.schemas import ApplicationIn
from api.applications.schemas_window import WindowEntryIn, WindowEntryOut
from api.applications.service.cases import append_event, lock, record_trip
from api.applications.service.journey import create
from api.approvals.rules import OwnCase
from api.auth.schemas import AuthUser
from api.db import load_queries
from api.storage import LocalStorage

q = load_queries(Path(__file__).parents[1])
ENTERED_NOTE = "窗口工作人员代为录入，请申请人在掌上办核对后提交"


async def enter_for(conn: Any, staff: AuthUser, data: WindowEntryIn, storage: LocalStorage, *,
                    now: datetime) -> WindowEntryOut:
    person_id = await identity.account_by_phone(conn, data.phone)
    if person_id == staff.id:
        raise OwnCase()
    await identity.require_verified(conn, person_id)
    person = AuthUser(id=person_id, roles=("applicant",), verified=True)
    draft = await create(conn, person, ApplicationIn(service_code=data.service_code, answers=data.answers,
                                                     form=data.form), storage, now=now)
    await q.set_entered_by(conn, id=draft.id, staff_id=staff.id)
    await append_event(conn, await lock(conn, draft.id), kind="form", actor_id=staff.id, note=ENTERED_NOTE,
                       data={"windowEntry": True})
    await record_trip(conn, user_id=person_id, application_id=draft.id, kind="window_checkin",
                      source_type="window_entry", source_id=draft.id)
    return WindowEntryOut(application_id=draft.id, service_code=draft.service_code, status=draft.status,
                          entered_by=staff.id, entered_at=now)
