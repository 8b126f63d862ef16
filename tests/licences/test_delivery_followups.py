"""FAQ F128–F130 after the decision: the applicant changes the address (or switches to a window)
until the licence is shipped; a lost or returned licence is sent again under a new EMS number."""

from __future__ import annotations

from tests.approvals.helpers import people, task_of

API = "/api/v1"
HOME = "温州市鹿城区人民路100号"
NEW_HOME = "温州市瓯海区娄桥街道古岸头路8号"
SITE = "city-service-centre"
EXPRESS = {"companyName": "温州大件运输有限公司", "deliveryAddress": HOME}


async def _submitted(client, who, form=EXPRESS):
    me = who["applicant"]
    res = await client.post(f"{API}/applications", headers=me["headers"],
                            json={"serviceCode": "temporary-plate", "answers": {"unplated": "no"}, "form": form})
    assert res.status_code == 201, res.text
    app_id = res.json()["id"]
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200 and res.json()["status"] == "submitted", res.text
    return app_id


async def _approve(client, db, who, app_id):
    await client.get(f"{API}/tasks", headers=who["lead"]["headers"])
    task = await task_of(db, app_id)
    res = await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"},
                            headers=who["lead"]["headers"])
    assert res.status_code == 200, res.text
    return await db.fetchrow("SELECT * FROM deliveries WHERE application_id = $1", app_id)


async def _ship(client, who, delivery_id, tracking_no="EA123456789CN"):
    res = await client.post(f"{API}/deliveries/{delivery_id}/shipment", json={"trackingNo": tracking_no},
                            headers=who["lead"]["headers"])
    assert res.status_code == 200, res.text


async def test_address_changed_before_shipping_is_where_the_licence_goes_and_once_shipped_it_is_refused(client, db):
    who = await people(client, db)
    me = who["applicant"]["headers"]
    app_id = await _approve(client, db, who, await _submitted(client, who))
    app_id = app_id["application_id"]
    url = f"{API}/applications/{app_id}/delivery"
    res = await client.get(url, headers=me)
    assert res.status_code == 200 and res.json()["status"] == "pending" and res.json()["canChange"] is True

    res = await client.put(url, json={"method": "express", "address": NEW_HOME}, headers=me)
    assert res.status_code == 200, res.text
    assert res.json()["address"] == NEW_HOME and res.json()["statusLabel"] == "待寄出"
    delivery = await db.fetchrow("SELECT * FROM deliveries WHERE application_id = $1", app_id)
    assert delivery["address"] == NEW_HOME and delivery["changed_at"] is not None
    note = await db.fetchval("SELECT note FROM application_events WHERE application_id = $1 AND kind = 'licence' "
                             "ORDER BY id DESC LIMIT 1", app_id)
    assert note == "申请人修改了收件地址（快递送达）"  # the address itself stays out of the timeline

    # bad input: a clear 400, nothing written
    res = await client.put(url, json={"method": "express", "pickupSite": SITE}, headers=me)
    assert res.status_code == 400
    res = await client.put(url, json={"method": "pickup", "pickupSite": "no-such-window"}, headers=me)
    assert res.status_code == 422 and res.json()["code"] == "pickup_site_unknown"
    # another applicant never learns the case exists
    other = await client.put(url, json={"method": "express", "address": "杭州市西湖区文三路1号"},
                             headers=who["accept"]["headers"])
    assert other.status_code in (403, 404)
    assert await db.fetchval("SELECT address FROM deliveries WHERE id = $1", delivery["id"]) == NEW_HOME

    await _ship(client, who, delivery["id"])
    shipped = await db.fetchrow("SELECT address, tracking_no FROM delivery_shipments WHERE delivery_id = $1",
                                delivery["id"])
    assert dict(shipped) == {"address": NEW_HOME, "tracking_no": "EA123456789CN"}
    res = await client.put(url, json={"method": "express", "address": HOME}, headers=me)
    assert res.status_code == 409 and res.json()["code"] == "licence_already_shipped"
    assert "11183" in res.json()["title"]
    assert await db.fetchval("SELECT address FROM deliveries WHERE id = $1", delivery["id"]) == NEW_HOME
    res = await client.get(url, headers=me)
    body = res.json()
    assert body["status"] == "shipped" and body["trackingNo"] == "EA123456789CN" and body["canChange"] is False
    assert [s["trackingNo"] for s in body["shipments"]] == ["EA123456789CN"]


async def test_express_switched_to_a_window_before_shipping_starts_the_hold_and_tells_the_applicant(client, db):
    who = await people(client, db)
    app_id = (await _approve(client, db, who, await _submitted(client, who)))["application_id"]
    res = await client.put(f"{API}/applications/{app_id}/delivery", json={"method": "pickup", "pickupSite": SITE},
                           headers=who["applicant"]["headers"])
    assert res.status_code == 200, res.text
    assert res.json()["method"] == "pickup" and res.json()["siteCode"] == SITE and res.json()["heldUntil"]
    delivery = await db.fetchrow("SELECT * FROM deliveries WHERE application_id = $1", app_id)
    assert delivery["method"] == "pickup" and delivery["address"] is None and delivery["held_until"] is not None
    told = await db.fetch("SELECT params FROM notifications WHERE event = 'licence_ready_for_pickup' "
                          "AND channel = 'inapp' AND user_id = $1", who["applicant_id"])
    assert len(told) == 1 and told[0]["params"]["lastPickupDate"] == delivery["held_until"].isoformat()
    # the window hands it over: shipping it is refused, and so is a further change
    res = await client.post(f"{API}/deliveries/{delivery['id']}/pickup", json={},
                            headers=who["lead"]["headers"])
    assert res.status_code == 200, res.text
    res = await client.put(f"{API}/applications/{app_id}/delivery", json={"method": "express", "address": HOME},
                           headers=who["applicant"]["headers"])
    assert res.status_code == 409 and res.json()["code"] == "licence_already_collected"


async def test_before_the_decision_the_change_is_what_the_approval_prepares(client, db):
    who = await people(client, db)
    app_id = await _submitted(client, who)
    url = f"{API}/applications/{app_id}/delivery"
    res = await client.get(url, headers=who["applicant"]["headers"])
    assert res.json()["status"] == "planned" and res.json()["address"] == HOME
    res = await client.put(url, json={"method": "express", "address": NEW_HOME}, headers=who["applicant"]["headers"])
    assert res.status_code == 200 and res.json()["address"] == NEW_HOME, res.text
    delivery = await _approve(client, db, who, app_id)
    assert delivery["method"] == "express" and delivery["address"] == NEW_HOME


async def test_a_lost_licence_is_sent_again_under_a_new_number_and_the_applicant_told_once(client, db):
    who = await people(client, db)
    lead = who["lead"]["headers"]
    delivery = await _approve(client, db, who, await _submitted(client, who))
    url = f"{API}/deliveries/{delivery['id']}/reshipment"
    res = await client.post(url, json={"trackingNo": "EB111111111CN", "reason": "lost"}, headers=lead)
    assert res.status_code == 409 and res.json()["code"] == "delivery_not_shipped"
    await _ship(client, who, delivery["id"])

    key = {**lead, "Idempotency-Key": "reship-1"}
    body = {"trackingNo": "EB111111111CN", "reason": "returned", "address": NEW_HOME}
    res = await client.post(url, json=body, headers=key)
    assert res.status_code == 200, res.text
    assert res.json()["trackingNo"] == "EB111111111CN" and res.json()["applicant"] == "温州大件运输有限公司"
    again = await client.post(url, json=body, headers=key)  # the same request retried: the first answer
    assert again.status_code == 200 and again.json() == res.json()
    row = await db.fetchrow("SELECT status, tracking_no, address FROM deliveries WHERE id = $1", delivery["id"])
    assert dict(row) == {"status": "shipped", "tracking_no": "EB111111111CN", "address": NEW_HOME}
    history = await db.fetch("SELECT tracking_no, reason FROM delivery_shipments WHERE delivery_id = $1 ORDER BY id",
                             delivery["id"])
    assert [tuple(r) for r in history] == [("EA123456789CN", None), ("EB111111111CN", "returned")]
    told = await db.fetch("SELECT params FROM notifications WHERE event = 'licence_shipped' AND channel = 'inapp'"
                          " AND user_id = $1 ORDER BY id", who["applicant_id"])
    assert [r["params"]["trackingNo"] for r in told] == ["EA123456789CN", "EB111111111CN"]

    # the same number again, or one already on a parcel: refused, nothing written
    res = await client.post(url, json={"trackingNo": "EB111111111CN", "reason": "lost"}, headers=lead)
    assert res.status_code == 409 and res.json()["code"] == "tracking_no_in_use"
    res = await client.post(url, json={"trackingNo": "EA123456789CN", "reason": "lost"}, headers=lead)
    assert res.status_code == 409 and res.json()["code"] == "tracking_no_in_use"
    assert await db.fetchval("SELECT tracking_no FROM deliveries WHERE id = $1", delivery["id"]) == "EB111111111CN"
    res = await client.post(url, json={"trackingNo": "EC1", "reason": "lost"}, headers=lead)
    assert res.status_code == 400
    res = await client.post(url, json={"trackingNo": "EC222222222CN", "reason": "stolen"}, headers=lead)
    assert res.status_code == 400
    assert await db.fetchval("SELECT count(*) FROM delivery_shipments WHERE delivery_id = $1", delivery["id"]) == 2

    mine = (await client.get(f"{API}/applications/{delivery['application_id']}/delivery",
                             headers=who["applicant"]["headers"])).json()
    assert mine["statusLabel"] == "已补发寄出" and [s["reason"] for s in mine["shipments"]] == [None, "returned"]
