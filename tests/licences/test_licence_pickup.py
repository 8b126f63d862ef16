"""FAQ F131: collecting a licence at the chosen window, proxies with a signed letter, the 30-day hold."""

from __future__ import annotations

from datetime import date, timedelta

from arq import create_pool

from api.clock import today
from jobs import redis_settings
from tests.approvals.helpers import people, task_of
from tests.conftest import live_sms_settings
from tests.factories import applicant, run_jobs

API = "/api/v1"
PHONE = "13700001111"  # the applicant of helpers.people
PROXY_ID = "110101199003074514"
SITE = "city-service-centre"
PICKUP = {"companyName": "温州<大件>运输有限公司", "deliveryMethod": "窗口自取", "pickupSite": SITE}


async def _apply(client, who, form):
    res = await client.post(f"{API}/applications", headers=who["headers"],
                            json={"serviceCode": "temporary-plate", "answers": {"unplated": "no"}, "form": form})
    assert res.status_code == 201, res.text
    app_id = res.json()["id"]
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=who["headers"])
    assert res.status_code == 200, res.text
    return app_id, res.json()


async def _approved(client, db, who, form=PICKUP):
    app_id, body = await _apply(client, who["applicant"], form)
    assert body["status"] == "submitted", body
    await client.get(f"{API}/tasks", headers=who["lead"]["headers"])
    task = await task_of(db, app_id)
    res = await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"},
                            headers=who["lead"]["headers"])
    assert res.status_code == 200, res.text
    return app_id, await db.fetchrow("SELECT * FROM deliveries WHERE application_id = $1", app_id)


async def _lapse_job(settings, on: date) -> None:
    arq = await create_pool(redis_settings(settings.redis_url or ""))
    await arq.enqueue_job("lapse_uncollected_pickups")
    await arq.aclose()
    await run_jobs(settings, today=on)


async def test_window_pickup_is_chosen_in_the_form_with_a_site_instead_of_an_address(client, db):
    me = await applicant(client, "chooser")
    res = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "temporary-plate", "answers": {"unplated": "no"},
        "form": {**PICKUP, "pickupSite": "no-such-window"}})
    assert res.status_code == 422 and res.json()["code"] == "form_invalid"
    assert [e["field"] for e in res.json()["errors"]] == ["form.pickupSite"]

    # 窗口自取 without a site: the site is the one gap; no postal address is asked for
    _, body = await _apply(client, me, {"companyName": "温州大件运输有限公司", "deliveryMethod": "窗口自取"})
    assert body["status"] == "needs_supplement"
    assert [g["code"] for g in body["gapNotice"]["gaps"]] == ["pickupSite"]
    # with the site: nothing missing
    _, body = await _apply(client, me, PICKUP)
    assert body["status"] == "submitted" and body["gapNotice"] is None
    # clients that never send a method keep the old contract: express, the address required
    _, body = await _apply(client, me, {"companyName": "温州大件运输有限公司"})
    assert [g["code"] for g in body["gapNotice"]["gaps"]] == ["deliveryAddress"]


async def test_the_licence_waits_at_the_chosen_window_and_the_applicant_is_told_once_what_to_bring(
        client, db, settings, fake_aliyun):
    who = await people(client, db)
    app_id, delivery = await _approved(client, db, who)
    last_day = today() + timedelta(days=30)
    assert delivery["method"] == "pickup" and delivery["status"] == "pending" and delivery["address"] is None
    assert delivery["site_code"] == SITE and delivery["site_name"] == "市行政服务中心交通运输窗口"
    assert delivery["held_until"] == last_day

    ready = await db.fetch("SELECT channel, params FROM notifications WHERE event = 'licence_ready_for_pickup'")
    assert sorted(r["channel"] for r in ready) == ["inapp", "sms"]
    assert ready[0]["params"]["lastPickupDate"] == last_day.isoformat()
    inbox = (await client.get(f"{API}/me/notifications", headers=who["applicant"]["headers"])).json()["items"]
    [text] = [i["text"] for i in inbox if i["title"] == "证件可以领取了"]
    for words in ("市行政服务中心交通运输窗口", f"{last_day.year}年{last_day.month}月{last_day.day}日",
                  "本人身份证原件", "代领人身份证原件", "授权委托书"):
        assert words in text, (words, text)
    await run_jobs(live_sms_settings(settings, fake_aliyun))
    [sms] = [m for m in fake_aliyun.messages(PHONE) if m["template"] == "SMS_480010021"]
    assert "市行政服务中心交通运输窗口" in str(sms)

    # staff see where and until when; the applicant collects in person (the old call, no body)
    [listed] = (await client.get(f"{API}/deliveries?method=pickup", headers=who["lead"]["headers"])).json()["items"]
    assert listed["siteName"] == "市行政服务中心交通运输窗口" and listed["heldUntil"] == last_day.isoformat()
    res = await client.post(f"{API}/deliveries/{delivery['id']}/pickup", headers=who["lead"]["headers"])
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "picked_up" and res.json()["collectedBy"] == "applicant"
    row = await db.fetchrow("SELECT * FROM deliveries WHERE id = $1", delivery["id"])
    assert row["collected_by"] == "applicant" and row["proxy_id_number"] is None
    assert await db.fetchval("SELECT count(*) FROM trips WHERE application_id = $1 AND kind = 'pickup'", app_id) == 1
    # told once: the lapse job later has nothing to say about a collected licence
    await _lapse_job(settings, last_day + timedelta(days=5))
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event LIKE 'licence_%'") == 2


async def test_a_proxy_needs_the_signed_letter_and_their_id_number_is_never_shown_in_full(client, db, capsys):
    who = await people(client, db)
    app_id, delivery = await _approved(client, db, who)
    url = f"{API}/deliveries/{delivery['id']}/pickup"
    proxy = {"collector": "proxy", "proxyName": "李四", "proxyIdNumber": PROXY_ID}

    res = await client.post(url, json=proxy, headers=who["lead"]["headers"])
    assert res.status_code == 422 and res.json()["code"] == "proxy_letter_required"
    assert "授权委托书" in res.json()["title"]
    bad_id = await client.post(url, json={**proxy, "proxyIdNumber": "110101199003074515", "letterChecked": True},
                               headers=who["lead"]["headers"])
    assert bad_id.status_code == 400 and "proxyIdNumber" in bad_id.text
    nameless = await client.post(url, json={"collector": "proxy", "letterChecked": True},
                                 headers=who["lead"]["headers"])
    assert nameless.status_code == 400
    assert await db.fetchval("SELECT status FROM deliveries WHERE id = $1", delivery["id"]) == "pending"

    res = await client.post(url, json={**proxy, "letterChecked": True}, headers=who["lead"]["headers"])
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["collectedBy"] == "proxy" and body["proxyName"] == "李*"
    assert body["proxyIdNumber"] == "110***********4514" and PROXY_ID not in res.text
    row = await db.fetchrow("SELECT * FROM deliveries WHERE id = $1", delivery["id"])
    assert (row["collected_by"], row["proxy_name"], row["proxy_id_number"], row["proxy_letter_checked"]) == \
        ("proxy", "李四", PROXY_ID, True)
    again = await client.post(url, json={**proxy, "letterChecked": True}, headers=who["lead"]["headers"])
    assert again.status_code == 409 and again.json()["code"] == "delivery_done"

    listed = await client.get(f"{API}/deliveries?status=picked_up", headers=who["lead"]["headers"])
    case = await client.get(f"{API}/applications/{app_id}", headers=who["applicant"]["headers"])
    assert "110***********4514" in case.text and "李*" in case.text
    events = await db.fetch("SELECT note, data::text AS data FROM application_events WHERE application_id = $1", app_id)
    out = capsys.readouterr()
    for text in (listed.text, case.text, *[e["note"] or "" for e in events], *[e["data"] for e in events],
                 out.out, out.err):
        assert PROXY_ID not in text


async def test_the_authorisation_letter_is_the_applicants_own_printable_page(client, db):
    who = await people(client, db)
    app_id, _ = await _approved(client, db, who)
    url = f"{API}/applications/{app_id}/pickup-authorisation"
    res = await client.get(url, headers=who["applicant"]["headers"])
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/html")
    public_no = await db.fetchval("SELECT public_no FROM applications WHERE id = $1", app_id)
    page = res.text
    for words in ("授权委托书", public_no, "机动车临时通行牌证核发", "温州&lt;大件&gt;运输有限公司",
                  "受托人身份证号", "委托人签字", "市行政服务中心交通运输窗口"):
        assert words in page, words
    assert "<大件>" not in page
    other = await applicant(client, "someone-else")
    assert (await client.get(url, headers=other["headers"])).status_code == 404
    assert (await client.get(url, headers=who["lead"]["headers"])).status_code == 404

    express_id, _ = await _apply(client, who["applicant"], {"companyName": "温州大件运输有限公司",
                                                            "deliveryAddress": "温州市鹿城区人民路100号"})
    res = await client.get(f"{API}/applications/{express_id}/pickup-authorisation", headers=who["applicant"]["headers"])
    assert res.status_code == 409 and res.json()["code"] == "pickup_not_chosen"


async def test_after_30_days_the_licence_goes_by_express_to_the_default_address_once(client, db, settings):
    who = await people(client, db)
    me = who["applicant"]["headers"]
    _, delivery = await _approved(client, db, who)
    last_day = delivery["held_until"]

    await _lapse_job(settings, last_day)  # the last day: still held, nothing said
    row = await db.fetchrow("SELECT * FROM deliveries WHERE id = $1", delivery["id"])
    assert row["method"] == "pickup" and row["address_asked_at"] is None and row["lapsed_at"] is None
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event LIKE 'licence_pickup_%'") == 0

    assert (await client.get(f"{API}/me/address", headers=me)).json() == {"address": None, "updatedAt": None}
    bad = await client.put(f"{API}/me/address", json={"address": "   ab  "}, headers=me)
    assert bad.status_code == 400 and bad.json()["code"] == "validation_failed"
    res = await client.put(f"{API}/me/address", json={"address": " 温州市鹿城区人民路100号 "}, headers=me)
    assert res.status_code == 200 and res.json()["address"] == "温州市鹿城区人民路100号"
    assert (await client.get(f"{API}/me/address", headers=me)).json()["address"] == "温州市鹿城区人民路100号"

    for _ in range(2):  # running it twice does nothing more
        await _lapse_job(settings, last_day + timedelta(days=1))
    row = await db.fetchrow("SELECT * FROM deliveries WHERE id = $1", delivery["id"])
    assert (row["method"], row["status"], row["address"]) == ("express", "pending", "温州市鹿城区人民路100号")
    assert row["lapsed_at"] is not None
    told = await db.fetch("SELECT channel FROM notifications WHERE event = 'licence_pickup_switched' ORDER BY channel")
    assert [r["channel"] for r in told] == ["inapp", "sms"]  # once, whatever runs again
    # now it is an express delivery like any other: staff ship it; the window can no longer hand it over
    res = await client.post(f"{API}/deliveries/{delivery['id']}/pickup", headers=who["lead"]["headers"])
    assert res.status_code == 409
    res = await client.post(f"{API}/deliveries/{delivery['id']}/shipment", json={"trackingNo": "EA123456789CN"},
                            headers=who["lead"]["headers"])
    assert res.status_code == 200 and res.json()["status"] == "shipped"


async def test_without_a_default_address_the_licence_stays_and_the_applicant_is_asked_once(client, db, settings):
    who = await people(client, db)
    _, delivery = await _approved(client, db, who)
    after = delivery["held_until"] + timedelta(days=1)
    for later in (0, 0, 1):  # twice the same day, and the day after
        await _lapse_job(settings, after + timedelta(days=later))
    row = await db.fetchrow("SELECT * FROM deliveries WHERE id = $1", delivery["id"])
    assert (row["method"], row["status"]) == ("pickup", "pending") and row["address_asked_at"] is not None
    asked = await db.fetch("SELECT channel FROM notifications WHERE event = 'licence_pickup_address_needed' "
                           "ORDER BY channel")
    assert [r["channel"] for r in asked] == ["inapp", "sms"]  # once, across days
    inbox = (await client.get(f"{API}/me/notifications", headers=who["applicant"]["headers"])).json()["items"]
    assert any("默认地址" in i["text"] for i in inbox)
    # it can still be collected at the window
    res = await client.post(f"{API}/deliveries/{delivery['id']}/pickup", headers=who["lead"]["headers"])
    assert res.status_code == 200 and res.json()["status"] == "picked_up"


async def test_an_address_added_after_the_reminder_switches_on_the_next_run(client, db, settings):
    who = await people(client, db)
    _, delivery = await _approved(client, db, who)
    after = delivery["held_until"] + timedelta(days=1)
    await _lapse_job(settings, after)
    await client.put(f"{API}/me/address", json={"address": "温州市龙湾区永强大道1号"}, headers=who["applicant"]["headers"])
    await _lapse_job(settings, after + timedelta(days=1))
    row = await db.fetchrow("SELECT method, address FROM deliveries WHERE id = $1", delivery["id"])
    assert tuple(row) == ("express", "温州市龙湾区永强大道1号")
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'licence_pickup_address_needed' "
                             "AND channel = 'inapp'") == 1
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'licence_pickup_switched' "
                             "AND channel = 'inapp'") == 1
