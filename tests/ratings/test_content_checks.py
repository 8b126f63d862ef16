"""Issue 25: a rating's comment and an appended comment pass WeChat's content check (msgSecCheck 2.0,
scene 2, the author's openid) in a job before staff see them; a risky one is held — its author still
sees it, marked held, and is told; staff lists, the follow-up pages and the figures never show it.
Through the HTTP API and the job queue, live against the fake WeChat and in the sandbox."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import redis as redis_sync
from arq import create_pool
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.ratings.checks import HELD_TEXT, PENDING_TEXT
from jobs import redis_settings
from tests.conftest import live_settings
from tests.factories import applicant, run_jobs, staff, verify
from tests.ratings.helpers import finished_application

API = "/api/v1"
RISKY = "【违规测试】窗口的人说给钱就能办假证"
CLEAN = "窗口排队太久，希望增加自助取号机"


async def _login(client, db, name: str) -> dict:
    """A mini-program login through the live SDK and the fake (openid o-<name>)."""
    res = await client.post(f"{API}/auth/wechat", json={"code": f"wx-{name}"})
    assert res.status_code == 200, res.text
    user_id = await db.fetchval("SELECT id FROM users WHERE openid = $1", f"o-{name}")
    return {"id": user_id, "headers": (await verify(client, res.json(), name))["headers"]}  # F088


async def _rate(client, who: dict, app_id: int, comment: str, level: int = 1) -> dict:
    res = await client.post(f"{API}/ratings", headers=who["headers"],
                            json={"targetType": "application", "targetId": app_id, "level": level,
                                  "comment": comment})
    assert res.status_code == 201, res.text
    return res.json()


async def _staff_sees(client, admin: dict, rating_id: int) -> str:
    """Everything staff and the figures show about ratings, as one text."""
    listed = (await client.get(f"{API}/admin/ratings", headers=admin["headers"])).json()
    detail = (await client.get(f"{API}/admin/ratings/{rating_id}", headers=admin["headers"])).json()
    stats = await client.get(f"{API}/stats/reform", params={"from": "2026-01-01", "to": "2026-12-31"},
                             headers=admin["headers"])
    assert stats.status_code == 200, stats.text
    return repr([listed, detail, stats.json()])


async def _held_notices(client, who: dict) -> list[str]:
    inbox = (await client.get(f"{API}/me/notifications", headers=who["headers"])).json()
    return [i["text"] for i in inbox["items"] if i["title"] == "内容未通过安全检查"]


async def _enqueue(settings, *args, **kw) -> None:
    arq = await create_pool(redis_settings(settings.redis_url or ""))
    try:
        await arq.enqueue_job(*args, **kw)
    finally:
        await arq.aclose()


async def test_a_risky_rating_comment_is_held_never_shown_to_staff_and_its_author_is_told(settings, wechat, db):
    live = live_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        me = await _login(client, db, "rater")
        admin = await staff(client, db, phone="13900009001", roles=["admin", "lead"], name="管理员")
        rating = await _rate(client, me, await finished_application(db, me["id"]), RISKY)
        seen = await _staff_sees(client, admin, rating["id"])
        assert "假证" not in seen and PENDING_TEXT in seen  # not before the check either
        await run_jobs(live)
        assert wechat.sec_checks == [{"content": RISKY, "version": 2, "scene": 2, "openid": "o-rater"}]
        seen = await _staff_sees(client, admin, rating["id"])
        assert "假证" not in seen and HELD_TEXT in seen
        [mine] = (await client.get(f"{API}/ratings", headers=me["headers"])).json()
        assert mine["comment"] == RISKY and mine["commentHeld"] is True
        [notice] = await _held_notices(client, me)
        assert "评价内容未通过微信内容安全检查" in notice
        # a second run of the job asks WeChat nothing and tells nobody again
        await _enqueue(live, "check_rating_text", "rating", rating["id"], _job_id="again")
        await run_jobs(live)
        assert len(wechat.sec_checks) == 1 and len(await _held_notices(client, me)) == 1
        # a lead reviews it and may let it through
        [held] = (await client.get(f"{API}/admin/ratings/held-texts", headers=admin["headers"])).json()
        assert held["kind"] == "rating" and held["text"] == RISKY and held["suggest"] == "risky"
        assert (await client.get(f"{API}/admin/ratings/held-texts", headers=me["headers"])).status_code == 403
        url = f"{API}/admin/ratings/held-texts/rating/{rating['id']}/release"
        assert (await client.post(url, headers=admin["headers"])).status_code == 204
        assert RISKY in await _staff_sees(client, admin, rating["id"])
        again = await client.post(url, headers=admin["headers"])
        assert again.status_code == 404 and again.json()["code"] == "held_rating_text_not_found"


async def test_a_clean_comment_reaches_staff_once_wechat_passed_it(settings, wechat, db):
    live = live_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        me = await _login(client, db, "clean")
        admin = await staff(client, db, phone="13900009001", roles=["admin"], name="管理员")
        rating = await _rate(client, me, await finished_application(db, me["id"]), CLEAN, level=4)
        assert CLEAN not in await _staff_sees(client, admin, rating["id"])
        await run_jobs(live)
        assert CLEAN in await _staff_sees(client, admin, rating["id"])
        assert await _held_notices(client, me) == []


async def test_a_risky_appended_comment_is_held_from_the_follow_up_and_a_clean_one_reaches_it(client, db):
    """Sandbox: the rule decides at once; the bad review's follow-up hears only of the clean comment."""
    me = await applicant(client, "appender")
    admin = await staff(client, db, phone="13900009001", roles=["admin", "lead"], name="管理员")
    rating = await _rate(client, me, await finished_application(db, me["user"]["id"]), "办得太慢")
    risky = await client.post(f"{API}/ratings/{rating['id']}/comments", json={"text": RISKY}, headers=me["headers"])
    assert risky.status_code == 201, risky.text
    assert [(c["text"], c["held"]) for c in risky.json()["comments"]] == [(RISKY, True)]
    ok = await client.post(f"{API}/ratings/{rating['id']}/comments", json={"text": CLEAN}, headers=me["headers"])
    assert ok.status_code == 201
    seen = await _staff_sees(client, admin, rating["id"])
    assert "假证" not in seen and HELD_TEXT in seen and CLEAN in seen
    events = (await client.get(f"{API}/admin/ratings/{rating['id']}", headers=admin["headers"])).json()["events"]
    assert [e["note"] for e in events if e["kind"] == "comment"] == [CLEAN]
    assert ["追加评论" in n for n in await _held_notices(client, me)] == [True]


async def test_a_rating_check_whose_job_was_lost_is_found_by_the_sweeper(settings, wechat, db):
    live = live_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        me = await _login(client, db, "lost")
        rating = await _rate(client, me, await finished_application(db, me["id"]), CLEAN, level=4)
    redis_sync.Redis.from_url(live.redis_url).flushdb()  # the queued check is gone (a restarted Redis, say)
    await run_jobs(live)
    assert await db.fetchval("SELECT content_check FROM ratings WHERE id = $1", rating["id"]) == "pending"
    await _enqueue(live, "sweep_text_checks")
    later = datetime.now(timezone.utc) + timedelta(minutes=2)
    await run_jobs(live, clock=lambda: later)
    assert await db.fetchval("SELECT content_check FROM ratings WHERE id = $1", rating["id"]) == "pass"
    assert len(wechat.sec_checks) == 1
