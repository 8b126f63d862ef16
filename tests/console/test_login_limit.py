"""The console's sign-in form shares the API's login limit (30 a minute per client address, kept
in Redis): past it, a 429 with a Chinese message on the page, and the right password waits too."""

from __future__ import annotations

from api.auth.routes import login_rate_limit
from api.console.session import CSRF_COOKIE
from tests.console.helpers import account
from tests.factories import STAFF_PASSWORD

LIMIT = login_rate_limit.rate_limit[1]


async def _try(client, phone: str, password: str, htmx: bool = True):
    headers = {"hx-request": "true"} if htmx else {}
    return await client.post("/console/login", data={"phone": phone, "password": password,
                                                     "_csrf_token": client.cookies.get(CSRF_COOKIE)}, headers=headers)


async def test_too_many_sign_in_tries_get_a_429_with_a_chinese_message(client, db):
    await account(db, phone="13900007001", roles=["approver"], steps=["accept"])
    assert (await client.get("/console/login")).status_code == 200  # the page itself is not counted
    wrong = await _try(client, "13900007001", "guess-123")
    assert wrong.status_code == 401, wrong.text
    # Every post counts, whatever it holds; the rest of the budget goes on malformed ones, which
    # skip the deliberately slow password hash (30 argon2 checks would make a slow test).
    for _ in range(LIMIT - 1):
        bad = await _try(client, "139", "guess")
        assert bad.status_code == 400, bad.text

    refused = await _try(client, "13900007001", STAFF_PASSWORD)  # even the right password waits
    assert refused.status_code == 429
    assert "登录尝试过于频繁" in refused.text and "秒后再试" in refused.text
    assert refused.headers["hx-retarget"] == "#flash"  # shown in the form's message area
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert "zsb_console" not in refused.cookies

    page = await _try(client, "13900007001", STAFF_PASSWORD, htmx=False)  # a form posted without script
    assert page.status_code == 429 and "<html" in page.text and "登录尝试过于频繁" in page.text

    # One budget for both doors: the JSON login is closed to this address as well.
    api = await client.post("/api/v1/auth/staff-login", json={"phone": "13900007001", "password": STAFF_PASSWORD})
    assert api.status_code == 429 and api.json()["code"] == "too_many_requests"
    assert (await client.get("/console/login")).status_code == 200
