"""Issue 17, item 4: an address-keyed limit cannot shut a real staff member out by itself. Someone
sharing the staff member's address (an office NAT, or passing for it) uses the address's
password-login budget up; the staff member, on a device that signed in to their phone before,
still gets in, through the API and the console. The per-account lock still applies to them."""

from __future__ import annotations

from api.auth.routes import login_rate_limit
from api.console.session import CSRF_COOKIE
from tests.console.helpers import account
from tests.factories import STAFF_PASSWORD

LIMIT = login_rate_limit.rate_limit[1]
PHONE = "13700174001"


async def _use_up_the_address_budget(client) -> None:
    # Malformed tries count like any other and skip argon2 (a quick test); the budget already
    # holds the staff member's own sign-in.
    statuses = [(await client.post("/api/v1/auth/staff-login", json={"phone": "139", "password": f"guess-{i}"},
                                   headers={"X-Forwarded-For": "10.0.0.8"})).status_code for i in range(LIMIT)]
    assert set(statuses[:LIMIT - 1]) == {400} and statuses[-1] == 429, statuses


async def test_a_device_that_signed_in_before_is_not_shut_out_by_the_address_limit(client, db):
    await account(db, phone=PHONE, roles=["admin"])
    first = await client.post("/api/v1/auth/staff-login", json={"phone": PHONE, "password": STAFF_PASSWORD})
    assert first.status_code == 200, first.text
    device = first.json()["deviceToken"]
    assert device and PHONE not in device

    await _use_up_the_address_budget(client)
    stranger = await client.post("/api/v1/auth/staff-login", json={"phone": PHONE, "password": STAFF_PASSWORD})
    assert stranger.status_code == 429  # the address is slowed ...
    mine = await client.post("/api/v1/auth/staff-login",
                             json={"phone": PHONE, "password": STAFF_PASSWORD, "deviceToken": device})
    assert mine.status_code == 200, mine.text  # ... its staff member is not

    # the token is good for its own phone only, and cannot be made up
    other = await client.post("/api/v1/auth/staff-login",
                              json={"phone": "13700174002", "password": "guess", "deviceToken": device})
    forged = await client.post("/api/v1/auth/staff-login",
                               json={"phone": PHONE, "password": STAFF_PASSWORD,
                                     "deviceToken": device.split(".")[0] + ".0123456789abcdef0123456789abcdef01234567"})
    assert other.status_code == 429 and forged.status_code == 429


async def test_the_per_account_lock_still_applies_to_a_trusted_device(client, db):
    await account(db, phone=PHONE, roles=["admin"])
    device = (await client.post("/api/v1/auth/staff-login",
                                json={"phone": PHONE, "password": STAFF_PASSWORD})).json()["deviceToken"]
    answers = [await client.post("/api/v1/auth/staff-login",
                                 json={"phone": PHONE, "password": f"guess-{i}", "deviceToken": device})
               for i in range(5)]
    assert [a.status_code for a in answers] == [401] * 4 + [429]
    assert answers[-1].json()["code"] == "account_locked"


async def test_the_console_remembers_the_browser_and_lets_it_in_past_a_used_up_address(client, db):
    await account(db, phone=PHONE, roles=["admin"])

    async def sign_in():
        await client.get("/console/login")
        return await client.post("/console/login", data={"phone": PHONE, "password": STAFF_PASSWORD,
                                                         "_csrf_token": client.cookies.get(CSRF_COOKIE)},
                                 headers={"hx-request": "true"})

    assert (await sign_in()).status_code == 200
    assert client.cookies.get("zsb_device")
    await client.post("/console/logout", data={"_csrf_token": client.cookies.get(CSRF_COOKIE)})
    await _use_up_the_address_budget(client)
    assert (await sign_in()).status_code == 200  # this browser signed in to this phone before
    cookie = client.cookies.get("zsb_device")
    client.cookies.delete("zsb_device")
    assert (await sign_in()).status_code == 429  # another browser at the address waits
    assert cookie
