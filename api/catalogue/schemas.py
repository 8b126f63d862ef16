"""The catalogue's shapes: the data file, the admin edit body and the public views."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from api.catalogue.schemas_calendar import (  # noqa: F401  (the calendar's shapes, named here as before)
    CalendarCoverage,
    NoticeHoliday,
    WorkdayNotice,
    WorkdayNoticeIn,
    WorkdayOverrideIn,
)
from api.catalogue.schemas_visits import ScheduleSpec, VisitSpec, check_visits
from api.catalogue.schemas_lifecycle import LifecycleSpec
from api.types import Answers, Input, Schema, ServiceCode

Code = Annotated[str, Meta(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]
FileType = Literal["jpg", "png", "pdf"]
FieldType = Literal["text", "mobile", "resident_id", "plate", "date", "number", "select", "credit_code", "bool"]
# question code -> the answers under which an item applies (all listed questions must match)
When = dict[str, list[str]]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # FAQ F101: JPG/PNG/PDF, at most 10 MB a file


class Option(Schema, forbid_unknown_fields=True):
    value: Code
    label: str
    promised_days: int | None = None  # this answer changes the promised limit (e.g. technical assessment)
    instant: bool | None = None  # False: this answer turns an instant matter into a promised one
    issues_licence: bool = True  # False: e.g. deregistration issues nothing


class Situation(Schema, forbid_unknown_fields=True):
    code: Code
    question: str
    options: Annotated[list[Option], Meta(min_length=2)]


class Material(Schema, forbid_unknown_fields=True):
    code: Code
    name: str
    required: bool = True
    types: Annotated[list[FileType], Meta(min_length=1)] = msgspec.field(default_factory=lambda: ["jpg", "png", "pdf"])
    max_bytes: Annotated[int, Meta(gt=0, le=MAX_UPLOAD_BYTES)] = MAX_UPLOAD_BYTES
    exempt_by: Code | None = None  # a licence type in the library that stands for this material
    when: When = {}
    note: str | None = None


class Field(Schema, forbid_unknown_fields=True):
    code: Code
    label: str
    type: FieldType = "text"
    required: bool = True
    prefill: str | None = None  # profile.<attr> or licence.<type>.<number|validUntil>
    when: When = {}
    options: list[str] = []
    min: float | None = None
    gt: float | None = None
    max: float | None = None
    max_length: int | None = None
    pattern: str | None = None
    # Required or not by another field's value (form field code -> values), e.g. F131 领取方式:
    # 窗口自取 makes the pick-up site required and the postal address optional.
    required_if: dict[Code, list[str]] = {}
    optional_if: dict[Code, list[str]] = {}


class Rule(Schema, forbid_unknown_fields=True):
    kind: Literal["renew_window", "not_past", "min_years_since", "max_years_since", "max_days_after", "equals", "min"]
    field: Code
    message: str
    days: int | None = None
    years: int | None = None
    other: Code | None = None
    min: int | None = None
    value: Any = None
    when: When = {}


ReviewGroup = Literal["people", "company", "vehicle", "route", "cargo"]
# the small Python checks of api.applications.review.NAMED (an unknown name is refused on load or edit)
NamedCheck = Literal["driver_qualification", "registered_company", "over_limit", "bridge_assessment"]


class LicenceLookup(Schema, forbid_unknown_fields=True):
    """A licence looked up in the applicant's licence library (数据跑路) instead of asked for."""

    type: Code
    name: str
    valid_through: Code | None = None  # a form date field the licence must still be valid on (通行结束日期)
    number_field: Code | None = None  # the licence's number must equal this form field (营业执照 = 信用代码)
    material: Code | None = None  # an uploaded material standing in for it when the library has none


class ReviewCheck(Schema, forbid_unknown_fields=True):
    """One check of an automatic review (大件运输 5 groups, 21 checks): what it looks at, as data.
    ``rules`` names form fields whose service rules (``Rule``) belong to this check; ``check``
    names a small Python check in ``api.applications.review`` for what the rule kinds cannot say."""

    code: Annotated[str, Meta(pattern=r"^[a-z]+\.[a-z_]{2,40}$")]
    group: ReviewGroup
    name: str
    fields: list[Code] = []
    materials: list[Code] = []
    rules: list[Code] = []
    licence: LicenceLookup | None = None
    check: NamedCheck | None = None
    when: When = {}  # applies only under these situation answers (otherwise passed as not applicable)


# An approval step's code (accept, review, decide in the shipped services; any code a service
# names: a service has any number of steps, migration 0183 checks the same pattern)
StepCode = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{1,31}$")]


class Step(Schema, forbid_unknown_fields=True):
    """One approval step: its code (what approvers hold in ``users.steps``), the role acting on it
    and its Chinese name (受理, 审核, 决定, ...)."""

    step: StepCode
    role: Literal["approver", "lead", "admin"]
    name: str


class ExamSubject(Schema, forbid_unknown_fields=True):
    code: Code
    name: str
    # not taken under these situation answers (F013: a cruising-taxi driver takes only the regional one)
    skip_when: When = {}


class ExamSpec(Schema, forbid_unknown_fields=True):
    """The qualification exam of a service (its ``exam`` visit): the subjects a case must pass."""

    subjects: Annotated[list[ExamSubject], Meta(min_length=1)]

    def required(self, answers: dict[str, Any] | None) -> list[str]:
        """The codes of the subjects a case with these situation answers takes."""
        given = answers or {}
        return [s.code for s in self.subjects
                if not (s.skip_when and all(given.get(k) in v for k, v in s.skip_when.items()))]


class LicenceSpec(Schema, forbid_unknown_fields=True):
    type: Code
    name: str
    valid_years: int | None = None
    valid_until_field: Code | None = None  # validity ends on a date the applicant gave (route permits)
    starts_after_field: Code | None = None  # a renewal starts the day after the old one ends
    # ``valid_years`` counted from a form date instead of the day of issue (F029: a ride-hailing
    # car's permit lapses when the car has been registered 8 years, whatever its age at issue)
    years_from_field: Code | None = None


class ServiceSpec(Schema, forbid_unknown_fields=True):
    """One service or bundle, as in api/catalogue/data/services.json and the admin edit body."""

    code: ServiceCode
    name: Annotated[str, Meta(min_length=2, max_length=100)]
    department: str
    kind: Literal["instant", "promised"]
    legal_days: Annotated[int, Meta(ge=0)]
    promised_days: Annotated[int, Meta(ge=0)]
    fee: str
    zero_trip: bool
    steps: Annotated[list[Step], Meta(min_length=1)]
    # the trips a case of the service needs (跑动次数); ``visits`` below: what can be booked at a site
    visit_steps: list[Literal["window_checkin", "inspection", "exam", "pickup"]] = []
    auto_decide: bool = False
    is_bundle: bool = False
    members: list[ServiceCode] = []
    licence: LicenceSpec | None = None
    exam: ExamSpec | None = None  # a qualification exam (its visit is ``exam``)
    # Who holds the licence: a person (published as counts only), an enterprise (filed as one, 个体工商户
    # too, F092), or either; ``legal_person_only``: an enterprise legal person, never 个体工商户 (F072).
    holder: Literal["person", "enterprise", "either"] = "either"
    legal_person_only: bool = False
    disclose: bool = False  # 许可结果公示: the shipped choice, filled where nobody has decided
    visits: list[VisitSpec] = []  # booked at a site (appointments); ``schedules`` say where and when
    schedules: list[ScheduleSpec] = []
    guide: str = ""
    # The provisions a refusal cites in its 不予行政许可决定书 (F104); unset: the Administrative
    # Licensing Law's general rule (api/documents/content.py DEFAULT_LEGAL_BASIS).
    legal_basis: str | None = None
    situations: list[Situation] = []
    materials: list[Material] = []
    fields: list[Field] = []
    rules: list[Rule] = []
    review: list[ReviewCheck] = []  # the automatic review run at submission (bulky-cargo)
    # A bundle only: member questions it answers itself (the question is not asked; 开办运输企业
    # always 配发 a certificate), and members that apply only under the bundle's answers (道路运输证
    # only when a vehicle is bought, F082). See ``api.catalogue.service.merged_spec``.
    fixed_answers: dict[Code, Code] = {}
    member_when: dict[ServiceCode, When] = {}
    lifecycle: LifecycleSpec | None = None  # acts on a licence of the library (no ``licence`` of its own)
    active: bool = True

    def __post_init__(self) -> None:
        if self.promised_days > self.legal_days:
            raise ValueError("promisedDays must not exceed legalDays")
        if self.zero_trip and self.visit_steps:
            raise ValueError("a zero-trip service has no visit steps")
        if self.exam is not None and "exam" not in self.visit_steps:
            raise ValueError("an exam needs the exam visit step")
        check_visits(self.visits, self.schedules)
        if self.auto_decide and self.kind != "instant":
            raise ValueError("only instant services are decided automatically")
        if self.is_bundle != bool(self.members):
            raise ValueError("a bundle lists its members, and only a bundle does")
        if (self.fixed_answers or self.member_when) and not self.is_bundle:
            raise ValueError("only a bundle fixes answers or makes members conditional")
        if self.lifecycle is not None and (self.licence is not None or self.is_bundle):
            raise ValueError("a lifecycle service acts on a licence of the library: no licence of its own")
        if unknown := set(self.member_when) - set(self.members):
            raise ValueError(f"memberWhen names services that are not members: {sorted(unknown)}")
        for items in (self.situations, self.materials, self.fields, self.steps, self.review):
            keys = [getattr(i, "code", None) or getattr(i, "step", None) for i in items]
            if len(keys) != len(set(keys)):
                raise ValueError(f"duplicate codes: {keys}")


class Catalogue(msgspec.Struct):
    services: list[ServiceSpec]


class HeldLicence(msgspec.Struct, frozen=True):
    """A valid licence of the library its holder already has (证照免交, prefill, the review's lookups)."""
    id: int
    type: str
    name: str
    number: str
    valid_until: date | None
    source: str = "library"  # library | share | import (api/catalogue/exemption.py SOURCE_LABELS)
    subject: str | None = None  # the plate or ship a vehicle or ship licence is about
    data: dict[str, Any] = {}  # what the source says beyond GB/T 36903's core (vehicle type, ...)


class ServiceSummary(Schema):
    code: str
    name: str
    department: str
    kind: str
    is_bundle: bool
    legal_days: int
    promised_days: int
    zero_trip: bool
    fee: str


class ServiceDetail(ServiceSpec):
    """The full guide, bundles with their members' situations, materials and fields merged."""


class ChecklistIn(Input):
    answers: Answers = {}


class ChecklistMaterial(Schema):
    code: str
    name: str
    required: bool
    types: list[str]
    max_bytes: int
    exempt: bool = False
    exempt_licence_id: int | None = None
    exempt_licence_name: str | None = None
    exempt_reason: str | None = None  # which licence, from which source (证照免交)
    note: str | None = None


class ChecklistField(Schema):
    code: str
    label: str
    type: str
    required: bool
    options: list[str] = []
    value: Any = None  # pre-filled from what the bureau already knows (信息预填)
    prefilled_from: str | None = None
    locked: bool = False  # the value is authoritative (a verified identity, a trusted licence)


class Checklist(Schema):
    service_code: str
    instant: bool
    promised_days: int
    materials: list[ChecklistMaterial]
    fields: list[ChecklistField]
    materials_required: int
    materials_exempt: int
    # the trusted licence sources could not answer in time: upload instead (nothing waits on them)
    licence_data_unavailable: bool = False
