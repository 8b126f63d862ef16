"""The checklist (办事指南一次告知): a service and the applicant's situation answers turned into
exactly the materials and fields that apply, with exemptions by licences already in the library
(证照免交) and pre-filled values (信息预填)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from api.catalogue.schemas import Checklist, ChecklistField, ChecklistMaterial, Field, HeldLicence
from api.catalogue.service.specs import (
    applicable,
    check_answers,
    exemptions,
    holder_licences,
    merged_spec,
    path_of,
)
from api.db import load_queries, rows

q = load_queries(Path(__file__).parents[1])


async def prefill(conn: Any, user_id: int, fields: list[Field],
                  licences: list[HeldLicence]) -> dict[str, tuple[Any, str]]:
    """field code -> (value, source): the profile and licences first, then earlier applications."""
    profile = await q.get_profile(conn, id=user_id)
    attrs = {"name": "name", "phone": "phone", "idNumber": "id_number", "companyName": "company_name",
             "creditCode": "credit_code", "address": "address"}  # address: the account's default (F129)
    by_type: dict[str, HeldLicence] = {}
    for lic in licences:
        by_type.setdefault(lic.type, lic)
    values: dict[str, tuple[Any, str]] = {}
    for field in fields:
        source = field.prefill or ""
        value = None
        if source.startswith("profile.") and profile is not None:
            attr = attrs.get(source.split(".", 1)[1])
            value = profile[attr] if attr else None
        elif source.startswith("licence."):
            _, lic_type, attr = (source.split(".") + ["", ""])[:3]
            lic = by_type.get(lic_type)
            if lic is not None:
                value = lic.number if attr == "number" else lic.valid_until
                value = value.isoformat() if isinstance(value, date) else value
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


async def checklist(conn: Any, code: str, answers: dict[str, str], *, user_id: int) -> Checklist:
    spec, _ = await merged_spec(conn, code)
    check_answers(spec, answers)
    instant, promised, _ = path_of(spec, answers)
    materials, fields = applicable(spec, answers)
    licences = await holder_licences(conn, user_id)
    exempt = exemptions(materials, licences)
    filled = await prefill(conn, user_id, fields, licences)
    out_materials = [
        ChecklistMaterial(code=m.code, name=m.name, required=m.required, types=list(m.types), max_bytes=m.max_bytes,
                          exempt=m.code in exempt, exempt_licence_id=exempt[m.code].id if m.code in exempt else None,
                          exempt_licence_name=exempt[m.code].name if m.code in exempt else None, note=m.note)
        for m in materials
    ]
    out_fields = [
        ChecklistField(code=f.code, label=f.label, type=f.type, required=f.required, options=list(f.options),
                       value=filled.get(f.code, (None, None))[0], prefilled_from=filled.get(f.code, (None, None))[1])
        for f in fields
    ]
    return Checklist(service_code=code, instant=instant, promised_days=promised, materials=out_materials,
                     fields=out_fields, materials_required=sum(1 for m in materials if m.required),
                     materials_exempt=len(exempt))
