"""F092: individuals file personal qualifications as themselves, businesses' licences as enterprises
(个体工商户 too), 网约车运输证 as the vehicle's registered owner; the wrong subject is refused before
submission with a message telling the user to switch."""

from __future__ import annotations

from tests.approvals.helpers import DG_FORM
from tests.enterprises.helpers import API, act_for, credit_code, enterprise, verified
from tests.security.world import TAXI_FORM

SHUNDA = credit_code("91330300MA2ABCDE1")
DG = "dangerous-goods-permit"
DG_FORM = {**DG_FORM, "creditCode": SHUNDA}
DG_ANSWERS = {"action": "new", "vehicles": "owned", "scope": "general"}
RIDE = "ride-hailing-vehicle-permit"
RIDE_FORM = {"ownerName": "温州顺达物流有限公司", "mobile": "13800138000", "plateNo": "浙C12345", "seats": 5,
             "registerDate": "2024-01-01", "platform": "滴滴出行"}


async def _draft(client, headers, service, answers, form) -> int:
    res = await client.post(f"{API}/applications", headers=headers,
                            json={"serviceCode": service, "answers": answers, "form": form})
    assert res.status_code == 201, res.text
    return res.json()["id"]


async def _submit(client, headers, app_id):
    return await client.post(f"{API}/applications/{app_id}/submit", headers=headers)


def _switch_to(res, kind: str) -> None:
    assert res.status_code == 422, res.text
    problem = res.json()
    assert problem["code"] == "holder_kind_mismatch" and problem["switchTo"] == kind and problem["faq"] == "F092"
    assert "切换到" + ("个人" if kind == "person" else "企业") + "身份" in problem["detail"]


async def test_the_wrong_subject_is_told_to_switch_before_submission(client, db):
    boss = await verified(client, "boss", "王大锤", "11010519800101125")
    ent = await enterprise(client, boss, SHUNDA, "温州顺达物流有限公司")
    as_ent = await act_for(client, boss, ent)

    # a person's qualification filed for the enterprise
    taxi = await _draft(client, as_ent, "taxi-driver-cert", {"household": "local"}, TAXI_FORM)
    _switch_to(await _submit(client, as_ent, taxi), "person")
    # a business's permit filed by the person
    dg = await _draft(client, boss["headers"], DG, DG_ANSWERS, DG_FORM)
    _switch_to(await _submit(client, boss["headers"], dg), "enterprise")
    # 网约车运输证: by the vehicle's registered owner
    by_person = await _draft(client, boss["headers"], RIDE, {"owner": "company", "action": "new"}, RIDE_FORM)
    _switch_to(await _submit(client, boss["headers"], by_person), "enterprise")
    by_company = await _draft(client, as_ent, RIDE, {"owner": "person", "action": "new"}, RIDE_FORM)
    _switch_to(await _submit(client, as_ent, by_company), "person")
    for app_id in (taxi, dg, by_person, by_company):  # refused before anything was submitted
        assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "draft"

    # the right subject gets past the check (to pre-review's gaps: no materials uploaded here)
    right = await _draft(client, as_ent, DG, DG_ANSWERS, DG_FORM)
    res = await _submit(client, as_ent, right)
    assert res.status_code == 200 and res.json()["status"] == "needs_supplement", res.text


async def test_an_individual_business_files_as_an_enterprise_but_not_for_the_dangerous_goods_permit(client, db):
    owner = await verified(client, "getihu", "陈小明", "11010519900303123")
    shop = await enterprise(client, owner, credit_code("92330302MA2H8Q1B2"), "鹿城区小明汽修店", "individual_business")
    as_shop = await act_for(client, owner, shop)
    repair = await _draft(client, as_shop, "repair-filing", {"category": "class3"},
                          {"legalPerson": "陈小明", "mobile": "13800138000", "siteAddress": "温州市鹿城区1号"})
    case = (await client.get(f"{API}/applications/{repair}", headers=as_shop)).json()
    assert case["form"]["companyName"] == "鹿城区小明汽修店" and case["form"]["creditCode"].startswith("92")
    # F072: only enterprise legal persons hold the dangerous-goods permit; the verified code says 个体工商户
    res = await client.post(f"{API}/applications", headers=as_shop,
                            json={"serviceCode": DG, "answers": DG_ANSWERS, "form": DG_FORM})
    assert res.status_code == 422 and res.json()["code"] == "company_applicant_required", res.text
    assert "个体工商户" in res.json()["detail"]
