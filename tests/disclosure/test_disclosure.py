"""许可结果公示 and licence verification through the HTTP API."""

from __future__ import annotations

from datetime import timedelta

from api.clock import today
from tests.disclosure.helpers import PERSON_ID, holders, licence, verification_link

API = "/api/v1"


def company_of(who: dict[str, dict]) -> int:
    return who["company"]["enterprise_id"]


async def test_companies_are_listed_by_name_and_people_only_as_counts(client, db):
    who = await holders(client, db)
    await licence(db, who["company"]["user"]["id"], "road_transport_permit", "浙交运管许可温字330300001号",
                  name="道路运输经营许可证（普通货运）", valid_until=today() + timedelta(days=900),
                  enterprise_id=company_of(who))
    await licence(db, who["driver"]["user"]["id"], "taxi_driver_qualification", "330300199001011234",
                  name="巡游出租汽车驾驶员从业资格证")
    await licence(db, who["trucker"]["user"]["id"], "road_transport_permit", "浙交运管许可温字330300002号")
    await licence(db, who["company"]["user"]["id"], "repair_filing_receipt", "WX-BA-0001",
                  enterprise_id=company_of(who))  # a filing: not published
    await licence(db, who["company"]["user"]["id"], "road_transport_permit", "浙交运管许可温字330300000号",
                  issued=today() - timedelta(days=90),
                  enterprise_id=company_of(who))  # outside the default 30 days

    res = await client.get(f"{API}/public/decisions")  # no login
    assert res.status_code == 200, res.text
    body = res.json()
    assert [c["licenceNumber"] for c in body["companies"]] == ["浙交运管许可温字330300001号"]
    company = body["companies"][0]
    assert company["holder"] == "温州顺达物流有限公司" and company["serviceCode"] == "freight-operating-permit"
    assert company["status"] == "valid" and company["decidedOn"] == today().isoformat()
    figures = {f["serviceCode"]: f for f in body["individuals"]}
    assert figures["taxi-driver-cert"]["granted"] == 1
    assert figures["freight-operating-permit"]["granted"] == 1  # the trucker, counted only
    assert "repair-filing" not in figures

    text = res.text
    for secret in (PERSON_ID, "13911112222", "13733334444", "13655556666", "李四光", "王大锤", "欧阳娜娜",
                   "330300199001011234", "91330300MA2ABCDE1X"):
        assert secret not in text, secret

    older = await client.get(f"{API}/public/decisions", params={"from": (today() - timedelta(days=120)).isoformat()})
    assert len(older.json()["companies"]) == 2
    only = await client.get(f"{API}/public/decisions", params={"serviceCode": "taxi-driver-cert"})
    assert only.json()["companies"] == [] and [f["serviceCode"] for f in only.json()["individuals"]] == [
        "taxi-driver-cert"]


async def test_a_revoked_licence_is_published_as_revoked(client, db):
    who = await holders(client, db)
    await licence(db, who["company"]["user"]["id"], "dangerous_goods_permit", "浙危运许可330300009号",
                  status="revoked", enterprise_id=company_of(who))
    await licence(db, who["driver"]["user"]["id"], "ridehail_driver_qualification", "RH-1", status="revoked")
    body = (await client.get(f"{API}/public/decisions")).json()
    assert [(c["licenceNumber"], c["status"]) for c in body["companies"]] == [("浙危运许可330300009号", "revoked")]
    assert {f["serviceCode"]: f["revoked"] for f in body["individuals"]} == {"ride-hailing-driver-cert": 1}


async def test_bad_disclosure_queries_are_clear_problems(client):
    res = await client.get(f"{API}/public/decisions", params={"from": "2026-05-01", "to": "2026-04-01"})
    assert res.status_code == 400 and res.json()["code"] == "disclosure_range_invalid"
    res = await client.get(f"{API}/public/decisions", params={"from": "2024-01-01", "to": "2026-01-01"})
    assert res.status_code == 400 and res.json()["code"] == "disclosure_range_invalid"
    res = await client.get(f"{API}/public/decisions", params={"from": "yesterday"})
    assert res.status_code == 400
    res = await client.get(f"{API}/public/decisions", params={"serviceCode": "repair-filing"})
    assert res.status_code == 404 and res.json()["code"] == "service_not_disclosed"


async def test_a_scanned_licence_is_genuine_and_shows_only_what_a_checker_needs(client, db, settings):
    who = await holders(client, db)
    lic = await licence(db, who["driver"]["user"]["id"], "taxi_driver_qualification", "330300199001011234",
                        name="巡游出租汽车驾驶员从业资格证", valid_until=today() + timedelta(days=365))
    png = await client.get(f"{API}/licences/{lic}/qr.png", headers=who["driver"]["headers"])
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    link = await verification_link(client, who["driver"], lic)
    assert link["url"] == f"{settings.base_url}/verify/{link['token']}" and len(link["token"]) == 40

    res = await client.get(f"/verify/{link['token']}")  # no login, outside /api/v1
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["genuine"] is True and body["valid"] is True and body["status"] == "valid"
    assert body["number"] == "330300199001011234" and body["holder"] == "李**"
    assert body["type"] == "taxi_driver_qualification"
    for secret in (PERSON_ID, "13733334444", "李四光"):
        assert secret not in res.text

    company_lic = await licence(db, who["company"]["user"]["id"], "road_transport_permit", "浙交运管许可温字1号",
                                enterprise_id=company_of(who))
    company_link = await verification_link(client, who["company"], company_lic)
    company = (await client.get(f"/verify/{company_link['token']}")).json()
    assert company["holder"] == "温州顺达物流有限公司"

    others = await client.get(f"{API}/licences/{lic}/qr.png", headers=who["company"]["headers"])
    assert others.status_code == 404 and others.json()["code"] == "licence_not_found"
    assert (await client.get(f"{API}/licences/{lic}/qr.png")).status_code == 401


async def test_a_token_with_any_one_character_changed_is_refused(client, db):
    who = await holders(client, db)
    lic = await licence(db, who["driver"]["user"]["id"], "taxi_driver_qualification", "Q-1")
    token = (await verification_link(client, who["driver"], lic))["token"]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for i, ch in enumerate(token):
        changed = token[:i] + alphabet[(alphabet.index(ch) + 1) % 64] + token[i + 1:]
        res = await client.get(f"/verify/{changed}")
        assert res.status_code == 400, (i, res.text)
        assert res.json()["code"] == "verification_token_invalid"
    for bad in ("abc", token + "A", token[:-1], "%E4%B8%AD" * 5):
        assert (await client.get(f"/verify/{bad}")).status_code == 400


async def test_a_revoked_or_expired_licence_is_genuine_but_not_valid(client, db):
    who = await holders(client, db)
    lic = await licence(db, who["driver"]["user"]["id"], "taxi_driver_qualification", "Q-2")
    token = (await verification_link(client, who["driver"], lic))["token"]
    await db.execute("UPDATE licences SET status = 'revoked' WHERE id = $1", lic)
    body = (await client.get(f"/verify/{token}")).json()
    assert body["genuine"] is True and body["valid"] is False and body["status"] == "revoked"
    await db.execute("UPDATE licences SET status = 'valid', valid_until = $2 WHERE id = $1", lic,
                     today() - timedelta(days=1))
    body = (await client.get(f"/verify/{token}")).json()
    assert body["valid"] is False and body["status"] == "expired"
