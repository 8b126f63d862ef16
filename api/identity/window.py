"""Verification at a window: staff look at the document and confirm the person (issue 19).

Who may: approvers, leads and admins (``requires_approver``), the staff who already see applicants'
ID numbers in their work; help-desk agents do not. The window records the person through
``service.record_verified`` (method ``window``, evidence ``{"windowStaffId", "at"}``), so the one
identity record and its rules (one verified person <-> one account: 409 ``identity_taken``) hold.

Staff never verify themselves, in the spirit of "staff never act on their own case" (403
``own_identity``): not their own account, not an account with their phone, and not the person their
own staff account is verified as.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from stdnum.cn import ric

from api.auth.schemas import AuthUser
from api.db import load_queries
from api.identity import crypto
from api.identity.errors import InvalidResidentId
from api.identity.errors_staff import AccountNotFound, InvalidDocumentNumber, OwnIdentity
from api.identity.schemas_staff import WindowVerificationIn, WindowVerificationOut
from api.identity.service import record_verified
from api.types import is_resident_id

q = load_queries(__file__, "staff.sql")

# The number patterns of each document (normalised: no spaces, upper case).
PATTERNS = {
    "hk_macau_permit": re.compile(r"^[HM]\d{8}(\d{2})?$"),           # 港澳居民来往内地通行证
    "taiwan_permit": re.compile(r"^\d{8}(\d{2})?$"),                 # 台湾居民来往大陆通行证
    "residence_permit": re.compile(r"^8[123]\d{15}[\dX]$"),          # 港澳台居民居住证 (830000...: 台湾)
    "foreign_permanent": re.compile(r"^([A-Z]{3}\d{12}|9\d{16}[\dX])$"),  # 永久居留身份证, 2017 and 2023 editions
    "passport": re.compile(r"^[A-Z0-9]{5,20}$"),
}


def checked_number(id_type: str, id_number: str) -> str:
    """The normalised number when it fits its document, else a 400 naming the field."""
    number = crypto.normalise(id_number)
    if id_type == "resident_id":
        if not is_resident_id(number):
            raise InvalidResidentId(field="idNumber")
        return number
    if not PATTERNS[id_type].match(number) or (id_type == "residence_permit"
                                               and ric.calc_check_digit(number[:-1]) != number[-1]):
        raise InvalidDocumentNumber(field="idNumber")  # a residence permit: the resident ID's check digit
    return number


async def refuse_own(conn: Any, staff: AuthUser, user_id: int, id_hash: bytes) -> None:
    """403 when ``user_id`` or the person ``id_hash`` names is the staff member themself."""
    if user_id == staff.id:
        raise OwnIdentity()
    staff_phone = await q.phone_of(conn, user_id=staff.id)
    if staff_phone and staff_phone == await q.phone_of(conn, user_id=user_id):
        raise OwnIdentity()
    own_hash = await q.verified_hash_of(conn, user_id=staff.id)
    if own_hash is not None and bytes(own_hash) == id_hash:
        raise OwnIdentity()


async def account_by_phone(conn: Any, phone: str) -> int:
    """The live account bound to ``phone`` (404 ``account_not_found``): the person at a window."""
    account = await q.account_of(conn, user_id=None, phone=phone)
    if account is None:
        raise AccountNotFound(field="phone")
    return account["id"]


async def verify_at_window(conn: Any, staff: AuthUser, data: WindowVerificationIn, *,
                           now: datetime) -> WindowVerificationOut:
    account = await q.account_of(conn, user_id=data.user_id, phone=data.phone)
    if account is None:
        raise AccountNotFound(field="phone" if data.phone else "userId")
    number = checked_number(data.id_type, data.id_number)
    await refuse_own(conn, staff, account["id"], crypto.active().hash(data.id_type, number))
    identity = await record_verified(conn, user_id=account["id"], name=data.name.strip(), id_type=data.id_type,
                                     id_number=number, method="window",
                                     evidence={"windowStaffId": staff.id, "at": now.isoformat()},
                                     verified_by=staff.id, now=now)
    return WindowVerificationOut(identity=identity, window_staff_id=staff.id, at=identity.verified_at or now)
