"""Binding, changing the phone and closing the account, at the edge (F085-F087, F146)."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from api.auth.schemas import TokenPair, UserOut
from api.types import Input, Mobile, Schema, SmsCode

AttemptId = Annotated[int, Meta(ge=1, le=2**63 - 1, description="刷脸验证的 id（POST /me/account/face-checks）")]


class PhoneBound(UserOut):
    """The account after binding. ``merged``: the phone belonged to an SMS-login account, which this
    WeChat account became (F085); the caller's old tokens have ended, ``tokens`` are the new ones."""

    merged: bool = False
    tokens: TokenPair | None = None


class PhoneSmsBind(Input):
    """Bind a phone typed in, proven by its SMS code (POST /auth/sms-code sends one)."""

    phone: Mobile
    code: SmsCode


class PhoneChange(Input):
    """F087: the new phone and its code, and either the old phone's code or a passed face check."""

    new_phone: Mobile
    new_code: SmsCode
    old_code: SmsCode | None = None
    face_check_id: AttemptId | None = None


class AccountClose(Input):
    """F146: the code sent to the account's phone, and for a verified account a passed face check."""

    code: SmsCode | None = None
    face_check_id: AttemptId | None = None


class AccountClosed(Schema):
    closed: bool = True
