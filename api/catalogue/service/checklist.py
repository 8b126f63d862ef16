"""The checklist (办事指南一次告知): a service and the applicant's situation answers turned into
exactly the materials and fields that apply, with exemptions by licences already in the library
(证照免交) and pre-filled values (信息预填)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from api.catalogue import exemption
from api.catalogue.schemas import Checklist, ChecklistField, ChecklistMaterial, Field, HeldLicence
from api.catalogue.service.specs import (
    applicable,
    check_answers,
    holder_licences,
    merged_spec,
    path_of,
)
from api.db import load_queries, rows, transaction
from api.enterprises import service as enterprises
from api.enterprises.schemas import EnterpriseHolder
from api.identity import service as identity
from api.licences.sources import lookup

q = load_queries(Path(__file__).parents[1])


# pre-filled values nobody should retype or change: the verified person, a licence's own data, and on an
# enterprise's case the verified enterprise (``enterprise.name``/``creditCode``/``legalRep``, F091)
AUTHORITATIVE = ("identity.", "licence.", "enterprise.")
# an enterprise's case: the field naming its 法定代表人 is the enterprise's, not the acting person's
LEGAL_REP_FIELD = "legalPerson"


def licence_value(lic: HeldLicence, attr: str) -> Any:
    """What a ``licence.<type>.<attr>`` field reads from the licence (dates as ISO text)."""
    value = {"number": lic.number, "validUntil": lic.valid_until, "subject": lic.subject}.get(attr, lic.data.get(attr))
    return value.isoformat() if isinstance(value, date) else value


def enterprise_values(fields: list[Field], holder: EnterpriseHolder) -> dict[str, tuple[str, str]]:
    """On an enterprise's case, field code -> (value, source) for the fields naming the enterprise, from
    the verified enterprise and never the acting person (F091/F092): its name (``profile.companyName``,
    and a ``profile.name`` field naming the holder, such as 车辆所有人 when the company owns the vehicle),
    its credit code and its 法定代表人 (``legalPerson``)."""
    out: dict[str, tuple[str, str]] = {}
    for field in fields:
        source = field.prefill or ""
        if field.code == LEGAL_REP_FIELD and source.startswith("profile."):
            out[field.code] = (holder.legal_rep_name, "enterprise.legalRep")
        elif source in ("profile.companyName", "profile.name"):
            out[field.code] = (holder.name, "enterprise.name")
        elif source == "profile.creditCode":
            out[field.code] = (holder.credit_code, "enterprise.creditCode")
    return out


async def prefill(conn: Any, user_id: int, fields: list[Field], licences: list[HeldLicence],
                  holder: EnterpriseHolder | None = None) -> dict[str, tuple[Any, str]]:
    """field code -> (value, source): the verified identity, the profile and licences first, then
    earlier applications. A source starting with ``identity.``, ``licence.`` or ``enterprise.`` is
    authoritative. ``holder``: on an enterprise's case, the enterprise (``enterprise_values``); the
    acting person's own ID number is then never offered."""
    profile = await q.get_profile(conn, id=user_id)
    person = await identity.verified_identity(conn, user_id)
    verified = {"name": person.name, "idNumber": await identity.id_number_of(conn, person.id)} if person else {}
    attrs = {"name": "name", "phone": "phone", "idNumber": "id_number", "companyName": "company_name",
             "creditCode": "credit_code", "address": "address"}  # address: the account's default (F129)
    by_type: dict[str, HeldLicence] = {}
    for lic in licences:
        by_type.setdefault(lic.type, lic)
    values: dict[str, tuple[Any, str]] = dict(enterprise_values(fields, holder)) if holder else {}
    for field in fields:
        source = field.prefill or ""
        value = None
        if field.code in values or (holder and source == "profile.idNumber"):
            continue
        if source.startswith("profile.") and source.split(".", 1)[1] in verified:
            value, source = verified[source.split(".", 1)[1]], "identity." + source.split(".", 1)[1]
        elif source.startswith("profile.") and profile is not None:
            attr = attrs.get(source.split(".", 1)[1])
            value = profile[attr] if attr else None
        elif source.startswith("licence."):
            _, lic_type, attr = (source.split(".") + ["", ""])[:3]
            lic = by_type.get(lic_type)
            if lic is not None:
                value = licence_value(lic, attr)
        if value not in (None, ""):
            values[field.code] = (value, source)
    earlier = [r["form"] for r in await rows(q.recent_forms(conn, applicant_id=user_id))]
    for field in fields:
        if field.code in values:
            continue
        for form in earlier:
            if form.get(field.code) not in (None, ""):
                values[field.code] = (form[field.code], "application")
                break
    return values


async def checklist_asking_first(pool: Any, code: str, answers: dict[str, str], *, user_id: int, redis: Any,
                                 on: date, settings: Any, enterprise_id: int | None = None) -> Checklist:
    """The trusted licence sources asked first (cached; never more than their time budget — past it the
    person is asked to upload, ``licence_data_unavailable``) with no transaction open, then the checklist
    in one transaction (what they said mirrored into the library)."""
    async with pool.acquire() as conn:
        spec, _ = await merged_spec(conn, code)
    check_answers(spec, answers)
    asked = await lookup.ask(pool, redis, settings, user_id, lookup.licence_types(spec), enterprise_id=enterprise_id)
    async with transaction(pool) as conn:
        return await checklist(conn, code, answers, user_id=user_id, asked=asked, enterprise_id=enterprise_id, on=on)


async def checklist(conn: Any, code: str, answers: dict[str, str], *, user_id: int,
                    on: date, asked: lookup.SourcesAsked | None = None,
                    enterprise_id: int | None = None) -> Checklist:
    """``asked``: what the trusted sources said (``checklist_asking_first``), mirrored here first;
    ``on``: the day the licences held must be in force (the app's clock's)."""
    spec, _ = await merged_spec(conn, code)
    check_answers(spec, answers)
    unavailable = False
    if asked is not None:
        unavailable = await lookup.apply(conn, user_id, asked, enterprise_id=enterprise_id)
    instant, promised, _ = path_of(spec, answers)
    materials, fields = applicable(spec, answers)
    licences = await holder_licences(conn, user_id, on, enterprise_id=enterprise_id)
    exempt = exemption.match(materials, licences)
    holder = await enterprises.enterprise_holder(conn, enterprise_id) if enterprise_id is not None else None
    filled = await prefill(conn, user_id, fields, licences, holder)
    out_materials = [
        ChecklistMaterial(code=m.code, name=m.name, required=m.required, types=list(m.types), max_bytes=m.max_bytes,
                          exempt=m.code in exempt,
                          exempt_licence_id=exempt[m.code].licence.id if m.code in exempt else None,
                          exempt_licence_name=exempt[m.code].licence.name if m.code in exempt else None,
                          exempt_reason=exempt[m.code].reason if m.code in exempt else None, note=m.note)
        for m in materials
    ]
    out_fields = [
        ChecklistField(code=f.code, label=f.label, type=f.type, required=f.required, options=list(f.options),
                       value=filled.get(f.code, (None, None))[0], prefilled_from=filled.get(f.code, (None, None))[1],
                       locked=(filled.get(f.code, (None, ""))[1] or "").startswith(AUTHORITATIVE))
        for f in fields
    ]
    return Checklist(service_code=code, instant=instant, promised_days=promised, materials=out_materials,
                     fields=out_fields, materials_required=sum(1 for m in materials if m.required),
                     materials_exempt=len(exempt), licence_data_unavailable=unavailable)
