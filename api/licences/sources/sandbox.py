"""The sandbox licence source of ``make dev`` / ``zsb dev``: licences for the demo people and the demo
company, loaded into the import store (``imported_licences``) as ``zsb licences import`` would, so a
newcomer sees 证照免交 and 信息预填 work. Two kinds of holders: the fixed demo people below (verify
as one of them in the sandbox face flow: name and ID number) and every demo applicant already
verified (their own verified ID). Idempotent (by licence identifier); never in production."""

from __future__ import annotations

import hashlib
from typing import Any

from stdnum.cn import ric

from api.db import transaction
from api.identity import service as identity
from api.licences import imports


def _rid(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


# (name, resident ID, plate of the car they own)
DEMO_PEOPLE = [("赵一", _rid("33030219900101123"), "浙C1D001"), ("钱二", _rid("33030219850315456"), "浙C1D002"),
               ("吴六", _rid("33032419880808321"), "浙C1D006")]
DEMO_COMPANY = ("温州安达危险品运输有限公司", "91330300MA2ABCDE14")


def _person_rows(name: str, number: str, plate: str) -> list[dict[str, Any]]:
    tail = hashlib.sha256(number.encode()).hexdigest()[:16]  # identifiers never carry the ID number
    common = {"holderName": name, "holderIdType": "resident_id", "holderIdNumber": number, "status": "有效"}
    return [
        {**common, "identifier": f"1.2.156.3005.2.JMSFZ.330300.{tail}", "typeCode": "JMSFZ", "name": "居民身份证",
         "number": number, "issuer": "温州市公安局鹿城分局", "issueDate": "2016-05-01", "validFrom": "2016-05-01",
         "validUntil": "2036-05-01"},
        {**common, "identifier": f"1.2.156.3005.2.JDCJSZ.330300.{tail}", "typeCode": "JDCJSZ", "name": "机动车驾驶证",
         "number": number, "issuer": "温州市公安局交通警察支队", "issueDate": "2015-05-01", "validFrom": "2015-05-01",
         "validUntil": "2031-05-01", "data": {"firstIssueDate": "2015-05-01", "vehicleClass": "C1"}},
        {**common, "identifier": f"1.2.156.3005.2.JDCXSZ.330300.{tail}", "typeCode": "JDCXSZ", "name": "机动车行驶证",
         "number": f"330300{tail[:10]}", "issuer": "温州市公安局交通警察支队", "issueDate": "2022-03-01",
         "validFrom": "2022-03-01", "subject": plate, "data": {"vehicleType": "小型轿车", "useCharacter": "非营运"}},
    ]


def _company_rows() -> list[dict[str, Any]]:
    name, code = DEMO_COMPANY
    return [{"identifier": f"1.2.156.3005.2.YYZZ.330300.{code}", "typeCode": "YYZZ", "name": "营业执照", "number": code,
             "holderName": name, "holderIdType": "uscc", "holderIdNumber": code, "issuer": "温州市市场监督管理局",
             "issueDate": "2018-06-01", "validFrom": "2018-06-01", "status": "有效"}]


async def seed_sandbox(conn: Any, user_ids: list[int]) -> int:
    """Load the sandbox licences; returns how many were new."""
    rows = [r for name, number, plate in DEMO_PEOPLE for r in _person_rows(name, number, plate)] + _company_rows()
    for i, user_id in enumerate(user_ids):
        person = await identity.verified_identity(conn, user_id)
        if person is not None and person.id_type == "resident_id":
            rows += _person_rows(person.name, await identity.id_number_of(conn, person.id), f"浙C2D{i:03d}")
    rows = list({r["identifier"]: r for r in rows}.values())  # a demo applicant verified as a demo person
    report = await imports.import_rows(conn, list(enumerate(rows, start=1)))
    if report.rejected:
        raise ValueError(f"sandbox licences refused: {report.rejected}")
    return report.inserted


async def seed_demo_sandbox(demo: Any, pool: Any) -> None:
    """For the living demo (api/demo/live.py): its applicants' ids, and what was new counted."""
    async with transaction(pool) as conn:
        if fresh := await seed_sandbox(conn, list(demo.user_ids.values())):
            demo.count("sandbox licences", fresh)
