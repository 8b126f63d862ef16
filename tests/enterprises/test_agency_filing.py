"""F093 代办: an agent files "为他人代办" with the principal's name, ID number, phone and signed
authorisation letter; the principal confirms by the SMS code (Aliyun's fake) before the case can be
submitted; the case and the licence are the principal's; a refusal ends the agent's reach."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.conftest import live_sms_settings
from tests.enterprises.helpers import API, PRINCIPAL_PHONE, SHIP_CERT_NO, SHIP_COMPANY, filing_body, pair, with_phone
from tests.factories import act_as_enterprise, applicant, run_jobs
from tests.samples import PDF


@pytest.fixture
async def live(settings, fake_aliyun):
    """The app with SMS going out through the real Aliyun SDK to the fake."""
    live_settings = live_sms_settings(settings, fake_aliyun)
    async with AsyncTestClient(app=create_app(live_settings), timeout=30) as client:
        yield client, live_settings, fake_aliyun


async def _filed(client: Any, agent: dict[str, Any], principal: dict[str, Any]) -> dict[str, Any]:
    res = await client.post(f"{API}/agency/filings", headers=agent["headers"], json=filing_body(principal))
    assert res.status_code == 201 and res.json()["status"] == "awaiting_letter", res.text
    return res.json()


async def _letter(client: Any, agent: dict[str, Any], filing_id: int) -> Any:
    return await client.post(f"{API}/agency/filings/{filing_id}/letter", headers=agent["headers"],
                             files={"file": ("授权委托书.pdf", PDF, "application/pdf")})


async def test_the_case_waits_for_the_principals_sms_confirmation_and_the_licence_lands_with_them(live, db):
    client, settings, aliyun = live
    principal, agent = await pair(client, db)
    filing = await _filed(client, agent, principal)
    app_id = filing["applicationId"]
    assert filing["principalPhoneMasked"] == "137****2222" and PRINCIPAL_PHONE not in str(filing)
    # the case is the principal's own (their verified name in the form); the agent reaches it too
    assert app_id in [a["id"] for a in (await client.get(f"{API}/applications", headers=principal["headers"])).json()]
    case = (await client.get(f"{API}/applications/{app_id}", headers=agent["headers"])).json()
    assert case["form"].get("applicantName", principal["identity"]["name"]) == principal["identity"]["name"]

    # refused without the confirmation: no letter yet, then a letter but no code entered
    early = await client.post(f"{API}/applications/{app_id}/submit", headers=agent["headers"])
    assert early.status_code == 409 and early.json()["code"] == "agency_unconfirmed", early.text
    assert "确认" in early.json()["title"]
    sent = await _letter(client, agent, filing["id"])
    assert sent.status_code == 200 and sent.json()["status"] == "awaiting_confirmation", sent.text
    await run_jobs(settings)
    [sms] = aliyun.messages(PRINCIPAL_PHONE)
    assert sms["template"] == "SMS_480010093" and len(sms["params"]["code"]) == 6
    code = sms["params"]["code"]
    waiting = await client.post(f"{API}/applications/{app_id}/submit", headers=agent["headers"])
    assert waiting.status_code == 409 and waiting.json()["code"] == "agency_unconfirmed"

    # only the principal confirms, with the right code (a wrong one counts)
    by_agent = await client.post(f"{API}/agency/filings/{filing['id']}/confirm", headers=agent["headers"],
                                 json={"code": code})
    assert by_agent.status_code == 404
    pending = (await client.get(f"{API}/agency/requests", headers=principal["headers"])).json()
    assert [(p["id"], p["status"]) for p in pending] == [(filing["id"], "awaiting_confirmation")]
    wrong = await client.post(f"{API}/agency/filings/{filing['id']}/confirm", headers=principal["headers"],
                              json={"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "agency_code_wrong"
    ok = await client.post(f"{API}/agency/filings/{filing['id']}/confirm", headers=principal["headers"],
                           json={"code": code})
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed", ok.text

    done = await client.post(f"{API}/applications/{app_id}/submit", headers=agent["headers"])
    assert done.status_code == 200 and done.json()["status"] == "approved", done.text  # an instant matter
    theirs = (await client.get(f"{API}/licences", headers=principal["headers"])).json()
    assert any(lic["type"] == "ship_operating_certificate" and lic["status"] == "valid"
               and lic["number"] != SHIP_CERT_NO for lic in theirs), theirs
    mine = (await client.get(f"{API}/licences", headers=agent["headers"])).json()
    assert not any(lic["type"] == "ship_operating_certificate" for lic in mine)
    # the result message is the principal's
    assert await db.fetchval("SELECT applicant_id FROM applications WHERE id = $1", app_id) == principal["id"]
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE user_id = $1 AND event = 'application_approved'",
                             agent["user"]["id"]) == 0


async def test_a_refusal_ends_it_and_the_agent_no_longer_sees_the_case(live, db):
    client, settings, aliyun = live
    principal, agent = await pair(client, db)
    filing = await _filed(client, agent, principal)
    app_id = filing["applicationId"]
    assert (await _letter(client, agent, filing["id"])).status_code == 200
    refused = await client.post(f"{API}/agency/filings/{filing['id']}/refuse", headers=principal["headers"])
    assert refused.status_code == 200 and refused.json()["status"] == "refused", refused.text
    assert (await client.get(f"{API}/applications/{app_id}", headers=agent["headers"])).status_code == 404
    assert (await client.post(f"{API}/applications/{app_id}/submit", headers=agent["headers"])).status_code == 404
    ended = await client.post(f"{API}/applications/{app_id}/submit", headers=principal["headers"])
    assert ended.status_code == 409 and ended.json()["code"] == "agency_ended"
    again = await client.post(f"{API}/agency/filings/{filing['id']}/confirm", headers=principal["headers"],
                              json={"code": "123456"})
    assert again.status_code == 409 and again.json()["code"] == "agency_step_done"
    # a stranger sees none of it
    other = await applicant(client, "stranger")
    assert (await client.get(f"{API}/agency/filings/{filing['id']}", headers=other["headers"])).status_code == 404
    assert (await client.get(f"{API}/applications/{app_id}", headers=other["headers"])).status_code == 404


@pytest.mark.parametrize("changes", [{"principalName": "张三丰"}, {"principalPhone": "13700009999"}])
async def test_the_principal_must_be_the_verified_person_named(client, db, changes):
    principal, agent = await pair(client, db)
    res = await client.post(f"{API}/agency/filings", headers=agent["headers"], json=filing_body(principal, **changes))
    assert res.status_code == 422 and res.json()["code"] == "principal_not_found", res.text
    assert await db.fetchval("SELECT count(*) FROM agency_filings") == 0


async def test_an_unverified_principal_and_oneself_are_refused_and_a_letter_must_be_a_document(client, db):
    principal, agent = await pair(client, db)
    nobody = await applicant(client, "unverified", verified=False)
    nobody["id"] = nobody["user"]["id"]
    await with_phone(db, nobody, "13700003333")
    res = await client.post(f"{API}/agency/filings", headers=agent["headers"], json=filing_body(
        principal, principalIdNumber="11010519491231002X", principalPhone="13700003333"))
    assert res.status_code == 422 and res.json()["code"] == "principal_not_found"
    mine = await client.post(f"{API}/agency/filings", headers=principal["headers"], json=filing_body(principal))
    assert mine.status_code == 422 and mine.json()["code"] == "agency_for_self"
    filing = await _filed(client, agent, principal)
    bad = await client.post(f"{API}/agency/filings/{filing['id']}/letter", headers=agent["headers"],
                            files={"file": ("x.txt", b"not a letter", "text/plain")})
    assert bad.status_code == 422 and bad.json()["code"] == "authorisation_letter_refused"
    boss = await act_as_enterprise(client, agent, SHIP_COMPANY, "温州顺达货运有限公司")
    as_firm = await client.post(f"{API}/agency/filings", headers=boss["headers"], json=filing_body(principal))
    assert as_firm.status_code == 409 and as_firm.json()["code"] == "agency_as_person"
