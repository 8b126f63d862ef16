from __future__ import annotations

from datetime import datetime, timedelta, timezone

from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.conftest import live_sms_settings
from tests.factories import bearer, run_jobs

PHONE = "13912345678"


async def _sandbox_code(db, phone: str = PHONE) -> str:
    """The code as the sandbox outbox shows it (sandbox SMS keep their content)."""
    content = await db.fetchval("SELECT content FROM notifications WHERE phone = $1 AND event = 'login_code' "
                                "ORDER BY id DESC LIMIT 1", phone)
    return content.split("验证码为")[1][:6]


async def test_sms_login_end_to_end_in_sandbox(client, settings, db):
    sent = await client.post("/api/v1/auth/sms-code", json={"phone": PHONE})
    assert sent.status_code == 200, sent.text
    assert sent.json() == {"resendAfter": 60}
    await run_jobs(settings)
    code = await _sandbox_code(db)
    res = await client.post("/api/v1/auth/sms-login", json={"phone": PHONE, "code": code})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["user"]["phone"] == PHONE
    me = await client.get("/api/v1/me", headers=bearer(body["accessToken"]))
    assert me.json()["id"] == body["user"]["id"]
    # a code works once; only its hash was stored and the outbox row no longer holds it in params
    again = await client.post("/api/v1/auth/sms-login", json={"phone": PHONE, "code": code})
    assert again.status_code == 400 and again.json()["code"] == "sms_code_invalid"
    stored = await db.fetchrow("SELECT code_hash, used_at FROM sms_codes WHERE phone = $1", PHONE)
    assert code.encode() not in bytes(stored["code_hash"]) and stored["used_at"] is not None
    assert await db.fetchval("SELECT params FROM notifications WHERE phone = $1", PHONE) == {}


async def test_sms_login_end_to_end_in_live_mode_against_the_fake(settings, db, fake_aliyun):
    live = live_sms_settings(settings, fake_aliyun)
    async with AsyncTestClient(app=create_app(live)) as client:
        assert (await client.post("/api/v1/auth/sms-code", json={"phone": PHONE})).status_code == 200
        await run_jobs(live)
        [message] = fake_aliyun.messages(PHONE)
        assert message["template"] == "SMS_480010001" and message["sign"] == "掌上办"
        res = await client.post("/api/v1/auth/sms-login", json={"phone": PHONE, "code": message["params"]["code"]})
    assert res.status_code == 200, res.text
    row = await db.fetchrow("SELECT status, content, params FROM notifications WHERE phone = $1", PHONE)
    assert row["status"] == "sending" and message["params"]["code"] not in row["content"] and row["params"] == {}


async def test_five_wrong_tries_burn_the_code_and_each_try_is_counted(client, settings, db):
    await client.post("/api/v1/auth/sms-code", json={"phone": PHONE})
    await run_jobs(settings)
    code = await _sandbox_code(db)
    wrong = "000000" if code != "000000" else "111111"
    answers = [await client.post("/api/v1/auth/sms-login", json={"phone": PHONE, "code": wrong}) for _ in range(5)]
    assert [a.json()["code"] for a in answers] == ["sms_code_wrong"] * 4 + ["sms_code_invalid"]
    assert [a.json().get("triesLeft") for a in answers[:4]] == [4, 3, 2, 1]
    assert await db.fetchval("SELECT tries FROM sms_codes WHERE phone = $1", PHONE) == 5
    burnt = await client.post("/api/v1/auth/sms-login", json={"phone": PHONE, "code": code})
    assert burnt.status_code == 400 and burnt.json()["code"] == "sms_code_invalid"


async def test_a_code_expires_after_five_minutes(client, settings, db):
    await client.post("/api/v1/auth/sms-code", json={"phone": PHONE})
    await run_jobs(settings)
    code = await _sandbox_code(db)
    await db.execute("UPDATE sms_codes SET created_at = created_at - interval '301 seconds', "
                     "expires_at = expires_at - interval '301 seconds'")
    res = await client.post("/api/v1/auth/sms-login", json={"phone": PHONE, "code": code})
    assert res.status_code == 400 and res.json()["code"] == "sms_code_invalid"


async def test_a_second_code_within_a_minute_is_a_429_with_retry_after(client, db):
    assert (await client.post("/api/v1/auth/sms-code", json={"phone": PHONE})).status_code == 200
    res = await client.post("/api/v1/auth/sms-code", json={"phone": PHONE})
    assert res.status_code == 429
    assert res.json()["code"] == "sms_code_too_soon"
    assert 1 <= int(res.headers["retry-after"]) <= 61
    assert await db.fetchval("SELECT count(*) FROM sms_codes") == 1


async def _codes_sent_ago(db, *minutes: float) -> None:
    await db.execute("INSERT INTO sms_login_phones (phone) VALUES ($1) ON CONFLICT DO NOTHING", PHONE)
    now = datetime.now(timezone.utc)
    for m in minutes:
        at = now - timedelta(minutes=m)
        await db.execute("INSERT INTO sms_codes (phone, code_hash, ip, created_at, expires_at) "
                         "VALUES ($1, '\\x00', 'elsewhere', $2, $3)", PHONE, at, at + timedelta(minutes=5))


async def test_five_codes_an_hour_per_phone(client, db):
    await _codes_sent_ago(db, 2, 10, 20, 30, 40)
    res = await client.post("/api/v1/auth/sms-code", json={"phone": PHONE})
    assert res.status_code == 429 and res.json()["code"] == "sms_code_hourly_limit"
    assert 19 * 60 <= int(res.headers["retry-after"]) <= 20 * 60 + 1


async def test_ten_codes_a_day_per_phone_as_the_faq_promises(client, db):
    await _codes_sent_ago(db, *(61 + 60 * i for i in range(10)))
    res = await client.post("/api/v1/auth/sms-code", json={"phone": PHONE})
    assert res.status_code == 429 and res.json()["code"] == "sms_code_daily_limit"
    await db.execute("DELETE FROM sms_codes WHERE id = (SELECT min(id) FROM sms_codes)")
    assert (await client.post("/api/v1/auth/sms-code", json={"phone": PHONE})).status_code == 200


async def test_one_address_cannot_ask_codes_for_many_phones(client, db):
    statuses = [(await client.post("/api/v1/auth/sms-code", json={"phone": f"1391000{i:04d}"})).status_code
                for i in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
    last = await client.post("/api/v1/auth/sms-code", json={"phone": "13910009999"})
    assert last.json()["code"] == "sms_code_ip_limit" and "retry-after" in last.headers


async def test_bad_phone_or_code_format_is_a_400(client):
    assert (await client.post("/api/v1/auth/sms-code", json={"phone": "12345"})).status_code == 400
    res = await client.post("/api/v1/auth/sms-login", json={"phone": PHONE, "code": "12ab56"})
    assert res.status_code == 400 and res.json()["code"] == "validation_failed"
