"""F139 帮办代办: a request for a navigator is called back within 1 working day through the help
desk's callbacks (claim, outcome, escalation once when overdue); 服务管家: one named navigator for a
new company, shown on each of its cases to the applicant and to staff, for 180 days."""

from __future__ import annotations

from tests.clock import use_clock
from tests.enterprises.helpers import credit_code, with_phone
from tests.factories import act_as_enterprise, applicant, staff
from tests.helpdesk.helpers import escalate

API = "/api/v1"
SEEDED_NAVIGATOR = {"phone": "13900000005", "password": "demo-helpdesk-2026"}  # api/seed.py: 导航员 陈静
HD = f"{API}/helpdesk"
CITY = "city-road-special-vehicle"
CITY_FORM = {"companyName": "温州顺达物流有限公司", "plateNo": "浙C12345", "cityRoute": "瓯江路—学院路",
             "startDate": "2026-06-10", "endDate": "2026-07-10"}


async def navigator(client) -> dict:
    """The seeded navigator, the least busy one (fewest open callbacks, then the lowest id)."""
    res = await client.post(f"{API}/auth/staff-login", json=SEEDED_NAVIGATOR)
    assert res.status_code == 200, res.text
    return {**res.json(), "headers": {"Authorization": f"Bearer {res.json()['accessToken']}"}}


async def test_a_request_is_called_back_within_one_working_day_by_the_assigned_navigator(client, db):
    use_clock(client, "2026-06-12 16:00")  # a Friday: the call is due Monday 15 June
    me = await applicant(client, "assist1")
    agent = await navigator(client)
    busy = await staff(client, db, phone="13900004001", roles=["helpdesk"], name="导航员 乙")
    unknown = await client.post(f"{API}/assist/requests", headers=me["headers"],
                                json={"serviceCode": "no-such-service", "need": "不会填表"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "service_not_found"
    no_phone = await client.post(f"{API}/assist/requests", headers=me["headers"],
                                 json={"serviceCode": "taxi-driver-cert", "need": "不会填表"})
    assert no_phone.status_code == 409 and no_phone.json()["code"] == "assist_phone_required"
    await with_phone(db, me["user"], "13812340001")
    blank = await client.post(f"{API}/assist/requests", headers=me["headers"],
                              json={"serviceCode": "taxi-driver-cert", "need": "   "})
    assert blank.status_code == 400

    keyed = {**me["headers"], "Idempotency-Key": "assist-1"}
    body = {"serviceCode": "taxi-driver-cert", "need": "第一次办出租车驾驶员证，不知道要准备哪些材料"}
    first, again = [await client.post(f"{API}/assist/requests", headers=keyed, json=body) for _ in range(2)]
    assert first.status_code == again.status_code == 201 and first.json() == again.json(), first.text
    req = first.json()
    assert req["callbackDueOn"] == "2026-06-15" and req["callbackStatus"] == "open"
    assert req["navigatorName"] == "导航员 陈静"
    assert await db.fetchval("SELECT count(*) FROM assist_requests") == 1

    listed = (await client.get(f"{HD}/callbacks", params={"status": "due"}, headers=agent["headers"])).json()
    assert [c["assistRequestId"] for c in listed] == [req["id"]]
    callback = listed[0]
    assert callback["conversationId"] is None and callback["applicationId"] is None
    assert callback["agentId"] == agent["user"]["id"] and callback["dueOn"] == "2026-06-15"

    claimed = await client.post(f"{HD}/callbacks/{callback['id']}/claim", headers=agent["headers"])
    assert claimed.status_code == 200 and claimed.json()["userPhone"] == "13812340001", claimed.text
    done = await client.post(f"{HD}/callbacks/{callback['id']}/outcome", headers=agent["headers"],
                             json={"outcome": "solved", "note": "已电话讲解材料清单"})
    assert done.status_code == 200 and done.json()["status"] == "solved", done.text
    mine = (await client.get(f"{API}/assist/requests/{req['id']}", headers=me["headers"])).json()
    assert mine["callbackStatus"] == "solved" and mine["closedAt"] is not None
    other = await applicant(client, "assist2")
    peek = (await client.get(f"{HD}/callbacks/{callback['id']}", headers=busy["headers"])).json()
    assert peek["userPhone"] == "138****0001"  # not the holder: masked
    hidden = await client.get(f"{API}/assist/requests/{req['id']}", headers=other["headers"])
    assert hidden.status_code == 404
    assert (await client.get(f"{API}/assist/requests", headers=other["headers"])).json() == []


async def test_an_overdue_request_is_escalated_to_the_leads_once(client, db, settings):
    use_clock(client, "2026-06-12 16:00")
    me = await applicant(client, "assist3")
    agent = await navigator(client)
    lead = await staff(client, db, phone="13900004003", roles=["lead"], name="科长")
    await with_phone(db, me["user"], "13812340003")
    res = await client.post(f"{API}/assist/requests", headers=me["headers"],
                            json={"serviceCode": "taxi-driver-cert", "need": "想请导航员帮我填表"})
    assert res.status_code == 201, res.text
    await escalate(settings, "2026-06-15 18:00")  # the due day itself: nothing yet
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'callback_overdue'") == 0
    for moment in ("2026-06-16 09:00", "2026-06-16 10:00"):
        await escalate(settings, moment)
    told = await db.fetch("SELECT user_id, content FROM notifications WHERE event = 'callback_overdue' "
                          "AND channel = 'inapp' ORDER BY user_id")
    leads = {r["id"] for r in await db.fetch("SELECT id FROM users WHERE 'lead' = ANY(roles)")}
    assert lead["user"]["id"] in leads
    assert [r["user_id"] for r in told] == sorted({agent["user"]["id"], *leads})
    assert all(f"帮办代办{res.json()['id']}" in r["content"] for r in told)
    use_clock(client, "2026-06-16 10:00")
    overdue = (await client.get(f"{HD}/callbacks/overdue", headers=lead["headers"])).json()
    assert [c["assistRequestId"] for c in overdue] == [res.json()["id"]] and overdue[0]["overdue"] is True


async def test_a_new_company_gets_one_named_steward_shown_on_its_cases_for_180_days(client, db):
    clock = use_clock(client, "2026-06-10 10:00")
    await staff(client, db, phone="13900004004", roles=["helpdesk"], name="导航员 周敏")  # a second navigator
    approver = await staff(client, db, phone="13900004005", roles=["approver"], steps=["review"], name="审批员")
    boss = await applicant(client, "stewardboss")
    as_person = await client.post(f"{API}/assist/steward", headers=boss["headers"])
    assert as_person.status_code == 409 and as_person.json()["code"] == "steward_enterprise_only"
    company = await act_as_enterprise(client, boss, credit_code("91330300MA2BCDEF3"), "温州顺达物流有限公司")
    assert (await client.get(f"{API}/assist/steward", headers=company["headers"])).status_code == 404

    asked = await client.post(f"{API}/assist/steward", headers=company["headers"])
    assert asked.status_code == 201, asked.text
    steward = asked.json()
    assert steward["navigatorName"] == "导航员 陈静" and steward["active"] is True
    assert steward["startsOn"] == "2026-06-10" and steward["endsOn"] == "2026-12-07"  # 180 days, 10 June counted
    twice = await client.post(f"{API}/assist/steward", headers=company["headers"])
    assert twice.status_code == 409 and twice.json()["code"] == "steward_already_assigned"

    created = await client.post(f"{API}/applications", headers=company["headers"],
                                json={"serviceCode": CITY, "answers": {}, "form": CITY_FORM})
    assert created.status_code == 201, created.text
    case = created.json()["id"]
    shown = (await client.get(f"{API}/assist/cases/{case}/steward", headers=company["headers"])).json()
    assert shown["steward"]["navigatorName"] == "导航员 陈静"
    on_task = (await client.get(f"{API}/assist/tasks/{case}/steward", headers=approver["headers"])).json()
    assert on_task["steward"]["navigatorName"] == "导航员 陈静"
    stranger = await applicant(client, "stewardstranger")
    assert (await client.get(f"{API}/assist/cases/{case}/steward", headers=stranger["headers"])).status_code == 404
    # the person's own cases are not the company's: no steward there
    own = await client.post(f"{API}/applications", headers=boss["headers"],
                            json={"serviceCode": CITY, "answers": {}, "form": CITY_FORM})
    mine = (await client.get(f"{API}/assist/cases/{own.json()['id']}/steward", headers=boss["headers"])).json()
    assert mine["steward"] is None

    # a request for help goes to the company's steward
    await with_phone(db, boss["user"], "13812340004")
    helped = await client.post(f"{API}/assist/requests", headers=company["headers"],
                               json={"serviceCode": CITY, "need": "线路怎么填"})
    assert helped.status_code == 201 and helped.json()["navigatorName"] == "导航员 陈静"

    clock.set(clock.now.replace(month=12, day=6))  # the 180th day: still in charge
    assert (await client.get(f"{API}/assist/cases/{case}/steward", headers=company["headers"])).json()["steward"]
    clock.set(clock.now.replace(day=7))  # the 181st day: over
    ended = (await client.get(f"{API}/assist/cases/{case}/steward", headers=company["headers"])).json()
    assert ended["steward"] is None
    assert (await client.get(f"{API}/assist/steward", headers=company["headers"])).json()["active"] is False
