"""`zsb licences import FILE` (issue 21): CSV or JSON Lines in the sharing service's fields, checked
row by row, each bad row reported with its line and reason, idempotent by licence identifier; what it
loads exempts materials like any trusted source (FAQ F099)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from tests.factories import applicant

API = "/api/v1"
ROOT = Path(__file__).resolve().parents[2]


async def _zsb(settings, *args: str) -> tuple[int, str]:
    env = {**os.environ, "ZSB_ENV": "test", "ZSB_DATABASE_URL": settings.database_url,
           "ZSB_REDIS_URL": settings.redis_url, "ZSB_LOG_JSON": "false"}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "api.cli", *args, cwd=ROOT, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    return proc.returncode, out.decode()


def _row(identity: dict, **more) -> dict:
    return {"identifier": "1.2.156.3005.2.JDCJSZ.330300.000001", "typeCode": "JDCJSZ", "name": "机动车驾驶证",
            "number": "330302199001017777", "holderName": identity["name"], "holderIdType": "resident_id",
            "holderIdNumber": identity["idNumber"], "issuer": "温州市公安局交通警察支队", "issueDate": "2015-03-01",
            "validFrom": "2015-03-01", "validUntil": "2031-03-01", "status": "有效",
            "data": {"firstIssueDate": "2015-03-01"}, **more}


async def test_the_import_loads_good_rows_reports_bad_ones_and_is_idempotent(client, db, settings, tmp_path):
    me = await applicant(client, "src-import")
    good = _row(me["identity"])
    lines = [json.dumps(good, ensure_ascii=False),
             json.dumps(_row(me["identity"], identifier="1.2.156.3005.2.JDCJSZ.330300.000002",
                             holderIdNumber="110105194912310021"), ensure_ascii=False),  # bad check digit
             "{not json",
             json.dumps(_row(me["identity"], identifier="1.2.156.3005.2.JDCXSZ.330300.000003", typeCode="JDCXSZ",
                             name="机动车行驶证"), ensure_ascii=False),  # a vehicle licence without its plate
             json.dumps(_row(me["identity"], identifier="1.2.156.3005.2.XXX.000004", typeCode="XXX"))]
    path = tmp_path / "licences.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = await _zsb(settings, "licences", "import", str(path))
    assert code == 2, out
    assert f"{path}:2: rejected: 持证人身份证号不正确" in out
    assert f"{path}:3: rejected: 不是有效的 JSON" in out
    assert f"{path}:4: rejected: 车辆、船舶证照须填写号牌号码或船名" in out
    assert f"{path}:5: rejected: 未知的证照类型代码：XXX" in out
    assert "1 new, 0 updated, 0 unchanged, 4 rejected" in out
    stored = await db.fetchrow("SELECT * FROM imported_licences")
    assert stored["holder_key"].startswith("rid:") and me["identity"]["idNumber"] not in json.dumps(dict(stored), default=str)

    again = tmp_path / "again.csv"  # the same licence again, as CSV: nothing changes
    header = ["identifier", "typeCode", "name", "number", "holderName", "holderIdType", "holderIdNumber", "issuer",
              "issueDate", "validFrom", "validUntil", "status"]
    again.write_text(",".join(header) + "\n" + ",".join(str(good[h]) for h in header) + "\n", encoding="utf-8")
    code, out = await _zsb(settings, "licences", "import", str(again))
    assert code == 0, out
    assert "0 new, 1 updated, 0 unchanged, 0 rejected" in out or "0 new, 0 updated, 1 unchanged" in out
    code, out = await _zsb(settings, "licences", "import", str(again))
    assert code == 0 and "0 new, 0 updated, 1 unchanged, 0 rejected" in out, out
    assert await db.fetchval("SELECT count(*) FROM imported_licences") == 1

    # what was imported exempts the verified person's material, naming where it came from
    res = await client.post(f"{API}/services/taxi-driver-cert/checklist", json={"answers": {"household": "local"}},
                            headers=me["headers"])
    assert res.status_code == 200, res.text
    material = next(m for m in res.json()["materials"] if m["code"] == "driving_licence")
    assert material["exempt"] is True and "批量导入" in material["exemptReason"]
