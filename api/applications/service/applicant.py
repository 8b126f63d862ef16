"""The case's applicant is the verified person (issue 19, F088): the gate at submission and the
form's applicant fields (applicantName, idNumber) filled from the identity (api.identity.forms) on a
person's own case (an enterprise's case names the enterprise: ``subject``)."""

from __future__ import annotations

from typing import Any

from api.applications.service.cases import lock, q
from api.identity import applicant_of, require_verified
from api.identity.forms import applicant_form

__all__ = ["applicant_fields", "applicant_of", "fill_applicant"]


async def applicant_fields(conn: Any, user_id: int, form: dict[str, Any], spec: Any) -> dict[str, Any]:
    """The form with the verified person's name and ID number in the service's applicant fields."""
    return await applicant_form(conn, user_id, form, (f.code for f in spec.fields))


async def fill_applicant(conn: Any, user_id: int, app: Any, spec: Any) -> Any:
    """At submission: a verified person is required (409 identity_required); a draft typed before the
    verification gets the person's name and ID number. Returns the case row (re-read if changed)."""
    await require_verified(conn, user_id)
    if app["enterprise_id"] is not None:  # an enterprise's case: the subject is the enterprise (issue 20)
        return app
    form = await applicant_fields(conn, user_id, app["form"], spec)
    if form != app["form"]:
        await q.patch_form(conn, application_id=app["id"], patch=form, drop_key="")
        app = await lock(conn, app["id"])
    return app
