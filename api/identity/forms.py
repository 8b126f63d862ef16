"""The applicant on a form is the verified person (issue 19): name and ID number come from the identity.

A form's ``applicantName`` and ``idNumber`` fields are filled from the account's verified identity when
a draft is created or edited and again at submission; what was typed there is replaced (the form says
so: ``APPLICANT_FROM_IDENTITY``). Before verification a draft keeps what was typed; submitting needs
the identity anyway (``gate.require_verified``). The licence holder is the account, whose name is the
verified person's (``service.record_verified`` sets it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import msgspec

from api.db import rows
from api.identity.schemas import ApplicantIdentity
from api.identity.service import id_number_of, q, verified_identity

T = TypeVar("T", bound=msgspec.Struct)
METHOD_LABELS = {"face": "人脸识别", "window": "窗口核验身份证", "document": "证件人工审核"}

NAME_FIELD, NUMBER_FIELD = "applicantName", "idNumber"
APPLICANT_FROM_IDENTITY = "申请人姓名和身份证号取自您的实名认证信息，无需填写，填写的内容不会被采用。"


async def applicant_form(conn: Any, user_id: int, form: dict[str, Any], field_codes: Iterable[str]) -> dict[str, Any]:
    """``form`` with the verified person's name and resident ID number in the applicant fields the
    service has (unchanged when it has none, or the account is not verified yet)."""
    codes = set(field_codes)
    if not codes & {NAME_FIELD, NUMBER_FIELD}:
        return form
    identity = await verified_identity(conn, user_id)
    if identity is None:
        return form
    out = dict(form)
    if NAME_FIELD in codes:
        out[NAME_FIELD] = identity.name
    if NUMBER_FIELD in codes and identity.id_type == "resident_id":
        out[NUMBER_FIELD] = await id_number_of(conn, identity.id)
    return out


async def applicant_of(conn: Any, user_id: int) -> ApplicantIdentity | None:
    """Who a case's applicant is as a verified person (masked number, method), for forms and staff."""
    identity = await verified_identity(conn, user_id)
    if identity is None:
        return None
    return ApplicantIdentity(name=identity.name, id_type=identity.id_type,
                             id_number_masked=identity.id_number_masked, method=identity.method,
                             method_label=METHOD_LABELS[identity.method], verified_at=identity.verified_at,
                             note=APPLICANT_FROM_IDENTITY)


async def with_persons(conn: Any, tasks: list[T]) -> list[T]:
    """Staff tasks (Structs with ``application_id`` and ``person``) with the verified person who filed
    each case: name, masked ID number and how they were verified (one query for the page)."""
    if not tasks:
        return tasks
    found = {r["application_id"]: ApplicantIdentity(
                 name=r["name"], id_type=r["id_type"], id_number_masked=r["id_masked"], method=r["method"],
                 method_label=METHOD_LABELS[r["method"]], verified_at=r["verified_at"])
             for r in await rows(q.verified_of_cases(conn, application_ids=[t.application_id for t in tasks]))}
    return [msgspec.structs.replace(t, person=found.get(t.application_id)) for t in tasks]  # type: ignore[attr-defined]
