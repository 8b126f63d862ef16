"""Issue 25: what users write to the help desk passes WeChat's content check (msgSecCheck 2.0, in a
job, with the author's openid and scene) before an agent sees it; a risky text is held, reaches no
one else, and its author is told. The sandbox's rule decides at once in dev."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import redis as redis_sync
from arq import create_pool
from litestar.testing import AsyncTestClient

from api.app import create_app
from jobs import redis_settings
from tests.factories import applicant, bearer, run_jobs, staff
from tests.helpdesk.helpers import UNSURE
from tests.wechat.pushes import encrypted, push, push_settings, text_xml

API = "/api/v1"
RISKY = "【违规测试】有人能帮我办假证吗，我要人工"


async def _agent(client, db):
    return await staff(client, db, phone="13900002001", roles=["helpdesk"], name="导航员 陈静")


async def _login(client, name: str) -> dict:
    """A mini-program login through the live SDK and the fake (openid o-<name>)."""
    res = await client.post(f"{API}/auth/wechat", json={"code": f"wx-{name}"})
    assert res.status_code == 200, res.text
    return {**res.json(), "headers": bearer(res.json()["accessToken"])}


async def _agent_sees(client, agent) -> list[str]:
    texts = []
    for conv in (await client.get(f"{API}/helpdesk/conversations", params={"status": "all"},
                                  headers=agent["headers"])).json():
        texts.append(conv["lastText"] or "")
        detail = (await client.get(f"{API}/helpdesk/conversations/{conv['id']}", headers=agent["headers"])).json()
        texts += [m["text"] for m in detail["messages"]]
    search = (await client.get(f"{API}/helpdesk/conversations", params={"status": "all", "q": "假证"},
                               headers=agent["headers"])).json()
    return texts + [c["lastText"] or "" for c in search]


async def test_a_risky_chat_message_is_held_never_reaches_an_agent_and_its_author_is_told(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        me = await _login(client, "risky")
        agent = await _agent(client, db)
        sent = await client.post(f"{API}/chat/messages", json={"text": RISKY}, headers=me["headers"])
        assert sent.status_code == 201, sent.text
        assert all(RISKY not in t for t in await _agent_sees(client, agent))  # not before the check either
        await run_jobs(live)
        [check] = wechat.sec_checks
        assert check == {"content": RISKY, "version": 2, "scene": 2, "openid": "o-risky"}
        assert all(RISKY not in t and "假证" not in t for t in await _agent_sees(client, agent))
        mine = (await client.get(f"{API}/chat/messages", headers=me["headers"])).json()
    held = [m for m in mine if m["text"] == RISKY]
    assert held and held[0]["held"] is True
    assert any("未通过微信内容安全检查" in m["text"] and m["sender"] == "bot" for m in mine)
    row = await db.fetchrow("SELECT content_check, content_check_result FROM chat_messages WHERE text = $1", RISKY)
    assert row["content_check"] == "held" and row["content_check_result"]["suggest"] == "risky"


async def test_a_clean_message_reaches_the_agent_once_wechat_passed_it(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        me = await _login(client, "clean")
        agent = await _agent(client, db)
        assert (await client.post(f"{API}/chat/messages", json={"text": UNSURE}, headers=me["headers"])).status_code == 201
        assert UNSURE not in await _agent_sees(client, agent)  # pending: nobody but the author yet
        await run_jobs(live)
        assert UNSURE in await _agent_sees(client, agent)
    assert [c["openid"] for c in wechat.sec_checks] == ["o-clean"]


async def test_a_risky_wechat_text_is_held_and_the_author_hears_it_on_wechat(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        query, body = encrypted(text_xml("o-pushy", RISKY, 9301))
        assert (await push(client, query, body)).text == "success"
        await run_jobs(live)
        agent = await _agent(client, db)
        assert all(RISKY not in t for t in await _agent_sees(client, agent))
    assert {m["touser"] for m in wechat.messages} == {"o-pushy"}  # the author, nobody else
    assert any("未通过微信内容安全检查" in m["text"] for m in wechat.messages)  # its own job: any order


async def test_when_wechat_is_down_the_text_stays_held_back_and_is_checked_later(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        me = await _login(client, "later")
        agent = await _agent(client, db)
        wechat.hang_up("/wxa/msg_sec_check", times=1)
        assert (await client.post(f"{API}/chat/messages", json={"text": UNSURE}, headers=me["headers"])).status_code == 201
        await run_jobs(live)  # the check timed out: retried later, the text still unseen
        assert await db.fetchval("SELECT content_check FROM chat_messages WHERE text = $1", UNSURE) == "pending"
        assert UNSURE not in await _agent_sees(client, agent)


async def test_the_sandbox_rule_holds_a_marked_text_at_once(client, db):
    me = await applicant(client, "sandboxed")
    agent = await _agent(client, db)
    sent = (await client.post(f"{API}/chat/messages", json={"text": RISKY}, headers=me["headers"])).json()
    assert sent[0]["held"] is True and "未通过微信内容安全检查" in sent[1]["text"]
    assert all(RISKY not in t for t in await _agent_sees(client, agent))
    ok = (await client.post(f"{API}/chat/messages", json={"text": "人工"}, headers=me["headers"])).json()
    assert ok[0]["held"] is False
    assert "人工" in await _agent_sees(client, agent)


async def test_a_lead_reviews_held_texts_and_a_released_one_reaches_the_agents(client, db):
    me = await applicant(client, "reviewed")
    agent = await _agent(client, db)
    lead = await staff(client, db, phone="13900002010", roles=["lead"], name="组长 周")
    text = "【待复核测试】请问办证要多久，我要人工"
    assert (await client.post(f"{API}/chat/messages", json={"text": text}, headers=me["headers"])).status_code == 201
    # agents neither see it nor may open the review list
    assert (await client.get(f"{API}/helpdesk/held-messages", headers=agent["headers"])).status_code == 403
    [held] = (await client.get(f"{API}/helpdesk/held-messages", headers=lead["headers"])).json()
    assert held["text"] == text and held["suggest"] == "review"
    released = await client.post(f"{API}/helpdesk/held-messages/{held['id']}/release", headers=lead["headers"])
    assert released.status_code == 200 and released.json()["held"] is False
    assert text in await _agent_sees(client, agent)
    assert (await client.get(f"{API}/helpdesk/held-messages", headers=lead["headers"])).json() == []
    again = await client.post(f"{API}/helpdesk/held-messages/{held['id']}/release", headers=lead["headers"])
    assert again.status_code == 404 and again.json()["code"] == "held_message_not_found"


async def test_a_check_whose_job_was_lost_is_found_by_the_sweeper(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        me = await _login(client, "lost")
        assert (await client.post(f"{API}/chat/messages", json={"text": UNSURE}, headers=me["headers"])).status_code == 201
    redis_sync.Redis.from_url(live.redis_url).flushdb()  # the queued check is gone (a restarted Redis, say)
    await run_jobs(live)
    assert await db.fetchval("SELECT content_check FROM chat_messages WHERE text = $1", UNSURE) == "pending"
    arq = await create_pool(redis_settings(live.redis_url or ""))
    await arq.enqueue_job("sweep_chat_checks")
    await arq.aclose()
    later = datetime.now(timezone.utc) + timedelta(minutes=2)
    await run_jobs(live, clock=lambda: later)
    assert await db.fetchval("SELECT content_check FROM chat_messages WHERE text = $1", UNSURE) == "pass"
    assert len(wechat.sec_checks) == 1
