"""The reform figures of issue 27 read from their own rollup (migration 0190): electronic licences
issued through cases, and consultations recorded and answered by a person."""

from __future__ import annotations

from typing import Any

from tests.clock import sh, use_clock
from tests.factories import applicant, staff
from tests.helpdesk.conftest import WORKING_HOURS
from tests.helpdesk.helpers import UNSURE
from tests.ratings.helpers import finished_application

API = "/api/v1"
FREIGHT = "freight-operating-permit"
CHARTER = "charter-filing"


async def _licence(db: Any, holder: int, number: str, issued: str, application_id: int | None) -> None:
    await db.execute("INSERT INTO licences (holder_id, type, name, number, valid_from, application_id, issued_at) "
                     "VALUES ($1, 'freight_operating_permit', '道路运输经营许可证', $2, '2026-01-01', $3, $4)",
                     holder, number, application_id, sh(issued))


async def _figures(client: Any, headers: dict[str, str], **params: str) -> dict[str, Any]:
    res = await client.get(f"{API}/stats/reform", headers=headers,
                           params={"from": "2026-01-01", "to": "2026-12-31", **params})
    assert res.status_code == 200, res.text
    return res.json()


async def test_licences_issued_through_cases_are_counted_per_service_and_day_of_issue(client, db):
    use_clock(client, "2026-11-02 10:00")
    uid = (await applicant(client, "zhang"))["user"]["id"]
    a1 = await finished_application(db, uid, service_code=FREIGHT, submitted="2026-03-02 09:00",
                                    decided="2026-03-02 09:20", is_instant=True)
    a2 = await finished_application(db, uid, service_code=FREIGHT, submitted="2026-03-30 09:00",
                                    decided="2026-04-01 10:00")
    a3 = await finished_application(db, uid, service_code=CHARTER, submitted="2026-04-02 09:00",
                                    decided="2026-04-02 09:30")
    await _licence(db, uid, "L-1", "2026-03-02 09:20", a1)
    await _licence(db, uid, "L-2", "2026-04-01 10:00", a2)   # submitted in March, issued in April
    await _licence(db, uid, "L-3", "2026-04-02 09:30", a3)
    await _licence(db, uid, "IMPORTED-1", "2026-04-03 09:00", None)  # brought in, not issued by the bureau
    admin = await staff(client, db, phone="13900009104", roles=["admin"])

    body = await _figures(client, admin["headers"])
    assert body["total"]["licencesIssued"] == 3
    by_month = {p["period"]: p["licencesIssued"] for p in body["periods"]}
    assert (by_month["2026-03-01"], by_month["2026-04-01"]) == (1, 2)
    rows = {(r["period"], r["serviceCode"]): r["licencesIssued"] for r in body["rows"]}
    assert rows[("2026-04-01", FREIGHT)] == 1 and rows[("2026-04-01", CHARTER)] == 1
    assert (await _figures(client, admin["headers"], serviceCode=CHARTER))["total"]["licencesIssued"] == 1

    # the triggers' counts equal a recomputation from the licences themselves
    before = [tuple(r) for r in await db.fetch("SELECT * FROM stats_output_daily ORDER BY 1, 2")]
    await db.execute("SELECT stats_rebuild_outputs()")
    assert [tuple(r) for r in await db.fetch("SELECT * FROM stats_output_daily ORDER BY 1, 2")] == before


async def test_consultations_recorded_and_those_a_person_answered(client, db):
    clock = use_clock(client, WORKING_HOURS)
    bot_only = await applicant(client, "asker")
    res = await client.post(f"{API}/chat/messages", headers=bot_only["headers"], json={"text": "的哥上岗需要什么资格证？"})
    assert res.status_code in (200, 201), res.text
    needs_person = await applicant(client, "unsure")
    await client.post(f"{API}/chat/messages", headers=needs_person["headers"], json={"text": UNSURE})
    conv = await db.fetchval("SELECT id FROM conversations WHERE user_id = $1", needs_person["user"]["id"])
    agent = await staff(client, db, phone="13900009105", roles=["helpdesk"])
    assert (await client.post(f"{API}/helpdesk/conversations/{conv}/claim", headers=agent["headers"])).status_code == 200
    for text in ("您好，请问车辆是哪一年注册的？", "年审不合格不影响经营许可，复检合格即可。"):
        res = await client.post(f"{API}/helpdesk/conversations/{conv}/reply", headers=agent["headers"],
                                json={"text": text})
        assert res.status_code in (200, 201), res.text
    clock.set(sh("2026-11-02 10:00"))
    admin = await staff(client, db, phone="13900009106", roles=["lead"])

    total = (await _figures(client, admin["headers"]))["total"]
    assert (total["consultations"], total["consultationsAnsweredByPerson"]) == (2, 1)  # two replies, one consultation
    assert total["consultationsByPersonShare"] == 0.5
    # a consultation is not about one service: a service's figures carry none
    assert (await _figures(client, admin["headers"], serviceCode=FREIGHT))["total"]["consultations"] == 0
    before = [tuple(r) for r in await db.fetch("SELECT * FROM stats_output_daily ORDER BY 1, 2")]
    await db.execute("SELECT stats_rebuild_outputs()")
    assert [tuple(r) for r in await db.fetch("SELECT * FROM stats_output_daily ORDER BY 1, 2")] == before
