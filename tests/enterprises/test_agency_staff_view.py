"""Issue 20: staff see who acted on a case filed for its subject — the 代办人 (F093: name, masked ID
number and phone, the authorisation letter, whether and when the principal confirmed) and the taxi
company registering its driver (F017: the filer and the driver's confirmation) — through the API's
task list and detail and on the console's task page."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.types import mask_name
from tests.conftest import live_sms_settings
from tests.console.helpers import account, sign_in
from tests.enterprises.helpers import API, with_phone
from tests.enterprises.taxi import confirmed_registration
from tests.factories import applicant, run_jobs, staff
from tests.samples import JPG, PDF

PHONE = "13700002222"
CITY_FORM = {"companyName": "温州顺达物流有限公司", "plateNo": "浙C12345", "cityRoute": "瓯江路—学院路",
             "startDate": "2026-06-10", "endDate": "2026-07-10"}


@pytest.fixture
async def live(settings, fake_aliyun):
    async with AsyncTestClient(app=create_app(live_sms_settings(settings, fake_aliyun)), timeout=30) as client:
        yield client, live_sms_settings(settings, fake_aliyun), fake_aliyun


async def test_the_approver_sees_the_agent_the_letter_and_the_principals_confirmation(live, db):
    client, settings, aliyun = live
    principal = await applicant(client, "laowang")
    await with_phone(db, {**principal, "id": principal["user"]["id"]}, PHONE)
    agent = await applicant(client, "xiaowang")
    await db.execute("UPDATE users SET phone = '13811112222' WHERE id = $1", agent["user"]["id"])
    res = await client.post(f"{API}/agency/filings", headers=agent["headers"], json={
        "serviceCode": "city-road-special-vehicle", "form": CITY_FORM, "principalName": principal["identity"]["name"],
        "principalIdNumber": principal["identity"]["idNumber"], "principalPhone": PHONE})
    assert res.status_code == 201, res.text
    filing, app_id = res.json(), res.json()["applicationId"]
    sent = await client.post(f"{API}/agency/filings/{filing['id']}/letter", headers=agent["headers"],
                             files={"file": ("授权委托书.pdf", PDF, "application/pdf")})
    assert sent.status_code == 200, sent.text
    await run_jobs(settings)
    code = aliyun.messages(PHONE)[0]["params"]["code"]
    ok = await client.post(f"{API}/agency/filings/{filing['id']}/confirm", headers=principal["headers"],
                           json={"code": code})
    assert ok.status_code == 200, ok.text
    up = await client.put(f"{API}/applications/{app_id}/materials/city_route_plan", headers=agent["headers"],
                          files={"file": ("route.jpg", JPG, "image/jpeg")})
    assert up.status_code == 200, up.text
    done = await client.post(f"{API}/applications/{app_id}/submit", headers=agent["headers"])
    assert done.status_code == 200 and done.json()["status"] == "submitted", done.text

    approver = await staff(client, db, phone="13900003001", roles=["approver"], steps=["decide"])
    [task] = [t for t in (await client.get(f"{API}/tasks", headers=approver["headers"])).json()["items"]
              if t["applicationId"] == app_id]
    detail = (await client.get(f"{API}/tasks/{task['id']}", headers=approver["headers"])).json()["task"]
    for shown in (task, detail):
        assert shown["subjectKind"] == "person" and shown["person"]["name"] == principal["identity"]["name"]
        assert shown["actedAs"] == "proxy" and shown["actedBy"] == mask_name(agent["identity"]["name"])
        ag = shown["agency"]
        assert (ag["kind"], ag["relation"], ag["status"], ag["confirmed"]) == ("person", "代办人", "confirmed", True)
        assert ag["confirmedAt"] and ag["hasLetter"] and ag["agentPhoneMasked"] == "138****2222"
        assert ag["agentIdNumberMasked"] and agent["identity"]["idNumber"] not in str(shown)
        assert ag["letterUrl"] == f"/api/v1/tasks/{task['id']}/agency-letter"
    letter = await client.get(ag["letterUrl"], headers=approver["headers"])
    assert letter.status_code == 200 and letter.content == PDF and letter.headers["content-type"] == "application/pdf"
    log = (await client.get(f"{API}/applications/{app_id}/access-log", headers=principal["headers"])).json()
    assert "查看了材料：授权委托书" in [v["description"] for v in log["items"]]  # F145: the look is recorded
    other = await staff(client, db, phone="13900003002", roles=["approver"], steps=["accept"])
    assert (await client.get(ag["letterUrl"], headers=other["headers"])).status_code == 403
    assert (await client.get(ag["letterUrl"], headers=agent["headers"])).status_code == 403

    await account(db, phone="13900003003", roles=["approver"], steps=["decide"])
    assert (await sign_in(client, "13900003003")).status_code in (200, 204)
    page = await client.get(f"/console/tasks/{task['id']}")
    assert page.status_code == 200, page.text
    assert "代办人：" in page.text and "已短信确认" in page.text and ag["agentPhoneMasked"] in page.text
    assert f"/console/tasks/{task['id']}/agency-letter" in page.text
    assert agent["identity"]["idNumber"] not in page.text and "13811112222" not in page.text
    assert (await client.get(f"/console/tasks/{task['id']}/agency-letter")).content == PDF


async def test_the_approver_sees_the_company_that_filed_and_when_the_driver_confirmed(client, db):
    reg = await confirmed_registration(client, db)
    sent = await client.post(f"{API}/applications/{reg['app_id']}/submit", headers=reg["boss"]["headers"])
    assert sent.status_code == 200, sent.text
    who = reg["who"]
    await client.get(f"{API}/tasks", headers=who["accept"]["headers"])  # the queue opens the task
    task_id = await db.fetchval("SELECT id FROM approval_tasks WHERE application_id = $1", reg["app_id"])
    task = (await client.get(f"{API}/tasks/{task_id}", headers=who["accept"]["headers"])).json()["task"]
    assert task["actedAs"] == "company" and task["actedBy"] == reg["company_name"]
    ag = task["agency"]
    assert (ag["kind"], ag["companyName"], ag["companyCreditCode"]) == ("taxi", reg["company_name"], reg["credit_code"])
    driver = mask_name(who["applicant"]["identity"]["name"])
    assert ag["confirmed"] and ag["confirmedAt"] and ag["principalNameMasked"] == driver
    assert ag["letterUrl"] is None and task["person"]["name"] == who["applicant"]["identity"]["name"]

    await account(db, phone="13900003009", roles=["approver"], steps=["accept"])
    assert (await sign_in(client, "13900003009")).status_code in (200, 204)
    page = await client.get(f"/console/tasks/{task_id}")
    assert page.status_code == 200, page.text
    assert f"出租汽车公司申报：{reg['company_name']}" in page.text and f"{driver} 已在手机上确认" in page.text
