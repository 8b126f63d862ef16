"""Helpers for the licence tests: cases applied for and submitted through the API, a licence checked
as a scanner would, the operator's company, charter filings, and the QR codes printed in a licence file."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pypdf
import zxingcpp

from api.clock import today
from tests.applications.helpers import as_enterprise, licence
from tests.samples import JPG

API = "/api/v1"
COMPANY = {"companyName": "温州顺达物流有限公司", "creditCode": "91330300MA2ABCDE14", "deliveryAddress": "温州市鹿城区望江东路1号"}
OWNER = {"action": "issue", "vehicleOwner": "operator"}


async def create_and_submit(client: Any, who: dict[str, Any], case: dict) -> dict:
    """``who`` creates the case ``case`` describes and submits it: the submit response."""
    created = await client.post(f"{API}/applications", headers=who["headers"], json=case)
    assert created.status_code == 201, created.text
    res = await client.post(f"{API}/applications/{created.json()['id']}/submit", headers=who["headers"])
    assert res.status_code == 200, res.text
    return res.json()


async def apply(client: Any, who: dict[str, Any], service_code: str, answers: dict, form: dict) -> dict:
    """``who`` creates a case of ``service_code`` and submits it: the submit response."""
    return await create_and_submit(client, who, {"serviceCode": service_code, "answers": answers, "form": form})


async def verify(client: Any, who: dict[str, Any], licence_id: int) -> dict:
    """What a scanner of the licence's verification link is told."""
    link = await client.get(f"{API}/licences/{licence_id}/verification-link", headers=who["headers"])
    assert link.status_code == 200, link.text
    return (await client.get(f"/verify/{link.json()['token']}")).json()


async def _prerequisites(db: Any, uid: int) -> None:
    for typ, number in (("road_transport_permit", "浙交运管许可温字330300009号"), ("vehicle_licence", "VL-1"),
                        ("vehicle_inspection", "VI-1")):
        await licence(db, uid, typ, number)


async def operator_company(client: Any, db: Any, who: dict[str, Any]) -> dict:
    """F092: the certificates are filed by the operator, as its enterprise; its library holds the prerequisites."""
    await _prerequisites(db, who["user"]["id"])
    return await as_enterprise(client, db, who, COMPANY["companyName"], COMPANY["creditCode"])


def charter_form(plate: str = "浙C88888") -> dict:
    """A charter filing's form for ``plate``, departing in two days and back the day after."""
    day = today() + timedelta(days=2)
    return {"companyName": "温州顺达客运有限公司", "plateNo": plate, "driverName": "李四", "driverMobile": "13812340000",
            "origin": "温州", "destination": "杭州", "departDate": day.isoformat(),
            "returnDate": (day + timedelta(days=1)).isoformat()}


async def upload(client: Any, headers: dict[str, str], app_id: int, code: str) -> None:
    """Upload a JPEG as the case's material ``code``."""
    res = await client.put(f"{API}/applications/{app_id}/materials/{code}", headers=headers,
                           files={"file": ("licence.jpg", JPG, "application/octet-stream")})
    assert res.status_code == 200, res.text


async def charter(client: Any, who: dict[str, Any], form: dict) -> int:
    """A charter-filing draft (within the province) of ``who`` with ``form``: its id."""
    created = await client.post(f"{API}/applications", headers=who["headers"], json={
        "serviceCode": "charter-filing", "answers": {"interprovincial": "no"}, "form": form})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def qr_urls(pdf: bytes) -> list[str]:
    """The text of every QR code printed in the PDF."""
    found = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            found += [b.text for b in zxingcpp.read_barcodes(image.image)]
    return found


async def file(client: Any, who: dict[str, Any], service: str, licence_id: int, form: dict) -> dict:
    """``who`` files ``service`` about the licence (a change, a renewal ...) and submits it: the submit response."""
    return await create_and_submit(client, who, {"serviceCode": service, "licenceId": licence_id, "form": form})
