"""The catalogue: loading the shipped data, admin edits, the guide, what a service asks under the
applicant's situation answers, with exemptions by licences already in the library (证照免交; the
checklist itself is ``checklist``), and the per-service facts other areas read (exam,
visits and their names, holder, disclosure)."""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path
from typing import Any

import msgspec

from api import clock
from api.catalogue import bundles, exemption
from api.catalogue.bundles import applies
from api.catalogue.form_schema import form_schema as schema_of
from api.catalogue.schemas import (
    Catalogue,
    ExamSpec,
    Field,
    HeldLicence,
    Material,
    ServiceDetail,
    ServiceSpec,
    ServiceSummary,
    Step,
)
from api.db import load_queries, rows
from api.errors import NotFound, Unprocessable
from api.settings import Settings

q = load_queries(Path(__file__).parents[1])
DATA_FILE = Path(__file__).parents[1] / "data" / "services.json"


class ServiceNotFound(NotFound):
    """没有找到该办事事项。"""

    code = "service_not_found"


class AnswersInvalid(Unprocessable):
    """情形选择的回答不完整或不正确。"""

    code = "answers_invalid"


class CatalogueInvalid(Unprocessable):
    """事项配置不正确。"""

    code = "catalogue_invalid"



# ---------------------------------------------------------------- loading and editing

def load_data_file(path: Path = DATA_FILE) -> list[ServiceSpec]:
    return msgspec.json.decode(path.read_bytes(), type=Catalogue).services


async def save_service(conn: Any, spec: ServiceSpec) -> None:
    """Insert or update one service with its steps and bundle members (admin edits, the seeder)."""
    if spec.members:
        found = {r["code"]: r for r in await rows(q.get_active_services(conn, codes=spec.members))}
        missing = [m for m in spec.members if m not in found]
        if missing:
            raise CatalogueInvalid(f"一件事包含的事项不存在：{', '.join(missing)}", field="members")
        options = {s["code"]: {o["value"] for o in s["options"]}
                   for r in found.values() for s in r["spec"].get("situations", [])}
        for question, value in spec.fixed_answers.items():
            if value not in options.get(question, set()):
                raise CatalogueInvalid(f"一件事固定的情形回答不是成员事项的选项：{question}={value}",
                                       field="fixedAnswers")
    body = msgspec.to_builtins(spec)
    await q.upsert_service(
        conn, code=spec.code, name=spec.name, department=spec.department, kind=spec.kind,
        is_bundle=spec.is_bundle, legal_days=spec.legal_days, promised_days=spec.promised_days, fee=spec.fee,
        zero_trip=spec.zero_trip, visit_steps=list(spec.visit_steps),
        licence_type=spec.licence.type if spec.licence else None,
        licence_name=spec.licence.name if spec.licence else None, auto_decide=spec.auto_decide,
        spec=body, active=spec.active, search_text=f"{spec.name} {spec.department} {spec.code}",
    )
    await q.delete_steps(conn, code=spec.code)
    for position, step in enumerate(spec.steps, 1):
        await q.insert_step(conn, service_code=spec.code, position=position, step=step.step, role=step.role,
                            name=step.name)
    await q.delete_members(conn, code=spec.code)
    for position, member in enumerate(spec.members, 1):
        await q.insert_member(conn, bundle_code=spec.code, member_code=member, position=position)


async def seed_catalogue(conn: Any, settings: Settings) -> None:
    """``zsb seed``: every service and bundle of the data file (members before bundles)."""
    specs = load_data_file()
    for spec in sorted(specs, key=lambda s: s.is_bundle):
        await save_service(conn, spec)


# ---------------------------------------------------------------- reading

async def search(conn: Any, text: str | None) -> list[ServiceSummary]:
    found = await rows(q.search_services(conn, q=(text or "").strip() or None))
    return [ServiceSummary(**{f: r[f] for f in ServiceSummary.__struct_fields__}) for r in found]


async def get_spec(conn: Any, code: str) -> ServiceSpec:
    row = await q.get_service(conn, code=code)
    if row is None or not row["active"]:
        raise ServiceNotFound()
    return msgspec.convert(row["spec"], ServiceSpec)


async def merged_spec(conn: Any, code: str) -> tuple[ServiceSpec, list[ServiceSpec]]:
    """A service, or a bundle with its members' situations, materials, fields and rules merged
    into one form and one material list (一张表、一套材料, F078/F079/F147). Returns the merged spec
    and the members (empty for a plain service).

    - A code shared by two members is asked once, as the bundle or the first member declares it.
    - A material standing for a licence that another member of the bundle issues is not asked
      for: the bundle grants it (开办运输企业 does not ask for the 道路运输经营许可证 it issues).
    - The bundle's ``fixedAnswers`` answer member questions for the applicant: the question is
      not asked and what depends on it is settled (the bundle always 配发s a certificate).
    - A member under ``memberWhen`` applies only under those answers: its materials, fields and
      rules carry the condition (no vehicle bought: no plate, no inspection report, F082)."""
    spec = await get_spec(conn, code)
    if not spec.is_bundle:
        return spec, []
    by_code = {r["code"]: r for r in await rows(q.get_active_services(conn, codes=spec.members))}
    members = [msgspec.convert(by_code[m]["spec"], ServiceSpec) for m in spec.members if m in by_code]
    return bundles.merge(spec, members), members


async def steps_of(conn: Any, code: str) -> list[Step]:
    """The approval steps of a service, in order (accept/review/decide, each with its role)."""
    return [msgspec.convert(dict(r), Step) for r in await rows(q.get_steps(conn, code=code))]


def check_answers(spec: ServiceSpec, answers: dict[str, str]) -> dict[str, str]:
    """Every situation question answered with one of its options; nothing else."""
    problems = []
    known = {s.code: s for s in spec.situations}
    for key in answers:
        if key not in known:
            problems.append({"field": f"answers.{key}", "message": "没有这个情形问题"})
    for code, situation in known.items():
        value = answers.get(code)
        if value is None:
            problems.append({"field": f"answers.{code}", "message": f"请回答：{situation.question}"})
        elif value not in {o.value for o in situation.options}:
            problems.append({"field": f"answers.{code}", "message": "不是可选的回答"})
    if problems:
        raise AnswersInvalid("; ".join(f"{p['field']}: {p['message']}" for p in problems), errors=problems)
    return answers


def path_of(spec: ServiceSpec, answers: dict[str, str]) -> tuple[bool, int, bool]:
    """(instant, promised working days, issues a licence) for these answers."""
    instant = spec.kind == "instant"
    promised = spec.promised_days
    issues = True
    for situation in spec.situations:
        for option in situation.options:
            if answers.get(situation.code) != option.value:
                continue
            if option.instant is False:
                instant = False
            if option.promised_days is not None:
                promised = max(promised, option.promised_days)
            issues = issues and option.issues_licence
    return instant, promised, issues


def applicable(spec: ServiceSpec, answers: dict[str, str]) -> tuple[list[Material], list[Field]]:
    return ([m for m in spec.materials if applies(m.when, answers)],
            [f for f in spec.fields if applies(f.when, answers)])


async def holder_licences(conn: Any, user_id: int, on: date | None = None,
                          enterprise_id: int | None = None) -> list[HeldLicence]:
    """The subject's licences valid ``on`` (default today), newest first: the person's, or the
    enterprise's (``enterprise_id``, a case filed for it)."""
    found = await rows(q.valid_licences(conn, holder_id=user_id, enterprise_id=enterprise_id,
                                        today=on or clock.today()))
    return [msgspec.convert(dict(r), HeldLicence) for r in found]


def exemptions(materials: list[Material], licences: list[HeldLicence],
               form: dict[str, Any] | None = None) -> dict[str, HeldLicence]:
    """material code -> the valid licence that stands for it (of a vehicle or ship: the one the
    form names, ``api.catalogue.exemption``; the reasons: ``exemption.match``)."""
    return {code: found.licence for code, found in exemption.match(materials, licences, form).items()}


# ---------------------------------------------------------------- per-service facts

async def exam_of(conn: Any, code: str) -> ExamSpec | None:
    """The qualification exam of a service (its subjects), or None (inactive services included:
    their cases still take the exam)."""
    row = await q.get_service(conn, code=code)
    exam = row["spec"].get("exam") if row is not None else None
    return msgspec.convert(exam, ExamSpec) if exam else None


async def has_exam(conn: Any, code: str) -> bool:
    """Whether the service's cases take a qualification exam (巡游出租车, 网约车 drivers)."""
    return await exam_of(conn, code) is not None


async def all_specs(conn: Any) -> list[ServiceSpec]:
    """Every service and bundle as the catalogue holds it now (the seeders of other areas read
    their per-service facts here: visits and schedules, disclosure, holder)."""
    return [msgspec.convert(r["spec"], ServiceSpec) for r in await rows(q.all_specs(conn))]


@functools.cache
def shipped_visit_names() -> dict[str, str]:
    """service code -> the name of its first visit, as the data file ships them."""
    return {spec.code: spec.visits[0].name for spec in load_data_file() if spec.visits}


async def visit_name(conn: Any, code: str, kind: str | None = None) -> str:
    """What messages call a visit of the service: its visit of ``kind`` (or its first visit) as
    the catalogue names it (巡游出租汽车驾驶员从业资格考试), else the service code."""
    names = {r["kind"]: r["name"] for r in await rows(q.visit_names(conn, code=code))}
    return names.get(kind) or next(iter(names.values()), code)


async def form_schema(conn: Any, code: str) -> dict[str, Any]:
    """The service's form (a bundle's one merged form) as the JSON Schema the API checks forms with."""
    spec, _ = await merged_spec(conn, code)
    return schema_of(list(spec.fields), code=code, name=spec.name)


async def detail(conn: Any, code: str) -> Any:
    """The guide of a service; a bundle shows its one merged form and material list."""
    spec, _ = await merged_spec(conn, code)
    return msgspec.convert(msgspec.to_builtins(spec), ServiceDetail)


async def admin_save(conn: Any, code: str, spec: ServiceSpec) -> Any:
    if spec.code != code:
        raise CatalogueInvalid("路径中的事项编码与内容不一致", field="code")
    await save_service(conn, spec)
    return await detail(conn, code)
