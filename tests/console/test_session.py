"""Console sign-in, CSRF, security headers and the role guards (without a browser)."""

from __future__ import annotations

import re

from api.app import create_app
from api.settings import Settings
from tests.console.helpers import account, csrf, post, sign_in
from tests.factories import applicant

# Every console page, with its path parameters filled in: the guards must hold on all of them.
_APP = create_app(Settings(env="test", jwt_secret="x" * 40, database_url="postgresql://unused",
                           redis_url="redis://localhost:1"))
PAGES = sorted(
    (method, re.sub(r"\{[^}]+\}", "1", route.path))
    for route in _APP.routes if route.path.startswith("/console") and not route.path.startswith("/console/static")
    and route.path not in ("/console/login", "/console/password", "/console/logout", "/console/helpdesk/live")
    for method in getattr(route, "methods", ()) if method in ("GET", "POST")
)


async def test_staff_sign_in_sets_a_session_cookie_that_is_httponly_and_samesite_lax(client, db):
    await account(db, phone="13900002001", roles=["helpdesk"], name="李导航")
    res = await sign_in(client, "13900002001")
    assert res.status_code == 200 and res.headers["hx-redirect"] == "/console/"
    cookie = next(v for k, v in res.headers.multi_items() if k == "set-cookie" and v.startswith("zsb_console="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "Path=/console" in cookie
    assert "Secure" not in cookie  # test settings; production sets Secure
    home = await client.get("/console/")
    assert home.status_code == 200 and "李导航" in home.text and "咨询接待" in home.text
    assert "审批待办" not in home.text  # a navigator's menu has no approver pages


async def test_the_session_cookie_is_secure_outside_dev_and_test(settings):
    from api.console.session import csrf_config, session_config

    production = Settings(env="production", jwt_secret="y" * 40)
    assert session_config(production).secure and csrf_config(production).cookie_secure
    assert not session_config(settings).secure


async def test_a_wrong_password_is_refused_with_a_message_and_no_session(client, db):
    await account(db, phone="13900002002", roles=["approver"], steps=["accept"])
    res = await sign_in(client, "13900002002", "wrong-password-1")
    assert res.status_code == 401 and "手机号或密码不正确" in res.text
    assert "zsb_console" not in client.cookies
    assert (await client.get("/console/", follow_redirects=False)).status_code == 303


async def test_a_malformed_phone_is_a_400_not_a_500(client):
    await client.get("/console/login")
    res = await client.post("/console/login", data={"phone": "12", "password": "x"}, headers=csrf(client))
    assert res.status_code == 400 and "格式不正确" in res.text


async def test_anonymous_visitors_are_sent_to_the_login_page(client):
    res = await client.get("/console/admin/slots", follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == "/console/login"
    res = await client.get("/console/helpdesk", headers={"hx-request": "true"}, follow_redirects=False)
    assert res.status_code == 401 and res.headers["hx-redirect"] == "/console/login"


async def test_a_bearer_token_does_not_open_the_console(client, db):
    person = await applicant(client, "li")
    res = await client.get("/console/", headers=person["headers"], follow_redirects=False)
    assert res.status_code == 303


async def test_an_applicant_session_cannot_open_any_console_page(client, db):
    assert len(PAGES) >= 15, PAGES
    await account(db, phone="13700002003", roles=["applicant"], name="王申请")
    assert (await sign_in(client, "13700002003")).status_code == 200
    for method, path in PAGES:
        res = await (client.get(path, follow_redirects=False) if method == "GET" else post(client, path))
        assert res.status_code == 403, (method, path, res.status_code)
    res = await client.get("/console/")
    assert "没有权限" in res.text and "退出" in res.text  # they can still sign out


async def test_a_navigator_cannot_open_approver_or_admin_pages(client, db):
    await account(db, phone="13900002004", roles=["helpdesk"])
    await sign_in(client, "13900002004")
    for path in ("/console/admin/slots", "/console/admin/ratings"):
        assert (await client.get(path)).status_code == 403, path
    assert (await client.get("/console/helpdesk")).status_code == 200


async def test_a_post_without_the_csrf_token_is_refused(client, db):
    await account(db, phone="13900002005", roles=["helpdesk"])
    await sign_in(client, "13900002005")
    res = await client.post("/console/helpdesk/1/claim", headers={"hx-request": "true"})
    assert res.status_code == 403 and "页面已过期" in res.text
    res = await client.post("/console/helpdesk/1/claim", headers={"x-csrftoken": "forged", "hx-request": "true"})
    assert res.status_code == 403


async def test_the_json_api_needs_no_csrf_token(client, db):
    await account(db, phone="13900002006", roles=["admin"])
    res = await client.post("/api/v1/auth/staff-login",
                            json={"phone": "13900002006", "password": "staff-password-2026"})
    assert res.status_code == 200
    assert "content-security-policy" not in res.headers  # console headers stay on the console


async def test_console_pages_carry_the_security_headers(client):
    res = await client.get("/console/login")
    assert res.headers["x-frame-options"] == "DENY"
    assert res.headers["x-content-type-options"] == "nosniff"
    assert res.headers["referrer-policy"] == "same-origin"
    csp = res.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert 'src="/console/static/htmx.min.js"' in res.text and "<script>" not in res.text
    js = await client.get("/console/static/htmx.min.js")
    assert js.status_code == 200 and "htmx" in js.text[:200]


async def test_logout_ends_the_session_on_the_server(client, db):
    await account(db, phone="13900002007", roles=["admin"])
    await sign_in(client, "13900002007")
    stolen = client.cookies.get("zsb_console")
    res = await client.post("/console/logout", data={"_csrf_token": client.cookies.get("zsb_csrf")},
                            follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == "/console/login"
    client.cookies.set("zsb_console", stolen, domain="testserver.local", path="/console")
    assert (await client.get("/console/", follow_redirects=False)).status_code == 303


async def test_sign_in_gives_a_new_session_id_not_a_planted_one(client, db):
    await account(db, phone="13900002008", roles=["admin"])
    client.cookies.set("zsb_console", "planted-by-someone-else", domain="testserver.local", path="/console")
    res = await sign_in(client, "13900002008")
    cookie = next(v for k, v in res.headers.multi_items() if k == "set-cookie" and v.startswith("zsb_console="))
    assert not cookie.startswith("zsb_console=planted") and len(cookie.split(";")[0]) > 40


async def test_a_disabled_account_loses_the_console_at_once(client, db):
    uid = await account(db, phone="13900002009", roles=["admin"])
    await sign_in(client, "13900002009")
    assert (await client.get("/console/")).status_code == 200
    await db.execute("UPDATE users SET disabled = true WHERE id = $1", uid)
    assert (await client.get("/console/", follow_redirects=False)).status_code == 303
