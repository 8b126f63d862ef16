"""The demo's people and its HTTP client (``api.demo.live`` drives the scenarios with it): demo
applicants log in through the sandbox WeChat login and verify through the sandbox face flow, staff
sign in with their passwords, and every step goes through the HTTP API of an app built in-process."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import httpx

API = "/api/v1"

# (WeChat login code, name, what their case shows) — printed by `zsb dev` beside the staff logins.
DEMO_APPLICANTS = [
    ("dev-demo-zhao", "赵一", "草稿：出租车驾驶员证；一条投诉"),
    ("dev-demo-qian", "钱二", "危险货物运输许可待受理（受理员待办）"),
    ("dev-demo-sun", "孙三", "待补正（审核退回）；微信咨询等待人工"),
    ("dev-demo-li", "李四", "补正后重新审核中（审核员待办）"),
    ("dev-demo-zhou", "周五", "待决定（决定人待办）；今天的窗口预约"),
    ("dev-demo-wu", "吴六", "出租车驾驶员证待考试，已约考试"),
    ("dev-demo-zheng", "郑七", "已办结，证件已寄出；差评待回访；微信咨询等待人工"),
    # issue 23's rights during a case (api/demo/rights.py)
    ("dev-demo-feng", "冯八", "危险货物运输许可审核中，现场核查暂停计时"),
    ("dev-demo-chen", "陈九", "大件运输智能审核未通过，已申请人工复核"),
    ("dev-demo-chu", "褚十", "出租车驾驶员证超过预计办结日期，已催办"),
]
# Each demo applicant is a verified person (F088): the sandbox face verification with these resident
# IDs (valid check digits; the sandbox verifies any sequence but 998/999), as the mini-program would.
DEMO_ID_NUMBERS = {
    "dev-demo-zhao": "110101199003074514", "dev-demo-qian": "330302198502121235",
    "dev-demo-sun": "330302199206182345", "dev-demo-li": "330302198809303455",
    "dev-demo-zhou": "11010119871121451X", "dev-demo-wu": "330302199001011235",
    "dev-demo-zheng": "330302198805051238",
    "dev-demo-feng": "330302199104121234", "dev-demo-chen": "330302198706232340",
    "dev-demo-chu": "330302199309183455",
}

DEMO_NAMES = {code: name for code, name, _ in DEMO_APPLICANTS}


class DemoFailed(RuntimeError):
    """A demo step was refused: the product changed under the script (the message says where)."""


def _jpg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 220, 240)).save(out, "JPEG")
    return out.getvalue()


class Demo:
    def __init__(self, client: httpx.AsyncClient, today: date) -> None:
        self.client = client
        self.today = today
        self.jpg = _jpg()
        self.headers: dict[str, dict[str, str]] = {}
        self.user_ids: dict[str, int] = {}
        self.made: dict[str, int] = {}

    async def call(self, method: str, path: str, who: str | None, *expect: int, **kw: Any) -> Any:
        res = await self.client.request(method, API + path, headers=self.headers.get(who or "", {}), **kw)
        if res.status_code not in (expect or (200, 201)):
            raise DemoFailed(f"{method} {path} as {who}: {res.status_code} {res.text[:300]}")
        return res.json() if res.content and "json" in res.headers.get("content-type", "") else None

    def count(self, what: str, n: int = 1) -> None:
        self.made[what] = self.made.get(what, 0) + n

    async def login_applicant(self, code: str) -> None:
        """Log in and, the first time, verify as the demo person through the sandbox face flow."""
        body = await self.call("POST", "/auth/wechat", None, 200, json={"code": code})
        self.headers[code] = {"Authorization": f"Bearer {body['accessToken']}"}
        self.user_ids[code] = body["user"]["id"]
        person = {"name": DEMO_NAMES[code], "idNumber": DEMO_ID_NUMBERS[code]}
        started = await self.call("POST", "/me/identity/verifications", code, 201, 409, json=person)
        if started.get("code") == "identity_already_verified":
            return  # verified on an earlier run: the login's tokens carry the claim
        if "id" not in started:
            raise DemoFailed(f"face verification of {code}: {started}")
        done = await self.call("POST", f"/me/identity/verifications/{started['id']}/result", code, 200)
        self.headers[code] = {"Authorization": f"Bearer {done['tokens']['accessToken']}"}
        self.count("verified")

    async def login_staff(self, phone: str, password: str) -> None:
        body = await self.call("POST", "/auth/staff-login", None, 200, json={"phone": phone, "password": password})
        self.headers[phone] = {"Authorization": f"Bearer {body['accessToken']}"}

    async def cases(self, who: str) -> list[Any]:
        body = await self.call("GET", "/applications", who, 200)
        return body["items"] if isinstance(body, dict) else body

    async def apply(self, who: str, service: str, answers: dict[str, str], form: dict[str, Any], *,
                    submit: bool = True) -> int:
        """Create a case, upload every material the checklist asks for (a photo), submit it."""
        created = await self.call("POST", "/applications", who, 201,
                                  json={"serviceCode": service, "answers": answers, "form": form})
        case_id = created["id"]
        checklist = await self.call("POST", f"/services/{service}/checklist", who, 200, json={"answers": answers})
        for m in checklist["materials"]:
            if m["required"] and not m["exempt"]:
                await self.call("PUT", f"/applications/{case_id}/materials/{m['code']}", who, 200,
                                files={"file": (f"{m['code']}.jpg", self.jpg, "image/jpeg")})
        if submit:
            await self.call("POST", f"/applications/{case_id}/submit", who, 200)
        self.count("cases")
        return case_id

    async def task(self, staff: str, case_id: int) -> Any:
        page = await self.call("GET", "/tasks", staff, 200, params={"limit": 50})
        items = page["items"] if isinstance(page, dict) else page
        for t in items:
            if t["applicationId"] == case_id:
                return t
        raise DemoFailed(f"case {case_id} is not in the queue of {staff}")

    async def decide(self, staff: str, case_id: int, decision: str = "approve", **body: Any) -> Any:
        t = await self.task(staff, case_id)
        return await self.call("POST", f"/tasks/{t['id']}/decision", staff, 200, json={"decision": decision, **body})

    async def slot(self, staff: str, service: str, site: str, day: date) -> Any:
        """The first bookable slot of ``service`` at ``site`` on ``day`` or the next working days,
        opened by the admin when the schedule has not been generated yet."""
        sites = await self.call("GET", "/sites", staff, 200)
        site_id = next(s["id"] for s in sites if s["code"] == site)
        for offset in range(0, 10):
            d = day + timedelta(days=offset)
            await self.call("POST", "/admin/slots/generate", staff, 200,
                            json={"siteId": site_id, "serviceCode": service, "dateFrom": d.isoformat(),
                                  "dateTo": d.isoformat()})
            slots = await self.call("GET", "/slots", staff, 200, params={"serviceCode": service, "date": d.isoformat()})
            free = [s for s in slots if s.get("bookable", True) and s["seatsLeft"] > 0 and s["siteId"] == site_id]
            if free:
                return free[0]
        raise DemoFailed(f"no bookable slot of {service} at {site} from {day}")
