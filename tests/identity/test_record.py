"""The identity record's keys and rules, below the API: encryption, rotation, one person <-> one account."""

from __future__ import annotations

import base64

import pytest

from api.identity import crypto
from api.identity.errors import IdentityAlreadyVerified, IdentityTaken
from api.identity.service import identity_of, id_number_of, record_verified, rekey
from api.settings import Settings, SettingsError

NUMBER = "11010519491231002X"
KEY_A = "a1:" + base64.b64encode(b"A" * 32).decode()
KEY_B = "b2:" + base64.b64encode(b"B" * 32).decode()
HASH_KEY = "h" * 40


def test_a_rotated_key_list_still_decrypts_rows_of_the_old_key():
    old = crypto.IdentityCipher(KEY_A, HASH_KEY)
    kid, blob = old.encrypt(NUMBER)
    rotated = crypto.IdentityCipher(f"{KEY_B},{KEY_A}", HASH_KEY)
    assert rotated.decrypt(kid, blob) == NUMBER
    assert rotated.encrypt(NUMBER)[0] == "b2"  # new rows take the first key
    assert rotated.hash("resident_id", NUMBER.lower()) == old.hash("resident_id", NUMBER)
    with pytest.raises(crypto.UnknownKey):
        crypto.IdentityCipher(KEY_B, HASH_KEY).decrypt(kid, blob)
    assert NUMBER.encode() not in blob


def test_production_refuses_to_start_without_identity_keys():
    live = dict(env="production", jwt_secret="x" * 40, wechat_mode="live", wechat_appid="a", wechat_secret="b",
                sms_provider="aliyun", aliyun_access_key_id="a", aliyun_access_key_secret="b",
                database_url="postgresql://db", redis_url="redis://r")
    with pytest.raises(SettingsError, match="ZSB_IDENTITY_KEYS"):
        Settings(**live).checked()
    with pytest.raises(SettingsError, match="ZSB_IDENTITY_KEYS"):
        Settings(**live, identity_keys="k1:not-base64", identity_hash_key=HASH_KEY).checked()
    assert Settings(**live, identity_keys=KEY_A, identity_hash_key=HASH_KEY).checked()
    # dev and test fall back to the published keys
    assert crypto.cipher_for(Settings(env="test")).current == "dev1"


async def _account(db, openid: str) -> int:
    return await db.fetchval("INSERT INTO users (openid) VALUES ($1) RETURNING id", openid)


async def test_record_verified_keeps_one_verified_person_per_account(client, db):  # client: the app sets the keys
    first, second = await _account(db, "o-a"), await _account(db, "o-b")
    staff = await _account(db, "o-staff")
    made = await record_verified(db, user_id=first, name="王五", id_type="resident_id", id_number=NUMBER,
                                 method="window", evidence={"site": "A"}, verified_by=staff)
    assert made.id_number_masked == "110***********002X" and made.verified_by == staff
    assert await id_number_of(db, made.id) == NUMBER
    again = await record_verified(db, user_id=first, name="王五", id_type="resident_id", id_number=NUMBER.lower(),
                                  method="face", evidence={}, verified_by=None)
    assert again.id == made.id
    with pytest.raises(IdentityTaken):
        await record_verified(db, user_id=second, name="王五", id_type="resident_id", id_number=NUMBER,
                              method="face", evidence={}, verified_by=None)
    with pytest.raises(IdentityAlreadyVerified):
        await record_verified(db, user_id=first, name="赵六", id_type="passport", id_number="E12345678",
                              method="document", evidence={}, verified_by=staff)
    assert (await identity_of(db, second)) is None
    row = await db.fetchrow("SELECT * FROM identities")
    assert NUMBER.encode() not in bytes(row["id_cipher"]) and NUMBER not in str(dict(row))


async def test_rekey_moves_old_rows_to_the_new_first_key(client, db):
    user = await _account(db, "o-rekey")
    made = await record_verified(db, user_id=user, name="王五", id_type="resident_id", id_number=NUMBER,
                                 method="face", evidence={}, verified_by=None)
    assert await db.fetchval("SELECT id_key_id FROM identities") == "dev1"
    try:
        crypto.configure(Settings(env="test", identity_keys=f"{KEY_B},{crypto.DEV_KEYS}"))
        assert await rekey(db) == 1
        assert await db.fetchval("SELECT id_key_id FROM identities") == "b2"
        assert await id_number_of(db, made.id) == NUMBER
        assert await rekey(db) == 0
    finally:
        crypto.configure(Settings(env="test"))
