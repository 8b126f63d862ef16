"""Bulk import of trusted licence data (``zsb licences import FILE``): a CSV file (a header row of
the field names below) or JSON Lines (one object per line), the GB/T 36903 fields the sharing
service answers with (README "Trusted licence data"). Each row is checked on its own; a bad row is
reported with its line and reason and the others load. Idempotent by the licence identifier
(GB/T 36904): the same file twice changes nothing; a changed row updates its licence. A person's ID
number is stored only as its keyed hash and masked (``imported_licences``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import msgspec
from stdnum.cn import uscc

from api.catalogue.exemption import SUBJECT_FIELDS
from api.db import load_queries
from api.licences.sources.lookup import holder_key
from api.licences.sources.records import STATUS, TYPES_BY_CODE, SourceLicence
from api.types import is_resident_id, mask_id_number

q = load_queries(__file__, "sources.sql")

FIELDS = ("identifier", "typeCode", "name", "number", "holderName", "holderIdType", "holderIdNumber", "issuer",
          "issueDate", "validFrom", "validUntil", "status", "subject", "data")


class ImportReport(msgspec.Struct):
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = []  # (line, reason)


def rows_of(path: Path) -> list[tuple[int, Any]]:
    """(line number, raw row) of a .csv or .jsonl file; a line that is no JSON object is kept as text."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        return [(reader.line_num, row) for row in reader]
    out: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                out.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                out.append((number, f"不是有效的 JSON：{exc.msg}"))
    return out


def check_row(raw: Any) -> SourceLicence | str:
    """The row as a record, or why it is refused (Chinese, no ID number in it)."""
    if isinstance(raw, str):
        return raw
    if not isinstance(raw, dict):
        return "每行应为一个对象"
    row = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items() if k in FIELDS}
    row = {k: v for k, v in row.items() if v not in ("", None)}
    if unknown := sorted(set(raw) - set(FIELDS)):
        return f"未知字段：{'、'.join(unknown)}"
    if isinstance(row.get("data"), str):
        try:
            row["data"] = json.loads(row["data"])
        except json.JSONDecodeError:
            return "data 应为 JSON 对象"
    try:
        rec = msgspec.convert(row, SourceLicence, strict=False)
    except msgspec.ValidationError as exc:
        return f"字段有误：{exc}"
    if rec.type_code not in TYPES_BY_CODE:
        return f"未知的证照类型代码：{rec.type_code}"
    if rec.status not in STATUS:
        return f"未知的证照状态：{rec.status}"
    if rec.holder_id_type == "resident_id" and not is_resident_id(rec.holder_id_number):
        return "持证人身份证号不正确"
    if rec.holder_id_type == "uscc" and not uscc.is_valid(rec.holder_id_number):
        return "持证单位统一社会信用代码不正确"
    if rec.holder_id_type not in ("resident_id", "uscc"):
        return "持证主体代码类型应为 resident_id 或 uscc"
    if rec.valid_until is not None and rec.valid_until < rec.valid_from:
        return "有效期截止早于起始"
    if not 8 <= len(rec.identifier) <= 200:
        return "证照标识应为 8 至 200 个字符"
    if TYPES_BY_CODE[rec.type_code] in SUBJECT_FIELDS and not rec.subject:
        return "车辆、船舶证照须填写号牌号码或船名（subject）"
    return rec


async def import_rows(conn: Any, rows: list[tuple[int, Any]]) -> ImportReport:
    report = ImportReport()
    seen: set[str] = set()
    for line, raw in rows:
        rec = check_row(raw)
        if isinstance(rec, str):
            report.rejected.append((line, rec))
            continue
        if rec.identifier in seen:
            report.rejected.append((line, "证照标识在文件中重复"))
            continue
        seen.add(rec.identifier)
        masked = (mask_id_number(rec.holder_id_number) if rec.holder_id_type == "resident_id"
                  else rec.holder_id_number)
        done = await q.upsert_imported(
            conn, identifier=rec.identifier, type=TYPES_BY_CODE[rec.type_code], type_code=rec.type_code,
            name=rec.name, number=rec.number, holder_name=rec.holder_name, holder_id_type=rec.holder_id_type,
            holder_key=holder_key(rec.holder_id_type, rec.holder_id_number), holder_id_masked=masked,
            issuer=rec.issuer, issued_on=rec.issue_date, valid_from=rec.valid_from, valid_until=rec.valid_until,
            status=STATUS[rec.status], subject=rec.subject, data=rec.data)
        if done is None:
            report.unchanged += 1
        elif done["inserted"]:
            report.inserted += 1
        else:
            report.updated += 1
    return report
