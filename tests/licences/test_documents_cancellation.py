"""F029: cancelling a 网约车运输证 is done the same day and yields an electronic cancellation certificate
(电子注销证明): a signed PDF of the case naming the permit, the plate and the day, downloadable by the
holder only, whose QR opens the cancelled permit's /verify page (status revoked)."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pypdf

from api.clock import today
from api.documents import keys, sign
from api.documents.content import cn_date
from tests.applications.helpers import licence
from tests.factories import applicant, run_jobs
from tests.licences.helpers import file, qr_urls

API = "/api/v1"


async def test_a_ride_hailing_permit_cancellation_yields_a_signed_certificate_with_plate_and_day(client, db, settings):
    me = await applicant(client, "f029-holder")
    permit = await licence(db, me["user"]["id"], "ridehail_vehicle_permit", "WY-F029-1",
                           valid_until=today() + timedelta(days=900), name="网络预约出租汽车运输证")
    await db.execute("UPDATE licences SET subject = '浙C66666' WHERE id = $1", permit)
    done = await file(client, me, "ride-hailing-vehicle-permit-cancel", permit,
                      {"reason": "退出网约车经营", "mobile": "13800138000"})
    assert done["status"] == "approved", done  # 当日办结
    shown = next(e for e in done["timeline"] if "电子注销证明" in (e["note"] or ""))
    assert "非营运" in shown["note"]

    listed = await client.get(f"{API}/applications/{done['id']}/documents", headers=me["headers"])
    assert [(d["kind"], d["status"]) for d in listed.json()] == [("cancellation", "pending")]  # a job signs it
    await run_jobs(settings)
    doc = (await client.get(f"{API}/applications/{done['id']}/documents", headers=me["headers"])).json()[0]
    assert doc["status"] == "ready" and doc["url"]
    res = await client.get(doc["url"], headers=me["headers"])
    assert res.status_code == 200 and res.headers["content-type"] == "application/pdf", res.text
    pdf = res.content

    checked = await sign.check(pdf, keys.paths(settings)[1])
    assert checked.valid and checked.intact and checked.trusted, checked
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")  # wrapped
    for words in ("电子注销证明", "网络预约出租汽车运输证", "WY-F029-1", "浙C66666", cn_date(today()), "退出网约车经营",
                  "非营运", "市交通运输局", done["publicNo"]):
        assert words in text, words
    stored = await db.fetchval("SELECT content FROM documents WHERE id = $1", doc["id"])
    assert stored["plate"] == "浙C66666" and stored["cancelledOn"] == today().isoformat()

    # the QR opens the cancelled permit's verification page: genuine, revoked
    urls = qr_urls(pdf)
    assert len(urls) == 1 and urls[0].startswith(f"{settings.base_url}/verify/")
    page = await client.get(urlsplit(urls[0]).path)
    assert page.status_code == 200, page.text
    assert page.json()["number"] == "WY-F029-1" and page.json()["status"] == "revoked"
    assert page.json()["valid"] is False and page.json()["genuine"] is True

    # only the holder downloads it
    other = await applicant(client, "f029-other")
    assert (await client.get(doc["url"], headers=other["headers"])).status_code == 404
    assert (await client.get(f"{API}/applications/{done['id']}/documents",
                             headers=other["headers"])).status_code == 404
