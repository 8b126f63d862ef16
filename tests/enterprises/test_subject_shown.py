"""Whose a booking, rating or complaint is shows on it (issue 20): ``subject`` {kind, enterpriseId, name}
in the applicant's lists and details, and the enterprise's verified name where staff list or open a
complaint or rating — API and console pages alike."""

from __future__ import annotations

from tests.clock import use_clock
from tests.console.helpers import account, sign_in
from tests.enterprises.helpers import API, FREIGHT, book, slot, things_of_a, world
from tests.factories import staff

NAME_A = "温州丙物流有限公司"


async def test_bookings_ratings_and_complaints_show_their_subject_to_the_applicant_and_to_staff(client, db):
    use_clock(client, "2026-06-05 10:00")
    w = await world(client, db)
    mine = await things_of_a(client, db, w)
    of_a = {"kind": "enterprise", "enterpriseId": w["ent_a"], "name": NAME_A}
    for path, key in (("/appointments", "appointment"), ("/ratings", "rating"), ("/complaints", "complaint")):
        listed = (await client.get(f"{API}{path}", headers=w["clerk_a"])).json()
        assert [(i["id"], i["subject"]) for i in listed] == [(mine[key], of_a)], (path, listed)
    for path in (f"/appointments/{mine['appointment']}", f"/complaints/{mine['complaint']}"):
        assert (await client.get(f"{API}{path}", headers=w["as_a"])).json()["subject"] == of_a, path
    comment = await client.post(f"{API}/ratings/{mine['rating']}/comments", headers=w["clerk_a"], json={"text": "补充"})
    assert comment.status_code == 201 and comment.json()["subject"] == of_a, comment.text

    # the legal representative's own booking, as themself: the person's
    own = await book(client, w["a"]["headers"], await slot(client, w, FREIGHT, "10:00"))
    assert own.status_code == 201, own.text
    [item] = (await client.get(f"{API}/appointments", headers=w["a"]["headers"])).json()
    assert item["subject"] == {"kind": "person", "enterpriseId": None, "name": None}, item

    # staff: the API's lists and details, and the console's list pages
    admin = await staff(client, db, phone="13900006001", roles=["admin"])
    for path, key in (("/admin/complaints", "complaint"), ("/admin/ratings", "rating")):
        listed = (await client.get(f"{API}{path}", headers=admin["headers"])).json()
        assert [(i["id"], i["subject"]) for i in listed] == [(mine[key], of_a)], (path, listed)
        one = (await client.get(f"{API}{path}/{mine[key]}", headers=admin["headers"])).json()
        assert one["subject"] == of_a, one
    await account(db, phone="13900006002", roles=["admin"], name="管理员")
    await sign_in(client, "13900006002")
    for page in ("/console/admin/complaints", "/console/admin/ratings", f"/console/admin/complaints/{mine['complaint']}",
                 f"/console/admin/ratings/{mine['rating']}"):
        res = await client.get(page)
        assert res.status_code == 200 and f"企业：{NAME_A}" in res.text, page
