"""wx.uploadFile can only POST multipart/form-data with one named file field (plus its formData
fields); wx.downloadFile cannot send an Authorization header. Every upload route takes the former,
the OpenAPI names the field, and files can be fetched through a short-lived signed link."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from tests.applications.helpers import TAXI_FORM
from tests.factories import applicant
from tests.samples import JPG, PDF, PNG

API = "/api/v1"


def wx_upload(path: str, content: bytes, *, filename: str = "tmp_7f3a2c.jpg", content_type: str = "image/jpeg",
              form: dict[str, str] | None = None) -> tuple[dict[str, str], bytes]:
    """What wx.uploadFile({url, filePath, name: "file", formData}) puts on the wire: the formData
    fields first, then the file under ``name``, its type guessed from the temp file's extension."""
    boundary = f"----WeChatFormBoundary{uuid.uuid4().hex[:16]}"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in (form or {"source": "miniprogram"}).items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return {"Content-Type": f"multipart/form-data; boundary={boundary}"}, body


def _multipart_operations(doc: dict) -> dict[tuple[str, str], dict]:
    return {(path, method): op for path, item in doc["paths"].items() for method, op in item.items()
            if isinstance(op, dict) and "multipart/form-data" in op.get("requestBody", {}).get("content", {})}


async def test_every_upload_route_can_be_called_by_post_and_names_its_file_field(client):
    doc = (await client.get("/schema/openapi.json")).json()
    uploads = _multipart_operations(doc)
    assert len(uploads) >= 4
    for (path, method), op in uploads.items():
        schema = op["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert schema["required"] == ["file"] and schema["properties"]["file"]["format"] == "binary", op["operationId"]
        # a PUT-only upload cannot be reached from a mini-program
        assert (path, "post") in uploads, f"{method.upper()} {path} has no POST twin"


async def test_materials_pages_and_complaint_attachments_upload_as_wx_upload_file_sends_them(client):
    me = await applicant(client, "wxup")
    created = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "nonlocal"}, "form": TAXI_FORM})
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]

    headers, body = wx_upload(f"{API}/applications/{app_id}/materials/photo", JPG)
    res = await client.post(f"{API}/applications/{app_id}/materials/photo", content=body,
                            headers={**me["headers"], **headers})
    assert res.status_code == 200, res.text
    assert res.json()["code"] == "photo"

    headers, body = wx_upload("", PNG, filename="tmp_page1.png", content_type="image/png")
    res = await client.post(f"{API}/applications/{app_id}/materials/driving_licence/pages", content=body,
                            headers={**me["headers"], **headers})
    assert res.status_code in (200, 201), res.text

    headers, body = wx_upload("", PDF, filename="tmp_evidence.pdf", content_type="application/pdf")
    res = await client.post(f"{API}/complaints/attachments", content=body, headers={**me["headers"], **headers})
    assert res.status_code in (200, 201), res.text

    # a body without the named field is refused as such, not a 500
    headers, body = wx_upload("", JPG, form={"name": "photo"})
    body = body.replace(b'name="file"', b'name="image"')
    res = await client.post(f"{API}/applications/{app_id}/materials/photo", content=body,
                            headers={**me["headers"], **headers})
    assert res.status_code == 400 and res.json()["field"] == "file"


async def test_a_signed_link_downloads_without_a_token_and_expires_after_five_minutes(client):
    me = await applicant(client, "wxdown")
    other = await applicant(client, "wxdown2")
    app_id = (await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "nonlocal"}, "form": TAXI_FORM})).json()["id"]
    headers, body = wx_upload("", JPG)
    assert (await client.post(f"{API}/applications/{app_id}/materials/photo", content=body,
                              headers={**me["headers"], **headers})).status_code == 200
    headers, body = wx_upload("", PNG, filename="p.png", content_type="image/png")
    assert (await client.post(f"{API}/applications/{app_id}/materials/driving_licence/pages", content=body,
                              headers={**me["headers"], **headers})).status_code in (200, 201)

    now = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
    client.app.state.clock = lambda: now
    # someone else's case: no link, as no file
    assert (await client.get(f"{API}/applications/{app_id}/materials/photo/download-link",
                             headers=other["headers"])).status_code == 404
    link = (await client.get(f"{API}/applications/{app_id}/materials/photo/download-link", headers=me["headers"])).json()
    assert datetime.fromisoformat(link["expiresAt"]) == now + timedelta(minutes=5)
    path = link["url"].split("://", 1)[1].split("/", 1)[1]
    got = await client.get(f"/{path}")  # what wx.downloadFile does: a plain GET, no Authorization
    assert got.status_code == 200 and got.content == JPG and got.headers["content-type"].startswith("image/jpeg")
    assert got.headers["cache-control"] == "private, no-store"

    page = (await client.get(f"{API}/applications/{app_id}/materials/driving_licence/pages/1/download-link",
                             headers=me["headers"])).json()
    assert (await client.get("/" + page["url"].split("://", 1)[1].split("/", 1)[1])).content == PNG

    # a link to another file made by changing the token is refused
    token = path.rsplit("/", 1)[1]
    body_part, sig = token.split(".")
    forged = await client.get(f"{API}/files/{body_part[:-2]}AA.{sig}")
    assert forged.status_code == 400 and forged.json()["code"] == "download_link_invalid"

    client.app.state.clock = lambda: now + timedelta(minutes=5, seconds=1)
    late = await client.get(f"/{path}")
    assert late.status_code == 410 and late.json()["code"] == "download_link_expired"
