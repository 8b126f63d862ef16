"""What the applications domain asks of 代办 (F093): may this agent reach the case, and may the case
be submitted (only once the principal has confirmed by the SMS code)."""

from __future__ import annotations

from typing import Any

from api.agency.errors import AgencyEnded, AgencyUnconfirmed
from api.auth.schemas import AuthUser
from api.db import load_queries

q = load_queries(__file__)


async def agent_reaches(conn: Any, user: AuthUser, app: Any) -> bool:
    """The caller filed this case for its principal and the authorisation stands (not refused or
    withdrawn). Only asked when the case is not the caller's own, so one's own cases cost no read."""
    if app["enterprise_id"] is not None:
        return False
    if user.enterprise_id is not None:  # a taxi company's registration of its driver (F017), if granted
        return (user.granted is None or app["service_code"] in user.granted) and bool(
            await q.company_stands(conn, application_id=app["id"], enterprise_id=user.enterprise_id))
    return bool(await q.agent_stands(conn, application_id=app["id"], agent_id=user.id))


async def check_submittable(conn: Any, application_id: int) -> None:
    """A case filed by an agent is submitted only after the principal confirmed (409 otherwise)."""
    status = await q.status_of_case(conn, application_id=application_id)
    if status is None or status == "confirmed":
        return
    if status in ("refused", "revoked"):
        raise AgencyEnded()
    raise AgencyUnconfirmed(agencyStatus=status, faq="F093")
