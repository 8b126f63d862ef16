"""代办 (F093) at the API's edge."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta

from api.types import Answers, Form, Input, Mobile, ResidentId, Schema, ServiceCode

FilingStatus = Literal["awaiting_letter", "awaiting_confirmation", "confirmed", "refused", "revoked"]

STATUS_NAMES = {"awaiting_letter": "待上传授权委托书", "awaiting_confirmation": "待申请人短信确认",
                "confirmed": "申请人已确认", "refused": "申请人已拒绝", "revoked": "申请人已撤回授权"}


class FilingIn(Input):
    """为他人代办: the case as any draft, plus who it is for (their verified identity and phone)."""

    service_code: ServiceCode
    principal_name: Annotated[str, Meta(min_length=2, max_length=40)]
    principal_id_number: ResidentId
    principal_phone: Mobile
    answers: Answers = {}
    form: Form = {}


class ConfirmIn(Input):
    # 代办: the 6-digit code of the SMS; a taxi driver confirms their company's registration signed in
    code: Annotated[str, Meta(pattern=r"^\d{6}$", description="短信中的6位确认码")] | None = None


class TaxiRegistrationIn(Input):
    """从业资格注册 filed by the taxi company (acting as the enterprise) for its driver (F017-F019)."""

    driver_name: Annotated[str, Meta(min_length=2, max_length=40)]
    driver_id_number: ResidentId
    plate_no: Annotated[str, Meta(min_length=7, max_length=8)]


class FilingOut(Schema):
    id: int
    application_id: int
    service_code: str
    service_name: str
    kind: Literal["person", "taxi"]
    status: FilingStatus
    status_name: str
    agent_name_masked: str | None
    principal_name_masked: str | None
    principal_phone_masked: str | None
    has_letter: bool
    created_at: datetime
    decided_at: datetime | None = None
    # a taxi registration approved: the driver's electronic service card (F021), as the company shows it
    card_number: str | None = None
    card_valid_until: date | None = None
    # F020: the registration ended (the card revoked), by the company or by the bureau on the driver's request
    contract_ended_on: date | None = None
    deregistered_at: datetime | None = None


class TaskAgencyOut(Schema):
    """Who acted on a staff task's case when someone filed it for the subject (issue 20): a 代办人 for
    a person (F093: the letter and the principal's SMS confirmation) or the taxi company registering
    its driver (F017: the driver's confirmation). ID numbers and phones only masked."""

    kind: Literal["person", "taxi"]
    relation: str  # 代办人 | 出租汽车公司（申报单位）
    status: FilingStatus
    status_name: str
    agent_name_masked: str | None  # the person who filed (the 代办人, or the company's staff member)
    agent_id_number_masked: str | None
    agent_phone_masked: str | None
    principal_name_masked: str | None  # the subject: the principal / the driver
    confirmed: bool  # the principal (the driver) confirmed
    confirmed_at: datetime | None
    has_letter: bool  # 代办: the signed authorisation letter is on file
    letter_url: str | None = None  # staff read it here (the task's route)
    company_name: str | None = None  # taxi: the filing company (a public party)
    company_credit_code: str | None = None
    deregistered_at: datetime | None = None  # taxi: the registration was ended (F020)


class TaxiDeregistrationIn(Input):
    """The original company ends its driver's registration (F020) after the contract ended."""

    contract_ended_on: date


class DeregistrationRefusalIn(Input):
    reason: Annotated[str, Meta(min_length=2, max_length=200, pattern=r"\S")]


DEREGISTRATION_STATUS = {"pending": "待我局核实", "done": "已注销", "refused": "未予注销"}


class TaxiDeregistrationRequestOut(Schema):
    """The driver's own request to end a registration the company has not ended (F020, via 帮办代办)."""

    id: int
    filing_id: int
    application_id: int
    company_name: str | None
    contract_ended_on: date
    status: Literal["pending", "done", "refused"]
    status_name: str
    note: str | None
    created_at: datetime
    decided_at: datetime | None
    assist_request_id: int | None
    driver_name_masked: str | None = None  # staff's list
    proof_url: str | None = None  # staff read the proof of termination here


class ServiceCardOut(Schema):
    """电子服务监督卡 (F021) as shown at view time from live data: the driver's verified name, the number
    of the qualification certificate in force, the company's current name — "信息变化后会自动更新"."""

    licence_id: int
    number: str
    status: str  # valid | revoked | expired
    valid: bool
    valid_from: date
    valid_until: date | None
    driver_name: str | None
    qualification_number: str | None  # 从业资格证号 (the certificate in force in the driver's library)
    company_name: str | None
    company_credit_code: str | None
    supervision_phone: str = "12328"
    revoked_reason: str | None = None
