"""The demo's cases for the applicant's rights during a case (issue 23), so a reviewer sees them in
the console and the API: a dangerous-goods permit whose clock stands still for an on-site
inspection (现场核查, F076/F106), a bulky-cargo permit refused by the automatic review and under
manual re-review (申请人工复核, F051), and a taxi-driver certificate past its expected finish date
and urged (催办, F109). Each belongs to its own demo applicant and is skipped when that applicant
already has a case, as the rest of the demo."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from api.demo import enterprises
from api.demo.client import DEMO_ID_NUMBERS

DG = "dangerous-goods-permit"
BULKY = "bulky-cargo"
TAXI = "taxi-driver-cert"
PAUSED, REREVIEWED, URGED = "dev-demo-feng", "dev-demo-chen", "dev-demo-chu"  # client.py's DEMO_APPLICANTS
BULKY_ANSWERS = {"needsAssessment": "no", "escort": "no", "unplated": "no"}


def _dg_form(company: str, credit_code: str, legal_person: str) -> dict[str, Any]:
    return {"companyName": company, "creditCode": credit_code, "legalPerson": legal_person, "mobile": "13700000008",
            "vehicleCount": 6, "parkingAddress": "温州市瓯海区娄桥工业园6号", "deliveryMethod": "快递送达",
            "deliveryAddress": "温州市瓯海区娄桥工业园6号"}


def _bulky_form(company: str, credit_code: str, start: datetime) -> dict[str, Any]:
    return {"companyName": company, "creditCode": credit_code, "mobile": "13700000009", "plateNo": "浙C9D009",
            "cargoName": "变压器", "cargoIndivisible": True, "totalLengthM": 20.5, "totalWidthM": 3.2,
            "totalHeightM": 4.3, "totalMassTons": 68, "route": "G15沈海高速温州南—乐清段",
            "startDate": (start + timedelta(days=3)).date().isoformat(),
            "endDate": (start + timedelta(days=12)).date().isoformat(), "cityRoute": "温州大道—车站大道—站前路",
            "driverName": "陈九", "driverIdNumber": DEMO_ID_NUMBERS[REREVIEWED],
            "driverQualificationNo": "QC330300900009",
            "deliveryAddress": "温州市鹿城区车站大道1号"}


async def _paused(d: Any, staff: Any, people: Any) -> None:
    company, code = "温州瓯安危险品运输有限公司", "91330381MA2DEM004F"
    me = await enterprises.as_company(d, PAUSED, people, code, company)
    if await d.cases(me):
        return
    case_id = await d.apply(me, DG, {"action": "new", "vehicles": "owned", "scope": "general"},
                            _dg_form(company, code, people[0][PAUSED]))
    await d.decide(staff["accept"], case_id)
    task = await d.task(staff["review"], case_id)
    await d.call("POST", f"/tasks/{task['id']}/pause", staff["review"], 201,
                 json={"kind": "inspection", "reason": "现场核查停车场地和专用车辆"})
    d.count("pauses")


async def _rereviewed(d: Any, people: Any) -> None:
    company, code = "温州重载大件物流有限公司", "91330382MA2DEM0051"
    me = await enterprises.as_company(d, REREVIEWED, people, code, company)
    if await d.cases(me):
        return
    # the library holds none of the company's licences: the automatic review refuses (one gap notice)
    created = await d.call("POST", "/applications", me, 201, json={
        "serviceCode": BULKY, "answers": BULKY_ANSWERS,
        "form": _bulky_form(company, code, datetime.combine(d.today, datetime.min.time()))})
    case_id = created["id"]
    checklist = await d.call("POST", f"/services/{BULKY}/checklist", me, 200, json={"answers": BULKY_ANSWERS})
    for m in checklist["materials"]:
        if m["required"] and not m["exempt"]:
            await d.call("PUT", f"/applications/{case_id}/materials/{m['code']}", me, 200,
                         files={"file": (f"{m['code']}.jpg", d.jpg, "image/jpeg")})
    await d.call("POST", f"/applications/{case_id}/submit", me, 200)
    d.count("cases")
    await d.call("POST", f"/applications/{case_id}/rereview", me, 201,
                 json={"reason": "道路运输经营许可证已换发，证照库信息未更新"})
    d.count("rereviews")


async def _urged(d: Any, staff: Any, state: Any) -> None:
    if await d.cases(URGED):
        return
    # Filed and accepted two weeks ago by the app's clock (``state.clock``), so it is past its
    # expected finish date (3 working days) when urged today.
    today = state.clock
    filed = today() - timedelta(days=14)
    state.clock = lambda: filed
    try:
        case_id = await d.apply(URGED, TAXI, {"household": "local"}, {
            "applicantName": "褚十", "idNumber": DEMO_ID_NUMBERS[URGED], "mobile": "13700000010",
            "firstLicenceDate": "2014-03-01", "deliveryAddress": "温州市鹿城区人民路100号"})
        await d.decide(staff["accept"], case_id)
    finally:
        state.clock = today
    await d.call("POST", f"/applications/{case_id}/urge", URGED, 201)
    d.count("urgings")


async def seed(d: Any, staff: Any, people: Any, state: Any) -> None:
    """The three cases (``people``: the demo's names and ID numbers by login; ``state``: the app's,
    whose clock the urged case moves back)."""
    await _paused(d, staff, people)
    await _rereviewed(d, people)
    await _urged(d, staff, state)
