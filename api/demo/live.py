"""A bureau in motion for ``zsb dev`` and ``zsb demo-data --live``.

The demo uses the product the way its users do: demo applicants log in through the sandbox WeChat
login and apply, the demo staff (api.seed.DEMO_STAFF) sign in with their passwords and decide,
book, ship — all through the HTTP API of an app built in-process, so every row (timeline, tasks,
notifications, deadlines, figures) is the one the real path writes. The two WeChat chats enter
where the push job hands a message to the help desk (api.helpdesk.service.inbox.receive), since a
signed push needs the live WeChat token.

Idempotent: each scenario belongs to its own demo applicant and is skipped when that applicant
already has what it makes, so running it again changes nothing. Sandbox WeChat only (the demo
applicants log in with ``dev-`` codes), never in production.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import structlog

from api.app import create_app
from api.clock import ZONE, local_now
from api.db import transaction
from api.demo import enterprises, rights
from api.demo.agency import seed as seed_agency
from api.demo.client import DEMO_APPLICANTS, DEMO_ID_NUMBERS, DEMO_NAMES, Demo, DemoFailed
from api.helpdesk.service.inbox import receive
from api.licences.sources.sandbox import seed_demo_sandbox
from api.seed import DEMO_STAFF

log = structlog.get_logger("zsb.demo")

DG = "dangerous-goods-permit"
TAXI = "taxi-driver-cert"
DG_ANSWERS = {"action": "new", "vehicles": "owned", "scope": "general"}
DG_FORM = {"companyName": "温州安达危险品运输有限公司", "creditCode": "91330300MA2ABCDE14", "legalPerson": "钱二",
           "mobile": "13700000002", "vehicleCount": 5, "parkingAddress": "温州市龙湾区永强大道1号",
           "deliveryMethod": "快递送达", "deliveryAddress": "温州市龙湾区永强大道1号"}


def _taxi_form(name: str, id_number: str, mobile: str) -> dict[str, Any]:
    return {"applicantName": name, "idNumber": id_number, "mobile": mobile, "firstLicenceDate": "2015-05-01",
            "deliveryAddress": "温州市鹿城区人民路100号"}


Scenario = Callable[[Demo, Any], Awaitable[None]]


async def _draft(d: Demo, staff: Any) -> None:
    me = "dev-demo-zhao"
    if await d.cases(me):
        return
    await d.apply(me, TAXI, {"household": "local"}, _taxi_form("赵一", "110101199003074514", "13700000001"),
                  submit=False)
    await d.call("POST", "/complaints", me, 201, json={
        "category": "complaint", "targetType": "window",
        "text": "市民中心3号窗口中午提前半小时停止取号，白跑一趟，希望按公布时间办理。"})
    d.count("complaints")


async def _awaiting_acceptance(d: Demo, staff: Any) -> None:
    # 钱二 registers the company; 赵一, its 经办人 for the permit, files it in the company's name (F091)
    company = await enterprises.enterprise(d, "dev-demo-qian", PEOPLE, DG_FORM["creditCode"], DG_FORM["companyName"])
    clerk = await enterprises.agent_of(d, "dev-demo-qian", company, "dev-demo-zhao", [DG])
    if await d.cases(clerk):
        return
    await d.apply(clerk, DG, DG_ANSWERS, DG_FORM)


async def _returned(d: Demo, staff: Any, me: str, company: str, credit_code: str, *, supplement: bool) -> None:
    form = {**DG_FORM, "companyName": company, "creditCode": credit_code, "legalPerson": DEMO_NAMES[me]}
    me = await enterprises.as_company(d, me, PEOPLE, credit_code, company)  # a business's permit: filed as it
    case_id = await d.apply(me, DG, DG_ANSWERS, form)
    await d.decide(staff["accept"], case_id)
    await d.decide(staff["review"], case_id, "return", reason="停车场地证明不清晰",
                   missing=[{"code": "parkingAddress", "message": "停车场地址请写到门牌号"}])
    if supplement:
        await d.call("PATCH", f"/applications/{case_id}", me, 200,
                     json={"form": {"parkingAddress": "温州市龙湾区永强大道1号物流园B区12号"}})
        await d.call("POST", f"/applications/{case_id}/submit", me, 200)


async def _supplementing(d: Demo, staff: Any) -> None:
    me = "dev-demo-sun"
    if await d.cases(await enterprises.as_company(d, me, PEOPLE, "91330381MA2DEM0016", "温州顺达化工物流有限公司")):
        return
    await _returned(d, staff, me, "温州顺达化工物流有限公司", "91330381MA2DEM0016", supplement=False)


async def _back_in_review(d: Demo, staff: Any) -> None:
    me = "dev-demo-li"
    if await d.cases(await enterprises.as_company(d, me, PEOPLE, "91330381MA2DEM0029", "瑞安平安危运有限公司")):
        return
    await _returned(d, staff, me, "瑞安平安危运有限公司", "91330381MA2DEM0029", supplement=True)


async def _at_decision(d: Demo, staff: Any) -> None:
    me = "dev-demo-zhou"
    company = await enterprises.as_company(d, me, PEOPLE, "91330382MA2DEM003T", "乐清安途危险品运输有限公司")
    if await d.cases(company):
        return
    form = {**DG_FORM, "companyName": "乐清安途危险品运输有限公司", "creditCode": "91330382MA2DEM003T", "legalPerson": "周五"}
    case_id = await d.apply(company, DG, DG_ANSWERS, form)
    await d.decide(staff["accept"], case_id)
    await d.decide(staff["review"], case_id)
    slot = await d.slot(staff["admin"], "freight-operating-permit", "city-service-centre", d.today)
    await d.call("POST", "/appointments", me, 201, json={"slotId": slot["id"]})
    d.count("bookings")


async def _exam_booked(d: Demo, staff: Any) -> None:
    me = "dev-demo-wu"
    if await d.cases(me):
        return
    case_id = await d.apply(me, TAXI, {"household": "local"}, _taxi_form("吴六", "330302199001011235", "13700000006"))
    await d.decide(staff["accept"], case_id)
    await d.decide(staff["review"], case_id)  # the decide task now waits for the exam
    slot = await d.slot(staff["admin"], TAXI, "transport-school-exam-centre", d.today + timedelta(days=1))
    await d.call("POST", "/appointments", me, 201, json={"slotId": slot["id"], "applicationId": case_id})
    d.count("bookings")


async def _decided_and_shipped(d: Demo, staff: Any) -> None:
    me = "dev-demo-zheng"
    if await d.cases(me):
        return
    case_id = await d.apply(me, TAXI, {"household": "local"}, _taxi_form("郑七", "330302198805051238", "13700000007"))
    await d.decide(staff["accept"], case_id)
    await d.decide(staff["review"], case_id)
    t = await d.task(staff["decide"], case_id)
    done = await d.call("POST", f"/tasks/{t['id']}/exam-result", staff["decide"], 200,
                        json={"takenOn": d.today.isoformat(), "national": 92, "regional": 93})
    if done["status"] != "passed":
        raise DemoFailed(f"exam of case {case_id}: {done}")
    deliveries = await d.call("GET", "/deliveries", staff["admin"], 200)
    delivery = next(x for x in deliveries["items"] if x["applicationId"] == case_id)
    await d.call("POST", f"/deliveries/{delivery['id']}/shipment", staff["admin"], 200,
                 json={"trackingNo": "SF1234567890123"})
    await d.call("POST", "/ratings", me, 201, json={
        "targetType": "application", "targetId": case_id, "level": 2, "tags": ["等待时间长"],
        "comment": "考试等了很久才通知，电话也打不通。"})
    d.count("ratings")


PEOPLE = (DEMO_NAMES, DEMO_ID_NUMBERS)  # who registers their company as its legal representative (issue 20)
SCENARIOS: list[Scenario] = [_draft, _awaiting_acceptance, _supplementing, _back_in_review, _at_decision,
                             _exam_booked, _decided_and_shipped]
CHATS = [("dev-demo-sun", "转人工"), ("dev-demo-zheng", "我要人工客服")]


async def _chats(d: Demo, pool: Any, redis: Any) -> None:
    """Two WeChat conversations waiting for the help desk, entered as the push job enters them."""
    for code, text in CHATS:
        mine = await d.call("GET", "/chat/conversations", code, 200)
        if any(c["channel"] == "wechat" for c in mine):
            continue
        async with transaction(pool) as conn:
            # a request for a person is handed over before the FAQ is asked: no index needed
            await receive(conn, None, user_id=d.user_ids[code], channel="wechat", text=text, redis=redis)
        d.count("chats")


async def seed_live(settings: Any, *, clock: Callable[[], datetime] | None = None) -> dict[str, int]:
    """Make the demo bureau (idempotent); returns what was made this time by kind."""
    if settings.env == "production" or settings.wechat_mode != "sandbox":
        raise DemoFailed("the living demo needs ZSB_WECHAT_MODE=sandbox outside production")
    app = create_app(settings)
    now = clock or local_now
    # The demo runs as if at opening time today (the app's clock), so "today" still has slots to book.
    opening = now().astimezone(ZONE).replace(hour=8, minute=0, second=0, microsecond=0)
    app.state.clock = lambda: opening
    async with app.lifespan(), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo",
                                                 timeout=60) as client:
        d = Demo(client, opening.date())
        staff: dict[str, str] = {}
        for phone, password, _, roles, steps in DEMO_STAFF:
            await d.login_staff(phone, password)
            for key in [*steps, *(r for r in roles if r in ("admin", "helpdesk"))]:
                staff.setdefault(key, phone)
        for code, _, _ in DEMO_APPLICANTS:
            await d.login_applicant(code)
        for scenario in SCENARIOS:
            await scenario(d, staff)
        await seed_agency(d, PEOPLE)  # a 代办 and a taxi registration awaiting their person (issue 20)
        await rights.seed(d, staff, PEOPLE, app.state)  # a paused, a re-reviewed and an urged case
        await _chats(d, app.state.pool, app.state.redis)
        await seed_demo_sandbox(d, app.state.pool)  # 证照免交 and 信息预填 from the sandbox licence source
    log.info("demo_live_seeded", **d.made)
    return d.made
