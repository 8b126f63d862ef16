"""Issue 24: a question about a named service's fee, time limit or trips gets the catalogue's
current rule, so an admin's change to the catalogue is what the next citizen is told."""

from __future__ import annotations

import json

from tests.factories import staff

FEE_QUESTION = "出租车资格证考试要多少钱"


async def _ask(client, question: str) -> dict:
    res = await client.get("/api/v1/faq/ask", params={"q": question})
    assert res.status_code == 200, res.text
    return res.json()


async def test_a_fee_question_is_answered_with_the_catalogues_current_fee_after_it_changes(client, db):
    before = await _ask(client, FEE_QUESTION)
    assert before["confident"] is True and before["matches"][0]["id"] == "F007"
    assert "收费：免费（申请、考试、发证和寄证均不收费）" in before["matches"][0]["answer"]

    admin = await staff(client, db, phone="13900007101", roles=["admin"])
    spec = json.loads(await db.fetchval("SELECT spec::text FROM services WHERE code = 'taxi-driver-cert'"))
    spec["fee"] = "考试费每科50元，申请和发证不收费"
    res = await client.put("/api/v1/admin/services/taxi-driver-cert", headers=admin["headers"], json=spec)
    assert res.status_code == 200, res.text

    after = await _ask(client, FEE_QUESTION)
    assert after["matches"][0]["id"] == "F007" and after["confident"] is True
    assert "收费：考试费每科50元，申请和发证不收费" in after["matches"][0]["answer"]
    assert "全程免费" not in after["matches"][0]["answer"]  # the FAQ text written before the change


async def test_time_limit_and_trip_questions_are_answered_from_the_catalogue_and_others_from_the_entry(client):
    days = (await _ask(client, "危险品运输许可批下来要几天"))["matches"][0]
    assert days["id"] == "F076" and "承诺10个工作日内办结（法定20个工作日" in days["answer"]
    trips = (await _ask(client, "考网约车驾驶员证要跑几趟"))["matches"][0]
    assert trips["id"] == "F012" and "需要到现场的环节是本人参加考试" in trips["answer"]
    # Not a fee, time or trips question: the entry's own answer.
    intro = await _ask(client, "跑滴滴的司机要办什么证")
    assert intro["matches"][0]["id"] == "F009" and intro["matches"][0]["answer"].startswith("网约车驾驶员证全称")


async def test_a_materials_question_is_answered_with_the_catalogues_current_list_after_it_changes(client, db):
    question = "考网约车驾驶员证要带哪些资料"
    before = (await _ask(client, question))["matches"][0]
    assert before["id"] == "F011" and "申请材料：近6个月内白底免冠电子照片" in before["answer"]
    assert "居民身份证（从电子证照库调取，一般不用上传）" in before["answer"]
    assert "体检合格证明" not in before["answer"]

    admin = await staff(client, db, phone="13900007102", roles=["admin"])
    spec = json.loads(await db.fetchval("SELECT spec::text FROM services WHERE code = 'ride-hailing-driver-cert'"))
    spec["materials"].append({"code": "health_check", "name": "体检合格证明", "required": True})
    res = await client.put("/api/v1/admin/services/ride-hailing-driver-cert", headers=admin["headers"], json=spec)
    assert res.status_code == 200, res.text

    after = (await _ask(client, question))["matches"][0]
    assert after["id"] == "F011" and "体检合格证明" in after["answer"]
    # An entry that merely mentions a document (证明) is not a material list: its own answer stands.
    own = (await _ask(client, "出租车资格证还要自己开无犯罪记录证明吗"))["matches"][0]
    assert own["id"] == "F004" and "申请材料：" not in own["answer"]
