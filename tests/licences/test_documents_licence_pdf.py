"""The electronic licence file (issue 22, F132/F133/F045/F057): drawn and signed by a job after issue,
a PAdES signature pyHanko validates against the configured certificate, broken by one changed byte;
the printed QR opens the licence's /verify page; versions kept; only the holder downloads it."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pypdf

from arq import create_pool

from api.db import discard_after_commit
from api.documents import keys, sign
from jobs import redis_settings
from tests.factories import applicant, run_jobs
from tests.licences.helpers import COMPANY, OWNER, apply, operator_company, qr_urls

API = "/api/v1"


async def _issued(client, db, who) -> tuple[dict, dict]:
    """The certificate issued to ``who``'s enterprise (F092), and ``who`` acting for it (the holder)."""
    company = await operator_company(client, db, who)
    res = await apply(client, company, "freight-vehicle-cert", OWNER,
                      {**COMPANY, "plateNo": "浙C40001", "totalMassTons": 18})
    assert res["status"] == "approved", res
    return res["licences"][0], company


async def test_an_issued_licence_gets_a_signed_pdf_that_validates_and_breaks_when_one_byte_changes(client, db, settings):
    lic, me = await _issued(client, db, await applicant(client, "docs3"))
    listed = await client.get(f"{API}/licences/{lic['id']}/documents", headers=me["headers"])
    assert listed.status_code == 200, listed.text
    assert [(d["version"], d["status"]) for d in listed.json()] == [(1, "pending")]  # off the request path
    pending = await client.get(f"{API}/licences/{lic['id']}/documents/latest.pdf", headers=me["headers"])
    assert pending.status_code == 409 and pending.json()["code"] == "document_not_ready"

    await run_jobs(settings)
    res = await client.get(f"{API}/licences/{lic['id']}/documents/latest.pdf", headers=me["headers"])
    assert res.status_code == 200, res.text
    assert res.headers["content-type"] == "application/pdf"
    pdf = res.content
    cert_file = keys.paths(settings)[1]
    checked = await sign.check(pdf, cert_file)
    assert checked.valid and checked.intact and checked.trusted, checked
    assert "开发用文书签名证书" in checked.signer

    # what it says: the number, the holder, the vehicle, the authority, in Chinese text
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for words in (lic["number"], "道路运输证", "温州顺达物流有限公司", "浙C40001", "市交通运输局", "有效期限"):
        assert words in text, words

    # one changed byte anywhere in the signed range breaks it
    for where in (len(pdf) // 3, 100):
        broken = bytearray(pdf)
        broken[where] ^= 0x01
        assert not (await sign.check(bytes(broken), cert_file)).valid

    # the QR printed on it opens this licence's verification page
    urls = qr_urls(pdf)
    assert len(urls) == 1 and urls[0].startswith(f"{settings.base_url}/verify/")
    page = await client.get(urlsplit(urls[0]).path)
    assert page.status_code == 200, page.text
    assert page.json()["number"] == lic["number"] and page.json()["valid"] is True

    # a second run does nothing more; the stored file is the one downloaded
    await run_jobs(settings)
    row = await db.fetchrow("SELECT sha256, content FROM documents WHERE licence_id = $1", lic["id"])
    assert row["sha256"] == __import__("hashlib").sha256(pdf).hexdigest()


async def test_a_regenerated_document_keeps_the_earlier_version_and_only_the_holder_downloads(client, db, settings):
    from api.documents import service as documents

    other = await applicant(client, "doc-c")
    lic, me = await _issued(client, db, await applicant(client, "doc-a"))
    await run_jobs(settings)
    async with db.transaction():
        await documents.request_licence_document(db, lic["id"], owner_id=me["user"]["id"], reason="变更登记事项")
    discard_after_commit(db)  # written outside a request: nothing queued it, the sweeper finds it
    arq = await create_pool(redis_settings(settings.redis_url))
    await arq.enqueue_job("sweep_documents", _job_id="sweep-documents-test")
    await arq.aclose()
    await run_jobs(settings)
    versions = (await client.get(f"{API}/licences/{lic['id']}/documents", headers=me["headers"])).json()
    assert [(v["version"], v["status"], v["reason"]) for v in versions] == [(2, "ready", "变更登记事项"),
                                                                          (1, "ready", "签发")]
    for v in versions:
        got = await client.get(v["url"], headers=me["headers"])
        assert got.status_code == 200 and (await sign.check(got.content, keys.paths(settings)[1])).valid
    latest = await client.get(f"{API}/licences/{lic['id']}/documents/latest.pdf", headers=me["headers"])
    assert latest.content == (await client.get(versions[0]["url"], headers=me["headers"])).content

    for url in (f"{API}/licences/{lic['id']}/documents", f"{API}/licences/{lic['id']}/documents/latest.pdf",
                versions[0]["url"]):
        res = await client.get(url, headers=other["headers"])
        assert res.status_code == 404 and res.json()["code"] == "document_not_found", url
    assert (await client.get(versions[0]["url"])).status_code == 401
