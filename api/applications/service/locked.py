"""Pre-filled "locked" values re-derived at submission (issue 21 follow-up).

The checklist pre-fills some fields from what the bureau already holds and marks them locked
(``catalogue.AUTHORITATIVE``): the verified identity (``profile.name`` / ``profile.idNumber``) and a
trusted licence (``licence.<type>.<attr>``). The app does not let a person change them, but a
client can send anything, so submission derives them again and does what a licensing authority does:

- **identity** (a person's own case): the applicant is the verified person, one truth — the form
  gets the identity's name and ID number, whatever was typed (as ``applicantName``/``idNumber``
  always did, ``api.identity.forms``); now also ``legalPerson``, ``ownerName`` and any other field
  pre-filled from the identity. An enterprise's case names the enterprise (``subject._stamp``) and
  its 法定代表人 (``legalPerson``) is the enterprise's verified legal representative, not the acting
  经办人 — replaced the same way (F091).
- **licence**: the values of one type must be those of ONE licence of that type the case's subject
  holds in force that day (two vehicles: either plate, with that vehicle's data). A value no such
  licence carries is refused — 422 ``prefilled_value_changed`` naming each field and the licence —
  rather than overwritten: which licence the case rests on is the applicant's declaration, and the
  authority tells them what does not match instead of silently choosing for them. Nothing is
  stored; the case stays as it was. Where the subject holds no licence of the type the field was
  never locked and is checked by a person like any typed value.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from api.applications.service.cases import lock, q
from api.catalogue import service as catalogue
from api.enterprises import service as enterprises
from api.errors import Unprocessable
from api.identity import id_number_of, verified_identity

IDENTITY_ATTRS = ("name", "idNumber")


class PrefilledValueChanged(Unprocessable):
    """表单中来自电子证照的信息不能修改，请按证照上的内容填写；证照信息有误的，请先向发证机关申请更正。"""

    code = "prefilled_value_changed"


def _same(a: Any, b: Any) -> bool:
    def norm(v: Any) -> str:
        return (v.isoformat() if isinstance(v, date) else str(v)).strip().upper()
    return a is not None and b is not None and norm(a) == norm(b)


def _backs(lic: Any, attr: str, value: Any) -> bool:
    """The licence carries this value (or nothing for the attribute: it neither backs nor contradicts)."""
    held = catalogue.licence_value(lic, attr)
    return held is None or _same(value, held)


async def _identity_values(conn: Any, user_id: int) -> dict[str, str]:
    person = await verified_identity(conn, user_id)
    if person is None:
        return {}
    values = {"name": person.name}
    if person.id_type == "resident_id":
        values["idNumber"] = await id_number_of(conn, person.id)
    return values


async def recheck(conn: Any, app: Any, fields: list[Any], today: date) -> Any:
    """At submission: identity-derived fields replaced by the identity (person's case), licence-derived
    ones checked against the subject's licences in force ``today``. Returns the (re-read) case row."""
    form = dict(app["form"] or {})
    by_type: dict[str, list[tuple[Any, str]]] = {}
    identity_fields: list[tuple[Any, str]] = []
    for f in fields:
        source = f.prefill or ""
        if source.startswith("profile.") and source.split(".", 1)[1] in IDENTITY_ATTRS:
            identity_fields.append((f, source.split(".", 1)[1]))
        elif source.startswith("licence.") and source.count(".") >= 2 and form.get(f.code) not in (None, ""):
            _, lic_type, attr = source.split(".", 2)
            by_type.setdefault(lic_type, []).append((f, attr))

    problems: list[dict[str, str]] = []
    if by_type:
        held = await catalogue.holder_licences(conn, app["applicant_id"], today, enterprise_id=app["enterprise_id"])
        for lic_type, wanted in by_type.items():
            mine = [lic for lic in held if lic.type == lic_type]
            # a field no licence of the type has a value for was never locked
            wanted = [(f, a) for f, a in wanted if any(catalogue.licence_value(lic, a) is not None for lic in mine)]
            if not wanted or any(all(_backs(lic, a, form[f.code]) for f, a in wanted) for lic in mine):
                continue
            wrong = [f for f, attr in wanted
                     if not any(_same(form[f.code], catalogue.licence_value(lic, attr)) for lic in mine)]
            problems += [{"field": f"form.{f.code}", "message": f"“{f.label}”须与您的{mine[0].name}一致，不能修改"}
                         for f in wrong]
            if not wrong:  # each value is some licence's, but not all of them the same licence's
                problems.append({"field": f"form.{wanted[0][0].code}", "message": "、".join(
                    f"“{f.label}”" for f, _ in wanted) + f"须来自同一本{mine[0].name}"})
    if problems:
        raise PrefilledValueChanged("; ".join(p["message"] for p in problems), errors=problems)

    patch: dict[str, str] = {}
    if app["enterprise_id"] is None and identity_fields:
        values = await _identity_values(conn, app["applicant_id"])
        patch = {f.code: values[attr] for f, attr in identity_fields
                 if attr in values and form.get(f.code) != values[attr]}
    elif app["enterprise_id"] is not None and any(f.code == catalogue.LEGAL_REP_FIELD for f, _ in identity_fields):
        holder = await enterprises.enterprise_holder(conn, app["enterprise_id"])
        if holder is not None and form.get(catalogue.LEGAL_REP_FIELD) != holder.legal_rep_name:
            patch = {catalogue.LEGAL_REP_FIELD: holder.legal_rep_name}
    if patch:
        await q.patch_form(conn, application_id=app["id"], patch=patch, drop_key="")
        app = await lock(conn, app["id"])
    return app
