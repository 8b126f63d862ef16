"""Which licence stands for which material (证照免交), and why, as pure functions.

A licence exempts a material only when it is of the material's type (``exempt_by``), valid on the
day (the library's look-up only returns licences in force: not expired, not revoked) and, for a
vehicle or a ship, about the vehicle or ship the form names (FAQ F028/F039/F062: a licence of
another plate never stands in). The holder is the case's subject by construction: the library is
read by holder, and the trusted sources' answers are checked against the subject before they are
kept (``api.licences.sources``).

A licence whose plate the library does not know (rows written before plates were recorded) is
matched by type alone; every licence from a trusted source of a vehicle or ship type carries its
plate or ship number (the sources refuse a record without one)."""

from __future__ import annotations

from typing import Any

import msgspec

from api.catalogue.schemas import HeldLicence, Material

# licence type -> the form field naming what it is about
SUBJECT_FIELDS = {
    "vehicle_licence": "plateNo",
    "vehicle_inspection": "plateNo",
    "road_transport_certificate": "plateNo",
    "ridehail_vehicle_permit": "plateNo",
    "ship_operating_certificate": "shipName",
    "ship_nationality_certificate": "shipName",
}
SOURCE_LABELS = {"library": "本系统电子证照库", "share": "省电子证照共享平台", "import": "电子证照数据（批量导入）"}


class Exemption(msgspec.Struct, frozen=True):
    licence: HeldLicence
    reason: str


def _norm(value: Any) -> str | None:
    return value.strip().upper().replace(" ", "") if isinstance(value, str) and value.strip() else None


def subject_matches(lic: HeldLicence, form: dict[str, Any] | None) -> bool:
    """Whether ``lic`` is about what the form names (always, for types about no vehicle or ship).
    ``form`` None: the checklist, before any form exists — the plate is checked when it is filled."""
    field = SUBJECT_FIELDS.get(lic.type)
    if field is None or lic.subject is None or form is None:
        return True
    return _norm(form.get(field)) == _norm(lic.subject)


def reason_of(lic: HeldLicence, form: dict[str, Any] | None = None) -> str:
    until = f"有效期至{lic.valid_until:%Y年%m月%d日}" if lic.valid_until else "长期有效"
    source = SOURCE_LABELS.get(lic.source, lic.source)
    text = f"已由{source}的{lic.name}（{lic.number}，{until}）免交"
    if lic.subject and lic.type in SUBJECT_FIELDS:
        text += "，号牌/船名一致" if form is not None else "，须与填写的号牌/船名一致"
    return text


def match(materials: list[Material], licences: list[HeldLicence],
          form: dict[str, Any] | None = None) -> dict[str, Exemption]:
    """material code -> the valid licence (newest first) that stands for it, with the reason."""
    out: dict[str, Exemption] = {}
    for m in materials:
        if not m.exempt_by:
            continue
        for lic in licences:
            if lic.type == m.exempt_by and subject_matches(lic, form):
                out[m.code] = Exemption(licence=lic, reason=reason_of(lic, form))
                break
    return out


def manual_reason(materials: list[Material], uploaded: set[str], exempt: set[str]) -> str | None:
    """Why an automatic decision may not rest on these materials (None: it may). A material a
    licence stands for (``exempt_by``) that is an upload instead of a trusted licence needs a person
    to look at it: a file proves nothing by itself."""
    uploads = [m.name for m in materials
               if m.exempt_by and m.code in uploaded and m.code not in exempt]
    if not uploads:
        return None
    return "材料为上传件，需人工核验：" + "、".join(uploads)
