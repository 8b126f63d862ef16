"""A small request must not cost the API a lot of memory or CPU, nor earn a big answer: the outside
attack sent POST /applications with 600,000 unknown keys in ``form`` (8.3 MB), got a 68 MB 422 back
after a second of CPU, and six at once held the process at 2.45 GB. Bodies are capped per route,
keys, nesting and strings at the schema edge, and a problem names only a few offending fields."""

from __future__ import annotations

import asyncio
import json
import time

from api.app import JSON_BODY_LIMIT
from api.errors import MAX_NAMED_ERRORS
from tests.factories import applicant, stream_into

API = "/api/v1"
SMALL_ANSWER = 2048  # bytes: a problem that names a few fields


def _form_body(keys: int, service: str = "taxi-driver-cert") -> bytes:
    form = b",".join(b'"k%06d":"%06d"' % (i, i) for i in range(keys))
    # answers that pass, so the form is what gets checked (and was named key by key)
    return b'{"serviceCode":"' + service.encode() + b'","answers":{"household":"local"},"form":{' + form + b"}}"


async def _post(client, headers, body: bytes):
    return await client.post(f"{API}/applications", content=body,
                             headers={**headers, "Content-Type": "application/json"})


async def test_six_bodies_of_600000_unknown_form_keys_are_refused_before_they_are_read(client, db):
    me = await applicant(client, "flood")
    body = _form_body(600_000)
    assert len(body) > 8_000_000
    started = time.perf_counter()
    answers = await asyncio.gather(*(_post(client, me["headers"], body) for _ in range(6)))
    elapsed = time.perf_counter() - started
    for res in answers:
        assert res.status_code == 413 and res.json()["code"] == "payload_too_large", res.text[:300]
        assert len(res.content) < SMALL_ANSWER
    assert elapsed < 5, elapsed  # (the old code spent about a second of CPU on each)
    assert await db.fetchval("SELECT count(*) FROM applications") == 0


async def test_a_body_just_under_the_limit_full_of_keys_gets_a_short_400(client):
    me = await applicant(client, "keys")
    keys = (JSON_BODY_LIMIT - 100) // 19  # "k000000":"000000",
    body = _form_body(keys)
    assert JSON_BODY_LIMIT - 200 < len(body) <= JSON_BODY_LIMIT
    res = await _post(client, me["headers"], body)
    assert res.status_code == 400 and res.json()["code"] == "validation_failed", res.text[:300]
    assert len(res.content) < SMALL_ANSWER and "form" in res.json()["detail"]


async def test_nested_objects_and_megabyte_strings_are_refused_at_the_edge(client):
    me = await applicant(client, "shapes")
    nested: object = "x"
    for _ in range(50):
        nested = {"a": [nested]}
    for form in ({"name": nested}, {"name": ["a"] * 1000}, {"name": "x" * 100_000}):
        res = await _post(client, me["headers"], json.dumps({"serviceCode": "taxi-driver-cert",
                                                             "answers": {"household": "local"}, "form": form}).encode())
        assert res.status_code == 400 and res.json()["code"] == "validation_failed", res.text[:300]
        assert len(res.content) < SMALL_ANSWER
    answers = {f"q{i}": "a" for i in range(100)}
    res = await _post(client, me["headers"], json.dumps({"serviceCode": "taxi-driver-cert", "answers": answers}).encode())
    assert res.status_code == 400 and len(res.content) < SMALL_ANSWER


async def test_a_form_of_many_unknown_fields_is_answered_naming_a_few_of_them(client):
    me = await applicant(client, "unknown")
    form = {f"unknownField{i}": "x" for i in range(60)}
    res = await _post(client, me["headers"], json.dumps({"serviceCode": "taxi-driver-cert",
                                                         "answers": {"household": "local"}, "form": form}).encode())
    body = res.json()
    assert res.status_code == 422 and body["code"] == "form_invalid", res.text[:300]
    assert len(body["errors"]) == MAX_NAMED_ERRORS and body["moreErrors"] == 60 - MAX_NAMED_ERRORS
    assert body["detail"].count("form.unknownField") == MAX_NAMED_ERRORS and "另有55处" in body["detail"]
    assert len(res.content) < SMALL_ANSWER


async def test_json_routes_refuse_a_body_over_their_limit_and_uploads_still_take_ten_megabytes(client):
    me = await applicant(client, "big")
    padded = json.dumps({"serviceCode": "taxi-driver-cert", "answers": {}, "form": {}}).encode()
    padded = padded[:-1] + b" " * (JSON_BODY_LIMIT + 1) + b"}"
    res = await _post(client, me["headers"], padded)
    assert res.status_code == 413
    attachment = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024)  # over the JSON limit, under the file limit
    res = await client.post(f"{API}/complaints/attachments", headers=me["headers"],
                            files={"file": ("a.pdf", attachment, "application/pdf")})
    assert res.status_code != 413, res.text[:300]


async def test_a_body_sent_without_its_length_is_cut_off_at_the_limit(client):
    me = await applicant(client, "chunked")
    body, size = _form_body(600_000), 64 * 1024
    chunks = iter(body[i:i + size] for i in range(0, len(body), size))
    status, answer, read = await stream_into(client.app, f"{API}/applications",
                                             {**me["headers"], "Content-Type": "application/json"}, chunks)
    assert status == 413 and answer["code"] == "payload_too_large"
    assert read <= JSON_BODY_LIMIT // size + 1, read  # of the 130 chunks sent
