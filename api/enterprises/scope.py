"""The acting subject's share of bookings, waitlist entries, ratings and complaints (issue 20), as
``api/applications/service/subject.py`` decides it for cases. The token carries the acting subject
(``AuthUser.enterprise_id``) and, for an enterprise token only, the grant read on this request
(``AuthUser.granted``): deciding costs no further read.

- Acting as the person: the person's own things made as themself (``enterprise_id`` NULL).
- Acting for an enterprise: the enterprise's things, whichever of its people made them; an 经办人
  only those of the services granted to them, and nothing once revoked (the next request).
"""

from __future__ import annotations

from typing import Any

from api.auth.schemas import AuthUser
from api.enterprises.errors import ServiceNotGranted


def granted_services(user: AuthUser) -> dict[str, Any]:
    """The grant as named-query parameters: ``all_services`` and ``services`` (the enterprise's lists)."""
    return {"all_services": user.granted is None, "services": list(user.granted or ())}


def reaches(user: AuthUser, *, enterprise_id: int | None, owner_id: int | None, service_code: str | None,
            own_without_service: bool = False) -> bool:
    """Whether the thing of this subject, made by ``owner_id``, for ``service_code`` (None: of no
    service) is the caller's acting subject's. ``own_without_service``: something of no service (a
    complaint about a window) reaches the 经办人 who made it while they hold any grant."""
    if user.enterprise_id is None:
        return enterprise_id is None and owner_id == user.id
    if enterprise_id != user.enterprise_id:
        return False
    if user.granted is None:
        return True
    if service_code is not None:
        return service_code in user.granted
    return own_without_service and owner_id == user.id and bool(user.granted)


def check_may_act(user: AuthUser, service_code: str | None) -> int | None:
    """The enterprise a new booking, waitlist entry or complaint belongs to (None: the person), or
    ServiceNotGranted when an 经办人 acts beyond their grant (any grant, for something of no service)."""
    if user.enterprise_id is None:
        return None
    if user.granted is not None and (service_code not in user.granted if service_code else not user.granted):
        raise ServiceNotGranted()
    return user.enterprise_id
