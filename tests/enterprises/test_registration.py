"""F091: the legal representative verifies the enterprise; the registry confirms it, or staff review
a business-licence photo where no registry answers."""

from __future__ import annotations

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.clock import use_clock
from tests.enterprises.helpers import API, credit_code, register, verified
from tests.factories import applicant, staff
from tests.fakes.registry import API_KEY, FakeRegistry
from tests.samples import JPG

SHUNDA = credit_code("91330300MA2ABCDE1")  # sandbox: the registry confirms what is claimed
NO_ANSWER = credit_code("91330300MA0ABCDE1")  # sandbox: no registry answers (photo path)
UNKNOWN = credit_code("91330300MA9ABCDE1")  # sandbox: not registered
OTHER_REP = credit_code("91330300MA8ABCDE1")  # sandbox: registered with another legal representative
GETIHU = credit_code("92330302MA2H8Q1B2")  # 个体工商户


async def test_a_verified_legal_representative_registers_the_enterprise_the_registry_confirms(client, db):
    use_clock(client, "2026-06-08 09:00")
    boss = await verified(client, "boss", "王大锤", "11010519800101125")
    res = await register(client, boss, SHUNDA.lower(), "温州顺达物流有限公司")
    assert res.status_code == 201, res.text
    body = res.json()
    assert body["status"] == "verified" and body["method"] == "registry" and body["creditCode"] == SHUNDA
    assert body["legalRepName"] == "王大锤" and body["myRole"] == "legal_rep" and body["kindName"] == "企业"
    mine = (await client.get(f"{API}/enterprises", headers=boss["headers"])).json()
    assert [e["id"] for e in mine] == [body["id"]]
    subjects = (await client.get(f"{API}/me/subjects", headers=boss["headers"])).json()
    assert [(s["kind"], s["name"], s["current"]) for s in subjects] == [
        ("person", "王大锤", True), ("enterprise", "温州顺达物流有限公司", False)]

    # one enterprise per credit code: another verified person cannot claim it again
    other = await verified(client, "other", "李四", "11010519850202123")
    again = await register(client, other, SHUNDA, "温州顺达物流有限公司")
    assert again.status_code == 409 and again.json()["code"] == "enterprise_already_registered"
    assert await db.fetchval("SELECT count(*) FROM enterprises WHERE credit_code = $1", SHUNDA) == 1


async def test_a_individual_business_registers_as_an_enterprise_of_its_kind(client):
    owner = await verified(client, "getihu", "陈小明", "11010519900303123")
    wrong = await register(client, owner, GETIHU, "鹿城区小明汽修店", "company")
    assert wrong.status_code == 422 and wrong.json()["code"] == "enterprise_kind_mismatch"
    res = await register(client, owner, GETIHU, "鹿城区小明汽修店", "individual_business")
    assert res.status_code == 201 and res.json()["kindName"] == "个体工商户", res.text


@pytest.mark.parametrize("code, changes, status, problem", [
    ("91330300MA2ABCDE10", {}, 400, "invalid_credit_code"),  # wrong check character
    (credit_code("12330300MA2ABCDE1"), {}, 422, "not_an_enterprise"),  # a public body
    (SHUNDA, {"legalRepName": "张三"}, 422, "legal_rep_mismatch"),
    (SHUNDA, {"legalRepIdNumber": "11010519491231002X"}, 422, "legal_rep_mismatch"),
    (UNKNOWN, {}, 422, "enterprise_not_registered"),
    (OTHER_REP, {}, 422, "enterprise_registry_mismatch"),
])
async def test_what_the_registration_refuses(client, db, code, changes, status, problem):
    boss = await verified(client, "boss", "王大锤", "11010519800101125")
    res = await register(client, boss, code, "温州顺达物流有限公司", **changes)
    assert res.status_code == status and res.json()["code"] == problem, res.text
    assert await db.fetchval("SELECT count(*) FROM enterprises") == 0


async def test_an_unverified_person_cannot_register_an_enterprise(client):
    me = await applicant(client, "nobody", verified=False)
    res = await client.post(f"{API}/enterprises", headers=me["headers"], json={
        "creditCode": SHUNDA, "name": "温州顺达物流有限公司", "kind": "company", "legalRepName": "王大锤",
        "legalRepIdNumber": "11010519491231002X"})
    assert res.status_code == 409 and res.json()["code"] == "identity_required", res.text


async def test_without_a_registry_answer_staff_review_the_licence_photo_within_a_working_day(client, db):
    use_clock(client, "2026-06-05 10:00")  # a Friday: due the next working day, Monday
    boss = await verified(client, "boss", "王大锤", "11010519800101125")
    res = await register(client, boss, NO_ANSWER, "温州无答复物流有限公司")
    assert res.status_code == 201 and res.json()["status"] == "awaiting_photo", res.text
    ent = res.json()["id"]
    switch = await client.post(f"{API}/me/subjects/switch", headers=boss["headers"], json={"enterpriseId": ent})
    assert switch.status_code == 404  # not verified yet: nobody acts for it

    bad = await client.post(f"{API}/enterprises/{ent}/licence-photo", headers=boss["headers"],
                            files={"file": ("x.jpg", b"not an image", "image/jpeg")})
    assert bad.status_code == 422 and bad.json()["code"] == "licence_photo_refused"
    up = await client.post(f"{API}/enterprises/{ent}/licence-photo", headers=boss["headers"],
                           files={"file": ("licence.jpg", JPG, "image/jpeg")})
    assert up.status_code == 200, up.text
    assert up.json()["status"] == "pending" and up.json()["dueOn"] == "2026-06-08"

    approver = await staff(client, db, phone="13900002001", roles=["approver"], steps=["accept"])
    queue = (await client.get(f"{API}/staff/enterprises", headers=approver["headers"])).json()
    assert [(e["id"], e["dueOn"]) for e in queue] == [(ent, "2026-06-08")]
    photo = await client.get(queue[0]["photoUrl"], headers=approver["headers"])
    assert photo.status_code == 200 and photo.content == JPG
    assert (await client.get(f"{API}/staff/enterprises", headers=boss["headers"])).status_code == 403
    ok = await client.post(f"{API}/staff/enterprises/{ent}/approve", headers=approver["headers"])
    assert ok.status_code == 200 and ok.json()["status"] == "verified", ok.text
    twice = await client.post(f"{API}/staff/enterprises/{ent}/approve", headers=approver["headers"])
    assert twice.status_code == 409 and twice.json()["code"] == "enterprise_reviewed"
    assert (await client.post(f"{API}/me/subjects/switch", headers=boss["headers"],
                              json={"enterpriseId": ent})).status_code == 200


async def test_a_refused_photo_tells_the_reason_and_frees_the_code(client, db):
    boss = await verified(client, "boss", "王大锤", "11010519800101125")
    ent = (await register(client, boss, NO_ANSWER, "温州无答复物流有限公司")).json()["id"]
    await client.post(f"{API}/enterprises/{ent}/licence-photo", headers=boss["headers"],
                      files={"file": ("licence.jpg", JPG, "image/jpeg")})
    approver = await staff(client, db, phone="13900002001", roles=["approver"], steps=["accept"])
    res = await client.post(f"{API}/staff/enterprises/{ent}/refuse", headers=approver["headers"],
                            json={"reason": "照片模糊，无法辨认统一社会信用代码"})
    assert res.status_code == 200 and res.json()["status"] == "refused", res.text
    again = await register(client, boss, NO_ANSWER, "温州无答复物流有限公司")
    assert again.status_code == 201, again.text


@pytest.fixture
async def registry():
    fake = FakeRegistry()
    yield fake
    fake.close()


async def test_the_http_registry_adapter_speaks_the_documented_shape(settings, registry, db):
    live = msgspec.structs.replace(settings, enterprise_registry="http", enterprise_registry_url=registry.url,
                                   enterprise_registry_key=API_KEY)
    async with AsyncTestClient(app=create_app(live), timeout=30) as client:
        boss = await verified(client, "boss", "王大锤", "11010519800101125")
        registry.records[SHUNDA] = {"creditCode": SHUNDA, "name": "温州顺达物流有限公司", "type": "company",
                                    "legalRepName": "王大锤", "legalRepIdNumber": boss["id_number"],
                                    "status": "active"}
        unknown = await register(client, boss, UNKNOWN, "温州顺达物流有限公司")
        assert unknown.status_code == 422 and unknown.json()["code"] == "enterprise_not_registered"
        wrong = await register(client, boss, SHUNDA, "温州顺达物流股份有限公司")
        assert wrong.status_code == 422 and wrong.json()["fields"] == ["name"]
        ok = await register(client, boss, SHUNDA, "温州顺达物流有限公司")
        assert ok.status_code == 201 and ok.json()["status"] == "verified", ok.text
        asked = registry.requests[-1]
        assert asked.method == "GET" and asked.path == f"/enterprises/{SHUNDA}"
        assert asked.headers["x-api-key"] == API_KEY

        registry.server.fail_status = 503  # the exchange is down: the photo path
        down = await register(client, boss, OTHER_REP, "温州另一家物流有限公司")
        assert down.status_code == 201 and down.json()["status"] == "awaiting_photo", down.text
