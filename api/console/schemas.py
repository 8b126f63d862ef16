"""Console form bodies (application/x-www-form-urlencoded), checked like the API's JSON bodies."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from api.types import Mobile, Password


class LoginForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    # Unknown fields are tolerated here: forms carry the CSRF token (_csrf_token) alongside.
    phone: Mobile
    password: Annotated[str, Meta(min_length=1, max_length=128)]


class PasswordChangeForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    phone: Mobile
    password: Annotated[str, Meta(min_length=1, max_length=128)]
    new_password: Password
    confirm: Annotated[str, Meta(max_length=128)]

    def __post_init__(self) -> None:
        if self.confirm != self.new_password:
            raise ValueError("两次输入的新密码不一致")


class ReplyForm(msgspec.Struct, kw_only=True):
    text: Annotated[str, Meta(min_length=1, max_length=2000)]


class SmsReplyForm(msgspec.Struct, kw_only=True):
    # one SMS with the signature, as POST /helpdesk/conversations/{id}/sms-reply takes
    text: Annotated[str, Meta(min_length=1, max_length=60)]


class TransferForm(msgspec.Struct, kw_only=True):
    agent_id: Annotated[int, Meta(gt=0)]


class ResolveForm(msgspec.Struct, kw_only=True):
    """Resolve; ticking "make this an FAQ entry" sends the question and answer along."""

    make_faq: str | None = None
    question: str = ""
    answer: str = ""


class FollowUpForm(msgspec.Struct, kw_only=True):
    note: str = ""
    outcome: str = ""


class SlotForm(msgspec.Struct, kw_only=True):
    """Strings as typed: the API's GenerateIn checks them (dates, range, capacity)."""

    site_id: str = ""
    date_from: str = ""
    date_to: str = ""
    service_code: str = ""
    capacity: str = ""
