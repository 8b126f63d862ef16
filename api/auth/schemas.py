from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from api.types import Input, Mobile, Name, Password, Schema, SmsCode

Role = Literal["applicant", "approver", "helpdesk", "admin", "lead"]
WxCode = Annotated[str, Meta(min_length=1, max_length=128)]


class AuthUser(msgspec.Struct, frozen=True):
    """The caller, as the access token describes them (no database read per request)."""

    id: int
    roles: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    verified: bool = False  # the token's "idv" claim: the account was a verified person when it was issued
    # The acting subject (claim "ent", api/enterprises): the enterprise this token acts for, and the
    # services its grant allows, read per request (None: all of them; () once revoked).
    enterprise_id: int | None = None
    granted: tuple[str, ...] | None = None

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def is_staff(self) -> bool:
        return self.has("approver", "helpdesk", "admin", "lead")


class Account(msgspec.Struct, frozen=True):
    """A user's account as other domains read it (``auth.service.account``)."""

    id: int
    roles: list[str]
    steps: list[str]
    name: str | None
    token_version: int
    disabled: bool
    must_change_password: bool


class WechatLogin(Input):
    code: WxCode


class StaffLogin(Input):
    phone: Mobile
    password: Annotated[str, Meta(min_length=1, max_length=128)]
    # From an earlier staff login of this phone on this device: the address limit does not apply.
    device_token: Annotated[str, Meta(max_length=64)] | None = None


class StaffPasswordChange(Input):
    """The staff member's own new password, after an admin's reset (or any time): the current
    (temporary) password proves who asks; the per-account lock applies as to the login."""

    phone: Mobile
    password: Annotated[str, Meta(min_length=1, max_length=128)]
    new_password: Password
    device_token: Annotated[str, Meta(max_length=64)] | None = None


class StaffPasswordReset(Input):
    """A temporary password the admin hands over in person; the member replaces it at next login."""

    password: Password


class RefreshRequest(Input):
    refresh_token: Annotated[str, Meta(min_length=10, max_length=200)]


class PhoneCode(Input):
    code: WxCode


class UserOut(Schema):
    id: int
    roles: list[str]
    name: str | None = None
    phone: str | None = None
    has_wechat: bool = False
    company_name: str | None = None
    steps: list[str] = []


class TokenPair(Schema):
    access_token: str
    refresh_token: str
    expires_in: int
    user: UserOut
    token_type: str = "Bearer"
    # Staff password logins only: keep it and send it with the next staff login (api/auth/devices.py).
    device_token: str | None = None


class StaffIn(msgspec.Struct, kw_only=True):
    phone: Mobile
    password: Password
    name: Name
    roles: list[Role]
    steps: list[str] = []


# 账号中的默认地址 (FAQ F131): where a licence not collected at the window is sent.
PostalAddress = Annotated[str, Meta(min_length=5, max_length=200, description="收件地址")]


class AddressIn(Input):
    address: PostalAddress

    def __post_init__(self) -> None:
        self.address = self.address.strip()
        if len(self.address) < 5:
            raise ValueError("请填写完整的收件地址 (address)")


class AddressOut(Schema):
    address: str | None
    updated_at: datetime | None = None


class SmsCodeRequest(Input):
    phone: Mobile


class SmsCodeSent(Schema):
    resend_after: int  # seconds until another code may be asked for


class SmsLogin(Input):
    phone: Mobile
    code: SmsCode
