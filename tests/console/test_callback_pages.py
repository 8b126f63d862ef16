"""Help-desk pages over HTTP: a conversation linked to the user's case, canned replies from the
knowledge base, the phone callback claimed and its outcome recorded, the user's consultation record."""

from __future__ import annotations

import pytest

from tests.console.helpers import post, sign_in
from tests.factories import applicant, staff
from tests.helpdesk.conftest import pin_to_working_hours
from tests.helpdesk.helpers import case_in_supplement, claimed_consultation

AGENT = "13900003001"


@pytest.fixture(autouse=True)
def during_working_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_to_working_hours(monkeypatch)


async def test_a_case_linked_consultation_is_called_back_from_the_console(client, db):
    me = await applicant(client, "callme")
    await db.execute("UPDATE users SET name = '王小明', phone = '13812345678' WHERE id = $1", me["user"]["id"])
    _, public_no = await case_in_supplement(client, me)
    agent = await staff(client, db, phone=AGENT, roles=["helpdesk"], name="导航员 陈静")
    conv = await claimed_consultation(client, db, me, agent)
    await sign_in(client, AGENT)

    canned = await client.get("/console/helpdesk/canned", params={"q": "出租车资格证怎么办"},
                              headers={"hx-request": "true"})
    assert canned.status_code == 200 and 'data-fill="#reply-text"' in canned.text
    wrong = await post(client, f"/console/helpdesk/{conv}/case", {"public_no": "WZ-20260101-ZZZZZZZZZ",
                                                                 "important": "on"})
    assert wrong.status_code == 404  # not this user's case (nor anyone's): "not found", as the API
    linked = await post(client, f"/console/helpdesk/{conv}/case", {"public_no": public_no, "important": "on"})
    assert linked.status_code == 200 and "已关联办件" in linked.text and public_no in linked.text
    assert "重要咨询" in linked.text
    assert (await post(client, f"/console/helpdesk/{conv}/resolve", {})).status_code == 200

    due = await client.get("/console/helpdesk/callbacks")
    assert due.status_code == 200 and public_no in due.text and "王**" in due.text
    callback = await db.fetchval("SELECT id FROM helpdesk_callbacks WHERE conversation_id = $1", conv)
    before = await client.get(f"/console/helpdesk/callbacks/{callback}")
    assert "138****5678" in before.text and "13812345678" not in before.text  # not the holder yet
    claimed = await post(client, f"/console/helpdesk/callbacks/{callback}/claim")
    assert claimed.status_code == 200 and "已领取" in claimed.text and 'href="tel:13812345678"' in claimed.text
    bad = await post(client, f"/console/helpdesk/callbacks/{callback}/outcome", {"outcome": "maybe"})
    assert bad.status_code == 422
    done = await post(client, f"/console/helpdesk/callbacks/{callback}/outcome",
                      {"outcome": "solved", "follow_up": "reopen", "note": "已说明补正材料"})
    assert done.status_code == 200 and "已记录：已解决" in done.text
    row = await db.fetchrow("SELECT status, attempts FROM helpdesk_callbacks WHERE id = $1", callback)
    assert (row["status"], row["attempts"]) == ("solved", 1)

    # the user asks again: the agent sees the earlier consultation beside the new one
    res = await client.post("/api/v1/chat/messages", headers=me["headers"], json={"text": "补正材料交了以后多久有结果？"})
    assert res.status_code == 201, res.text
    again = await db.fetchval("SELECT id FROM conversations WHERE user_id = $1 AND id <> $2 ORDER BY id DESC LIMIT 1",
                              me["user"]["id"], conv)
    page = await client.get(f"/console/helpdesk/{again}")
    assert page.status_code == 200 and "咨询记录（此前 1 次）" in page.text and public_no in page.text
