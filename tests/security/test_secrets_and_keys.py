"""Secrets and personal data stay out of the logs; the JWT secret rotates without logging anyone out."""

from __future__ import annotations

import jwt
import msgspec
from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.conftest import live_sms_settings
from tests.factories import STAFF_PASSWORD, bearer, run_jobs
from tests.logs import LogTap
from tests.security.world import API, PHONE, RESIDENT_ID, build

SMS_PHONE = "13912340000"


async def test_a_full_journey_logs_no_secret_no_full_resident_id_and_no_full_phone(settings, db, fake_aliyun):
    live = live_sms_settings(settings, fake_aliyun, log_level="INFO")
    secrets = {"jwt secret": live.jwt_secret, "aliyun secret": live.aliyun_access_key_secret,
               "staff password": STAFF_PASSWORD}
    async with AsyncTestClient(app=create_app(live), timeout=60) as client:
        with LogTap() as logs:
            world = await build(client, db)
            a = world.roles["applicant_a"]
            # the ID number and phone also go where logs are most tempted: errors naming the bad field
            bad = await client.post(f"{API}/applications", headers=a, json={
                "serviceCode": "taxi-driver-cert", "answers": {"household": "local"},
                "form": {"idNumber": RESIDENT_ID, "mobile": PHONE, "applicantName": 123}})
            assert 400 <= bad.status_code < 500, bad.text
            await client.post(f"{API}/applications/{world.ids['application']}/submit", headers=a,
                              params={"note": f"{RESIDENT_ID} {PHONE}"})
            await client.get(f"{API}/faq", params={"q": f"身份证{RESIDENT_ID}手机{PHONE}"},
                             headers={"X-Request-ID": PHONE})
            await client.post(f"{API}/complaints", headers=a, json={
                "category": "complaint", "targetType": "window", "text": f"请回电{PHONE}，身份证{RESIDENT_ID}"})
            # SMS login through the real Aliyun SDK (the code, the phone and the key are all on the wire)
            assert (await client.post(f"{API}/auth/sms-code", json={"phone": SMS_PHONE})).status_code == 200
            await run_jobs(live)
            [message] = fake_aliyun.messages(SMS_PHONE)
            code = message["params"]["code"]
            logged_in = await client.post(f"{API}/auth/sms-login", json={"phone": SMS_PHONE, "code": code})
            assert logged_in.status_code == 200, logged_in.text
            tokens = logged_in.json()
            await client.post(f"{API}/auth/refresh", json={"refreshToken": tokens["refreshToken"]})
            await client.post(f"{API}/auth/staff-login", json={"phone": "13900007002", "password": "wrong-password-1"})
            await client.get(f"{API}/me", headers=bearer(tokens["accessToken"] + "x"))
            text = logs.getvalue()
    assert "request" in text and len(text) > 1000  # the tap really saw the journey
    secrets.update({"sms code": f'"{code}"', "access token": tokens["accessToken"],
                    "refresh token": tokens["refreshToken"], "wrong password": "wrong-password-1"})
    leaked = {name for name, value in secrets.items() if value and value in text}
    for name, value in {"resident id": RESIDENT_ID, "phone": PHONE, "sms phone": SMS_PHONE}.items():
        if value in text or value.lower() in text:
            leaked.add(name)
    assert not leaked, f"found in the logs: {sorted(leaked)}"


async def test_rotating_the_jwt_secret_keeps_old_tokens_valid_and_signs_new_ones_with_the_new_key(settings):
    old_app = create_app(msgspec.structs.replace(settings, jwt_key_id="k1", jwt_secret="old-" + "a" * 40))
    async with AsyncTestClient(app=old_app) as old_client:
        before = (await old_client.post(f"{API}/auth/wechat", json={"code": "dev-rotator"})).json()
    assert jwt.get_unverified_header(before["accessToken"])["kid"] == "k1"

    rotated = msgspec.structs.replace(settings, jwt_key_id="k2", jwt_secret="new-" + "b" * 40,
                                      jwt_previous_secrets="k1:old-" + "a" * 40)
    async with AsyncTestClient(app=create_app(rotated)) as client:
        still = await client.get(f"{API}/me", headers=bearer(before["accessToken"]))
        assert still.status_code == 200 and still.json()["id"] == before["user"]["id"]
        after = (await client.post(f"{API}/auth/wechat", json={"code": "dev-rotator"})).json()
        header = jwt.get_unverified_header(after["accessToken"])
        assert header["kid"] == "k2"
        jwt.decode(after["accessToken"], "new-" + "b" * 40, algorithms=[header["alg"]],
                   options={"verify_aud": False})
        assert (await client.get(f"{API}/me", headers=bearer(after["accessToken"]))).status_code == 200

        # a token naming a key we never had, or signed by someone else under a known id, is refused
        claims = jwt.decode(after["accessToken"], options={"verify_signature": False})
        unknown = jwt.encode(claims, "new-" + "b" * 40, algorithm=header["alg"], headers={"kid": "k9"})
        forged = jwt.encode(claims, "attacker-" + "c" * 40, algorithm=header["alg"], headers={"kid": "k2"})
        none_alg = jwt.encode(claims, None, algorithm="none", headers={"kid": "k2"})
        for token in (unknown, forged, none_alg):
            res = await client.get(f"{API}/me", headers=bearer(token))
            assert res.status_code == 401 and res.json()["code"] == "unauthorized", token

    # once k1 is dropped from the previous secrets, its tokens stop working
    dropped = msgspec.structs.replace(rotated, jwt_previous_secrets="")
    async with AsyncTestClient(app=create_app(dropped)) as client:
        assert (await client.get(f"{API}/me", headers=bearer(before["accessToken"]))).status_code == 401
