"""Issue 25: a complaint's text passes WeChat's content check (msgSecCheck 2.0, scene 2, the author's
openid) in a job before the bureau's queue shows it; a risky text is held — kept for its author and
the reviewers, never shown to the handlers — and the author is told. Through the HTTP API and the
job queue, live against the fake WeChat (the sandbox's rule off) and in the sandbox."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import redis as redis_sync
from arq import create_pool
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.complaints.checks import HELD_TEXT, PENDING_TEXT
from jobs import redis_settings
from tests.complaints.helpers import API, citizen, file, handler
from tests.conftest import live_settings
from tests.factories import run_jobs, staff, verify

RISKY = "【违规测试】窗口有人说可以帮忙办假证"
CLEAN = "窗口排队太久，希望增加一个自助取号机。"


async def _login(client, name: str) -> dict:
    """A mini-program login through the live SDK and the fake (openid o-<name>)."""
    res = await client.post(f"{API}/auth/wechat", json={"code": f"wx-{name}"})
    assert res.status_code == 200, res.text
    return await verify(client, res.json(), name)  # F088: complaints need a verified person


async def _staff_sees(client, who: dict, complaint_id: int) -> list[str]:
    listed = (await client.get(f"{API}/admin/complaints", headers=who["headers"])).json()
    detail = (await client.get(f"{API}/admin/complaints/{complaint_id}", headers=who["headers"])).json()
    return [c["text"] for c in listed] + [detail["text"]]


async def _enqueue(settings, *args, **kw) -> None:
    arq = await create_pool(redis_settings(settings.redis_url or ""))
    try:
        await arq.enqueue_job(*args, **kw)
    finally:
        await arq.aclose()


async def _held_notices(client, who: dict) -> list[str]:
    """What the author's in-app inbox says about held texts."""
    inbox = (await client.get(f"{API}/me/notifications", headers=who["headers"])).json()
    return [i["text"] for i in inbox["items"] if i["title"] == "内容未通过安全检查"]


async def test_a_risky_complaint_is_held_never_reaches_the_handlers_and_its_author_is_told(settings, wechat, db):
    live = live_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        me = await _login(client, "risky")
        admin = await handler(client, db)
        filed = await file(client, me, text=RISKY)
        assert await _staff_sees(client, admin, filed["id"]) == [PENDING_TEXT, PENDING_TEXT]  # not before the check
        await run_jobs(live)
        assert wechat.sec_checks == [{"content": RISKY, "version": 2, "scene": 2, "openid": "o-risky"}]
        seen = await _staff_sees(client, admin, filed["id"])
        assert seen == [HELD_TEXT, HELD_TEXT] and all("假证" not in t for t in seen)
        # the author still sees what they wrote, and is told in the app
        assert (await client.get(f"{API}/complaints/{filed['id']}", headers=me["headers"])).json()["text"] == RISKY
        [notice] = await _held_notices(client, me)
        assert "投诉内容未通过微信内容安全检查" in notice
        # a second run of the job (an arq retry) asks WeChat nothing and tells nobody again
        await _enqueue(live, "check_complaint_text", filed["id"], _job_id="again")
        await run_jobs(live)
        assert len(wechat.sec_checks) == 1 and len(await _held_notices(client, me)) == 1
    assert await db.fetchval("SELECT content_check FROM complaints WHERE id = $1", filed["id"]) == "held"


async def test_a_clean_complaint_reaches_the_handlers_once_wechat_passed_it(settings, wechat, db):
    live = live_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        me = await _login(client, "clean")
        admin = await handler(client, db)
        filed = await file(client, me, text=CLEAN)
        assert CLEAN not in await _staff_sees(client, admin, filed["id"])
        await run_jobs(live)
        assert await _staff_sees(client, admin, filed["id"]) == [CLEAN, CLEAN]
        assert await _held_notices(client, me) == []
    assert [c["openid"] for c in wechat.sec_checks] == ["o-clean"]


async def test_the_sandbox_rule_holds_a_marked_complaint_at_once_and_a_lead_releases_it(client, db):
    me = await citizen(client, "sandboxed")
    admin = await handler(client, db)
    lead = await staff(client, db, phone="13900001010", roles=["lead"], name="组长 周")
    filed = await file(client, me, text=RISKY)
    assert await _staff_sees(client, admin, filed["id"]) == [HELD_TEXT, HELD_TEXT]
    assert len(await _held_notices(client, me)) == 1
    [held] = (await client.get(f"{API}/admin/complaints/held-texts", headers=lead["headers"])).json()
    assert held["id"] == filed["id"] and held["text"] == RISKY and held["suggest"] == "risky"
    other = await citizen(client, "other")  # a citizen may not review
    assert (await client.get(f"{API}/admin/complaints/held-texts", headers=other["headers"])).status_code == 403
    res = await client.post(f"{API}/admin/complaints/{filed['id']}/release-text", headers=lead["headers"])
    assert res.status_code == 204
    assert await _staff_sees(client, admin, filed["id"]) == [RISKY, RISKY]
    again = await client.post(f"{API}/admin/complaints/{filed['id']}/release-text", headers=lead["headers"])
    assert again.status_code == 404 and again.json()["code"] == "held_complaint_not_found"
    ok = await file(client, me, text=CLEAN)
    assert (await client.get(f"{API}/admin/complaints/{ok['id']}", headers=admin["headers"])).json()["text"] == CLEAN


async def test_a_complaint_check_whose_job_was_lost_is_found_by_the_sweeper(settings, wechat, db):
    live = live_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        me = await _login(client, "lost")
        filed = await file(client, me, text=CLEAN)
    redis_sync.Redis.from_url(live.redis_url).flushdb()  # the queued check is gone (a restarted Redis, say)
    await run_jobs(live)
    assert await db.fetchval("SELECT content_check FROM complaints WHERE id = $1", filed["id"]) == "pending"
    await _enqueue(live, "sweep_text_checks")
    later = datetime.now(timezone.utc) + timedelta(minutes=2)
    await run_jobs(live, clock=lambda: later)
    assert await db.fetchval("SELECT content_check FROM complaints WHERE id = $1", filed["id"]) == "pass"
    assert len(wechat.sec_checks) == 1


async def test_a_risky_comment_on_the_answer_is_held_from_the_handlers_and_checked_in_the_job(settings, wechat, db):
    live = live_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        me = await _login(client, "rates")
        admin = await handler(client, db)
        lead = await staff(client, db, phone="13900001010", roles=["lead"], name="组长 周")
        filed = await file(client, me, text=CLEAN)
        await run_jobs(live)
        answered = await client.post(f"{API}/admin/complaints/{filed['id']}/answer", headers=admin["headers"],
                                     json={"text": "经核实，已增加自助取号机一台。"})
        assert answered.status_code == 200, answered.text
        rated = await client.post(f"{API}/complaints/{filed['id']}/rating", json={"level": 1, "comment": RISKY},
                                  headers=me["headers"])
        assert rated.status_code == 200, rated.text
        detail = (await client.get(f"{API}/admin/complaints/{filed['id']}", headers=admin["headers"])).json()
        assert detail["ratingComment"] == PENDING_TEXT and detail["rating"] == 1  # not before the check
        await run_jobs(live)
        assert wechat.sec_checks[-1] == {"content": RISKY, "version": 2, "scene": 2, "openid": "o-rates"}
        listed = (await client.get(f"{API}/admin/complaints", headers=admin["headers"])).json()
        detail = (await client.get(f"{API}/admin/complaints/{filed['id']}", headers=admin["headers"])).json()
        assert "假证" not in repr([listed, detail]) and detail["ratingComment"] == HELD_TEXT
        [notice] = await _held_notices(client, me)
        assert "投诉评价内容未通过微信内容安全检查" in notice
        [held] = (await client.get(f"{API}/admin/complaints/held-texts", headers=lead["headers"])).json()
        assert (held["part"], held["text"]) == ("rating", RISKY)
        released = await client.post(f"{API}/admin/complaints/{filed['id']}/release-text", params={"part": "rating"},
                                     headers=lead["headers"])
        assert released.status_code == 204
        detail = (await client.get(f"{API}/admin/complaints/{filed['id']}", headers=admin["headers"])).json()
        assert detail["ratingComment"] == RISKY and detail["text"] == CLEAN
    assert len(wechat.sec_checks) == 2
