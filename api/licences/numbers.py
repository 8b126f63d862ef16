"""Licence numbers (证照编号), given at issue by one documented rule.

A number is ``<authority>-<year>-<type>-<sequence><check>``, e.g. ``330300-2026-WH-000123F``:

- ``authority``: the issuing authority's six-digit administrative division code
  (``ZSB_LICENCE_AUTHORITY_CODE``; the demo bureau's 330300);
- ``year``: the year of issue (Beijing time);
- ``type``: two letters per licence type (``TYPE_CODES``; a type not listed there is ``ZZ``);
- ``sequence``: six digits (more once a type passes 999,999 in a year), one counter per type code
  and year in the database (``licence_number_sequences``): it only grows, so a number once given
  is never given again, and a number taken by a transaction that rolled back was never issued;
- ``check``: ISO 7064 MOD 37,36 hybrid system (python-stdnum's ``mod_37_36``, as the case numbers in
  ``api/applications/public_no.py``) over every other character of the number, from 0-9 and A-Z:
  a single mistyped character, or two neighbours swapped, is caught before any look-up.

Numbers given before this rule (``<publicNo>-<TYPE>``) stay as they were: their licences still
verify (``/verify`` reads the licence by its id) and ``normalise`` reads them as they are.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from stdnum.iso7064 import mod_37_36

from api.db import load_queries

q = load_queries(__file__, "numbers.sql")

TYPE_CODES = {
    "taxi_driver_qualification": "CJ",     # 巡游出租汽车驾驶员从业资格证
    "ridehail_driver_qualification": "WJ",  # 网约车驾驶员从业资格证
    "taxi_service_card": "FK",             # 电子服务监督卡
    "ridehail_vehicle_permit": "WY",       # 网络预约出租汽车运输证
    "road_transport_permit": "YX",         # 道路运输经营许可证
    "road_transport_certificate": "YZ",    # 道路运输证
    "oversize_permit": "CX",               # 公路超限运输车辆通行证
    "charter_plate": "BC",                 # 包车客运标志牌
    "ship_operating_certificate": "CY",    # 船舶营运证
    "repair_filing_receipt": "WX",         # 机动车维修经营备案回执
    "dangerous_goods_permit": "WH",        # 道路运输经营许可证（危险货物）
    "city_road_permit": "CT",              # 特殊车辆城市道路通行证
    "temporary_plate": "LP",               # 机动车临时通行牌证
}
OTHER_TYPE = "ZZ"
_authority = "330300"  # Settings.licence_authority_code, set by ``configure`` at start-up
_NUMBER = re.compile(r"^(\d{6})-(\d{4})-([A-Z]{2})-(\d{6,})([0-9A-Z])$")
_LEGACY = re.compile(r"^[A-Z0-9-]{3,64}-[A-Z0-9_]{1,12}$")


def type_code(licence_type: str) -> str:
    return TYPE_CODES.get(licence_type, OTHER_TYPE)


def check_character(body: str) -> str:
    return mod_37_36.calc_check_digit(body.replace("-", ""))


def format_number(authority: str, year: int, code: str, sequence: int) -> str:
    body = f"{authority}-{year}-{code}-{sequence:06d}"
    return body + check_character(body)


def normalise(raw: str) -> str | None:
    """The number as stored, or None when it cannot be one (bad shape or a wrong check character).
    A number of the old form (``<publicNo>-<TYPE>``) is returned as it is."""
    text = raw.strip().upper()
    found = _NUMBER.match(text)
    if found is not None:
        return text if check_character(text[:-1]) == found[5] else None
    return text if _LEGACY.match(text) and not text[:6].isdigit() else None


def configure(settings: Any) -> None:
    """The API and the worker call this once at start-up with their settings."""
    global _authority
    _authority = settings.licence_authority_code


async def next_number(conn: Any, *, licence_type: str, on: date) -> str:
    """Take the next number of ``licence_type`` for a licence issued ``on`` (in the caller's
    transaction: the counter row stays locked until it commits, so numbers follow issue order)."""
    code = type_code(licence_type)
    sequence = await q.take_licence_number(conn, type_code=code, year=on.year)
    return format_number(_authority, on.year, code, sequence)
