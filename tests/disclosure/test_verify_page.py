"""/verify/{token} opened by a phone camera (a browser asking for text/html) gets a small page;
programs keep the JSON."""

from __future__ import annotations

from datetime import timedelta

from api.clock import today
from tests.disclosure.helpers import PERSON_ID, holders, licence, verification_link

# What a phone browser sends when it opens a scanned link.
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"}


async def test_a_phone_browser_gets_a_page_saying_the_licence_is_valid_with_the_public_facts(client, db):
    who = await holders(client, db)
    lic = await licence(db, who["driver"]["user"]["id"], "taxi_driver_qualification", "QC-330300-0001",
                        name="巡游出租汽车驾驶员从业资格证", valid_until=today() + timedelta(days=365))
    token = (await verification_link(client, who["driver"], lic))["token"]

    res = await client.get(f"/verify/{token}", headers=BROWSER)
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("text/html") and "charset=utf-8" in res.headers["content-type"]
    page = res.text
    assert "证照真实有效" in page and "巡游出租汽车驾驶员从业资格证" in page and "QC-330300-0001" in page
    assert "李**" in page and (today() + timedelta(days=365)).isoformat() in page
    assert '<link rel="stylesheet" href="/console/static/console.css">' in page
    assert 'name="viewport"' in page
    for secret in (PERSON_ID, "13733334444", "李四光"):
        assert secret not in page
    assert "default-src 'self'" in res.headers["content-security-policy"] and res.headers["vary"] == "Accept, User-Agent"
    assert (await client.get("/console/static/console.css")).status_code == 200  # the sheet it links

    # Programs: JSON, as before (no Accept, */*, or asking for JSON).
    for accept in (None, "*/*", "application/json"):
        answer = await client.get(f"/verify/{token}", headers={"Accept": accept} if accept else {})
        assert answer.headers["content-type"].startswith("application/json"), accept
        assert answer.json()["valid"] is True and answer.json()["holder"] == "李**"


async def test_a_revoked_licence_page_says_genuine_but_not_valid(client, db):
    who = await holders(client, db)
    lic = await licence(db, who["company"]["user"]["id"], "road_transport_permit", "浙交运管许可温字9号",
                        name="道路运输经营许可证", status="revoked",
                        enterprise_id=who["company"]["enterprise_id"])
    token = (await verification_link(client, who["company"], lic))["token"]
    page = await client.get(f"/verify/{token}", headers=BROWSER)
    assert page.status_code == 200
    assert "证照真实，但当前无效" in page.text and "已撤销" in page.text and "证照真实有效" not in page.text
    assert "温州顺达物流有限公司" in page.text


async def test_an_altered_code_gets_a_refusal_page_in_a_browser_and_a_problem_for_programs(client, db):
    who = await holders(client, db)
    lic = await licence(db, who["driver"]["user"]["id"], "taxi_driver_qualification", "QC-2")
    token = (await verification_link(client, who["driver"], lic))["token"]
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")

    page = await client.get(f"/verify/{altered}", headers=BROWSER)
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert "核验未通过" in page.text and "核验码无效或已被篡改" in page.text and "QC-2" not in page.text

    problem = await client.get(f"/verify/{altered}")
    assert problem.status_code == 400 and problem.json()["code"] == "verification_token_invalid"

    await db.execute("DELETE FROM licences WHERE id = $1", lic)
    gone = await client.get(f"/verify/{token}", headers=BROWSER)
    assert gone.status_code == 404 and "没有找到该电子证照" in gone.text
