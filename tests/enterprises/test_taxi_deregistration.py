"""F020: after the contract ends the original company deregisters the driver (same day, one step): the
electronic service card ends (no longer verifies as valid), the qualification certificate stays valid,
and only then may another company register the driver. A company that lets 5 working days pass: the
driver asks through 帮办代办 with the proof of termination, staff verify and deregister directly."""

from __future__ import annotations

from typing import Any

from tests.approvals.helpers import task_of
from tests.clock import use_clock
from tests.enterprises.helpers import API, credit_code
from tests.enterprises.taxi import confirmed_registration, register
from tests.factories import act_as_enterprise, applicant, staff
from tests.samples import PDF

OTHER_CO = "91330302MA2K7X2D4"
OTHER_NAME = "温州安吉出租汽车有限公司"


async def _registered(client: Any, db: Any) -> dict[str, Any]:
    """A registration filed by the company, confirmed, submitted and approved: the card is issued."""
    reg = await confirmed_registration(client, db)
    sent = await client.post(f"{API}/applications/{reg['app_id']}/submit", headers=reg["boss"]["headers"])
    assert sent.status_code == 200, sent.text
    who = reg["who"]
    await client.get(f"{API}/tasks", headers=who["accept"]["headers"])  # the queue opens the task
    for step in ("accept", "review", "lead"):
        task = await task_of(db, reg["app_id"])
        done = await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"},
                                 headers=who[step]["headers"])
        assert done.status_code == 200, done.text
    driver = who["applicant"]
    [card] = [c for c in (await client.get(f"{API}/licences", headers=driver["headers"])).json()
              if c["type"] == "taxi_service_card"]
    link = await client.get(f"{API}/licences/{card['id']}/verification-link", headers=driver["headers"])
    assert link.status_code == 200, link.text
    assert (await client.get(f"/verify/{link.json()['token']}")).json()["valid"] is True
    other = await act_as_enterprise(client, await applicant(client, "otherboss"), credit_code(OTHER_CO), OTHER_NAME)
    return {**reg, "driver": driver, "card": card, "token": link.json()["token"], "other": other}


async def _ended(client: Any, db: Any, reg: dict[str, Any]) -> None:
    """The card no longer verifies as valid; the qualification certificate is still valid; the driver was told."""
    checked = (await client.get(f"/verify/{reg['token']}")).json()
    assert checked["valid"] is False and checked["status"] == "revoked", checked
    library = (await client.get(f"{API}/licences", headers=reg["driver"]["headers"])).json()
    assert [c["status"] for c in library if c["type"] == "taxi_driver_qualification"] == ["valid"]
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE user_id = $1 AND channel = 'inapp' "
                             "AND event = 'taxi_registration_ended'", reg["who"]["applicant_id"]) == 1


async def test_the_company_deregisters_the_card_ends_and_only_then_a_new_company_registers(client, db):
    use_clock(client, "2026-06-01 09:00")
    reg = await _registered(client, db)
    refused = await register(client, reg["other"], reg["driver"])
    assert refused.status_code == 409 and refused.json()["code"] == "taxi_registration_live", refused.text
    assert refused.json()["faq"] == "F020" and "原公司" in refused.json()["title"]

    url = f"{API}/agency/taxi-registrations/{reg['filing']['id']}/deregister"
    assert (await client.post(url, headers=reg["other"]["headers"], json={"contractEndedOn": "2026-06-01"})
            ).status_code == 409  # not its registration
    later = await client.post(url, headers=reg["boss"]["headers"], json={"contractEndedOn": "2026-06-02"})
    assert later.status_code == 422 and later.json()["code"] == "contract_end_in_future"
    done = await client.post(url, headers=reg["boss"]["headers"], json={"contractEndedOn": "2026-06-01"})
    assert done.status_code == 200, done.text
    assert done.json()["deregisteredAt"] and done.json()["contractEndedOn"] == "2026-06-01"
    assert done.json()["cardNumber"] is None
    await _ended(client, db, reg)
    again = await client.post(url, headers=reg["boss"]["headers"], json={"contractEndedOn": "2026-06-01"})
    assert again.status_code == 409 and again.json()["code"] == "taxi_not_registered"
    # the act is on the registration case's timeline, by the company's person
    assert await db.fetchval("SELECT actor_id FROM application_events WHERE application_id = $1 AND kind = 'licence' "
                             "ORDER BY id DESC LIMIT 1", reg["app_id"]) == reg["boss"]["user"]["id"]

    fresh = await register(client, reg["other"], reg["driver"])
    assert fresh.status_code == 201, fresh.text


async def test_the_service_card_shows_the_current_driver_company_and_certificate(client, db):
    """F021 "信息变化后会自动更新": the card is drawn from live data when looked at."""
    use_clock(client, "2026-06-01 09:00")
    reg = await _registered(client, db)
    url = f"{API}/agency/service-cards/{reg['card']['id']}"
    card = (await client.get(url, headers=reg["driver"]["headers"])).json()
    assert (card["companyName"], card["supervisionPhone"], card["valid"]) == (reg["company_name"], "12328", True)
    assert card["driverName"] == reg["driver"]["identity"]["name"] and card["number"] == reg["card"]["number"]
    assert card["qualificationNumber"] == "taxi_driver_qualification-wang"
    # the company's registered name changes: the card shows it at once, to the driver and to the company
    await db.execute("UPDATE enterprises SET name = '温州顺风出租汽车集团有限公司' WHERE id = $1", reg["boss"]["enterprise_id"])
    for who in (reg["driver"], reg["boss"]):
        assert (await client.get(url, headers=who["headers"])).json()["companyName"] == "温州顺风出租汽车集团有限公司"
    assert (await client.get(url, headers=reg["other"]["headers"])).status_code == 404
    assert (await client.get(url, headers=reg["who"]["accept"]["headers"])).status_code == 404


async def test_the_driver_asks_after_five_working_days_and_staff_deregister(client, db):
    use_clock(client, "2026-06-01 09:00")
    reg = await _registered(client, db)
    await staff(client, db, phone="13900005001", roles=["helpdesk"])  # a navigator on duty
    approver = await staff(client, db, phone="13900005002", roles=["approver"], steps=["accept"])
    driver = reg["driver"]

    def ask(ended_on: str = "2026-06-05", file: bytes = PDF) -> Any:
        return client.post(f"{API}/agency/taxi-deregistrations", headers=driver["headers"],
                           data={"contractEndedOn": ended_on}, files={"file": ("解除合同证明.pdf", file, "application/pdf")})

    use_clock(client, "2026-06-12 10:00")  # the contract ended Friday 5 June: the 5th working day is 12 June
    early = await ask()
    assert early.status_code == 409 and early.json()["code"] == "taxi_deregistration_too_early", early.text
    assert early.json()["companyUntil"] == "2026-06-12"
    use_clock(client, "2026-06-15 10:00")
    bad = await ask(file=b"not a document")
    assert bad.status_code == 422 and bad.json()["code"] == "termination_proof_refused"
    as_company = await client.post(f"{API}/agency/taxi-deregistrations", headers=reg["boss"]["headers"],
                                   data={"contractEndedOn": "2026-06-05"}, files={"file": ("p.pdf", PDF, "application/pdf")})
    assert as_company.status_code == 409 and as_company.json()["code"] == "agency_as_person"
    res = await ask()
    assert res.status_code == 201 and res.json()["status"] == "pending", res.text
    asked = res.json()
    assert (await ask()).json()["code"] == "taxi_deregistration_pending"
    # it is a 帮办代办 request: a navigator calls back within 1 working day (F139)
    [help_] = (await client.get(f"{API}/assist/requests", headers=driver["headers"])).json()
    assert help_["id"] == asked["assistRequestId"] and help_["serviceCode"] == "taxi-driver-registration"
    assert await db.fetchval("SELECT 'helpdesk' = ANY(u.roles) FROM helpdesk_callbacks c JOIN users u ON u.id = c.agent_id "
                             "WHERE c.assist_request_id = $1 AND c.status = 'open'", help_["id"])

    # staff may refuse (with the reason, told to the driver); the driver asks again
    no = await client.post(f"{API}/agency/staff/taxi-deregistrations/{asked['id']}/refuse", headers=approver["headers"],
                           json={"reason": "证明上没有公司盖章"})
    assert no.status_code == 200 and no.json()["status"] == "refused", no.text
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE user_id = $1 AND channel = 'inapp' "
                             "AND event = 'taxi_deregistration_refused'", reg["who"]["applicant_id"]) == 1
    res = await ask()
    assert res.status_code == 201, res.text
    asked = res.json()
    [listed] = (await client.get(f"{API}/agency/staff/taxi-deregistrations", headers=approver["headers"])).json()
    assert listed["id"] == asked["id"] and listed["driverNameMasked"] and listed["companyName"] == reg["company_name"]
    proof = await client.get(listed["proofUrl"], headers=approver["headers"])
    assert proof.status_code == 200 and proof.content == PDF
    log = (await client.get(f"{API}/applications/{reg['app_id']}/access-log", headers=driver["headers"])).json()
    assert "查看了材料：解除合同的证明" in [v["description"] for v in log["items"]]  # F145
    assert (await client.get(listed["proofUrl"], headers=driver["headers"])).status_code == 403
    assert (await register(client, reg["other"], driver)).status_code == 409  # still live until staff act

    done = await client.post(f"{API}/agency/staff/taxi-deregistrations/{asked['id']}/deregister",
                             headers=approver["headers"])
    assert done.status_code == 200 and done.json()["status"] == "done", done.text
    await _ended(client, db, reg)
    twice = await client.post(f"{API}/agency/staff/taxi-deregistrations/{asked['id']}/deregister",
                              headers=approver["headers"])
    assert twice.status_code == 409 and twice.json()["code"] == "taxi_deregistration_request_done"
    mine = (await client.get(f"{API}/agency/taxi-deregistrations", headers=driver["headers"])).json()
    assert [m["status"] for m in mine] == ["done", "refused"]
    shown = (await client.get(f"{API}/agency/taxi-registrations", headers=reg["boss"]["headers"])).json()
    assert shown[0]["deregisteredAt"] and shown[0]["contractEndedOn"] == "2026-06-05"
    assert (await register(client, reg["other"], driver)).status_code == 201
