"""Face verification 2.0 through the API, with real wechatpy against the fake WeChat."""

from __future__ import annotations

import pytest
import requests
from litestar.testing import AsyncTestClient
from stdnum.cn import ric

from api.app import create_app
from tests.clock import use_clock
from tests.conftest import live_settings
from tests.factories import bearer
from tests.logs import LogTap
from wechat.face import cert_hash

GET = "/cityservice/face/identify/getverifyid"
QUERY = "/cityservice/face/identify/queryverifyinfo"
START = "/api/v1/me/identity/verifications"


def rid(first17: str) -> str:
    """A resident ID with its check digit."""
    return first17 + ric.calc_check_digit(first17 + "0")  # it skips the last character


ZHANG = ("张三", rid("11010519900307123"))


async def login(client, name: str) -> dict:
    res = await client.post("/api/v1/auth/wechat", json={"code": f"wx-{name}"})
    assert res.status_code == 200, res.text
    return bearer(res.json()["accessToken"])


@pytest.fixture
async def live(settings, wechat):
    async with AsyncTestClient(app=create_app(live_settings(settings, wechat)), timeout=30) as client:
        use_clock(client, "2026-06-08 09:00")
        yield client


async def start(client, headers, person=ZHANG):
    return await client.post(START, json={"name": person[0], "idNumber": person[1]}, headers=headers)


def test_cert_hash_matches_the_published_vector():
    assert cert_hash("IDENTITY_CARD", "张三", "310101199801011234") == \
        "3c241f7ff324977aeb91f173bb2a7b06569e6fd784d5573db34a636d8671108b"


async def test_a_full_face_verification_records_the_person_encrypted(live, wechat, db):
    headers = await login(live, "li")
    with LogTap() as logs:
        started = await start(live, headers)
    assert started.status_code == 201, started.text
    body = started.json()
    assert body["expiresIn"] == 3600 and body["verifyId"] and body["triesLeft"] == 4
    sent = wechat.calls(GET)[0].json()
    assert sent["cert_info"] == {"cert_type": "IDENTITY_CARD", "cert_name": "张三", "cert_no": ZHANG[1]}
    assert sent["openid"] == "o-li"

    with LogTap() as more_logs:
        done = await live.post(f"{START}/{body['id']}/result", headers=headers)
    assert done.status_code == 200, done.text
    identity = done.json()["identity"]
    assert done.json()["verified"] is True
    assert (identity["method"], identity["status"], identity["idType"]) == ("face", "verified", "resident_id")
    assert identity["idNumberMasked"] == ZHANG[1][:3] + "*" * 11 + ZHANG[1][-4:]
    assert wechat.calls(QUERY)[0].json()["cert_hash"] == cert_hash("IDENTITY_CARD", *ZHANG)

    mine = await live.get("/api/v1/me/identity", headers=headers)
    assert mine.status_code == 200 and mine.json()["verified"] is True
    assert ZHANG[1] not in mine.text and ZHANG[1] not in done.text and ZHANG[1] not in started.text

    # at rest: nothing in either table holds the number in plain text
    for table in ("identities", "identity_face_attempts"):
        rows = await db.fetch(f"SELECT * FROM {table}")
        assert rows
        for row in rows:
            for value in row.values():
                raw = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
                assert ZHANG[1].encode() not in raw and ZHANG[1][6:14].encode() not in raw
    attempt = await db.fetchrow("SELECT outcome, verify_ret, cert_cipher FROM identity_face_attempts")
    assert (attempt["outcome"], attempt["verify_ret"], attempt["cert_cipher"]) == ("verified", 10000, None)
    # nor do the logs (as the product's own handler writes them)
    written = logs.getvalue() + more_logs.getvalue()
    assert "/me/identity" in written and ZHANG[1] not in written and ZHANG[1][6:14] not in written


async def test_a_wrong_cert_hash_is_refused_by_the_fake(live, wechat, db):
    headers = await login(live, "li")
    started = (await start(live, headers)).json()
    # the certificate we hash no longer matches the one WeChat was given
    await db.execute("UPDATE identity_face_attempts SET cert_name = '李四'")
    res = await live.post(f"{START}/{started['id']}/result", headers=headers)
    assert res.status_code == 400 and res.json()["code"] == "face_check_failed"
    assert res.json()["errcode"] == 40097 and res.json()["triesLeft"] == 4
    assert len(wechat.calls(QUERY)) == 1
    assert await db.fetchval("SELECT count(*) FROM identities") == 0


async def test_a_cancelled_face_scan_is_a_try_with_a_clear_message(live, wechat):
    headers = await login(live, "li")
    wechat.face_verify_ret = 90002
    started = (await start(live, headers)).json()
    res = await live.post(f"{START}/{started['id']}/result", headers=headers)
    assert res.status_code == 400 and res.json()["code"] == "face_not_verified"
    assert "取消" in res.json()["detail"] and res.json()["verifyRet"] == 90002 and res.json()["triesLeft"] == 4
    again = await live.post(f"{START}/{started['id']}/result", headers=headers)
    assert again.status_code == 409 and again.json()["code"] == "verification_finished"
    mine = (await live.get("/api/v1/me/identity", headers=headers)).json()
    assert mine["verified"] is False and mine["faceTriesLeft"] == 4


async def test_the_sixth_try_in_a_day_is_refused_until_tomorrow(live, wechat):
    headers = await login(live, "li")
    for _ in range(5):
        assert (await start(live, headers)).status_code == 201
    sixth = await start(live, headers)
    assert sixth.status_code == 429 and sixth.json()["code"] == "face_tries_used_up"
    assert sixth.json()["comeBackAt"].startswith("2026-06-09T00:00:00+08:00")
    assert int(sixth.headers["retry-after"]) == 15 * 3600
    assert len(wechat.calls(GET)) == 5  # WeChat never heard of the sixth
    use_clock(live, "2026-06-09 00:00")
    assert (await start(live, headers)).status_code == 201


async def test_an_expired_verify_id_is_refused(live, wechat):
    headers = await login(live, "li")
    clock = use_clock(live, "2026-06-08 09:00")
    started = (await start(live, headers)).json()
    clock.advance(seconds=3601)
    res = await live.post(f"{START}/{started['id']}/result", headers=headers)
    assert res.status_code == 410 and res.json()["code"] == "verification_expired"
    assert not wechat.calls(QUERY)


@pytest.mark.parametrize(("name", "number", "code"), [
    ("张三", ZHANG[1][:-1] + ("0" if ZHANG[1][-1] != "0" else "1"), "invalid_resident_id"),  # check digit
    ("张三", rid("11010519901307123"), "invalid_resident_id"),  # month 13
    ("张三", rid("99010519900307123"), "invalid_resident_id"),  # no such region
    ("Zhang San", ZHANG[1], "invalid_person_name"),
    ("张", ZHANG[1], "invalid_person_name"),
])
async def test_an_invalid_id_or_name_is_refused_before_any_wechat_call(live, wechat, name, number, code):
    headers = await login(live, "li")
    res = await start(live, headers, (name, number))
    assert res.status_code == 400 and res.json()["code"] == code
    assert not wechat.calls(GET)


async def test_a_second_account_cannot_verify_as_an_already_verified_person(live, wechat):
    first = await login(live, "li")
    started = (await start(live, first)).json()
    assert (await live.post(f"{START}/{started['id']}/result", headers=first)).status_code == 200
    second = await login(live, "wang")
    res = await start(live, second)
    assert res.status_code == 409 and res.json()["code"] == "identity_taken"
    assert len(wechat.calls(GET)) == 1
    # and a verified account does not start again
    again = await start(live, first)
    assert again.status_code == 409 and again.json()["code"] == "identity_already_verified"


async def test_the_fake_refuses_a_reused_out_seq_no_and_an_unknown_openid(live, wechat):
    headers = await login(live, "li")
    await start(live, headers)
    sent = wechat.calls(GET)[0]
    # the fake itself, as WeChat would answer a replayed body
    url = f"{wechat.url}{GET}?{sent.raw_query}"
    assert requests.post(url, data=sent.body).json()["errcode"] == 40097
    other = dict(sent.json(), out_seq_no="zsb-another-one", openid="nobody")
    assert requests.post(url, json=other).json()["errcode"] == 40003


async def test_the_sandbox_decides_by_the_sequence_digits(client):
    res = await client.post("/api/v1/auth/wechat", json={"code": "dev-sandbox"})
    headers = bearer(res.json()["accessToken"])
    cancelled = (await start(client, headers, ("李四", rid("11010519900307999")))).json()
    res = await client.post(f"{START}/{cancelled['id']}/result", headers=headers)
    assert res.status_code == 400 and res.json()["verifyRet"] == 90002
    ok = (await start(client, headers)).json()
    res = await client.post(f"{START}/{ok['id']}/result", headers=headers)
    assert res.status_code == 200 and res.json()["verified"] is True


async def test_wechat_refusing_an_expired_verify_id_is_a_try_that_failed(live, wechat, db):
    headers = await login(live, "li")
    started = (await start(live, headers)).json()
    later = wechat.face_time() + 3601
    wechat.face_time = lambda: later  # WeChat's clock ran past the hour although ours did not
    res = await live.post(f"{START}/{started['id']}/result", headers=headers)
    assert res.status_code == 400 and res.json()["code"] == "face_check_failed" and res.json()["errcode"] == 84002
    assert await db.fetchval("SELECT outcome FROM identity_face_attempts") == "error"
    assert await db.fetchval("SELECT count(*) FROM identities") == 0
