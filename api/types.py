"""Types shared at the edges: the camelCase base Struct and named constrained values."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

import msgspec
from msgspec import Meta
from stdnum.cn import ric


class Schema(msgspec.Struct, rename="camel", kw_only=True):
    """Response bodies and values: camelCase JSON."""


class Input(msgspec.Struct, rename="camel", kw_only=True, forbid_unknown_fields=True):
    """Request bodies: camelCase JSON, unknown fields refused."""


# Mainland mobile numbers: 11 digits starting 1[3-9].
Mobile = Annotated[str, Meta(pattern=r"^1[3-9]\d{9}$", examples=["13800138000"], description="手机号")]
SmsCode = Annotated[str, Meta(pattern=r"^\d{6}$", description="6 位短信验证码")]
Password = Annotated[str, Meta(min_length=8, max_length=128)]
ServiceCode = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9-]{1,63}$", description="事项编码")]
# 18-character resident identity number; the checksum is verified by is_resident_id().
ResidentId = Annotated[str, Meta(pattern=r"^\d{17}[\dXx]$", description="居民身份证号")]
# A Chinese plate: province character, letter, then 5 (ordinary) or 6 (new energy) characters.
PlateNo = Annotated[
    str,
    Meta(pattern=r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]$",
         description="车牌号"),
]
ShortText = Annotated[str, Meta(min_length=1, max_length=200)]
# Keys, answers and form values a citizen sends for a service guide's questions and form fields. The
# largest guide has 12 fields and 3 questions: the caps keep a body from becoming thousands of keys,
# nested objects or megabyte strings, each of which would be decoded, checked and named in the answer.
AnswerCode = Annotated[str, Meta(max_length=64)]
Answers = Annotated[dict[AnswerCode, Annotated[str, Meta(max_length=64)]], Meta(max_length=16)]
FormValue = Annotated[str, Meta(max_length=2000)] | int | float | bool | None
Form = Annotated[dict[AnswerCode, FormValue], Meta(max_length=64)]
LongText = Annotated[str, Meta(min_length=1, max_length=2000)]
Name = Annotated[str, Meta(min_length=1, max_length=50)]

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def is_resident_id(value: str) -> bool:
    """True for an 18-character resident ID with a valid checksum and birth date."""
    try:
        ric.validate(value)
    except Exception:  # stdnum raises several ValidationError subclasses
        return False
    return True


def is_mobile(value: str) -> bool:
    return bool(_MOBILE.match(value))


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "***"


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "***"


def mask_name(name: str | None) -> str | None:
    """张三 -> 张*, 欧阳娜娜 -> 欧***; companies are not masked by callers."""
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def birth_date(resident_id: str) -> date:
    return ric.get_birth_date(resident_id)
