"""What each document says, read from the licence, its case and the catalogue (a dict ``pdf.render``
draws and ``documents.content`` keeps, so what was printed stays on record).

A licence prints its holder, number, validity, issuing authority and date, and the form fields of
its case that describe what it permits (scope, route, cargo, vehicle or ship: every field of the
service's form except contact, delivery and identity fields), labelled as the catalogue labels them.
A person's ID number appears masked; a company's credit code in full (it is public).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from api.clock import local_day
from api.types import mask_name

# Form fields that say how to reach or deliver, or who applied: never printed on the licence.
NOT_PRINTED = {"mobile", "driverMobile", "deliveryMethod", "deliveryAddress", "pickupSite", "applicantName",
               "companyName", "creditCode", "idNumber", "driverIdNumber", "certNo", "certExpiry", "oldPlateNo",
               "legalPerson"}
NOT_PRINTED_TYPES = {"resident_id", "mobile"}
LAYOUT_OF_TYPE = {"oversize_permit": "permit", "city_road_permit": "permit", "charter_plate": "plate"}
RECONSIDERATION = ("如不服本决定，可以自收到本决定书之日起60日内依法申请行政复议，"
                   "或者自收到本决定书之日起6个月内依法向人民法院提起行政诉讼。")
DEFAULT_LEGAL_BASIS = "《中华人民共和国行政许可法》第三十八条第二款"


def cn_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "长期"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return cn_date(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def printed_lines(fields: list[Any], form: dict[str, Any]) -> list[list[str]]:
    return [[f.label, _value(form[f.code])] for f in fields
            if f.code not in NOT_PRINTED and f.type not in NOT_PRINTED_TYPES
            and form.get(f.code) not in (None, "", [])]


def holder_of(form: dict[str, Any], person: Any) -> tuple[str, str | None]:
    """(name, identifying number) of the holder: the company named on the form, else the person."""
    company = form.get("companyName")
    if isinstance(company, str) and company.strip():
        code = form.get("creditCode")
        return company.strip(), (f"统一社会信用代码 {code}" if isinstance(code, str) and code else None)
    if person is not None:
        return person.name, f"身份证件号码 {person.id_number_masked}"
    name = form.get("applicantName") or form.get("ownerName")
    return (mask_name(name) if isinstance(name, str) else None) or "—", None


def licence_content(lic: Any, spec: Any, person: Any, *, version: int, reason: str | None, verify_url: str,
                    authority: str) -> dict[str, Any]:
    form = lic["form"] or {}
    holder, holder_id = holder_of(form, person)
    issued = local_day(lic["issued_at"]) if isinstance(lic["issued_at"], datetime) else lic["issued_at"]
    validity = f"{cn_date(lic['valid_from'])}至{cn_date(lic['valid_until'])}" if lic["valid_until"] \
        else f"自{cn_date(lic['valid_from'])}起长期有效"
    return {"layout": LAYOUT_OF_TYPE.get(lic["type"], "licence"), "title": lic["name"], "number": lic["number"],
            "licenceId": lic["id"], "type": lic["type"], "holder": holder, "holderId": holder_id,
            "lines": printed_lines(spec.fields if spec else [], form), "validity": validity,
            "validFrom": lic["valid_from"].isoformat(),
            "validUntil": lic["valid_until"].isoformat() if lic["valid_until"] else None,
            "authority": authority, "issuedOn": cn_date(issued), "verifyUrl": verify_url, "version": version,
            "reason": reason, "caseNo": lic["public_no"]}


def refusal_content(case: Any, spec: Any, person_name: str, params: dict[str, Any], on: date) -> dict[str, Any]:
    basis = params.get("legalBasis") or DEFAULT_LEGAL_BASIS
    return {"layout": "refusal", "title": "不予行政许可决定书", "number": f"（{case.public_no}）",
            "authority": spec.department, "issuedOn": cn_date(on), "legalBasis": basis,
            "remedies": RECONSIDERATION, "reason": params.get("reason") or "",
            "paragraphs": [
                f"{person_name}：",
                f"你（单位）提出的{spec.name}申请（办件编号{case.public_no}），经审查，不符合法定条件、标准。",
                f"理由：{params.get('reason') or '不符合法定条件'}",
                f"依据{basis}的规定，本机关决定不予行政许可。",
                RECONSIDERATION,
                "条件具备或材料整改后，可以重新提出申请。"]}


def gap_notice_content(case: Any, spec: Any, person_name: str, params: dict[str, Any], on: date) -> dict[str, Any]:
    gaps = params.get("gaps") or []
    items = [f"{i + 1}. {g.get('name')}" + (f"：{g['message']}" if g.get("message") else "") for i, g in enumerate(gaps)]
    return {"layout": "gap_notice", "title": "补正材料一次性告知书", "number": f"（{case.public_no}）",
            "authority": spec.department, "issuedOn": cn_date(on), "gaps": gaps,
            "paragraphs": [
                f"{person_name}：",
                f"你（单位）提出的{spec.name}申请（办件编号{case.public_no}），申请材料不齐全或者不符合法定形式。"
                "根据《中华人民共和国行政许可法》第三十二条的规定，现一次性告知需要补正的全部内容：",
                *items,
                f"请于{params.get('dueOn') or ''}前在掌上办“我的办件”中补正。逾期未补正的，视为撤回申请；"
                "补正期间不计入办理时限。"]}


def cancellation_content(case: Any, spec: Any, lic: Any, holder: str, holder_id: str | None, params: dict[str, Any],
                         verify_url: str) -> dict[str, Any]:
    """F029: the 电子注销证明 of a cancelled licence — who held it, its number, the vehicle's plate, the
    day it was cancelled and why; the QR opens the cancelled licence's /verify page (status: revoked)."""
    on = date.fromisoformat(params["cancelledOn"])
    plate = lic["subject"] or (lic["form"] or {}).get("plateNo")
    what = f"{lic['name']}（证号：{lic['number']}" + (f"，车辆号牌：{plate}）" if plate else "）")
    reason = str(params.get("reason") or "").split("：", 1)[-1] or "持证人申请"
    return {"layout": "cancellation", "title": "电子注销证明", "number": f"（{case.public_no}）",
            "authority": spec.department, "issuedOn": cn_date(on), "cancelledOn": on.isoformat(),
            "licenceId": lic["id"], "licenceNumber": lic["number"], "plate": plate, "verifyUrl": verify_url,
            "paragraphs": [
                "兹证明：",
                f"{holder}" + (f"（{holder_id}）" if holder_id else "") + f"持有的{what}，"
                f"经持证人申请（办件编号{case.public_no}），已于{cn_date(on)}由本机关注销。",
                f"注销原因：{reason}。",
                "自注销之日起，该车辆不得从事网络预约出租汽车经营服务。持证人可凭本证明到公安机关交通管理部门"
                "将机动车使用性质变更为“非营运”。" if lic["type"] == "ridehail_vehicle_permit" else "自注销之日起，该证件不再有效。",
                "扫描左下角二维码，可核验该证件的注销状态。"]}
