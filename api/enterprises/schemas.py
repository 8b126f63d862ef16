"""Enterprises, their 经办人 and the acting subject at the edge."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from api.types import Input, Mobile, Schema, ServiceCode

CreditCodeText = Annotated[str, Meta(min_length=18, max_length=18, description="统一社会信用代码（18位）")]
EnterpriseName = Annotated[str, Meta(min_length=2, max_length=100, description="企业名称（与营业执照一致）")]
PersonName = Annotated[str, Meta(min_length=1, max_length=30, description="法定代表人（经营者）姓名")]
IdNumberText = Annotated[str, Meta(min_length=15, max_length=20, description="法定代表人身份证号")]
Kind = Literal["company", "individual_business"]
KIND_NAMES = {"company": "企业", "individual_business": "个体工商户"}
ROLE_NAMES = {"legal_rep": "法定代表人", "agent": "经办人"}


class EnterpriseHolder(msgspec.Struct, frozen=True):
    """What licences and disclosure print of an enterprise holder (``enterprise_holder``)."""

    name: str
    credit_code: str
    legal_rep_name: str
    kind: str = "company"  # company | individual_business (个体工商户 file as enterprises, F092)


class Grant(msgspec.Struct, frozen=True):
    """What the caller may do for an enterprise right now: ``services`` None = every service."""

    role: str  # legal_rep | agent | none (revoked: nothing)
    services: tuple[str, ...] | None


class EnterpriseIn(Input):
    credit_code: CreditCodeText
    name: EnterpriseName
    kind: Kind
    legal_rep_name: PersonName
    legal_rep_id_number: IdNumberText


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name: str
    kind: str
    kind_name: str
    legal_rep_name: str
    status: str  # awaiting_photo | pending | verified | refused
    method: str | None = None
    due_on: date | None = None
    refusal_reason: str | None = None
    verified_at: datetime | None = None
    my_role: str | None = None  # legal_rep | agent
    my_services: list[str] | None = None  # an 经办人's granted services (None: all)


class GrantIn(Input):
    """Invite a verified person by phone (or change their grant): ``allServices`` or a list."""

    phone: Mobile
    all_services: bool = False
    services: Annotated[list[ServiceCode], Meta(max_length=50)] = []

    def __post_init__(self) -> None:
        if not self.all_services and not self.services:
            raise ValueError("授权至少一个事项，或选择全部事项（allServices）")


class GrantChange(Input):
    all_services: bool = False
    services: Annotated[list[ServiceCode], Meta(max_length=50)] = []

    def __post_init__(self) -> None:
        if not self.all_services and not self.services:
            raise ValueError("授权至少一个事项，或选择全部事项（allServices）；取消授权请用删除")


class AgentOut(Schema):
    user_id: int
    name: str
    phone_masked: str | None
    active: bool
    all_services: bool
    services: list[str]
    updated_at: datetime


class GrantEventOut(Schema):
    id: int
    agent_id: int
    agent_name: str
    actor_id: int
    action: str  # grant | change | revoke
    all_services: bool
    services: list[str]
    at: datetime


class ActingSubjectOut(Schema):
    """A subject the caller may act as: themself, or an enterprise as legal representative or 经办人."""

    kind: str  # person | enterprise
    name: str
    enterprise_id: int | None = None
    credit_code: str | None = None
    enterprise_kind: str | None = None
    role: str | None = None
    services: list[str] | None = None
    current: bool = False


class OwningSubjectOut(Schema):
    """Whose a booking, rating or complaint is (issue 20): the person who made it, or the enterprise
    it was made for (its verified name; a person's name is not repeated here)."""

    kind: str  # person | enterprise
    enterprise_id: int | None = None
    name: str | None = None


class SwitchIn(Input):
    """null: act as yourself again."""

    enterprise_id: Annotated[int, Meta(ge=1, le=2**63 - 1)] | None = None


class ActingToken(Schema):
    access_token: str
    expires_in: int
    subject: ActingSubjectOut


class EnterpriseRefusalIn(Input):
    reason: Annotated[str, Meta(min_length=2, max_length=200)]


class EnterpriseReviewOut(Schema):
    """Staff's view of a registration waiting for the business-licence photo's review."""

    id: int
    credit_code: str
    name: str
    kind: str
    legal_rep_name: str
    status: str
    due_on: date | None
    created_at: datetime
    photo_url: str | None = None
    refusal_reason: str | None = None
