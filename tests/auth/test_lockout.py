"""Issue 17, item 4 (the per-account part): staff password guesses are limited per account, which
no address trick gets around; SMS codes have an hourly budget over all phones (SMS pumping)."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import redis as redis_sync
from litestar.testing import AsyncTestClient
from tests.logs import captured_events

from api.app import create_app
from api.auth import sms
from api.console.session import CSRF_COOKIE
from tests.auth.helpers import START
from tests.clock import use_clock
from tests.console.helpers import account
from tests.factories import STAFF_PASSWORD

PHONE = "13700172001"


def _spoofed(i: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"198.51.100.{i % 250 + 1}"}


async def _guess(client, password: str, i: int, phone: str = PHONE):
    return await client.post("/api/v1/auth/staff-login", json={"phone": phone, "password": password},
                             headers=_spoofed(i))


async def _console_sign_in(client, phone: str, password: str):
    await client.get("/console/login")
    return await client.post("/console/login", data={"phone": phone, "password": password,
                                                     "_csrf_token": client.cookies.get(CSRF_COOKIE)},
                             headers={"hx-request": "true", **_spoofed(99)})


async def test_guesses_from_rotating_addresses_lock_the_account_for_api_and_console_alike(client, db):
    uid = await account(db, phone=PHONE, roles=["admin"])
    clock = use_clock(client, START)
    answers = [await _guess(client, f"guess-{i}", i) for i in range(6)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429, 429]
    assert [a.json().get("triesLeft") for a in answers[:4]] == [4, 3, 2, 1]
    assert answers[4].json()["code"] == "account_locked" and int(answers[4].headers["retry-after"]) == 15 * 60 + 1

    # locked: even the right password waits, through either door, from any address
    right = await _guess(client, STAFF_PASSWORD, 7)
    assert right.status_code == 429 and right.json()["code"] == "account_locked"
    console = await _console_sign_in(client, PHONE, STAFF_PASSWORD)
    assert console.status_code == 429 and "zsb_console" not in client.cookies

    # the owner is told by SMS, once per lock
    sms_rows = await db.fetch("SELECT channel, content FROM notifications WHERE user_id = $1 "
                              "AND event = 'staff_login_locked'", uid)
    assert sorted(r["channel"] for r in sms_rows) == ["inapp", "sms"]

    clock.now += timedelta(minutes=15, seconds=1)
    assert (await _guess(client, STAFF_PASSWORD, 8)).status_code == 200  # the lock has run out; counts reset

    # guessing on after a lock: the next lock lasts twice as long
    answers = [await _guess(client, f"again-{i}", 10 + i) for i in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    clock.now += timedelta(minutes=16)
    answers = [await _guess(client, f"more-{i}", 20 + i) for i in range(5)]
    assert answers[-1].status_code == 429 and int(answers[-1].headers["retry-after"]) == 30 * 60 + 1


async def test_the_console_counts_towards_the_same_lock(client, db):
    await account(db, phone=PHONE, roles=["approver"], steps=["accept"])
    use_clock(client, START)
    for i in range(3):
        assert (await _console_sign_in(client, PHONE, f"guess-{i}")).status_code == 401
    assert [(await _guess(client, f"api-{i}", i)).status_code for i in range(2)] == [401, 429]


async def test_a_phone_without_an_account_locks_alike_and_no_one_is_texted(client, db):
    use_clock(client, START)
    answers = [await _guess(client, "guess", i, phone="13700172999") for i in range(6)]
    assert [a.status_code for a in answers] == [401] * 4 + [429] * 2  # the same as for a real account
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'staff_login_locked'") == 0


async def test_sms_codes_stop_at_the_hourly_budget_over_all_phones_with_one_alert(settings, redis_url, db):
    budget = 3
    config = msgspec.structs.replace(settings, sms_login_hourly_budget=budget)
    async with AsyncTestClient(app=create_app(config)) as client:
        with captured_events() as logs:
            answers = [await client.post("/api/v1/auth/sms-code", json={"phone": f"1370017300{i}"},
                                         headers=_spoofed(i)) for i in range(5)]
    assert [a.status_code for a in answers] == [200] * budget + [429] * 2
    assert answers[-1].json()["code"] == "sms_code_budget_spent" and int(answers[-1].headers["retry-after"]) > 3000
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'login_code'") == budget
    alerts = [e for e in logs if e.get("alert")]
    assert [e["event"] for e in alerts] == ["sms_login_budget_spent"]  # one alert for two refusals
    with redis_sync.Redis.from_url(redis_url) as redis:  # which holds for the hour
        assert redis.ttl(sms._BUDGET_ALERT_KEY) > 3000
