"""Pre-review (预审) as pure functions: field values, service rules and materials, each problem a
gap. Everything is checked before anything is reported, so the applicant hears every gap at
once (一次性告知)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from stdnum.cn import uscc

from api.catalogue import form_schema
from api.catalogue.schemas import Field, Material, Rule, ServiceSpec
from api.catalogue.service import applies
from api.types import is_mobile, is_resident_id

_PLATE = re.compile(r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]$")


# FAQ F072: "只有企业法人可以申请，个人和个体工商户不能申请" (dangerous goods: the catalogue's
# ``holder: enterprise`` with ``legalPersonOnly``; other businesses' licences take 个体工商户 too,
# F032/F092). The applicant shows it with the unified social credit code in the form:
# its first two characters say who registered what — "91" an enterprise registered with market
# regulation, "92" an individual business (个体工商户), "93" a farmers' cooperative, others public
# bodies. The code cannot tell an enterprise legal person from a non-legal-person enterprise (a
# branch); the review step checks the licence.
ENTERPRISE_PREFIX = "91"


def applicant_kind_problem(spec: ServiceSpec, form: dict[str, Any]) -> str | None:
    """Why this form's applicant may not apply for the service (None when they may)."""
    if spec.holder != "enterprise" or not spec.legal_person_only:
        return None
    code = form.get("creditCode")
    if not isinstance(code, str) or not code:
        return "请填写申请企业的统一社会信用代码；个人不能申请。"
    if uscc.is_valid(code) and not code.startswith(ENTERPRISE_PREFIX):
        kind = "个体工商户" if code.startswith("92") else "非企业单位"
        return f"统一社会信用代码显示申请人为{kind}，不能申请。"
    return None  # an invalid code is the field check's problem, reported with the others


# F092: "选错主体时，系统会在提交前提示您切换". Who may hold a service's licence is the catalogue's
# ``holder``: person (qualifications), enterprise (business licences; 个体工商户 file as enterprises),
# either; for either, a vehicle's licence goes to its registered owner: the ``owner`` situation
# (网约车运输证: "车在个人名下选个人，在公司名下选企业").
OWNER_SITUATION = "owner"


def holder_kind_problem(holder: str, enterprise: Any, answers: dict[str, Any]) -> tuple[str, str] | None:
    """(message, the subject kind to switch to) when the acting subject may not hold the licence."""
    owner = answers.get(OWNER_SITUATION) if holder == "either" else None
    if (holder == "person" or owner == "person") and enterprise is not None:
        why = "车辆登记在个人名下，应由车辆所有人本人申请" if owner == "person" else "本事项是个人资格，须以个人身份申请"
        return f"{why}，请切换到个人身份后再提交。", "person"
    if (holder == "enterprise" or owner == "company") and enterprise is None:
        why = "车辆登记在企业名下，应由该企业申请" if owner == "company" else \
            "本事项须以企业身份申请（个体工商户也按企业身份办理）"
        return f"{why}，请在“我的—企业管理”认证企业后切换到企业身份再提交。", "enterprise"
    return None


def gap(kind: str, code: str, name: str, message: str) -> dict[str, str]:
    return {"kind": kind, "code": code, "name": name, "message": message}


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def field_problem(field: Field, value: Any) -> str | None:
    """Why ``value`` is not acceptable for ``field`` (None when it is, or when it is empty)."""
    if value is None or value == "":
        return None
    kind = field.type
    if kind == "bool":
        return None if isinstance(value, bool) else "应为是或否"
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "应为数字"
        if field.min is not None and value < field.min:
            return f"不能小于{field.min:g}"
        if field.gt is not None and value <= field.gt:
            return f"应大于{field.gt:g}"
        if field.max is not None and value > field.max:
            return f"不能大于{field.max:g}"
        return None
    if not isinstance(value, str):
        return "应为文字"
    if field.max_length is not None and len(value) > field.max_length:
        return f"不能超过{field.max_length}个字"
    if len(value) > 2000:
        return "内容过长"
    if kind == "mobile" and not is_mobile(value):
        return "手机号格式不正确"
    if kind == "resident_id" and not is_resident_id(value):
        return "身份证号不正确（校验位或出生日期有误）"
    if kind == "plate" and not _PLATE.match(value):
        return "车牌号格式不正确"
    if kind == "credit_code" and not uscc.is_valid(value):
        return "统一社会信用代码不正确"
    if kind == "date" and _date(value) is None:
        return "日期格式应为 YYYY-MM-DD"
    if kind == "select" and value not in field.options:
        return "不是可选的值"
    if field.pattern and not re.fullmatch(field.pattern, value):
        return "格式不正确"
    return None


def form_problems(fields: list[Field], form: dict[str, Any]) -> list[dict[str, str]]:
    """Values that can never be right (wrong type, bad checksum, unknown field): refused at once
    when a draft is written. Missing values are not problems here; pre-review reports them.

    The verdict is the service's published JSON Schema (``GET /services/{code}/form-schema``,
    api.catalogue.form_schema), so the mini-program and the API refuse the same forms; the
    message says why in the applicant's words."""
    known = {f.code: f for f in fields}
    invalid = form_schema.invalid_fields(fields, form)
    problems = [{"field": f"form.{k}", "message": "该事项没有这个表单项"} for k in form if k not in known]
    for code in form:
        if code in known and code in invalid:
            problems.append({"field": f"form.{code}", "message": field_problem(known[code], form[code]) or "格式不正确"})
    return problems


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def rule_gap(rule: Rule, form: dict[str, Any], fields: dict[str, Field], today: date) -> dict[str, str] | None:
    value = form.get(rule.field)
    label = fields[rule.field].label if rule.field in fields else rule.field
    if value is None or value == "":
        return None  # the missing value is its own gap
    broken = False
    if rule.kind == "equals":
        broken = value != rule.value
    elif rule.kind == "min":
        broken = isinstance(value, (int, float)) and value < (rule.value or 0)
    else:
        day = _date(value)
        if day is None:
            return None
        if rule.kind == "renew_window":  # e.g. ship certificate: at most N days before expiry, never after
            broken = day < today or day > today + timedelta(days=rule.days or 0)
        elif rule.kind == "not_past":
            broken = day < today
        elif rule.kind == "min_years_since":
            broken = day > _years_before(today, rule.years or 0)
        elif rule.kind == "max_years_since":
            broken = day < _years_before(today, rule.years or 0)
        elif rule.kind == "max_days_after":
            other = _date(form.get(rule.other or ""))
            if other is None:
                return None
            broken = not (timedelta(days=rule.min or 0) <= day - other <= timedelta(days=rule.days or 0))
    return gap("rule", rule.field, label, rule.message) if broken else None


def is_required(field: Field, form: dict[str, Any]) -> bool:
    """``required``, unless another field's value says otherwise (F131: 窗口自取 needs a site, not
    a postal address). An empty ``required_if``/``optional_if`` never applies."""
    if field.required_if and applies(field.required_if, form):
        return True
    if field.optional_if and applies(field.optional_if, form):
        return False
    return field.required


def pre_review(*, fields: list[Field], rules: list[Rule], materials: list[Material], answers: dict[str, str],
               form: dict[str, Any], uploaded: set[str], exempt: set[str], today: date) -> list[dict[str, str]]:
    """The complete list of gaps: missing or invalid fields, broken rules, missing materials."""
    gaps: list[dict[str, str]] = []
    for field in fields:
        value = form.get(field.code)
        if value is None or value == "":
            if is_required(field, form):
                gaps.append(gap("field", field.code, field.label, f"请填写：{field.label}"))
        elif msg := field_problem(field, value):
            gaps.append(gap("field", field.code, field.label, msg))
    by_code = {f.code: f for f in fields}
    for rule in rules:
        if applies(rule.when, answers) and rule.field in by_code and (g := rule_gap(rule, form, by_code, today)):
            gaps.append(g)
    for material in materials:
        if material.required and material.code not in uploaded and material.code not in exempt:
            gaps.append(gap("material", material.code, material.name, f"请上传：{material.name}"))
    return gaps
