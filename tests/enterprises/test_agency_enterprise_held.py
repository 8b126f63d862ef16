"""F093 with F092: 代办 is for a person's own matters. A licence an enterprise holds (经营许可, 道路运输证,
包车备案, 维修备案 ...) or a vehicle's registered to a company is refused when the 代办 filing is
created — the enterprise's 经办人 files it — not first when it is submitted."""

from __future__ import annotations

import pytest

from tests.enterprises.helpers import API, filing_body, pair


@pytest.mark.parametrize("service, answers", [
    ("freight-operating-permit", {"hasVehicle": "no", "agent": "no"}),
    ("repair-filing", {"category": "class3"}),
    ("ride-hailing-vehicle-permit", {"owner": "company"}),
])
async def test_an_enterprises_licence_is_refused_when_the_filing_is_created(client, db, service, answers):
    principal, agent = await pair(client, db)
    res = await client.post(f"{API}/agency/filings", headers=agent["headers"],
                            json=filing_body(principal, serviceCode=service, answers=answers, form={}))
    assert res.status_code == 422, res.text
    problem = res.json()
    assert problem["code"] == "holder_kind_mismatch" and problem["switchTo"] == "enterprise", problem
    assert "代办只用于为他人办理个人事项" in problem["detail"] and "经办人" in problem["detail"], problem
    assert await db.fetchval("SELECT count(*) FROM agency_filings") == 0
    assert await db.fetchval("SELECT count(*) FROM applications") == 0
