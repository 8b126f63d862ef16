"""A case's subject (issue 20): the applicant person (``enterprise_id`` NULL) or the enterprise it was
filed for; ``applicant_id`` stays the account that acted. The caller's acting subject is in their
token (``AuthUser.enterprise_id``, the grant re-read per request): they reach a case only when it
belongs to that subject, and an 经办人 only the enterprise's cases of the services granted to them."""

from __future__ import annotations

from typing import Any

from api.agency import access as agency
from api.applications import rules
from api.applications.service.cases import q
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.db import rows
from api.enterprises import service as enterprises
from api.enterprises.errors import ServiceNotGranted
from api.enterprises.schemas import EnterpriseHolder
from api.errors import Unprocessable


class HolderKindMismatch(Unprocessable):
    """申请主体选错了：请切换办事身份后再提交。"""

    code = "holder_kind_mismatch"


def belongs(user: AuthUser, app: Any) -> bool:
    """The case is the caller's acting subject's (and, for an 经办人, of a service granted to them)."""
    if user.enterprise_id is None:
        return app["enterprise_id"] is None and app["applicant_id"] == user.id
    return app["enterprise_id"] == user.enterprise_id and (user.granted is None or app["service_code"] in user.granted)


async def reaches(conn: Any, user: AuthUser, app: Any) -> bool:
    """The case is the caller's acting subject's, or they filed it as an agent for its principal and
    the principal has not refused or withdrawn that (F093, ``api.agency``)."""
    return belongs(user, app) or await agency.agent_reaches(conn, user, app)


async def submitter(conn: Any, user: AuthUser, app: Any) -> int:
    """Whose verified identity a case is submitted under: the applicant person's (an agent's case
    only once its principal confirmed, F093), or the acting person's for an enterprise's case."""
    if app["enterprise_id"] is not None:
        return user.id
    await agency.check_submittable(conn, app["id"])
    return app["applicant_id"]


async def acting_enterprise(conn: Any, user: AuthUser, service_code: str) -> EnterpriseHolder | None:
    """The enterprise a new case of ``service_code`` is filed for (None: the person themself)."""
    if user.enterprise_id is None:
        return None
    if user.granted is not None and service_code not in user.granted:
        raise ServiceNotGranted()
    holder = await enterprises.enterprise_holder(conn, user.enterprise_id)
    if holder is None:
        raise ServiceNotGranted()
    return holder


def _stamp(form: dict[str, Any], fields: list[Any], holder: EnterpriseHolder) -> dict[str, Any]:
    """An enterprise's case names the enterprise as verified, never as typed (companyName, creditCode,
    a holder's name such as 车辆所有人); its 法定代表人 is replaced at submission (``locked``)."""
    named = {code: value for code, (value, _) in catalogue.enterprise_values(fields, holder).items()
             if code != catalogue.LEGAL_REP_FIELD}
    return {**form, **named}


def stamped_form(form: dict[str, Any], spec: Any, answers: dict[str, str],
                 holder: EnterpriseHolder | None) -> dict[str, Any]:
    if holder is None:
        return form
    catalogue.check_answers(spec, answers)
    return _stamp(form, catalogue.applicable(spec, answers)[1], holder)


async def check_holder_kind(conn: Any, spec: Any, app: Any) -> None:
    """F092: a person's qualification as a person, a business's licence as an enterprise (个体工商户
    too), 网约车运输证 as the vehicle's registered owner: the wrong kind is refused before submission."""
    holder = await enterprises.enterprise_holder(conn, app["enterprise_id"]) if app["enterprise_id"] else None
    if problem := rules.holder_kind_problem(spec.holder, holder, app["answers"] or {}):
        message, switch_to = problem
        raise HolderKindMismatch(message, switchTo=switch_to, faq="F092")


async def check_agency_holder(conn: Any, service_code: str, answers: dict[str, Any]) -> None:
    """F093 with F092: 代办 files a person's own matter; a licence an enterprise holds (or a vehicle's
    registered to a company) is refused when the 代办 filing is created, not first at submission."""
    spec, _ = await catalogue.merged_spec(conn, service_code)
    if rules.holder_kind_problem(spec.holder, None, answers or {}) is not None:
        raise HolderKindMismatch("代办只用于为他人办理个人事项；企业的证照须由企业的经办人切换到企业身份后申请"
                                 "（法定代表人可在“我的—企业管理”中添加经办人并授权）。",
                                 switchTo="enterprise", faq="F092")


async def stamp_case(conn: Any, app: Any, form: dict[str, Any], fields: list[Any]) -> dict[str, Any]:
    """A draft's form edited: an enterprise's case keeps the enterprise's verified name and code."""
    if app["enterprise_id"] is None:
        return form
    holder = await enterprises.enterprise_holder(conn, app["enterprise_id"])
    return form if holder is None else _stamp(form, fields, holder)


async def list_rows(conn: Any, user: AuthUser) -> list[Any]:
    """The acting subject's cases: the person's own, or the enterprise's (of the granted services)."""
    if user.enterprise_id is None:
        return await rows(q.list_mine(conn, applicant_id=user.id))
    return await rows(q.list_of_enterprise(conn, enterprise_id=user.enterprise_id, all_services=user.granted is None,
                                           services=list(user.granted or ())))


async def enterprise_of(conn: Any, application_id: int) -> int | None:
    """The enterprise a case belongs to (None: the applicant person): licences land in its library."""
    app = await q.get_application(conn, id=application_id)
    return app["enterprise_id"] if app is not None else None


async def set_subject(conn: Any, application_id: int, holder: EnterpriseHolder | None, enterprise_id: int | None) -> None:
    if holder is not None:
        await q.set_enterprise(conn, id=application_id, enterprise_id=enterprise_id)
