"""The applicant's side of the paper licence: how it comes and where it is (F128), and changing the
address or switching between 快递送达 and 窗口自取 before it is shipped (F129)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import notify
from api.applications import service as applications
from api.applications.states import FINAL
from api.auth.schemas import AuthUser
from api.db import load_queries, rows
from api.errors import Conflict, Unprocessable
from api.identity import require_verified
from api.licences.service import pickup
from api.licences.schemas import DeliveryChangeIn, MyDeliveryOut, ShipmentOut

q = load_queries(Path(__file__).parents[1], "delivery.sql")


class LicenceAlreadyShipped(Conflict):
    """证件已寄出，不能再修改收件地址。请凭办件详情中的EMS单号联系邮政客服11183申请改派。"""

    code = "licence_already_shipped"


class LicenceAlreadyCollected(Conflict):
    """证件已在窗口领取，不能再修改领取方式。"""

    code = "licence_already_collected"


class NoPaperLicence(Conflict):
    """该办件没有需要寄送或领取的纸质证件，或已办结、终止，不能修改收件地址。"""

    code = "no_paper_licence"


class PickupOnly(Conflict):
    """该事项的证件须到窗口领取，不能改为快递送达。"""

    code = "pickup_only"


class PickupSiteUnknown(Unprocessable):
    """没有找到该领证网点，请重新选择。"""

    code = "pickup_site_unknown"


STATUS_LABELS = {("planned", "express"): "办结后快递送达", ("planned", "pickup"): "办结后窗口自取",
                 ("pending", "express"): "待寄出", ("pending", "pickup"): "待领取",
                 ("shipped", "express"): "已寄出", ("picked_up", "pickup"): "已领取"}


async def _own(conn: Any, user: AuthUser, application_id: int) -> Any:
    case = await q.own_delivery(conn, application_id=application_id)
    if case is None or case["applicant_id"] != user.id:
        raise applications.ApplicationNotFound()
    await require_verified(conn, user.id)  # F088: one's licences need a verified person
    return case


def _planned(case: Any) -> tuple[str, str | None, str | None] | None:
    """Before the decision: what the form asks for (method, address, site); None when it asks for
    no paper licence at all."""
    form = case["form"] or {}
    visits = list(case["visit_steps"])
    if pickup.chose_pickup(form, visits):
        return "pickup", None, form.get("pickupSite")
    if "deliveryAddress" in form or "deliveryMethod" in form:
        return "express", form.get("deliveryAddress"), None
    return None


async def my_delivery(conn: Any, user: AuthUser, application_id: int) -> MyDeliveryOut:
    """办件详情: how the paper licence comes and where it is (F128 快递单号和物流状态)."""
    case = await _own(conn, user, application_id)
    if case["id"] is None:
        planned = _planned(case) if case["application_status"] not in FINAL else None
        if planned is None:  # only an electronic licence, or no licence at all
            return MyDeliveryOut(application_id=application_id, method="none", status="none",
                                 status_label="无纸质证件寄送")
        method, address, site = planned
        return MyDeliveryOut(application_id=application_id, method=method, status="planned",
                             status_label=STATUS_LABELS[("planned", method)], address=address, site_code=site,
                             can_change=True)
    shipments = [ShipmentOut(tracking_no=r["tracking_no"], reason=r["reason"], shipped_at=r["shipped_at"])
                 for r in await rows(q.shipments(conn, delivery_id=case["id"]))]
    label = STATUS_LABELS.get((case["status"], case["method"]), case["status"])
    if case["status"] == "shipped" and len(shipments) > 1:
        label = "已补发寄出"
    return MyDeliveryOut(application_id=application_id, method=case["method"], status=case["status"],
                         status_label=label, address=case["address"], tracking_no=case["tracking_no"],
                         shipments=shipments, site_code=case["site_code"], site_name=case["site_name"],
                         site_address=case["site_address"], held_until=case["held_until"],
                         can_change=case["status"] == "pending")


async def change_delivery(conn: Any, user: AuthUser, application_id: int, data: DeliveryChangeIn,
                          today: date) -> MyDeliveryOut:
    """F129 修改收件地址: before the licence is shipped the applicant changes the address, or
    switches between 快递送达 and 窗口自取; once shipped, a clear 409 pointing to EMS 11183."""
    case = await _own(conn, user, application_id)
    app = await applications.lock_case(conn, application_id)  # the decision (and prepare_delivery) waits
    case = await _own(conn, user, application_id)
    if data.method == "express" and "pickup" in list(case["visit_steps"]):
        raise PickupOnly(faq="F129")
    site = None
    if data.pickup_site is not None:
        site = await pickup.site(conn, data.pickup_site)
        if site is None:
            raise PickupSiteUnknown(field="pickupSite")
    if case["id"] is None:
        if app.status in FINAL or _planned(case) is None:
            raise NoPaperLicence(applicationStatus=app.status)
        patch = ({"deliveryMethod": "快递送达", "deliveryAddress": data.address} if data.method == "express"
                 else {"deliveryMethod": pickup.PICKUP_CHOICE, "pickupSite": data.pickup_site})
        drop = "pickupSite" if data.method == "express" else "deliveryAddress"
        await applications.patch_form(conn, application_id, patch, drop)
        await applications.append_event(conn, app, kind="licence", actor_id=user.id,
                                        note=_change_note(data, site), data={"method": data.method, "planned": True})
        return await my_delivery(conn, user, application_id)
    if case["status"] == "shipped":
        raise LicenceAlreadyShipped(trackingNo=case["tracking_no"], faq="F129")
    if case["status"] == "picked_up":
        raise LicenceAlreadyCollected()
    if data.method == "express":
        changed = await q.change_to_express(conn, id=case["id"], address=data.address)
    else:
        assert site is not None
        # A new window keeps the hold already running; a switch from express starts F131's 30 days.
        held_until = case["held_until"] if case["method"] == "pickup" and case["held_until"] else \
            today + timedelta(days=pickup.HOLD_DAYS)
        changed = await q.change_to_pickup(conn, id=case["id"], site_code=site["code"], site_name=site["name"],
                                           site_address=site["address"], held_until=held_until)
    if changed is None:  # shipped or collected by staff in the meantime
        raise LicenceAlreadyShipped(faq="F129")
    event = await applications.append_event(conn, app, kind="licence", actor_id=user.id,
                                            note=_change_note(data, site),
                                            data={"deliveryId": case["id"], "method": data.method})
    if data.method == "pickup":
        await notify.enqueue(conn, user_id=app.applicant_id, event="licence_ready_for_pickup",
                             dedupe_key=f"licence_ready_for_pickup:{case['id']}:{event.id}",
                             subject=("application", application_id),
                             params={"serviceName": await applications.service_name(conn, app.service_code),
                                     "publicNo": app.public_no,
                                     "siteName": changed["site_name"], "siteAddress": changed["site_address"] or "",
                                     "lastPickupDate": changed["held_until"].isoformat()})
    return await my_delivery(conn, user, application_id)


def _change_note(data: DeliveryChangeIn, site: Any) -> str:
    # the timeline is read by staff too: the new address itself stays out of it
    if data.method == "express":
        return "申请人修改了收件地址（快递送达）"
    return f"申请人改为窗口自取：{site['name']}"
