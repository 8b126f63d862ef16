"""After the decision: delivering the paper licence (一窗出件), the staff's side.

Delivery follows the applicant's choice as the application records it: a service whose guide
says the licence is collected at a window (``visit_steps`` holds ``pickup``), or whose applicant
chose 窗口自取 in the form, waits there (F131, ``pickup``); a service whose form asks for
a delivery address (证件寄送地址) goes by EMS to it; any other issues only the electronic licence.
Staff record the EMS tracking number (the applicant is told, ``licence_shipped``), a free
re-shipment of a lost or returned parcel (F130), or the pick-up, which is a trip.

Who ships: the staff of the service's last step (一窗出件: the step that decides hands the result
out) with the role that step needs (``api.approvals.rules.may_act``), never on their own case;
admins oversee every delivery. The applicant's side (F128/F129) is ``my_delivery``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import notify
from api import clock
from api.applications import service as applications
from api.approvals.rules import ACTING_ROLES, may_act
from api.approvals.service.tasks import refuse_own_case
from api.auth.schemas import AuthUser
from api.db import load_queries, rows
from api.errors import Conflict, NotFound
from api.licences.service import pickup
from api.licences.schemas import DeliveryOut, HandOverIn, ReshipmentIn
from api.types import mask_id_number, mask_name

q = load_queries(Path(__file__).parents[1], "delivery.sql")

RESHIP_NOTES = {"lost": "确认寄丢", "returned": "快递退回"}


class DeliveryNotFound(NotFound):
    """没有找到该证件送达记录。"""

    code = "delivery_not_found"


class DeliveryDone(Conflict):
    """该证件已寄出或已领取，或领取方式不符。"""

    code = "delivery_done"


class TrackingNoInUse(Conflict):
    """该快递单号已登记在其他证件的寄送记录上，请核对单号。"""

    code = "tracking_no_in_use"


class NotShippedYet(Conflict):
    """该证件尚未寄出，不需要补发；请直接登记快递单号。"""

    code = "delivery_not_shipped"


async def prepare_delivery(conn: Any, application_id: int, today: date | None = None) -> Any:
    """Record how the approved case's paper licence reaches the applicant (nothing when only an
    e-licence is issued): at the window (the guide's ``pickup`` step, or the applicant chose 窗口自取,
    F131) or by EMS. Returns the ``deliveries`` row, None when there is none (or one already)."""
    case = await applications.get_case(conn, application_id)
    visits = list((await q.service_visits(conn, code=case.service_code))["visit_steps"])
    address = (case.form or {}).get("deliveryAddress")
    if pickup.chose_pickup(case.form, visits):
        return await pickup.prepare(conn, case, visits, today or clock.today())
    if isinstance(address, str) and address.strip():
        return await q.insert_delivery(conn, application_id=case.id, method="express", address=address.strip())
    return None


def delivery_out(row: Any) -> DeliveryOut:
    company = row["applicant_company"] or (row["form"] or {}).get("companyName")
    return DeliveryOut(id=row["id"], application_id=row["application_id"], public_no=row["public_no"],
                       service_name=row["service_name"], method=row["method"], address=row["address"],
                       status=row["status"], tracking_no=row["tracking_no"],
                       applicant=company or mask_name(row["applicant_name"] or (row["form"] or {}).get("applicantName")),
                       created_at=row["created_at"], handled_at=row["handled_at"],
                       site_code=row["site_code"], site_name=row["site_name"], site_address=row["site_address"],
                       held_until=row["held_until"], collected_by=row["collected_by"],
                       proxy_name=mask_name(row["proxy_name"]), proxy_id_number=mask_id_number(row["proxy_id_number"]),
                       lapsed_at=row["lapsed_at"])


def _shipping_scope(user: AuthUser) -> tuple[bool, list[str], list[str]]:
    """(all deliveries, the caller's steps, the step roles the caller may act as)."""
    roles = [role for role, actors in ACTING_ROLES.items() if user.has(*actors)]
    return user.has("admin"), list(user.steps), roles


async def list_deliveries(conn: Any, user: AuthUser, *, status: str | None, method: str | None,
                          cursor: str | None, limit: int) -> tuple[list[DeliveryOut], str | None]:
    """The deliveries the caller's step ships; each one listed (a name and a postal address) is
    recorded in the case view log (F145) by the same statement that reads it."""
    every, steps, roles = _shipping_scope(user)
    found = await rows(q.deliveries(conn, status=status, method=method, all_steps=every, steps=steps, roles=roles,
                                    viewer_id=user.id, after=int(cursor or 0), lim=limit + 1, shown=limit))
    items = [delivery_out(r) for r in found[:limit]]
    return items, (str(items[-1].id) if len(found) > limit else None)


async def _delivery(conn: Any, delivery_id: int, user: AuthUser | None = None) -> Any:
    """The delivery; for ``user`` only one their step ships (another step's looks like none) and
    never one of their own cases."""
    row = await q.get_delivery(conn, id=delivery_id)
    if row is None:
        raise DeliveryNotFound()
    if user is not None:
        if not (user.has("admin") or may_act(user, row["ship_step"], row["ship_role"])):
            raise DeliveryNotFound()
        await refuse_own_case(conn, user, row["application_id"])
    return row


async def ship(conn: Any, user: AuthUser, delivery_id: int, tracking_no: str) -> DeliveryOut:
    row = await _delivery(conn, delivery_id, user)
    shipped = await q.ship(conn, id=delivery_id, tracking_no=tracking_no, handled_by=user.id)
    if shipped is None:
        raise DeliveryDone(currentStatus=row["status"], method=row["method"])
    if await q.record_shipment(conn, delivery_id=delivery_id, tracking_no=tracking_no, address=shipped["address"],
                               reason=None, shipped_by=user.id) is None:
        raise TrackingNoInUse(trackingNo=tracking_no)  # rolls the shipment back
    app = await applications.lock_case(conn, row["application_id"])
    await applications.append_event(conn, app, kind="licence", actor_id=user.id, note=f"证件已由邮政EMS寄出：{tracking_no}",
                                    data={"deliveryId": delivery_id, "trackingNo": tracking_no})
    await notify.enqueue(conn, user_id=row["applicant_id"], event="licence_shipped",
                         dedupe_key=f"licence_shipped:{delivery_id}", subject=("application", row["application_id"]),
                         params={"serviceName": row["service_name"], "publicNo": row["public_no"],
                                 "trackingNo": tracking_no})
    return delivery_out(await _delivery(conn, delivery_id))


async def hand_over(conn: Any, user: AuthUser, delivery_id: int, data: HandOverIn | None = None) -> DeliveryOut:
    """The licence was collected at the window — by the applicant, or by a proxy with the signed
    authorisation letter (F131) — a trip (counted in the reform figures)."""
    data = data or HandOverIn()
    pickup.check_collector(data)
    row = await _delivery(conn, delivery_id, user)
    if await q.picked_up(conn, id=delivery_id, handled_by=user.id, collected_by=data.collector,
                         proxy_name=data.proxy_name, proxy_id_number=data.proxy_id_number,
                         proxy_letter_checked=data.letter_checked if data.collector == "proxy" else None) is None:
        raise DeliveryDone(currentStatus=row["status"], method=row["method"])
    app = await applications.lock_case(conn, row["application_id"])
    await applications.append_event(conn, app, kind="licence", actor_id=user.id, note=pickup.collector_note(data),
                                    data={"deliveryId": delivery_id, "collectedBy": data.collector})
    await applications.record_trip(conn, user_id=row["applicant_id"], application_id=row["application_id"],
                                   kind="pickup", source_type="delivery", source_id=delivery_id)
    return delivery_out(await _delivery(conn, delivery_id))


async def reship(conn: Any, user: AuthUser, delivery_id: int, data: ReshipmentIn) -> DeliveryOut:
    """F130 确认寄丢的，由我局免费补发并重新寄出，您无需重新申请: the same delivery goes out again
    under a new EMS number (to a corrected address if given); the applicant is told the new number once."""
    row = await _delivery(conn, delivery_id, user)
    shipped = await q.reship(conn, id=delivery_id, tracking_no=data.tracking_no, address=data.address,
                             handled_by=user.id)
    if shipped is None:
        if row["status"] == "shipped" and row["tracking_no"] == data.tracking_no:
            raise TrackingNoInUse(trackingNo=data.tracking_no)
        if row["status"] == "pending" and row["method"] == "express":
            raise NotShippedYet()
        raise DeliveryDone(currentStatus=row["status"], method=row["method"])
    if await q.record_shipment(conn, delivery_id=delivery_id, tracking_no=data.tracking_no,
                               address=shipped["address"], reason=data.reason, shipped_by=user.id) is None:
        raise TrackingNoInUse(trackingNo=data.tracking_no)
    app = await applications.lock_case(conn, row["application_id"])
    await applications.append_event(conn, app, kind="licence", actor_id=user.id,
                                    note=f"{RESHIP_NOTES[data.reason]}，证件已免费补发，由邮政EMS重新寄出：{data.tracking_no}",
                                    data={"deliveryId": delivery_id, "trackingNo": data.tracking_no,
                                          "previousTrackingNo": row["tracking_no"], "reason": data.reason,
                                          "addressChanged": data.address is not None
                                          and data.address != row["address"]})
    await notify.enqueue(conn, user_id=row["applicant_id"], event="licence_shipped",
                         dedupe_key=f"licence_reshipped:{delivery_id}:{data.tracking_no}",
                         subject=("application", row["application_id"]),
                         params={"serviceName": row["service_name"], "publicNo": row["public_no"],
                                 "trackingNo": data.tracking_no})
    return delivery_out(await _delivery(conn, delivery_id))
