"""The record every source answers with: the metadata of GB/T 36903 (电子证照 元数据) and the
licence identifier of GB/T 36904 (电子证照 标识), and the checks a record must pass before it is
trusted for a subject."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal, Protocol

import msgspec

from api.catalogue.exemption import SUBJECT_FIELDS

# Our library's licence types and the type codes (证照类型代码) a sharing platform files them
# under. A bureau whose platform uses other codes changes this table only.
TYPE_CODES: dict[str, str] = {
    "id_card": "JMSFZ",
    "residence_permit": "JZZ",
    "driving_licence": "JDCJSZ",
    "vehicle_licence": "JDCXSZ",
    "vehicle_inspection": "JDCAQJYHGBZ",
    "business_licence": "YYZZ",
    "road_transport_permit": "DLYSJYXKZ",
    "road_transport_certificate": "DLYSZ",
    "charter_permit": "BCKYJYXKZ",
    "freight_driver_qualification": "HYCYZGZ",
    "taxi_driver_qualification": "XYCZCJSYZGZ",
    "ridehail_driver_qualification": "WYCJSYZGZ",
    "ship_operating_certificate": "CBYYZ",
}
TYPES_BY_CODE = {code: typ for typ, code in TYPE_CODES.items()}
# GB/T 36903 证照状态: the sharing platform's words (or ours) -> the library's status
STATUS = {"有效": "valid", "valid": "valid", "注销": "revoked", "吊销": "revoked", "撤销": "revoked",
          "作废": "revoked", "revoked": "revoked", "过期": "expired", "expired": "expired"}
HOLDER_ID_TYPES = ("resident_id", "uscc")
_IDENTIFIER = re.compile(r"^[0-9A-Za-z.\-_:]{8,200}$")


class Holder(msgspec.Struct, frozen=True):
    """Whom a look-up is for: the case's verified person or enterprise (never logged)."""

    id_type: Literal["resident_id", "uscc"]
    id_number: str
    name: str


class SourceLicence(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    identifier: str  # GB/T 36904 证照标识
    type_code: str  # 证照类型代码
    name: str  # 证照名称
    number: str  # 证照编号
    holder_name: str  # 持证主体名称
    holder_id_type: str  # 持证主体代码类型: resident_id | uscc
    holder_id_number: str  # 持证主体代码
    issuer: str  # 颁证单位
    issue_date: date | None = None  # 颁证日期
    valid_from: date  # 有效期起始
    valid_until: date | None = None  # 有效期截止 (None: 长期)
    status: str  # 证照状态
    subject: str | None = None  # 号牌号码 / 船名 of a vehicle or ship licence
    data: dict[str, Any] = {}  # 照面信息 beyond these (vehicle type, ...)

    @property
    def type(self) -> str | None:
        return TYPES_BY_CODE.get(self.type_code)


class SourceUnavailable(Exception):
    """The source did not answer in time, or not at all: ask the person to upload."""


class SourceRefused(Exception):
    """The source answered but refused the request (bad signature, unknown app key): a setup fault."""


class LicenceSource(Protocol):
    name: str  # 'share' | 'import': licences.source of the rows mirrored from it

    async def fetch(self, holder: Holder, types: list[str]) -> list[SourceLicence]: ...


def _norm(value: str) -> str:
    return value.strip().upper()


def problem(rec: SourceLicence, holder: Holder, types: list[str]) -> str | None:
    """Why ``rec`` may not be trusted for ``holder`` (None: it may). Nothing a source says is
    taken on trust: the holder, the type and the shape are checked here."""
    if not _IDENTIFIER.match(rec.identifier):
        return "identifier"
    if rec.type is None or rec.type not in types:
        return "type"
    if rec.holder_id_type != holder.id_type or _norm(rec.holder_id_number) != _norm(holder.id_number):
        return "holder"  # another person's or company's licence never stands in
    if rec.status not in STATUS:
        return "status"
    if rec.valid_until is not None and rec.valid_until < rec.valid_from:
        return "dates"
    if rec.type in SUBJECT_FIELDS and not (rec.subject or "").strip():
        return "subject"  # a vehicle or ship licence names its plate or ship
    return None
