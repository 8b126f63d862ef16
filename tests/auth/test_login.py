from __future__ import annotations

import asyncio
import time

import jwt as pyjwt
from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.conftest import JWT_SECRET, live_settings
from tests.factories import applicant, bearer, staff


async def test_sandbox_wechat_login_gives_tokens_and_the_same_account_each_time(client, db):
    first = await applicant(client, "li")
    second = await applicant(client, "li")
    assert first["user"]["id"] == second["user"]["id"]
    assert first["user"]["roles"] == ["applicant"]
    assert await db.fetchval("SELECT count(*) FROM users WHERE openid = 'sandbox-li'") == 1
    me = await client.get("/api/v1/me", headers=first["headers"])
    assert me.status_code == 200
    assert me.json()["id"] == first["user"]["id"]


async def test_sandbox_rejects_codes_that_are_not_dev_codes(client):
    res = await client.post("/api/v1/auth/wechat", json={"code": "garbage"})
    assert res.status_code == 400
    assert res.headers["content-type"].startswith("application/problem+json")
    assert res.json()["code"] == "wechat_code_invalid"


async def test_live_wechat_login_runs_wechatpy_against_the_fake(settings, wechat, db):
    async with AsyncTestClient(app=create_app(live_settings(settings, wechat))) as client:
        res = await client.post("/api/v1/auth/wechat", json={"code": "wx-wang"})
        assert res.status_code == 200, res.text
        again = await client.post("/api/v1/auth/wechat", json={"code": "wx-wang-2"})
        reused = await client.post("/api/v1/auth/wechat", json={"code": "wx-wang"})
        bad = await client.post("/api/v1/auth/wechat", json={"code": "nonsense"})
    assert wechat.calls("/sns/jscode2session")
    assert res.json()["user"]["id"] != again.json()["user"]["id"]  # o-wang vs o-wang-2
    assert reused.status_code == 400 and reused.json()["code"] == "wechat_code_invalid"
    assert bad.status_code == 400 and bad.json()["code"] == "wechat_code_invalid"
    # the unionid joins the login to the same person's official-account follow (notify/followers.py)
    row = await db.fetchrow("SELECT openid, unionid FROM users WHERE id = $1", res.json()["user"]["id"])
    assert (row["openid"], row["unionid"]) == ("o-wang", "u-wang")
    # the token came from stable_token, never from the legacy endpoint that invalidates others
    assert wechat.calls("/cgi-bin/stable_token") and not wechat.calls("/cgi-bin/token")


async def test_the_same_wechat_user_maps_to_one_account_in_live_mode(settings, wechat):
    async with AsyncTestClient(app=create_app(live_settings(settings, wechat))) as client:
        first = await client.post("/api/v1/auth/wechat", json={"code": "wx-sun"})
        wechat.used_codes.clear()  # WeChat issues a fresh code for the same user next time
        second = await client.post("/api/v1/auth/wechat", json={"code": "wx-sun"})
    assert first.json()["user"]["id"] == second.json()["user"]["id"]


async def test_wechat_http_500_is_a_503_problem_not_a_500(settings, wechat):
    wechat.fail_status = 500
    async with AsyncTestClient(app=create_app(live_settings(settings, wechat))) as client:
        res = await client.post("/api/v1/auth/wechat", json={"code": "wx-zhou"})
    assert res.status_code == 503
    assert res.json()["code"] == "wechat_unavailable"


async def test_wechat_timeout_is_a_503_problem(settings, wechat):
    wechat.delay = 2.5  # the client gives up after wechat_timeout_seconds=1
    async with AsyncTestClient(app=create_app(live_settings(settings, wechat))) as client:
        started = time.monotonic()
        res = await client.post("/api/v1/auth/wechat", json={"code": "wx-wu"})
    assert res.status_code == 503 and res.json()["code"] == "wechat_unavailable"
    assert time.monotonic() - started < 10


async def test_one_access_token_is_shared_by_every_app_process(settings, wechat):
    live = live_settings(settings, wechat)
    apps = [create_app(live) for _ in range(3)]
    async with AsyncTestClient(app=apps[0]) as c1, AsyncTestClient(app=apps[1]) as c2, \
            AsyncTestClient(app=apps[2]) as c3:
        results = await asyncio.gather(*(c.post("/api/v1/auth/wechat", json={"code": f"wx-p{i}"})
                                         for i, c in enumerate((c1, c2, c3))))
    assert all(r.status_code == 200 for r in results)
    assert len(wechat.calls("/cgi-bin/stable_token")) == 1


async def test_binding_a_phone_through_wechat_in_live_mode(settings, wechat, db):
    async with AsyncTestClient(app=create_app(live_settings(settings, wechat))) as client:
        login = (await client.post("/api/v1/auth/wechat", json={"code": "wx-feng"})).json()
        wechat.expire_tokens()  # the cached token is now rejected with 40001: refresh once, retry
        res = await client.post("/api/v1/me/phone", json={"code": "phone-13812345678"},
                                headers=bearer(login["accessToken"]))
        bad = await client.post("/api/v1/me/phone", json={"code": "junk"}, headers=bearer(login["accessToken"]))
    assert res.status_code == 200, res.text
    assert res.json()["phone"] == "13812345678"
    assert bad.status_code == 400 and bad.json()["code"] == "wechat_phone_code_invalid"
    assert await db.fetchval("SELECT phone FROM users WHERE openid = 'o-feng'") == "13812345678"


async def test_a_phone_bound_to_one_account_cannot_be_bound_to_another(client):
    a = await applicant(client, "a1")
    b = await applicant(client, "b1")
    first = await client.post("/api/v1/me/phone", json={"code": "dev-13811112222"}, headers=a["headers"])
    second = await client.post("/api/v1/me/phone", json={"code": "dev-13811112222"}, headers=b["headers"])
    assert first.status_code == 200
    assert second.status_code == 409 and second.json()["code"] == "phone_taken"


async def test_staff_login_with_argon2_password(client, db):
    body = await staff(client, db, phone="13700000001", roles=["approver"], steps=["accept"])
    assert body["user"]["roles"] == ["approver"]
    stored = await db.fetchval("SELECT password_hash FROM users WHERE phone = '13700000001'")
    assert stored.startswith("$argon2")
    wrong = await client.post("/api/v1/auth/staff-login", json={"phone": "13700000001", "password": "nope"})
    unknown = await client.post("/api/v1/auth/staff-login", json={"phone": "13700000099", "password": "nope"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "bad_credentials"
    assert unknown.status_code == 401 and unknown.json()["code"] == "bad_credentials"


async def test_an_applicant_without_a_password_cannot_use_staff_login(client, db):
    a = await applicant(client, "nopass")
    await db.execute("UPDATE users SET phone = '13766665555' WHERE id = $1", a["user"]["id"])
    res = await client.post("/api/v1/auth/staff-login", json={"phone": "13766665555", "password": "whatever"})
    assert res.status_code == 401


async def test_refresh_rotates_and_a_used_refresh_token_revokes_the_family(client):
    first = await applicant(client, "rot")
    rotated = await client.post("/api/v1/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert rotated.status_code == 200
    new = rotated.json()
    assert new["refreshToken"] != first["refreshToken"]
    replay = await client.post("/api/v1/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert replay.status_code == 401 and replay.json()["code"] == "refresh_token_invalid"
    # the replay revoked the whole family: the newer token is dead too
    after = await client.post("/api/v1/auth/refresh", json={"refreshToken": new["refreshToken"]})
    assert after.status_code == 401


async def test_a_logged_out_refresh_token_cannot_be_used(client):
    body = await applicant(client, "out")
    assert (await client.post("/api/v1/auth/logout", json={"refreshToken": body["refreshToken"]})).status_code == 204
    res = await client.post("/api/v1/auth/refresh", json={"refreshToken": body["refreshToken"]})
    assert res.status_code == 401


async def test_tampered_and_expired_access_tokens_are_401(client):
    body = await applicant(client, "tamper")
    token = body["accessToken"]
    head, payload, sig = token.split(".")
    tampered = f"{head}.{payload}.{sig[:-3]}{'AAA' if not sig.endswith('AAA') else 'BBB'}"
    assert (await client.get("/api/v1/me", headers=bearer(tampered))).status_code == 401
    expired = pyjwt.encode({"sub": str(body["user"]["id"]), "exp": int(time.time()) - 10, "iat": int(time.time()) - 100,
                            "typ": "access", "roles": ["applicant"]}, JWT_SECRET, algorithm="HS256",
                           headers={"kid": "k1"})
    res = await client.get("/api/v1/me", headers=bearer(expired))
    assert res.status_code == 401 and res.json()["code"] == "unauthorized"
    forged = pyjwt.encode({"sub": "1", "exp": int(time.time()) + 100, "iat": int(time.time()),
                           "typ": "access", "roles": ["admin"]}, "another-secret-of-sufficient-length!!",
                          algorithm="HS256", headers={"kid": "k1"})
    assert (await client.get("/api/v1/me", headers=bearer(forged))).status_code == 401
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_a_refresh_token_is_not_an_access_token(client):
    body = await applicant(client, "typ")
    assert (await client.get("/api/v1/me", headers=bearer(body["refreshToken"]))).status_code == 401


async def test_login_routes_are_rate_limited_per_address(client):
    # password logins: 30 a minute per address (tests/security/test_rate_limits.py: the other limits)
    statuses = [(await client.post("/api/v1/auth/staff-login", json={"phone": "139", "password": "guess"})).status_code
                for _ in range(32)]
    assert statuses[:30] == [400] * 30
    assert statuses[-1] == 429
    last = await client.post("/api/v1/auth/staff-login", json={"phone": "139", "password": "guess"})
    assert last.json()["code"] == "too_many_requests"


async def test_validation_errors_are_400_problems_naming_the_field(client):
    res = await client.post("/api/v1/auth/staff-login", json={"phone": "12345", "password": "x"})
    assert res.status_code == 400
    body = res.json()
    assert body["code"] == "validation_failed"
    assert "phone" in body["detail"]
    unknown = await client.post("/api/v1/auth/wechat", json={"code": "dev-x", "extra": 1})
    assert unknown.status_code == 400
