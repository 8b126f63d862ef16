from __future__ import annotations

from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.factories import applicant, staff


async def test_a_known_question_in_other_words_is_answered_confidently(client):
    res = await client.get("/api/v1/faq/ask", params={"q": "的哥上岗需要什么资格证？"})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["confident"] is True and body["handoff"] is False
    assert body["matches"][0]["id"] == "F001"
    assert len(body["matches"]) == 3
    assert {"id", "question", "answer", "score"} <= set(body["matches"][0])


async def test_an_off_topic_question_is_handed_off_and_kept_for_the_editors(client, db):
    res = await client.get("/api/v1/faq/ask", params={"q": "今天会不会下雨"})
    assert res.status_code == 200
    assert res.json()["handoff"] is True and res.json()["confident"] is False
    row = await db.fetchrow("SELECT question, source, suggestions FROM faq_handoffs")
    assert row["question"] == "今天会不会下雨" and row["source"] == "ask"
    assert len(row["suggestions"]) == 3


async def test_an_empty_or_overlong_question_is_a_400_problem(client):
    assert (await client.get("/api/v1/faq/ask", params={"q": ""})).status_code == 400
    res = await client.get("/api/v1/faq/ask", params={"q": "问" * 201})
    assert res.status_code == 400 and res.json()["code"] == "validation_failed"


async def test_an_entry_an_editor_adds_is_seen_by_every_api_process(settings, client, db):
    admin = await staff(client, db, phone="13900001111", roles=["admin"])
    async with AsyncTestClient(app=create_app(settings)) as other:
        before = (await other.get("/api/v1/faq/ask", params={"q": "共享单车乱停放归哪个部门管"})).json()
        assert before["handoff"] is True
        res = await client.post("/api/v1/admin/faq", headers=admin["headers"], json={
            "question": "共享单车乱停放归哪个部门管？",
            "alternates": ["共享单车停放管理找谁", "单车乱停投诉"],
            "answer": "共享单车停放由城市管理部门负责，可拨打12345反映，交通运输局负责共享单车企业的行业监管。",
            "tags": ["共享单车"]})
        assert res.status_code == 201, res.text
        new_id = res.json()["id"]
        assert new_id.startswith("F1")
        other.app.state["faq_index"].poll_seconds = 0  # the poll interval is what makes "within seconds"
        after = (await other.get("/api/v1/faq/ask", params={"q": "共享单车乱停放归哪个部门管"})).json()
        assert after["matches"][0]["id"] == new_id and after["confident"] is True

        retired = await client.post(f"/api/v1/admin/faq/{new_id}/retire", headers=admin["headers"])
        assert retired.status_code == 200 and retired.json()["status"] == "retired"
        gone = (await other.get("/api/v1/faq/ask", params={"q": "共享单车乱停放归哪个部门管"})).json()
        assert all(m["id"] != new_id for m in gone["matches"])
    assert await db.fetchval("SELECT source FROM faq_entries WHERE id = $1", new_id) == "admin"


async def test_an_editor_changes_an_answer_and_bad_edits_are_refused(client, db):
    admin = await staff(client, db, phone="13900001112", roles=["admin"])
    res = await client.patch("/api/v1/admin/faq/F001", headers=admin["headers"],
                             json={"answer": "巡游出租汽车驾驶员从业资格证有效期6年，可在掌上办在线申请。"})
    assert res.status_code == 200 and res.json()["answer"].startswith("巡游出租汽车驾驶员从业资格证有效期6年")
    bad = await client.patch("/api/v1/admin/faq/F001", headers=admin["headers"], json={"answer": "x"})
    assert bad.status_code == 400
    unknown = await client.patch("/api/v1/admin/faq/F999", headers=admin["headers"], json={"answer": "新的答案内容"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "faq_entry_not_found"
    extra = await client.post("/api/v1/admin/faq", headers=admin["headers"],
                              json={"question": "问题问题", "answer": "答案答案", "secret": 1})
    assert extra.status_code == 400
    citizen = await applicant(client, "ed")
    assert (await client.post("/api/v1/admin/faq", headers=citizen["headers"],
                              json={"question": "问题问题", "answer": "答案答案"})).status_code == 403


async def test_feedback_counts_one_vote_per_person_and_a_second_vote_replaces_the_first(client, db):
    a = await applicant(client, "fa")
    b = await applicant(client, "fb")
    r1 = await client.post("/api/v1/faq/F002/feedback", headers=a["headers"], json={"helpful": True})
    r2 = await client.post("/api/v1/faq/F002/feedback", headers=b["headers"], json={"helpful": True})
    r3 = await client.post("/api/v1/faq/F002/feedback", headers=a["headers"], json={"helpful": False})
    assert r1.status_code == r2.status_code == r3.status_code == 200
    assert r3.json() == {"id": "F002", "helpful": 1, "unhelpful": 1}
    assert await db.fetchval("SELECT count(*) FROM faq_feedback WHERE entry_id = 'F002'") == 2
    missing = await client.post("/api/v1/faq/F999/feedback", headers=a["headers"], json={"helpful": True})
    assert missing.status_code == 404
    anonymous = await client.post("/api/v1/faq/F002/feedback", json={"helpful": True})
    assert anonymous.status_code == 401


async def test_editors_list_and_close_the_handed_off_questions(client, db):
    admin = await staff(client, db, phone="13900001113", roles=["admin"])
    await client.get("/api/v1/faq/ask", params={"q": "最近有什么股票值得买"})
    listed = await client.get("/api/v1/admin/faq/handoffs", headers=admin["headers"])
    assert listed.status_code == 200 and listed.json()[0]["question"] == "最近有什么股票值得买"
    hid = listed.json()[0]["id"]
    assert (await client.post(f"/api/v1/admin/faq/handoffs/{hid}/review", headers=admin["headers"])).status_code == 204
    again = await client.post(f"/api/v1/admin/faq/handoffs/{hid}/review", headers=admin["headers"])
    assert again.status_code == 404
    assert (await client.get("/api/v1/admin/faq/handoffs", headers=admin["headers"])).json() == []


async def test_a_question_asked_again_is_counted_on_its_open_row_not_written_again(client, db):
    admin = await staff(client, db, phone="13900001114", roles=["admin"])
    for _ in range(3):
        await client.get("/api/v1/faq/ask", params={"q": "最近有什么股票值得买"})
    await client.get("/api/v1/faq/ask", params={"q": "今天会不会下雨"})
    [rain, stocks] = (await client.get("/api/v1/admin/faq/handoffs", headers=admin["headers"])).json()
    assert (stocks["question"], stocks["times"]) == ("最近有什么股票值得买", 3)
    assert (rain["question"], rain["times"]) == ("今天会不会下雨", 1)
    # once reviewed, asking again opens a new row for the editors
    await client.post(f"/api/v1/admin/faq/handoffs/{stocks['id']}/review", headers=admin["headers"])
    await client.get("/api/v1/faq/ask", params={"q": "最近有什么股票值得买"})
    assert await db.fetchval("SELECT count(*) FROM faq_handoffs WHERE question = '最近有什么股票值得买'") == 2


async def test_asking_is_rate_limited_per_address(client):
    statuses = [(await client.get("/api/v1/faq/ask", params={"q": "驾驶证"})).status_code for _ in range(121)]
    assert statuses[:120] == [200] * 120 and statuses[120] == 429
    last = await client.get("/api/v1/faq/ask", params={"q": "驾驶证"})
    assert last.json()["code"] == "too_many_requests"
    assert (await client.get("/api/v1/faq/")).status_code == 200  # the list is not limited with it


async def test_the_public_list_shows_the_shipped_knowledge_base(client):
    res = await client.get("/api/v1/faq", params={"limit": 200})
    assert res.status_code == 200 and len(res.json()) == 150
    found = await client.get("/api/v1/faq", params={"q": "超限"})
    assert found.json() and all("超限" in (e["question"] + e["answer"] + "".join(e["alternates"])) for e in found.json())
