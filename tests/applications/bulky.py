"""A bulky-cargo (大件运输一件事) case as an applicant builds it through the API, with the licence
library holding what a real carrier's would."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.applications.helpers import licence, person
from tests.factories import applicant
from tests.samples import JPG

API = "/api/v1"
CREDIT_CODE = "91330300MA2ABCDE14"
OTHER_CREDIT_CODE = "91330300MA2ABCDE27"
DRIVER_ID = "110105198001011238"
QUALIFICATION_NO = "QC330300123456"
COMPANY = "温州重型大件物流有限公司"
FAR = date(2028, 12, 31)
# a Monday in office hours; the permit runs 10 to 20 June
NOW = "2026-06-08 10:00"
ANSWERS = {"needsAssessment": "no", "escort": "no", "unplated": "no"}
FORM = {
    "companyName": COMPANY, "creditCode": CREDIT_CODE, "mobile": "13812345678", "plateNo": "浙C12345",
    "cargoName": "变压器", "cargoIndivisible": True, "totalLengthM": 20.5, "totalWidthM": 3.2,
    "totalHeightM": 4.3, "totalMassTons": 68, "route": "G15沈海高速温州南—乐清段",
    "startDate": "2026-06-10", "endDate": "2026-06-20", "cityRoute": "温州大道—车站大道—站前路",
    "driverName": "李师傅", "driverIdNumber": DRIVER_ID, "driverQualificationNo": QUALIFICATION_NO,
    "deliveryAddress": "温州市鹿城区车站大道1号",
}
UPLOADS = ("cargo_photos", "authorization", "city_route_plan")


async def carrier(client: Any, db: Any, name: str, *, skip: tuple[str, ...] = (),
                  valid_until: dict[str, date] | None = None, numbers: dict[str, str] | None = None,
                  driver_until: date = FAR) -> dict[str, Any]:
    """A company account whose library holds its business licence, operating permit and the
    tractor's licences, and a driver whose qualification the library holds; ``skip`` leaves out
    licence types, ``valid_until``/``numbers`` change them."""
    me = await applicant(client, name)
    uid = me["user"]["id"]
    await db.execute("UPDATE users SET company_name = $2, credit_code = $3 WHERE id = $1", uid, COMPANY, CREDIT_CODE)
    held = {"business_licence": CREDIT_CODE, "road_transport_permit": f"浙交运管许可温字{uid}号",
            "vehicle_licence": f"VL-{uid}", "road_transport_certificate": f"RTC-{uid}",
            "vehicle_inspection": f"VI-{uid}"}
    held.update(numbers or {})
    for lic_type, number in held.items():
        if lic_type not in skip:
            await licence(db, uid, lic_type, number, valid_until=(valid_until or {}).get(lic_type, FAR))
    driver = await person(db, f"driver-{name}", name="李师傅", id_number=DRIVER_ID)
    await licence(db, driver, "freight_driver_qualification", QUALIFICATION_NO, valid_until=driver_until)
    me["id"] = uid
    return me


def upload(client: Any, headers: dict[str, str], app_id: int, code: str) -> Any:
    return client.put(f"{API}/applications/{app_id}/materials/{code}", headers=headers,
                      files={"file": ("f.jpg", JPG, "image/jpeg")})


async def bulky_case(client: Any, headers: dict[str, str], *, answers: dict[str, str] | None = None,
                     form: dict[str, Any] | None = None, uploads: tuple[str, ...] = UPLOADS) -> int:
    created = await client.post(f"{API}/applications", headers=headers, json={
        "serviceCode": "bulky-cargo", "answers": {**ANSWERS, **(answers or {})}, "form": {**FORM, **(form or {})}})
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    for code in uploads:
        res = await upload(client, headers, app_id, code)
        assert res.status_code == 200, res.text
    return app_id


def by_code(review: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["code"]: c for c in review["checks"]}
