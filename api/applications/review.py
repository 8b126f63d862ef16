"""The automatic review (智能审批) as pure functions: a service's declared checks
(``ServiceSpec.review``, data in services.json) run over the form, the answers, the materials
and what the licence library holds. Every check gives one result — passed, failed (the applicant
can fix it: it goes into the ONE gap notice) or needs a person (the approver looks) — with its
reason. Bulky cargo (大件运输一件事) declares 21 checks in 5 groups (FAQ F050, F051).

What a check looks at is data (fields, materials, service rules by field, a licence lookup);
what the rule kinds cannot say is a small named Python check registered in ``NAMED``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field as dc_field
from datetime import date
from typing import Any, Literal

import msgspec

from api.applications import rules
from api.catalogue.schemas import Field, HeldLicence, LicenceLookup, Material, ReviewCheck, Rule
from api.catalogue.service import applies

Outcome = Literal["passed", "failed", "needs_person"]
GROUP_LABELS = {"people": "人员信息", "company": "企业资质信息", "vehicle": "车辆信息", "route": "线路情况",
                "cargo": "货物情况"}
OUTCOME_LABELS = {"passed": "通过", "failed": "未通过", "needs_person": "需人工核查"}
_SEVERITY = {"passed": 0, "needs_person": 1, "failed": 2}


class CheckResult(msgspec.Struct, kw_only=True):
    code: str
    group: str
    name: str
    outcome: Outcome
    reason: str
    gaps: list[dict[str, str]] = []  # what the applicant must fix (failed checks only)


@dataclass(frozen=True)
class Finding:
    outcome: Outcome
    reason: str
    gap: dict[str, str] | None = None


@dataclass(frozen=True)
class Facts:
    """Everything a check may look at; gathered by ``service.review_runs`` before any check runs."""

    answers: dict[str, str]
    form: dict[str, Any]
    fields: dict[str, Field]  # the fields that apply to these answers
    materials: dict[str, Material]  # the materials that apply to these answers
    rules: list[Rule]
    uploaded: set[str]
    exempt: set[str]
    licences: dict[str, HeldLicence]  # licence type -> the applicant's valid licence of that type (library)
    profile: dict[str, Any]  # what the account holds about the applicant (company name, credit code)
    found: dict[str, Any] = dc_field(default_factory=dict)  # other library look-ups, by name
    today: date = dc_field(default_factory=date.today)

    def date(self, code: str | None) -> date | None:
        value = self.form.get(code or "")
        try:
            return date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def number(self, code: str) -> float | None:
        value = self.form.get(code)
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _fail(check: ReviewCheck, reason: str) -> Finding:
    return Finding("failed", reason, rules.gap("review", check.code, check.name, reason))


# ---------------------------------------------------------------- what checks look at, as data

def _fields(check: ReviewCheck, facts: Facts) -> list[Finding]:
    out = []
    for code in check.fields:
        field = facts.fields.get(code)
        if field is None:
            continue  # not asked under these answers
        value = facts.form.get(code)
        if value is None or value == "":
            if rules.is_required(field, facts.form):
                out.append(Finding("failed", f"请填写：{field.label}",
                                   rules.gap("field", code, field.label, f"请填写：{field.label}")))
        elif msg := rules.field_problem(field, value):
            out.append(Finding("failed", f"{field.label}{msg}", rules.gap("field", code, field.label, msg)))
    return out


def _materials(check: ReviewCheck, facts: Facts) -> list[Finding]:
    out = []
    for code in check.materials:
        material = facts.materials.get(code)
        if material and material.required and code not in facts.uploaded and code not in facts.exempt:
            msg = f"请上传：{material.name}"
            out.append(Finding("failed", msg, rules.gap("material", code, material.name, msg)))
    return out


def _rules(check: ReviewCheck, facts: Facts) -> list[Finding]:
    out = []
    for rule in facts.rules:
        if rule.field in check.rules and rule.field in facts.fields and applies(rule.when, facts.answers):
            if g := rules.rule_gap(rule, facts.form, facts.fields, facts.today):
                out.append(Finding("failed", rule.message, g))
    return out


def _licence(check: ReviewCheck, facts: Facts) -> list[Finding]:
    """数据跑路: the library's licence decides; an uploaded paper copy stands in for a person to read."""
    spec: LicenceLookup | None = check.licence
    if spec is None:
        return []
    held = facts.licences.get(spec.type)
    if held is None:
        material = facts.materials.get(spec.material or "")
        if material is not None and spec.material in facts.uploaded:
            return [Finding("needs_person", f"电子证照库中没有有效的{spec.name}，已上传的材料需人工核对")]
        if material is not None:  # the same gap as pre-review's, so the notice names it once
            msg = f"请上传：{material.name}"
            return [Finding("failed", f"电子证照库中没有有效的{spec.name}，{msg}",
                            rules.gap("material", material.code, material.name, msg))]
        return [_fail(check, f"电子证照库中没有有效的{spec.name}，请先办理或更新后再申请")]
    out = []
    until, needed = held.valid_until, facts.date(spec.valid_through)
    if until is not None and needed is not None and until < needed:
        out.append(_fail(check, f"{spec.name}有效期至{until:%Y年%m月%d日}，早于通行结束日期，"
                                f"请先换证或缩短通行期限"))
    wanted = facts.form.get(spec.number_field or "")
    if spec.number_field and isinstance(wanted, str) and wanted and held.number.upper() != wanted.upper():
        label = facts.fields[spec.number_field].label if spec.number_field in facts.fields else spec.number_field
        out.append(_fail(check, f"填写的{label}与电子证照库中的{spec.name}不一致"))
    if not out:
        valid = f"，有效期至{until:%Y年%m月%d日}" if until else "，长期有效"
        out.append(Finding("passed", f"已从电子证照库核验{spec.name}{valid}"))
    return out


# ---------------------------------------------------------------- named checks (what rule kinds cannot say)

NAMED: dict[str, Callable[[ReviewCheck, Facts], list[Finding]]] = {}


def named(name: str) -> Callable[[Callable[[ReviewCheck, Facts], list[Finding]]], Callable[..., list[Finding]]]:
    def register(fn: Callable[[ReviewCheck, Facts], list[Finding]]) -> Callable[..., list[Finding]]:
        NAMED[name] = fn
        return fn
    return register


@named("driver_qualification")
def driver_qualification(check: ReviewCheck, facts: Facts) -> list[Finding]:
    """The driver's 从业资格证 looked up by its number in the library (not asked for as a copy):
    valid, valid through the permit's last day, and the driver's own (the ID number matches)."""
    if not facts.form.get("driverQualificationNo"):
        return []  # the missing number is the field's gap
    lic = facts.found.get("driver_qualification")
    if lic is None:
        return [Finding("needs_person", "电子证照库中查不到该从业资格证（可能为外地核发），需人工核验")]
    # no names or ID numbers in reasons: the applicant and other staff read them
    if lic["status"] != "valid" or (lic["valid_until"] is not None and lic["valid_until"] < facts.today):
        return [_fail(check, "驾驶员从业资格证已过期或失效")]
    driver = str(facts.form.get("driverIdNumber") or "").upper()
    if driver and (lic["holder_id_number"] or "").upper() != driver:
        return [_fail(check, "从业资格证号与驾驶员身份证号不符，请核对")]
    end = facts.date("endDate")
    if lic["valid_until"] is not None and end is not None and lic["valid_until"] < end:
        return [_fail(check, f"驾驶员从业资格证有效期至{lic['valid_until']:%Y年%m月%d日}，早于通行结束日期")]
    return [Finding("passed", "已从电子证照库核验驾驶员从业资格证")]


@named("registered_company")
def registered_company(check: ReviewCheck, facts: Facts) -> list[Finding]:
    """The applying company is the one the account is registered for."""
    registered = [(code, facts.profile.get(attr)) for code, attr in (("companyName", "company_name"),
                                                                      ("creditCode", "credit_code"))]
    if not any(value for _, value in registered):
        return [Finding("needs_person", "账户未登记企业信息，需人工核对申请企业")]
    out = []
    for code, value in registered:
        given = facts.form.get(code)
        if value and isinstance(given, str) and given and given.strip().upper() != str(value).strip().upper():
            label = facts.fields[code].label if code in facts.fields else code
            out.append(_fail(check, f"{label}与账户登记的企业不一致"))
    return out


# FAQ F042: 总高超过4米、总宽超过2.55米、总长超过18.1米; the FAQ names no mass figure ("超过国家限定
# 标准"): 49 t is GB 1589-2016's highest total mass for a six-axle combination.
LIMITS = (("totalHeightM", 4.0, "总高", "米"), ("totalWidthM", 2.55, "总宽", "米"),
          ("totalLengthM", 18.1, "总长", "米"), ("totalMassTons", 49.0, "总质量", "吨"))
# 超限运输车辆行驶公路管理规定 (交通运输部令2016年第62号), third class: loads this large ask the
# road authority whether bridges and sections on the route must be assessed.
THIRD_CLASS = (("totalHeightM", 4.5), ("totalWidthM", 3.75), ("totalLengthM", 28.0), ("totalMassTons", 100.0))


@named("over_limit")
def over_limit(check: ReviewCheck, facts: Facts) -> list[Finding]:
    values = [(facts.number(code), limit, label, unit) for code, limit, label, unit in LIMITS]
    if any(v is None for v, *_ in values):
        return []  # missing or invalid figures are cargo.parameters' gaps
    over = [f"{label}{v:g}{unit}（限{limit:g}{unit}）" for v, limit, label, unit in values if v > limit]
    if over:
        return [Finding("passed", "超限：" + "，".join(over))]
    # within every outline and mass limit the load may still exceed an axle load, which the form
    # does not ask: a person decides rather than the applicant being told they need no permit
    return [Finding("needs_person", "车货外廓尺寸和总质量均未超过限定标准，需人工核对是否轴荷超限")]


@named("bridge_assessment")
def bridge_assessment(check: ReviewCheck, facts: Facts) -> list[Finding]:
    """FAQ F044/F053: a route whose bridges or sections need a technical assessment (or
    strengthening) goes to a person; the assessment time is not counted in the promised days."""
    if facts.answers.get("needsAssessment") == "yes":
        return [Finding("needs_person", "途经桥梁、路段需要技术评估或加固改造，由审批人员组织评估（评估时间不计入办理时限）")]
    big = [code for code, limit in THIRD_CLASS if (v := facts.number(code)) is not None and v > limit]
    if big:
        return [Finding("needs_person", "车货尺寸或质量较大，需审批人员确认途经桥梁、路段是否需要技术评估")]
    return [Finding("passed", "无需对桥梁、路段进行技术评估")]


# ---------------------------------------------------------------- running

ASPECTS = (_fields, _materials, _rules, _licence)


def run_check(check: ReviewCheck, facts: Facts) -> CheckResult:
    if not applies(check.when, facts.answers):
        return CheckResult(code=check.code, group=check.group, name=check.name, outcome="passed",
                           reason="本次申请不涉及，不适用")
    findings = [f for aspect in ASPECTS for f in aspect(check, facts)]
    if check.check:
        findings += NAMED[check.check](check, facts)
    outcome: Outcome = max((f.outcome for f in findings), key=_SEVERITY.__getitem__, default="passed")
    reasons = [f.reason for f in findings if f.outcome == outcome]
    gaps = [f.gap for f in findings if f.outcome == "failed" and f.gap]
    return CheckResult(code=check.code, group=check.group, name=check.name, outcome=outcome,
                       reason="；".join(dict.fromkeys(reasons)) or "符合要求", gaps=gaps)


def run(checks: list[ReviewCheck], facts: Facts) -> list[CheckResult]:
    """Every check, always all of them (一次性告知: nothing is left for a second notice)."""
    unknown = sorted({c.check for c in checks if c.check and c.check not in NAMED})
    if unknown:
        raise LookupError(f"review checks not implemented: {unknown}")
    return [run_check(check, facts) for check in checks]


def merge_gaps(gaps: list[dict[str, str]], results: list[CheckResult]) -> list[dict[str, str]]:
    """Pre-review's gaps and the failed checks' in ONE list, each (kind, code, message) once."""
    seen = {(g["kind"], g["code"], g["message"]) for g in gaps}
    merged = list(gaps)
    for result in results:
        for g in result.gaps:
            if (g["kind"], g["code"], g["message"]) not in seen:
                seen.add((g["kind"], g["code"], g["message"]))
                merged.append(g)
    return merged
