"""FAQ F131 窗口自取: the licence waits at the window the applicant chose, held 30 days.

- Chosen in the application form (``deliveryMethod`` = 窗口自取 and ``pickupSite``, a site code of
  the appointments area); a service whose guide says the licence is collected (``visit_steps``
  holds ``pickup``) waits at the first site serving it. On approval the applicant is told once
  (``licence_ready_for_pickup``): the site, the last day it is held, what to bring.
- Staff record who collected it: the applicant, or a proxy (name and resident ID number, and the
  applicant's signed authorisation letter, without which a proxy is refused). A proxy's ID number
  is stored for the record and shown masked everywhere, the timeline included.
- A daily job: past the last day, the pickup becomes an express delivery to the account's default
  address (told: ``licence_pickup_switched``); without one it stays at the window and the applicant
  is told once to add an address (``licence_pickup_address_needed``), then switched on the first
  run after they do.
- The authorisation letter (授权委托书) is a printable page of the applicant's own case.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jinja2
import structlog

import notify
from api.applications import service as applications
from api.auth.schemas import AuthUser
from api.auth.service.address import default_address
from api.db import load_queries, rows, transaction
from api.errors import Conflict, Unprocessable
from api.identity import require_verified
from api.licences.schemas import HandOverIn
from api.types import mask_id_number, mask_name

q = load_queries(Path(__file__).parents[1], "pickup.sql")
log = structlog.get_logger("zsb.licences.pickup")

HOLD_DAYS = 30  # F131: 证件在窗口保留30天
PICKUP_CHOICE = "窗口自取"  # the form's deliveryMethod option (the other is 快递送达)

_letters = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parents[1] / "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined)


class ProxyLetterRequired(Unprocessable):
    """他人代领须出示申请人签字的授权委托书，没有委托书不能代领。"""

    code = "proxy_letter_required"


class PickupNotChosen(Conflict):
    """该办件的证件不是窗口自取，无需授权委托书。"""

    code = "pickup_not_chosen"


def chose_pickup(form: dict[str, Any] | None, visit_steps: list[str]) -> bool:
    return "pickup" in visit_steps or (form or {}).get("deliveryMethod") == PICKUP_CHOICE


async def prepare(conn: Any, app: applications.Case, visit_steps: list[str], today: date) -> Any:
    """The approved licence waits at the window: record it with its last day and tell the
    applicant once. Returns the ``deliveries`` row (None when one was already recorded)."""
    chosen = (app.form or {}).get("pickupSite") if "pickup" not in visit_steps else None
    site = await q.site_by_code(conn, code=chosen) if isinstance(chosen, str) else None
    if site is None:
        site = await q.site_of_service(conn, service_code=app.service_code)
    held_until = today + timedelta(days=HOLD_DAYS)
    row = await q.insert_pickup(conn, application_id=app.id, site_code=site["code"] if site else chosen,
                                site_name=site["name"] if site else None,
                                site_address=site["address"] if site else None, held_until=held_until)
    if row is None:
        return None
    site_name = row["site_name"] or "办理窗口"
    await applications.append_event(conn, app, kind="licence", actor_id=None,
                                    note=f"证件已到{site_name}，窗口保留至{held_until.isoformat()}",
                                    data={"deliveryId": row["id"], "siteCode": row["site_code"],
                                          "heldUntil": held_until.isoformat()})
    await notify.enqueue(conn, user_id=app.applicant_id, event="licence_ready_for_pickup",
                         dedupe_key=f"licence_ready_for_pickup:{row['id']}", subject=("application", app.id),
                         params={"serviceName": await applications.service_name(conn, app.service_code),
                                 "publicNo": app.public_no, "siteName": site_name,
                                 "siteAddress": row["site_address"] or "", "lastPickupDate": held_until.isoformat()})
    return row


async def site(conn: Any, code: str) -> Any:
    """The active window (an appointments site) with this code, or None."""
    return await q.site_by_code(conn, code=code)


def collector_note(data: HandOverIn) -> str:
    if data.collector == "proxy":
        return (f"证件已由代领人{mask_name(data.proxy_name)}（身份证号{mask_id_number(data.proxy_id_number)}）"
                "凭申请人签字的授权委托书领取")
    return "证件已由申请人本人领取"


def check_collector(data: HandOverIn) -> None:
    if data.collector == "proxy" and not data.letter_checked:
        raise ProxyLetterRequired(field="letterChecked", faq="F131")


# ------------------------------------------------------------------ the 30 days are over

async def lapse_uncollected(pool: Any, today: date) -> dict[str, int]:
    """The daily job: each pickup past its last day in its own short transaction. Running it again
    changes nothing (the statements only act on pickups still due)."""
    async with transaction(pool) as conn:
        due = [r["id"] for r in await rows(q.lapsed_pickups(conn, today=today))]
    counts = {"switched": 0, "asked": 0}
    for delivery_id in due:
        async with transaction(pool) as conn:
            row = await q.lock_pickup(conn, id=delivery_id)
            if row is None or row["status"] != "pending" or row["method"] != "pickup" or row["held_until"] >= today:
                continue  # collected or changed meanwhile
            params = {"serviceName": row["service_name"], "publicNo": row["public_no"],
                      "siteName": row["site_name"] or "办理窗口"}
            address = await default_address(conn, row["applicant_id"])
            if address:
                if await q.switch_to_express(conn, id=delivery_id, address=address, today=today) is None:
                    continue
                await _timeline(conn, row, "窗口保留30天未领取，改为快递寄到账号默认地址",
                                {"deliveryId": delivery_id, "method": "express"})
                await notify.enqueue(conn, user_id=row["applicant_id"], event="licence_pickup_switched",
                                     dedupe_key=f"licence_pickup_switched:{delivery_id}",
                                     subject=("application", row["application_id"]),
                                     params={**params, "address": address})
                counts["switched"] += 1
            elif await q.mark_address_asked(conn, id=delivery_id) is not None:
                await notify.enqueue(conn, user_id=row["applicant_id"], event="licence_pickup_address_needed",
                                     dedupe_key=f"licence_pickup_address_needed:{delivery_id}",
                                     subject=("application", row["application_id"]), params=params)
                counts["asked"] += 1
    return counts


async def _timeline(conn: Any, row: Any, note: str, data: dict[str, Any]) -> None:
    app = await applications.get_case(conn, row["application_id"])
    await applications.append_event(conn, app, kind="licence", actor_id=None, note=note, data=data)


# ------------------------------------------------------------------ the authorisation letter

async def authorisation_letter(conn: Any, user: AuthUser, application_id: int) -> str:
    """授权委托书 for the applicant's own case whose licence is collected at a window."""
    case = await q.letter_case(conn, id=application_id)
    if case is None or case["applicant_id"] != user.id:
        raise applications.ApplicationNotFound()
    await require_verified(conn, user.id)  # F088
    method = case["delivery_method"]
    if method != "pickup" and (method is not None or not chose_pickup(case["form"], list(case["visit_steps"]))):
        raise PickupNotChosen()
    form = case["form"] or {}
    applicant = (case["applicant_company"] or form.get("companyName") or case["applicant_name"]
                 or form.get("applicantName") or form.get("ownerName") or "")
    return _letters.get_template("pickup_authorisation.html").render(
        public_no=case["public_no"] or "（提交后生成）", service_name=case["service_name"], applicant=applicant,
        site_name=case["site_name"], site_address=case["site_address"],
        held_until=case["held_until"].isoformat() if case["held_until"] else None, hold_days=HOLD_DAYS)
