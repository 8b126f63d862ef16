"""Issue 17, item 1: staff authority comes only from the staff password login. An SMS or WeChat
login of a staff member's phone is a citizen session of the same account (role applicant only);
a disabled account gets no session at all; the sandbox outbox, which shows login codes, exists
only on a developer's own server."""

from __future__ import annotations

import msgspec
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.auth import service as auth
from tests.auth.helpers import sms_login
from tests.conftest import live_sms_settings
from tests.factories import STAFF_PASSWORD, applicant, bearer, staff

ADMIN_ONLY = "/api/v1/admin/notify/sms-channel"


async def _create_staff(db, phone: str, roles: list[str]) -> int:
    out = await auth.create_staff(db, auth.staff_from_args(phone=phone, password=STAFF_PASSWORD, name="管理员",
                                                           roles=roles, steps=[]))
    return out.id


async def test_an_sms_login_of_an_admin_phone_gets_a_citizen_token_without_staff_roles(client, db):
    admin = await staff(client, db, phone="13700170001", roles=["admin", "lead"])
    assert (await client.get(ADMIN_ONLY, headers=admin["headers"])).status_code == 200

    res = await sms_login(client, db, "13700170001")  # the code, not the password
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["user"]["id"] == admin["user"]["id"]  # the same account ...
    assert body["user"]["roles"] == ["applicant"] and body["user"]["steps"] == []  # ... as a citizen
    citizen = bearer(body["accessToken"])
    assert (await client.get(ADMIN_ONLY, headers=citizen)).status_code == 403
    assert (await client.get("/api/v1/me", headers=citizen)).json()["roles"] == ["applicant"]

    # refreshing the citizen session does not turn it into a staff one
    refreshed = await client.post("/api/v1/auth/refresh", json={"refreshToken": body["refreshToken"]})
    assert refreshed.status_code == 200 and refreshed.json()["user"]["roles"] == ["applicant"]
    assert (await client.get(ADMIN_ONLY, headers=bearer(refreshed.json()["accessToken"]))).status_code == 403


async def test_a_disabled_staff_member_gets_in_neither_by_sms_nor_by_password(client, db):
    uid = await _create_staff(db, "13700170002", ["approver"])
    await db.execute("UPDATE users SET disabled = true WHERE id = $1", uid)
    res = await sms_login(client, db, "13700170002")
    assert res.status_code == 403 and res.json()["code"] == "account_disabled"
    password = await client.post("/api/v1/auth/staff-login", json={"phone": "13700170002", "password": STAFF_PASSWORD})
    assert password.status_code == 401


async def test_a_wechat_login_bound_to_a_phone_that_later_became_staff_stays_a_citizen(client, db):
    person = await applicant(client, "later-staff")
    bound = await client.post("/api/v1/me/phone", json={"code": "dev-13700170003"}, headers=person["headers"])
    assert bound.status_code == 200
    await _create_staff(db, "13700170003", ["admin"])  # `zsb create-staff` on that phone

    again = await applicant(client, "later-staff")  # the same openid
    assert again["user"]["id"] == person["user"]["id"] and again["user"]["roles"] == ["applicant"]
    assert (await client.get(ADMIN_ONLY, headers=again["headers"])).status_code == 403
    # the staff authority is there, behind the password
    admin = await client.post("/api/v1/auth/staff-login", json={"phone": "13700170003", "password": STAFF_PASSWORD})
    assert admin.status_code == 200 and admin.json()["user"]["roles"] == ["admin"]
    assert admin.json()["user"]["id"] == person["user"]["id"]


async def test_the_sandbox_outbox_exists_only_on_a_dev_server_with_sandbox_texts(settings, fake_aliyun):
    dev = msgspec.structs.replace(settings, env="dev")
    setups = {"dev": (dev, 200), "test": (settings, 404), "dev+aliyun": (live_sms_settings(dev, fake_aliyun), 404),
              "production-like": (msgspec.structs.replace(settings, env="production"), 404)}
    for name, (config, status) in setups.items():
        async with AsyncTestClient(app=create_app(config)) as client:
            for path in ("/dev/outbox", "/dev/outbox.json"):
                res = await client.get(path)
                assert res.status_code == status, (name, path, res.status_code)
