"""The small hand-built data set the reform figures are pinned on (tests/stats/test_reform.py), with
its trips, materials and ratings."""

from __future__ import annotations

from typing import Any

from tests.clock import sh
from tests.factories import applicant
from tests.ratings.helpers import finished_application

FREIGHT = "freight-operating-permit"
TAXI = "taxi-driver-registration"


async def trip(db: Any, user_id: int, app_id: int, kind: str, source_id: int) -> None:
    """One trip the person made for the case (a row of trips, as the sources write it)."""
    await db.execute("INSERT INTO trips (user_id, application_id, kind, source_type, source_id) "
                     "VALUES ($1, $2, $3, 'test', $4)", user_id, app_id, kind, source_id)


async def _materials(db: Any, user_id: int, app_id: int, applicable: int, exempted: int) -> None:
    for i in range(applicable):
        licence_id = None
        if i < exempted:
            licence_id = await db.fetchval(
                "INSERT INTO licences (holder_id, type, name, number, valid_from) "
                "VALUES ($1, 'business_licence', '营业执照', $2, '2020-01-01') RETURNING id",
                user_id, f"L{app_id}-{i}")
        await db.execute("INSERT INTO application_materials (application_id, material_code, name, required, "
                         "exempt_licence_id) VALUES ($1, $2, '材料', true, $3)", app_id, f"m{i}", licence_id)


async def _rating(db: Any, user_id: int, app_id: int, level: int, at: str, *, service: str = FREIGHT,
                  follow_up: tuple[str, str, str | None, str | None] | None = None, voided: bool = False) -> int:
    rating_id = await db.fetchval(
        "INSERT INTO ratings (user_id, target_type, target_id, service_code, level, created_at) "
        "VALUES ($1, 'application', $2, $3, $4, $5) RETURNING id", user_id, app_id, service, level, sh(at))
    if voided:
        await db.execute("UPDATE ratings SET voided_at = now(), voided_by = $2, void_reason = '恶意评价' WHERE id = $1",
                         rating_id, user_id)
    if follow_up:
        callback_due, rectify_due, called_back, closed = follow_up
        await db.execute(
            "INSERT INTO rating_follow_ups (rating_id, callback_due_on, rectify_due_on, status, called_back_at, "
            "called_back_by, callback_note, closed_at, closed_by, rectification_note, outcome) "
            "VALUES ($1, $2::text::date, $3::text::date, $4, $5, $6, $7, $8, $9, $10, $11)",
            rating_id, callback_due, rectify_due, "closed" if closed else ("called_back" if called_back else "open"),
            sh(called_back) if called_back else None, user_id if called_back else None,
            "已回访" if called_back else None, sh(closed) if closed else None, user_id if closed else None,
            "已整改" if closed else None, "rectified" if closed else None)
    return rating_id


async def data_set(client: Any, db: Any) -> int:
    """March 2026, 道路普通货物运输经营许可: four cases with 0, 0, 1 and 2 trips.
    September 2026, 出租汽车驾驶员从业资格注册: one case across the National Day holiday."""
    uid = (await applicant(client, "zhang"))["user"]["id"]
    a1 = await finished_application(db, uid, service_code=FREIGHT, submitted="2026-03-02 09:00",
                                    decided="2026-03-02 09:20", is_instant=True)          # 0 working days
    # decided by the rules on submission (即办件): the instant share counts it (issue 27)
    await db.execute("UPDATE applications SET decided_automatically = true WHERE id = $1", a1)
    a2 = await finished_application(db, uid, service_code=FREIGHT, submitted="2026-03-02 10:00",
                                    decided="2026-03-04 15:00")                           # 2 working days
    a3 = await finished_application(db, uid, service_code=FREIGHT, submitted="2026-03-06 16:00",
                                    decided="2026-03-09 09:00", status="rejected")        # Fri -> Mon: 1
    a4 = await finished_application(db, uid, service_code=FREIGHT, submitted="2026-03-10 09:00",
                                    status="accepted")                                    # not decided yet
    await trip(db, uid, a3, "inspection", 1)
    await trip(db, uid, a4, "window_checkin", 2)
    await trip(db, uid, a4, "exam", 3)
    await _materials(db, uid, a1, 3, 2)
    await _materials(db, uid, a2, 2, 0)
    await _materials(db, uid, a4, 5, 1)
    # 30 Sep -> 9 Oct: nine calendar days, two working days on the State Council schedule
    a5 = await finished_application(db, uid, service_code=TAXI, submitted="2026-09-30 09:00",
                                    decided="2026-10-09 09:00")
    await _rating(db, uid, a1, 5, "2026-03-02 12:00")
    await _rating(db, uid, a2, 4, "2026-03-05 12:00")
    await _rating(db, uid, a3, 2, "2026-03-09 12:00",
                  follow_up=("2026-03-10", "2026-03-16", "2026-03-10 10:00", "2026-03-13 10:00"))  # on time
    await _rating(db, uid, a4, 1, "2026-03-11 12:00",
                  follow_up=("2026-03-12", "2026-03-18", None, None))  # never called back: overdue
    await _rating(db, uid, a5, 1, "2026-10-09 11:00", service=TAXI, voided=True)  # voided: not counted
    await _rating(db, uid, a5, 3, "2026-10-09 12:00", service=TAXI)
    return uid
