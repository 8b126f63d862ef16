"""Issue 17 item 12: a complaint with ``targetType: staff`` was refused (422) for a user id that is not
staff, which told anyone which ids are staff. Any id is now taken as given and answered the same;
only the bureau's handler sees whether it names a staff member."""

from __future__ import annotations

from tests.complaints.helpers import API, citizen, handler


def _shape(body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in ("id", "publicNo", "targetId", "receivedAt", "timeline")}


async def test_unknown_and_non_staff_targets_are_answered_like_a_staff_member(client, db):
    zhang = await citizen(client, "zhang")
    other_citizen = await citizen(client, "li")
    admin = await handler(client, db)
    accused = await handler(client, db, phone="13900001003", roles=["approver"], name="被投诉人")
    answers = {}
    for label, target in (("staff", accused["user"]["id"]), ("citizen", other_citizen["user"]["id"]),
                          ("nobody", 987654321)):
        res = await client.post(f"{API}/complaints", headers=zhang["headers"], json={
            "category": "complaint", "targetType": "staff", "targetId": target, "text": "审批人员态度生硬。"})
        assert res.status_code == 201, (label, res.text)
        answers[label] = res.json()
        assert answers[label]["targetId"] == target
    assert _shape(answers["citizen"]) == _shape(answers["staff"]) == _shape(answers["nobody"])

    seen = {label: (await client.get(f"{API}/admin/complaints/{body['id']}", headers=admin["headers"])).json()
            for label, body in answers.items()}
    assert seen["staff"]["targetStaffName"] == "被投诉人"
    assert seen["citizen"]["targetStaffName"] is None and seen["nobody"]["targetStaffName"] is None
