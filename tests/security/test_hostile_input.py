"""Hostile input from outside: clear 4xx, nothing stored, nothing leaked."""

from __future__ import annotations

import io
import os
import zipfile

import msgspec
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.factories import applicant
from tests.wechat.pushes import plain, push, push_settings, text_xml
from wechat import push as wxpush

API = "/api/v1"
FORM = {"applicantName": "张三", "idNumber": "11010519491231002X", "mobile": "13812345678",
        "firstLicenceDate": "2015-03-01", "deliveryAddress": "温州市鹿城区车站大道1号"}

XXE = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       "<xml><FromUserName>o1</FromUserName><MsgType>text</MsgType><CreateTime>1</CreateTime>"
       "<Content>&xxe;</Content><MsgId>1</MsgId></xml>")
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']><xml><FromUserName>o1</FromUserName><MsgType>text</MsgType><CreateTime>1</CreateTime>'
          "<Content>&lol9;</Content><MsgId>2</MsgId></xml>")


def _problem(res, status: int | tuple[int, ...]) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert res.status_code in statuses, (res.status_code, res.text[:300])
    assert res.headers["content-type"].startswith("application/problem+json"), res.headers["content-type"]
    body = res.json()
    assert body["code"] and body["status"] == res.status_code
    return body


@given(st.one_of(st.binary(max_size=2048),
                 st.text(max_size=512).map(lambda t: f"<xml><Content>{t}</Content></xml>"),
                 st.text(max_size=512).map(lambda t: "{" + t),
                 st.recursive(st.text(max_size=20), lambda c: st.lists(c, max_size=3).map(
                     lambda xs: "<a>" + "".join(xs) + "</a>"), max_leaves=20)))
@hsettings(max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_the_push_parser_only_ever_refuses_in_its_own_two_ways(body):
    try:
        data = wxpush.parse_body(body)
        wxpush.message(data)
    except (wxpush.PushMalformed, wxpush.PushRejected):
        pass


async def test_xxe_billion_laughs_and_huge_pushes_are_refused_and_nothing_is_stored(settings, wechat, db):
    async with AsyncTestClient(app=create_app(push_settings(settings, wechat))) as client:
        for body in (XXE, LAUGHS, text_xml("o1", "x" * (200 * 1024), 3)):
            query, raw = plain(body)
            res = await push(client, query, raw)
            problem = _problem(res, (400, 413, 422))
            assert "root:" not in res.text and "lollol" not in res.text, problem
        query, raw = plain(text_xml("o1", "hi", 4))
        huge = await push(client, query, raw + b" " * (13 * 1024 * 1024))
        _problem(huge, (400, 413))
        unsigned = await push(client, {}, XXE.encode())
        _problem(unsigned, 403)
        # invalid UTF-8 in a signed push is malformed, not a crash
        query, raw = plain("<xml><FromUserName>o1</FromUserName></xml>")
        _problem(await push(client, query, b"<xml>\xff\xfe\xc3\x28</xml>"), (400, 422))
    assert await db.fetchval("SELECT count(*) FROM wechat_pushes") == 0


async def test_hostile_uploads_are_refused_and_leave_no_file(client, db, settings):
    me = await applicant(client, "hostile")
    created = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": FORM})
    app_id = created.json()["id"]
    url = f"{API}/applications/{app_id}/materials/photo"

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("photo.jpg", b"\x00" * (50 * 1024 * 1024))  # 50 MB of zeros in ~50 KB
    html_polyglot = b"<html><script>alert(document.cookie)</script>%PDF-1.7\n" + b"x" * 100
    for name, content in (("bomb.zip", bomb.getvalue()), ("x.svg", b"<svg onload=alert(1)>"),
                          ("../../../../etc/passwd", html_polyglot), ("a.jpg.php", b"<?php system($_GET[c]); ?>")):
        res = await client.put(url, headers=me["headers"], files={"file": (name, content, "image/jpeg")})
        _problem(res, (413, 422))
    huge = await client.put(url, headers=me["headers"],
                            files={"file": ("big.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * (13 * 1024 * 1024), "image/jpeg")})
    _problem(huge, 413)
    no_file = await client.put(url, headers=me["headers"], files={"other": ("x.jpg", b"\xff\xd8\xff", "image/jpeg")})
    _problem(no_file, (400, 422))
    assert await db.fetchval("SELECT count(*) FROM application_materials WHERE application_id = $1 "
                             "AND storage_key IS NOT NULL", app_id) == 0

    # A JPEG that is also HTML is stored as a JPEG at most: served back as image/jpeg with nosniff, under
    # a key of our own making (the traversal name never reaches the disk).
    polyglot = b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>" + b"\x00" * 500
    res = await client.put(url, headers=me["headers"], files={"file": ("../../evil.html", polyglot, "text/html")})
    if res.status_code == 200:
        served = await client.get(url, headers=me["headers"])
        assert served.headers["content-type"].startswith("image/jpeg")
        assert served.headers["x-content-type-options"] == "nosniff"
        key = await db.fetchval("SELECT storage_key FROM application_materials WHERE application_id = $1 "
                                "AND material_code = 'photo'", app_id)
        assert ".." not in key and "evil" not in key
    else:
        _problem(res, (413, 422))
    written = [os.path.join(d, f) for d, _, fs in os.walk(os.path.dirname(settings.storage_path)) for f in fs]
    assert not any("evil" in w or "passwd" in w for w in written), written


async def test_sql_metacharacters_emoji_and_mixed_scripts_are_stored_as_text(client, db):
    me = await applicant(client, "texter")
    text = "'); DROP TABLE users; -- 😀👨‍👩‍👧 Ωμέγα עברית \u202eevil\u202c 𠮷野家 ％ _ \\ 窗口让我跑了两趟"
    res = await client.post(f"{API}/complaints", headers=me["headers"],
                            json={"category": "complaint", "targetType": "window", "text": text})
    assert res.status_code == 201, res.text
    assert await db.fetchval("SELECT count(*) FROM complaints WHERE text = $1", text) == 1
    assert await db.fetchval("SELECT count(*) FROM users") >= 1
    # LIKE wildcards in a search are text, not patterns
    faq = await client.get(f"{API}/faq", params={"q": "%' OR 1=1 --"}, headers=me["headers"])
    assert faq.status_code in (200, 400), faq.text


async def test_invalid_utf8_and_oversized_json_are_clear_4xx_and_write_nothing(client, db):
    me = await applicant(client, "bytes")
    headers = {**me["headers"], "Content-Type": "application/json"}
    before = await db.fetchval("SELECT count(*) FROM complaints")
    bad = await client.post(f"{API}/complaints", headers=headers,
                            content=b'{"category": "complaint", "targetType": "window", "text": "\xff\xfe\xc3\x28"}')
    _problem(bad, (400, 422))
    big = msgspec.json.encode({"category": "complaint", "targetType": "window", "text": "长" * (5 * 1024 * 1024)})
    _problem(await client.post(f"{API}/complaints", headers=headers, content=big), (400, 413, 422))
    huge = b'{"text": "' + b"x" * (13 * 1024 * 1024) + b'"}'
    _problem(await client.post(f"{API}/complaints", headers=headers, content=huge), 413)
    nested = b"[" * 100000 + b"]" * 100000
    _problem(await client.post(f"{API}/complaints", headers=headers, content=nested), (400, 422))
    assert await db.fetchval("SELECT count(*) FROM complaints") == before
