"""One phone, one account (F085, F086): a WeChat account binding an SMS account's phone becomes it."""

from __future__ import annotations

import asyncio

from litestar.testing import AsyncTestClient

from api.app import create_app
from api.auth.service import merge
from tests.applications.helpers import draft, licence
from tests.auth.helpers import sms_code, sms_login
from tests.factories import applicant, bearer, person_of, staff

API = "/api/v1"
PHONE = "13900139001"

FOREIGN_KEYS_TO_USERS = """
SELECT kcu.table_name, kcu.column_name
  FROM information_schema.referential_constraints rc
  JOIN information_schema.key_column_usage kcu
    ON kcu.constraint_name = rc.constraint_name AND kcu.constraint_schema = rc.constraint_schema
  JOIN information_schema.constraint_column_usage ccu
    ON ccu.constraint_name = rc.unique_constraint_name AND ccu.constraint_schema = rc.unique_constraint_schema
 WHERE ccu.table_name = 'users' AND ccu.column_name = 'id' AND kcu.table_schema = 'public'
"""


async def _codes_sent_long_ago(db) -> None:
    """Codes a phone asked for earlier (60 s apart at least, F124): moved back rather than waited for."""
    await db.execute("UPDATE sms_codes SET created_at = created_at - interval '2 minutes'")


def _moved() -> set[tuple[str, str]]:
    return {tuple(name[len("move_"):].split("__")) for name in merge.move_queries()}


async def test_every_foreign_key_to_users_is_moved_or_kept_by_the_merge(db):
    """A new table naming users must say what a merge does with it (api/auth/merge.sql)."""
    fks = {(r["table_name"], r["column_name"]) for r in await db.fetch(FOREIGN_KEYS_TO_USERS)}
    assert len(fks) > 40
    moved, kept = _moved(), set(await merge.kept_columns(db))
    assert not moved & kept
    forgotten = fks - moved - kept
    assert not forgotten, f"merge.sql names neither a move_<table>__<column> nor a kept row for {sorted(forgotten)}"
    # and every moved column exists (idempotency_keys has no foreign key but is keyed by account)
    columns = {(r["table_name"], r["column_name"]) for r in await db.fetch(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'")}
    assert moved <= columns


async def _records_of(db, user_id: int) -> dict[str, int]:
    counts = {}
    for table, column in sorted(_moved()):
        counts[f"{table}.{column}"] = await db.fetchval(f"SELECT count(*) FROM {table} WHERE {column} = $1", user_id)
    return counts


async def test_binding_an_sms_accounts_phone_merges_every_record_into_one_account(client, db, settings):
    login = await sms_login(client, db, PHONE)
    assert login.status_code == 200, login.text
    sms_account = login.json()
    old_id = sms_account["user"]["id"]
    sms_headers = bearer(sms_account["accessToken"])
    await client.put(f"{API}/me/address", json={"address": "浙江省温州市鹿城区府前街1号"}, headers=sms_headers)
    await draft(db, old_id)
    await licence(db, old_id, "vehicle_licence", "SMS-LIC-1")

    wx = await applicant(client, "merge-wx")  # WeChat login, verified through the face flow
    wx_id = wx["user"]["id"]
    res = await client.post(f"{API}/applications", headers=wx["headers"], json={
        "serviceCode": "temporary-plate", "answers": {"unplated": "no"}, "form": {}})
    assert res.status_code in (200, 201), res.text
    await licence(db, wx_id, "id_card", "WX-LIC-1")
    before_sms, before_wx = await _records_of(db, old_id), await _records_of(db, wx_id)

    bound = await client.post(f"{API}/me/phone", json={"code": f"dev-{PHONE}"}, headers=wx["headers"])
    assert bound.status_code == 200, bound.text
    body = bound.json()
    assert body["merged"] is True and body["id"] == old_id and body["phone"] == PHONE and body["hasWechat"] is True
    new_headers = bearer(body["tokens"]["accessToken"])

    # one account: every record of both now belongs to the SMS account, none to the WeChat one
    after = await _records_of(db, old_id)
    assert after == {k: before_sms[k] + before_wx[k] for k in after}
    assert not any((await _records_of(db, wx_id)).values())
    assert after["applications.applicant_id"] == 2 and after["licences.holder_id"] == 2
    mine = (await client.get(f"{API}/me/identity", headers=new_headers)).json()
    assert mine["verified"] is True  # the WeChat account's verified identity came along
    row = await db.fetchrow("SELECT * FROM users WHERE id = $1", wx_id)
    assert row["merged_into"] == old_id and row["disabled"] and row["openid"] is None
    assert await db.fetchval("SELECT count(*) FROM account_events WHERE user_id = $1 AND kind = 'merged' "
                             "AND other_user_id = $2", old_id, wx_id) == 1

    # the absorbed account's tokens end at once; the survivor's old SMS session goes on
    assert (await client.get(f"{API}/me/", headers=wx["headers"])).status_code == 401
    async with AsyncTestClient(app=create_app(settings)) as elsewhere:  # another API process
        assert (await elsewhere.get(f"{API}/me/", headers=wx["headers"])).status_code == 401
        assert (await elsewhere.get(f"{API}/me/", headers=sms_headers)).status_code == 200
    refreshed = await client.post(f"{API}/auth/refresh", json={"refreshToken": wx["refreshToken"]})
    assert refreshed.status_code == 401
    assert (await client.get(f"{API}/me/", headers=sms_headers)).json()["id"] == old_id
    assert (await client.get(f"{API}/me/", headers=new_headers)).json()["id"] == old_id

    # both doors now open the same account
    again = await client.post(f"{API}/auth/wechat", json={"code": "dev-merge-wx"})
    assert again.json()["user"]["id"] == old_id
    await _codes_sent_long_ago(db)
    assert (await sms_login(client, db, PHONE)).json()["user"]["id"] == old_id


async def test_an_sms_login_of_a_phone_a_wechat_account_bound_lands_in_that_account(client, db):
    wx = await applicant(client, "bound-first", verified=False)
    res = await client.post(f"{API}/me/phone", json={"code": f"dev-{PHONE}"}, headers=wx["headers"])
    assert res.status_code == 200 and res.json()["merged"] is False
    login = await sms_login(client, db, PHONE)
    assert login.json()["user"]["id"] == wx["user"]["id"]


async def test_binding_by_sms_code_merges_too(client, db):
    first = (await sms_login(client, db, PHONE)).json()
    wx = await applicant(client, "sms-binder", verified=False)
    await _codes_sent_long_ago(db)
    code = await sms_code(client, db, PHONE, ip="203.0.113.9")
    res = await client.post(f"{API}/me/phone/sms", json={"phone": PHONE, "code": code}, headers=wx["headers"])
    assert res.status_code == 200, res.text
    assert res.json()["merged"] is True and res.json()["id"] == first["user"]["id"]
    wrong = await client.post(f"{API}/me/phone/sms", json={"phone": PHONE, "code": "000000"},
                              headers=(await applicant(client, "sms-binder-2", verified=False))["headers"])
    assert wrong.status_code == 400


async def test_two_accounts_verified_as_different_people_are_not_merged(client, db):
    sms_account = (await sms_login(client, db, PHONE)).json()
    clerk = await staff(client, db, phone="13700137001", roles=["approver"])
    name, number = person_of("someone-else")
    res = await client.post(f"{API}/staff/identity/window-verifications", headers=clerk["headers"],
                            json={"phone": PHONE, "name": name, "idType": "resident_id", "idNumber": number})
    assert res.status_code == 201, res.text
    wx = await applicant(client, "different-person")
    await draft(db, wx["user"]["id"])

    refused = await client.post(f"{API}/me/phone", json={"code": f"dev-{PHONE}"}, headers=wx["headers"])
    assert refused.status_code == 409 and refused.json()["code"] == "accounts_different_persons"
    assert "不同的人" in refused.json()["title"]
    # nothing moved, both accounts go on
    assert await db.fetchval("SELECT count(*) FROM applications WHERE applicant_id = $1", wx["user"]["id"]) == 1
    assert (await client.get(f"{API}/me/", headers=wx["headers"])).status_code == 200
    me = (await client.get(f"{API}/me/", headers=bearer(sms_account["accessToken"]))).json()
    assert me["hasWechat"] is False and me["phone"] == PHONE


async def test_two_binds_at_once_make_one_merge_and_no_half_state(client, db):
    sms_account = (await sms_login(client, db, PHONE)).json()
    first = await applicant(client, "racer-1", verified=False)
    second = await applicant(client, "racer-2", verified=False)
    await draft(db, first["user"]["id"])
    await draft(db, second["user"]["id"])

    answers = await asyncio.gather(*(client.post(f"{API}/me/phone", json={"code": f"dev-{PHONE}"},
                                                 headers=who["headers"]) for who in (first, second)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409], [a.text for a in answers]
    winner, loser = (first, second) if answers[0].status_code == 200 else (second, first)
    assert [a for a in answers if a.status_code == 409][0].json()["code"] == "phone_taken"
    owner = await db.fetchrow("SELECT * FROM users WHERE id = $1", sms_account["user"]["id"])
    assert owner["openid"] == f"sandbox-racer-{1 if winner is first else 2}"
    assert await db.fetchval("SELECT count(*) FROM applications WHERE applicant_id = $1", owner["id"]) == 1
    lost = await db.fetchrow("SELECT * FROM users WHERE id = $1", loser["user"]["id"])
    assert lost["merged_into"] is None and lost["closed_at"] is None and lost["phone"] is None
    assert await db.fetchval("SELECT count(*) FROM applications WHERE applicant_id = $1", lost["id"]) == 1
    assert await db.fetchval("SELECT count(*) FROM account_events WHERE kind = 'merged'") == 1

    # the same account tapping twice: one merge, the second answer a clear refusal, not a 500
    other = "13900139002"
    await sms_login(client, db, other)
    tapper = await applicant(client, "double-tap", verified=False)
    taps = await asyncio.gather(*(client.post(f"{API}/me/phone", json={"code": f"dev-{other}"},
                                              headers=tapper["headers"]) for _ in range(2)))
    assert sorted(t.status_code for t in taps)[0] == 200 and all(t.status_code < 500 for t in taps)
    assert await db.fetchval("SELECT count(*) FROM account_events WHERE kind = 'merged'") == 2
