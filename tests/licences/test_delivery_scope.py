"""Issue 17 item 9: every approver saw every delivery (names, postal addresses) and could ship any.
Deliveries now belong to the staff of the step that ships them (the service's last step), and each
read of them is in the case view log like the task detail's."""

from __future__ import annotations

from tests.approvals.helpers import people, task_of

API = "/api/v1"
HOME = "温州市鹿城区人民路100号"
FORM = {"companyName": "温州大件运输有限公司", "deliveryAddress": HOME}


async def _approved_temporary_plate(client, db, who) -> int:
    """A temporary-plate case (one step, 审批 = decide) approved by the lead: its licence waits to be shipped."""
    me = who["applicant"]["headers"]
    res = await client.post(f"{API}/applications", headers=me,
                            json={"serviceCode": "temporary-plate", "answers": {"unplated": "no"}, "form": FORM})
    assert res.status_code == 201, res.text
    app_id = res.json()["id"]
    assert (await client.post(f"{API}/applications/{app_id}/submit", headers=me)).status_code == 200
    await client.get(f"{API}/tasks", headers=who["lead"]["headers"])
    task = await task_of(db, app_id)
    res = await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"},
                            headers=who["lead"]["headers"])
    assert res.status_code == 200, res.text
    return app_id


async def test_an_approver_of_another_step_neither_sees_nor_ships_the_delivery(client, db):
    who = await people(client, db)
    app_id = await _approved_temporary_plate(client, db, who)
    delivery_id = await db.fetchval("SELECT id FROM deliveries WHERE application_id = $1", app_id)
    outsider = who["accept"]["headers"]  # an approver, but of 受理, which this service does not even have

    res = await client.get(f"{API}/deliveries", headers=outsider)
    assert res.status_code == 200 and res.json()["items"] == [], res.text
    res = await client.get(f"{API}/deliveries?status=pending&method=express", headers=outsider)
    assert HOME not in res.text
    for path, body in (("shipment", {"trackingNo": "EA123456789CN"}), ("reshipment",
                       {"trackingNo": "EB123456789CN", "reason": "lost"}), ("pickup", {})):
        res = await client.post(f"{API}/deliveries/{delivery_id}/{path}", json=body, headers=outsider)
        assert res.status_code == 404 and res.json()["code"] == "delivery_not_found", res.text
    assert await db.fetchval("SELECT status FROM deliveries WHERE id = $1", delivery_id) == "pending"
    assert await db.fetchval("SELECT count(*) FROM case_views WHERE application_id = $1 AND viewer_id = $2",
                             app_id, who["accept"]["user"]["id"]) == 0


async def test_the_shipping_step_lists_the_delivery_and_the_read_is_in_the_view_log(client, db):
    who = await people(client, db)
    app_id = await _approved_temporary_plate(client, db, who)
    lead = who["lead"]
    res = await client.get(f"{API}/deliveries", headers=lead["headers"])
    assert res.status_code == 200, res.text
    [listed] = res.json()["items"]
    assert listed["applicationId"] == app_id and listed["address"] == HOME

    views = await db.fetch("SELECT viewer_id, via, what, delivery_id FROM case_views "
                           "WHERE application_id = $1 AND via = 'delivery'", app_id)
    assert [dict(v) for v in views] == [{"viewer_id": lead["user"]["id"], "via": "delivery", "what": "delivery",
                                         "delivery_id": listed["id"]}]
    log = (await client.get(f"{API}/applications/{app_id}/access-log", headers=who["applicant"]["headers"])).json()
    assert log["items"][0]["what"] == "delivery" and log["items"][0]["description"] == "查看了证件寄送信息（收件人、地址）"

    res = await client.post(f"{API}/deliveries/{listed['id']}/shipment", json={"trackingNo": "EA123456789CN"},
                            headers=lead["headers"])
    assert res.status_code == 200 and res.json()["status"] == "shipped", res.text
