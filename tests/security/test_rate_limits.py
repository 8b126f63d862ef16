"""Each rate limit counts in its own key space, and citizens are counted by account where they have
one: many phones share one address behind a mobile carrier's NAT. The test client is one address,
which is exactly that situation."""

from __future__ import annotations

from api.applications.routes import progress_rate_limit
from api.auth.routes import citizen_login_rate_limit, login_rate_limit
from api.faq.routes import ask_rate_limit
from tests.factories import applicant, bearer

API = "/api/v1"
PROGRESS = progress_rate_limit.rate_limit[1]


async def _progress(client, headers=None) -> int:
    return (await client.get(f"{API}/progress/NO-SUCH-CASE", headers=headers or {})).status_code


async def test_thirty_faq_questions_leave_the_wechat_login_open(client):
    assert ask_rate_limit.rate_limit[1] > 30
    for _ in range(30):
        assert (await client.get(f"{API}/faq/ask", params={"q": "驾驶证"})).status_code == 200
    res = await client.post(f"{API}/auth/wechat", json={"code": "dev-after-faq"})
    assert res.status_code == 200, res.text


async def test_progress_look_ups_do_not_lock_staff_out_of_their_login(client):
    for _ in range(login_rate_limit.rate_limit[1] + 10):
        assert await _progress(client) == 404
    res = await client.post(f"{API}/auth/staff-login", json={"phone": "139", "password": "guess"})
    assert res.status_code == 400, res.text  # refused for what it holds, not for the look-ups


async def test_password_guesses_do_not_close_the_citizens_wechat_login(client):
    for _ in range(login_rate_limit.rate_limit[1] + 2):
        await client.post(f"{API}/auth/staff-login", json={"phone": "139", "password": "guess"})
    assert (await client.post(f"{API}/auth/staff-login", json={"phone": "139", "password": "guess"})).status_code == 429
    assert (await client.post(f"{API}/auth/wechat", json={"code": "dev-next-door"})).status_code == 200


async def test_a_hundred_people_behind_one_carrier_address_can_all_log_in_within_a_minute(client):
    assert citizen_login_rate_limit.rate_limit[1] >= 100
    for i in range(100):
        await applicant(client, f"nat{i}")  # asserts 200


async def test_citizens_behind_one_address_each_have_their_own_budget(client):
    zhang, li = await applicant(client, "zhang"), await applicant(client, "li")
    statuses = [await _progress(client, zhang["headers"]) for _ in range(PROGRESS + 1)]
    assert statuses[:PROGRESS] == [404] * PROGRESS and statuses[-1] == 429
    assert await _progress(client, li["headers"]) == 404  # Li, on the same address, is not Zhang
    assert await _progress(client) == 404  # nor is anyone not signed in there


async def test_made_up_tokens_do_not_buy_fresh_budgets(client):
    statuses = [await _progress(client, bearer(f"forged.token.{i}")) for i in range(PROGRESS + 1)]
    assert statuses[:PROGRESS] == [404] * PROGRESS and statuses[-1] == 429
    assert await _progress(client) == 429  # they were counted against the address
