"""Helpers for the applications tests: people and cases written straight to the database, and cases
made through the API (a taxi-driver case, uploads, material pages)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from api.applications.service.cases import q
from tests.factories import act_as_enterprise, credit_code_of
from tests.samples import JPG, PNG

API = "/api/v1"
TAXI_FORM = {"applicantName": "张三", "idNumber": "11010519491231002X", "mobile": "13812345678",
             "firstLicenceDate": "2015-03-01", "deliveryAddress": "温州市鹿城区车站大道1号"}
TAXI_ANSWERS = {"household": "local"}  # photo, id_card, driving_licence
_TEMPORARY_PLATE_FORM = {"companyName": "温州大件运输有限公司", "deliveryAddress": "温州市鹿城区人民路100号"}


async def person(db: Any, openid: str, **fields: Any) -> int:
    cols = ["openid", *fields]
    marks = ", ".join(f"${i}" for i in range(1, len(cols) + 1))
    return await db.fetchval(f"INSERT INTO users ({', '.join(cols)}) VALUES ({marks}) RETURNING id",
                             openid, *fields.values())


async def draft(db: Any, applicant_id: int, service_code: str = "dangerous-goods-permit", *,
                answers: dict[str, str] | None = None, form: dict[str, Any] | None = None,
                instant: bool = False, promised_days: int = 10) -> Any:
    return await q.insert_application(db, applicant_id=applicant_id, service_code=service_code,
                                      answers=answers or {}, form=form or {}, is_instant=instant,
                                      promised_days=promised_days)


async def as_enterprise(client: Any, db: Any, who: dict[str, Any], name: str = "温州顺达物流有限公司",
                        code: str | None = None) -> dict[str, Any]:
    """F092: ``who`` (verified) files a business's licence as its enterprise (``act_as_enterprise``; the
    code by default derived from ``name`` and the person); the licences planted for them so far are
    the enterprise's library (an enterprise's case is exempted by that library)."""
    company = await act_as_enterprise(client, who, code or credit_code_of(f"{name}:{who['user']['id']}"), name)
    await db.execute("UPDATE licences SET enterprise_id = $1 WHERE holder_id = $2 AND enterprise_id IS NULL",
                     company["enterprise_id"], who["user"]["id"])
    return company


async def licence(db: Any, holder_id: int, type: str, number: str, *, valid_until: date | None = None,
                  name: str = "证照", enterprise_id: int | None = None) -> int:
    """A licence in the person's library, or (``enterprise_id``) the enterprise's (issue 20)."""
    return await db.fetchval(
        "INSERT INTO licences (holder_id, type, name, number, valid_from, valid_until, enterprise_id) "
        "VALUES ($1, $2, $3, $4, '2020-01-01', $5, $6) RETURNING id", holder_id, type, name, number, valid_until,
        enterprise_id)


def upload(client: Any, headers: dict[str, str], app_id: int, code: str, content: bytes = JPG,
           name: str = "f.bin") -> Any:
    """Upload ``content`` (a JPEG by default) as the case's material ``code``."""
    return client.put(f"{API}/applications/{app_id}/materials/{code}", headers=headers,
                      files={"file": (name, content, "application/octet-stream")})


async def taxi_case(client: Any, headers: dict[str, str], *, complete: bool) -> int:
    """A taxi-driver-cert draft with every material uploaded (``complete``) or only the photo."""
    created = await client.post(f"{API}/applications", headers=headers, json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": TAXI_FORM})
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    for code in ("photo", "id_card", "driving_licence") if complete else ("photo",):
        assert (await upload(client, headers, app_id, code)).status_code == 200
    return app_id


async def submitted_case(client: Any, headers: dict[str, str]) -> int:
    """A taxi-driver-cert case with all its materials (the driving licence on two pages), submitted."""
    created = await client.post(f"{API}/applications", headers=headers, json={
        "serviceCode": "taxi-driver-cert", "answers": TAXI_ANSWERS, "form": TAXI_FORM})
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    assert (await upload(client, headers, app_id, "photo", JPG, "me.jpg")).status_code == 200
    assert (await upload(client, headers, app_id, "id_card", PNG + b"id", "id.png")).status_code == 200
    assert (await upload(client, headers, app_id, "driving_licence", PNG, "front.png")).status_code == 200
    back = await client.post(f"{API}/applications/{app_id}/materials/driving_licence/pages", headers=headers,
                             files={"file": ("back.jpg", JPG + b"back", "image/jpeg")})
    assert back.status_code == 201 and back.json()["pageCount"] == 2, back.text
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=headers)
    assert res.status_code == 200 and res.json()["status"] == "submitted", res.text
    return app_id


async def submitted_temporary_plate(client: Any, who: dict[str, Any]) -> dict:
    """A temporary-plate case of ``who``, submitted: the submit response (with its ``publicNo``)."""
    res = await client.post(f"{API}/applications", headers=who["headers"],
                            json={"serviceCode": "temporary-plate", "answers": {"unplated": "no"},
                                  "form": _TEMPORARY_PLATE_FORM})
    assert res.status_code == 201, res.text
    res = await client.post(f"{API}/applications/{res.json()['id']}/submit", headers=who["headers"])
    assert res.status_code == 200, res.text
    return res.json()


def pages_url(app_id: int, code: str) -> str:
    """Where the pages of the case's material ``code`` are listed and added."""
    return f"{API}/applications/{app_id}/materials/{code}/pages"


def add_page(client: Any, headers: dict[str, str], app_id: int, code: str, content: bytes, name: str = "page.bin",
             **extra: str) -> Any:
    """Add ``content`` as one more page of the case's material ``code`` (``extra``: more headers)."""
    return client.post(pages_url(app_id, code), headers={**headers, **extra},
                       files={"file": (name, content, "application/octet-stream")})


def files_in(settings: Any) -> set[str]:
    """Every stored file (relative key), and nothing half-written left in the incoming folder."""
    root = Path(settings.storage_path)
    incoming = root / ".incoming"
    assert not incoming.exists() or not any(incoming.iterdir()), "a half-written upload was left behind"
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and ".incoming" not in p.parts}


async def stored_keys(db: Any, app_id: int) -> set[str]:
    """The storage keys of every page the case holds."""
    return {r["storage_key"] for r in await db.fetch(
        "SELECT storage_key FROM application_material_pages WHERE application_id = $1", app_id)}


async def registration_draft(client: Any, headers: dict[str, str]) -> int:
    """A taxi-driver-registration draft (register): its id."""
    created = await client.post(f"{API}/applications", headers=headers, json={
        "serviceCode": "taxi-driver-registration", "answers": {"action": "register"}, "form": {}})
    assert created.status_code == 201, created.text
    return created.json()["id"]
