"""A case's public progress by its number (扫码查进度): no login, no personal data."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import segno

from api import clock
from api.applications import public_no as public_numbers
from api.applications.schemas import ProgressOut, ProgressStep
from api.applications.service import pauses
from api.applications.service.cases import ApplicationNotFound, q
from api.applications.states import STATUS_LABELS
from api.db import rows
from api.errors import NotFound


class PublicNoMistyped(NotFound):
    """办件编号有误（校验位不符），请核对后重新输入。"""

    code = "public_no_mistyped"



async def _by_public_no(conn: Any, raw: str) -> Any:
    """The case behind a public number; a number whose shape or check character is wrong is
    refused before any database look-up."""
    number = public_numbers.normalise(raw)
    if number is None:
        raise PublicNoMistyped()
    return await q.get_by_public_no(conn, public_no=number)


async def progress(conn: Any, public_no: str, *, now: datetime) -> ProgressOut:
    """The case's progress by its public number; its expected finish day moved by pauses up to
    ``now``'s day (the app's clock)."""
    app = await _by_public_no(conn, public_no)
    if app is None:
        raise ApplicationNotFound()
    events = await rows(q.events(conn, application_id=app["id"]))
    return ProgressOut(public_no=app["public_no"], service_name=app["service_name"], status=app["status"],
                       status_label=STATUS_LABELS[app["status"]], instant=app["is_instant"],
                       submitted_at=app["submitted_at"],
                       due_on=await pauses.expected_due(conn, app["id"], app["due_on"], clock.local_day(now)),
                       supplement_due_on=app["supplement_due_on"],
                       steps=[ProgressStep(status=e["to_status"], label=STATUS_LABELS[e["to_status"]], at=e["created_at"])
                              for e in events if e["kind"] == "status"],
                       clock_starts_on=app["clock_starts_on"])


async def progress_qr(conn: Any, public_no: str, base_url: str) -> bytes:
    """A PNG QR code that opens the public progress page of this case (扫码查进度)."""
    app = await _by_public_no(conn, public_no)
    if app is None:
        raise ApplicationNotFound()
    out = io.BytesIO()
    segno.make(f"{base_url}/api/v1/progress/{app['public_no']}", error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()
