"""After the decision: delivering paper licences (一窗出件) and the exams of qualification services.

Delivery follows the applicant's choice as the application records it: a service whose guide
says the licence is collected at a window (``visit_steps`` holds ``pickup``), or whose applicant
chose 窗口自取 in the form, waits there (F131, ``service_pickup``); a service whose form asks for
a delivery address (证件寄送地址) goes by EMS to it; any other
issues only the electronic licence. Staff record the EMS tracking number (the applicant is told,
``licence_shipped``) or the pick-up, which is a trip.

Exams (巡游出租车 and 网约车 driver qualifications, FAQ F005/F006/F014/F120–F123): once the
background review passes, the applicant is invited to book an exam session through the
appointments area (or staff assign one: ``exam_slot`` SMS with time, place and code); the decide
task waits for the result. Each subject passes at 90 of 100; a pass stays valid for a year
(F123), so a retake records only the failed subject. Which subjects a case takes follows its
answers (``required_subjects``): both (F005), or only the regional one for a holder of the
cruising-taxi qualification applying for the ride-hailing certificate (F013). All of them passed: the certificate is issued, the
application approved and the paper certificate sent by express. A fail: told by SMS, invited to
book a retake without applying again. Not every subject passed within a year of the first exam:
the case lapses and the applicant applies again (``service_exam_lapse``, a daily job).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import notify
from api.approvals import service_pickup as pickup
from api.applications.states import FINAL
from api.approvals.schemas import (
    DeliveryChangeIn,
    DeliveryOut,
    ExamOut,
    ExamResultIn,
    HandOverIn,
    MyDeliveryOut,
    ReshipmentIn,
    ShipmentOut,
    SubjectOut,
)
from api.auth.schemas import AuthUser
from api.db import load_queries, rows
from api.errors import Conflict, NotFound, Unprocessable
from api.types import mask_id_number, mask_name

q = load_queries(__file__, "fulfilment.sql")

EXAM_SERVICES = frozenset({"taxi-driver-cert", "ride-hailing-driver-cert"})  # qualification exams
SUBJECTS = {"national": "全国公共科目", "regional": "区域科目"}
PASS_VALID_DAYS = 365  # F123: 已合格科目成绩1年内有效


def required_subjects(service_code: str, answers: dict[str, Any] | None) -> list[str]:
    """The subjects this case must pass. F013: whoever holds the city's cruising-taxi qualification
    (the ``taxiQualified=yes`` situation of the ride-hailing certificate, whose qualification the
    material check confirms) "只需参加网约车区域科目考试"; everyone else takes both (F005)."""
    if service_code == "ride-hailing-driver-cert" and (answers or {}).get("taxiQualified") == "yes":
        return ["regional"]
    return list(SUBJECTS)


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


class NoExamPending(Conflict):
    """该办件当前没有待考的考试。"""

    code = "no_exam_pending"


class ExamSubjectNotRequired(Unprocessable):
    """该申请人无需参加此科目考试（已取得巡游出租车从业资格的只考区域科目），请只录入需考科目的成绩。"""

    code = "exam_subject_not_required"


class ExamYearOver(Conflict):
    """自首次考试之日起已满1年，未通过全部科目的需重新提交申请，不能再录入本次申请的成绩。"""

    code = "exam_year_over"


async def active_task_id(conn: Any, application_id: int) -> int | None:
    return await q.active_task_id(conn, application_id=application_id)


# ------------------------------------------------------------------ exams

async def waits_for_exam(conn: Any, application_id: int, service_code: str) -> bool:
    if service_code not in EXAM_SERVICES:
        return False
    exam = await q.get_exam(conn, application_id=application_id)
    return exam is not None and exam["status"] == "waiting"


async def start_exam(conn: Any, app: Any) -> None:
    """The checks passed: the application waits for the exam; the applicant may book a session."""
    if app["service_code"] not in EXAM_SERVICES:
        return
    await q.open_exam(conn, application_id=app["id"])
    await _invite(conn, app)


async def _invite(conn: Any, app: Any) -> None:
    # Imported here: the appointments area is optional for every other path through approvals.
    from api.appointments.duties import invite_to_exam

    await invite_to_exam(conn, user_id=app["applicant_id"], service_code=app["service_code"],
                         application_id=app["id"])


async def exam_of(conn: Any, application_id: int) -> ExamOut | None:
    exam = await q.get_exam(conn, application_id=application_id)
    if exam is None:
        return None
    results = [SubjectOut(subject=r["subject"], score=r["score"], passed=r["passed"], taken_on=r["taken_on"])
               for r in await rows(q.results(conn, application_id=application_id))]
    return ExamOut(application_id=application_id, status=exam["status"], attempts=exam["attempts"],
                   results=results, passed_at=exam["passed_at"], lapsed_at=exam["lapsed_at"])


async def _exam_task(conn: Any, user: AuthUser, task_id: int) -> Any:
    from api.approvals import service as tasks

    task = await tasks._task(conn, task_id)
    tasks._check_step(user, task)
    await tasks.refuse_own_case(conn, user, task["application_id"])
    if task["status"] != "waiting_exam":
        raise NoExamPending(currentStatus=task["status"])
    return task


async def assign_exam_slot(conn: Any, user: AuthUser, task_id: int, slot_id: int) -> dict[str, Any]:
    """Staff put the applicant on an exam session; the appointments area sends exam_slot."""
    from api.appointments import service as appointments

    task = await _exam_task(conn, user, task_id)
    appt = await appointments.assign_exam_slot(conn, user_id=task["applicant_id"],
                                               service_code=task["service_code"], slot_id=slot_id,
                                               application_id=task["application_id"], actor_id=user.id)
    return {"appointmentId": appt.id, "code": appt.code, "startsAt": appt.starts_at.isoformat(),
            "siteName": appt.site_name}


async def record_exam_result(conn: Any, user: AuthUser, task_id: int, data: ExamResultIn,
                             today: date | None = None) -> ExamOut:
    from api.applications import service as applications
    from api.approvals import service as tasks
    from api.catalogue import service as catalogue

    task = await _exam_task(conn, user, task_id)
    app_id = task["application_id"]
    exam = await q.lock_exam(conn, application_id=app_id)
    if exam is None or exam["status"] != "waiting":  # lapsed by the daily job meanwhile
        raise NoExamPending()
    if data.taken_on > (today or catalogue.today()):
        raise NoExamPending("考试日期不能晚于今天")
    year_end = await q.exam_year_end(conn, application_id=app_id)
    if year_end is not None and data.taken_on > year_end:  # F123: the daily job ends the case
        raise ExamYearOver(examYearEnd=year_end.isoformat(), faq="F123")
    required = required_subjects(task["service_code"], task["answers"])
    extra = [s for s in SUBJECTS if s not in required and getattr(data, s) is not None]
    if extra:  # refused before anything is written
        raise ExamSubjectNotRequired(subjects=extra, required=required, faq="F013")
    for subject in required:
        score = getattr(data, subject)
        if score is not None:
            await q.insert_result(conn, application_id=app_id, subject=subject, score=score,
                                  taken_on=data.taken_on, recorded_by=user.id)
    await q.count_attempt(conn, application_id=app_id)
    since = data.taken_on - timedelta(days=PASS_VALID_DAYS)
    passed = {r["subject"] for r in await rows(q.valid_passes(conn, application_id=app_id, since=since))}
    missing = [SUBJECTS[s] for s in required if s not in passed]
    params = {"serviceName": task["service_name"], "publicNo": task["public_no"]}
    licence_ids: list[int] = []
    if missing:
        await notify.enqueue(conn, user_id=task["applicant_id"], event="exam_result",
                             dedupe_key=f"exam_result:{app_id}:{data.taken_on}:{'-'.join(missing)}",
                             subject=("application", app_id),
                             params={**params, "result": "不合格",
                                     "reason": f"{'、'.join(missing)}未合格，可在“我的预约”中直接选择补考场次，无需重新申请。"})
        await _invite(conn, {"id": app_id, "applicant_id": task["applicant_id"], "service_code": task["service_code"]})
    else:
        await q.mark_passed(conn, application_id=app_id)
        if await tasks.q.finish_exam_task(conn, id=task_id, user_id=user.id) is None:
            raise NoExamPending()
        await notify.enqueue(conn, user_id=task["applicant_id"], event="exam_result",
                             dedupe_key=f"exam_result:{app_id}:passed", subject=("application", app_id),
                             params={**params, "result": "合格", "reason": "证件将由邮政EMS免费寄出。"})
        trail = {"taskId": task_id, "step": task["step"], "decision": "approve", "exam": "passed"}
        licence_ids = await tasks.approve_final(conn, app_id, actor_id=user.id, note="考试合格，准予许可", data=trail)
        await tasks.sign(conn, task, approver_id=user.id, decision="approve", reason="考试合格")
    out = await exam_of(conn, app_id)
    assert out is not None
    out.licence_ids = licence_ids
    return out


# ------------------------------------------------------------------ delivery

async def prepare_delivery(conn: Any, app: Any, today: date | None = None) -> Any:
    """Record how the paper licence reaches the applicant (nothing when only an e-licence is issued):
    at the window (the guide's ``pickup`` step, or the applicant chose 窗口自取, F131) or by EMS."""
    from api.catalogue import service as catalogue

    visits = list((await q.service_visits(conn, code=app["service_code"]))["visit_steps"])
    address = (app["form"] or {}).get("deliveryAddress")
    if pickup.chose_pickup(app["form"], visits):
        return await pickup.prepare(conn, app, visits, today or catalogue.today())
    if isinstance(address, str) and address.strip():
        return await q.insert_delivery(conn, application_id=app["id"], method="express", address=address.strip())
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
    """Who ships a paper licence: the staff of its service's last step (一窗出件: the step that
    decides hands the result out), with the role that step needs; admins oversee every delivery.
    Returns (all deliveries, the caller's steps, the step roles the caller may act as)."""
    from api.approvals.service import ACTING_ROLES

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
        from api.approvals.service import may_act, refuse_own_case

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
    from api.applications import service as applications

    app = await applications.lock(conn, row["application_id"])
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
    from api.applications import service as applications

    data = data or HandOverIn()
    pickup.check_collector(data)
    row = await _delivery(conn, delivery_id, user)
    if await q.picked_up(conn, id=delivery_id, handled_by=user.id, collected_by=data.collector,
                         proxy_name=data.proxy_name, proxy_id_number=data.proxy_id_number,
                         proxy_letter_checked=data.letter_checked if data.collector == "proxy" else None) is None:
        raise DeliveryDone(currentStatus=row["status"], method=row["method"])
    app = await applications.lock(conn, row["application_id"])
    await applications.append_event(conn, app, kind="licence", actor_id=user.id, note=pickup.collector_note(data),
                                    data={"deliveryId": delivery_id, "collectedBy": data.collector})
    await applications.record_trip(conn, user_id=row["applicant_id"], application_id=row["application_id"],
                                   kind="pickup", source_type="delivery", source_id=delivery_id)
    return delivery_out(await _delivery(conn, delivery_id))


# ------------------------------------------------------------------ F129/F130 follow-ups

STATUS_LABELS = {("planned", "express"): "办结后快递送达", ("planned", "pickup"): "办结后窗口自取",
                 ("pending", "express"): "待寄出", ("pending", "pickup"): "待领取",
                 ("shipped", "express"): "已寄出", ("picked_up", "pickup"): "已领取"}
RESHIP_NOTES = {"lost": "确认寄丢", "returned": "快递退回"}


async def reship(conn: Any, user: AuthUser, delivery_id: int, data: ReshipmentIn) -> DeliveryOut:
    """F130 确认寄丢的，由我局免费补发并重新寄出，您无需重新申请: the same delivery goes out again
    under a new EMS number (to a corrected address if given); the applicant is told the new number once."""
    from api.applications import service as applications

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
    app = await applications.lock(conn, row["application_id"])
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


async def _own(conn: Any, user: AuthUser, application_id: int) -> Any:
    from api.applications.service import ApplicationNotFound

    case = await q.own_delivery(conn, application_id=application_id)
    if case is None or case["applicant_id"] != user.id:
        raise ApplicationNotFound()
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
                          today: date | None = None) -> MyDeliveryOut:
    """F129 修改收件地址: before the licence is shipped the applicant changes the address, or
    switches between 快递送达 and 窗口自取; once shipped, a clear 409 pointing to EMS 11183."""
    from api.applications import service as applications
    from api.catalogue import service as catalogue

    case = await _own(conn, user, application_id)
    app = await applications.lock(conn, application_id)  # the decision (and prepare_delivery) waits
    case = await _own(conn, user, application_id)
    if data.method == "express" and "pickup" in list(case["visit_steps"]):
        raise PickupOnly(faq="F129")
    site = None
    if data.pickup_site is not None:
        site = await pickup.q.site_by_code(conn, code=data.pickup_site)
        if site is None:
            raise PickupSiteUnknown(field="pickupSite")
    if case["id"] is None:
        if app["status"] in FINAL or _planned(case) is None:
            raise NoPaperLicence(applicationStatus=app["status"])
        patch = ({"deliveryMethod": "快递送达", "deliveryAddress": data.address} if data.method == "express"
                 else {"deliveryMethod": pickup.PICKUP_CHOICE, "pickupSite": data.pickup_site})
        drop = "pickupSite" if data.method == "express" else "deliveryAddress"
        await q.change_form_delivery(conn, application_id=application_id, patch=patch, drop_key=drop)
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
            (today or catalogue.today()) + timedelta(days=pickup.HOLD_DAYS)
        changed = await q.change_to_pickup(conn, id=case["id"], site_code=site["code"], site_name=site["name"],
                                           site_address=site["address"], held_until=held_until)
    if changed is None:  # shipped or collected by staff in the meantime
        raise LicenceAlreadyShipped(faq="F129")
    event = await applications.append_event(conn, app, kind="licence", actor_id=user.id,
                                            note=_change_note(data, site),
                                            data={"deliveryId": case["id"], "method": data.method})
    if data.method == "pickup":
        service = await applications.q.service_of(conn, code=app["service_code"])
        await notify.enqueue(conn, user_id=app["applicant_id"], event="licence_ready_for_pickup",
                             dedupe_key=f"licence_ready_for_pickup:{case['id']}:{event['id']}",
                             subject=("application", application_id),
                             params={"serviceName": service["name"], "publicNo": app["public_no"],
                                     "siteName": changed["site_name"], "siteAddress": changed["site_address"] or "",
                                     "lastPickupDate": changed["held_until"].isoformat()})
    return await my_delivery(conn, user, application_id)


def _change_note(data: DeliveryChangeIn, site: Any) -> str:
    # the timeline is read by staff too: the new address itself stays out of it
    if data.method == "express":
        return "申请人修改了收件地址（快递送达）"
    return f"申请人改为窗口自取：{site['name']}"
