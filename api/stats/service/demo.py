"""``zsb demo-data --cases N``: a year of realistic activity, loaded in bulk.

People, their licences (the library that exempts materials), cases through the real state machine
(draft -> submitted -> accepted -> approved/rejected, with gap notices that were supplemented),
materials asked for or exempted, visits (window check-ins, inspections, exams, pick-ups), ratings
and the follow-up of bad reviews. Rows go in with COPY (asyncpg ``copy_records_to_table``); the
state changes are set-based UPDATEs. Deterministic for a given ``seed``.
"""

from __future__ import annotations

from pathlib import Path
import random
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from api.clock import ZONE, local_day
from api.db import rows
from api.db import load_queries
from api.workdays import add_workdays, is_workday

q = load_queries(Path(__file__).parents[1], "demo.sql")
CHUNK = 20_000
# share of ratings per level 5..1 (Ningbo reports ~51 % four stars or better; 好差评 skews positive)
LEVEL_WEIGHTS = [38, 22, 28, 8, 4]


async def load(conn: Any, *, cases: int, end: date, seed: int = 2026,
               progress: Callable[[int], None] = lambda n: None) -> Counter:
    """Insert ``cases`` cases submitted over the 365 days before ``end``; returns row counts."""
    rnd = random.Random(seed)
    counts: Counter = Counter()
    services = await rows(q.demo_services(conn))
    workdays = [d for d in (end - timedelta(days=i) for i in range(365)) if is_workday(d)]
    people = max(1, cases // 3)
    tag = f"{seed}-{datetime.now().timestamp():.0f}"
    await conn.copy_records_to_table("users", records=[(f"demo-{tag}-{i}", f"演示用户{i}") for i in range(people)],
                                     columns=["openid", "name"])
    user_ids = [r["id"] for r in await rows(q.demo_users(conn, prefix=f"demo-{tag}-"))]
    staff_id = await q.demo_staff(conn)
    counts["users"] = len(user_ids)
    licence_rows = [(uid, "id_card", "居民身份证", f"DEMO{tag}-{uid}", date(2015, 1, 1)) for uid in user_ids]
    await conn.copy_records_to_table("licences", records=licence_rows,
                                     columns=["holder_id", "type", "name", "number", "valid_from"])
    licence_of = {r["holder_id"]: r["id"] for r in await rows(q.demo_licences(conn, prefix=f"DEMO{tag}-"))}
    counts["licences"] = len(licence_of)
    done = 0
    while done < cases:
        n = min(CHUNK, cases - done)
        await _chunk(conn, rnd, n, services, workdays, user_ids, licence_of, counts, staff_id)
        done += n
        progress(n)
    await q.analyze_demo(conn)
    return counts


async def vacuum_after_load(conn: Any) -> None:
    """Outside any transaction, after the load committed: the bulk state moves and the figures'
    rollups leave several dead versions per row that autovacuum would otherwise clear later."""
    await q.vacuum_demo(conn)


def _at(day: date, rnd: random.Random, start: int = 9, end: int = 17) -> datetime:
    return datetime.combine(day, time(rnd.randint(start, end - 1), rnd.randint(0, 59)), ZONE)


async def _chunk(conn: Any, rnd: random.Random, n: int, services: list[Any], workdays: list[date],
                 user_ids: list[int], licence_of: dict[int, int], counts: Counter, staff_id: int | None) -> None:
    plans = []
    for _ in range(n):
        svc = rnd.choice(services)
        day = rnd.choice(workdays)
        plans.append((svc, day, rnd.choice(user_ids)))
    per_day = Counter(day for _, day, _ in plans)
    days = sorted(per_day)
    last = {r["day"]: r["last"] for r in await rows(q.reserve_public_nos(conn, days=days,
                                                                         counts=[per_day[d] for d in days]))}
    next_seq = {d: last[d] - per_day[d] + 1 for d in days}
    staged, extra = [], {}
    for svc, day, uid in plans:
        seq = next_seq[day]
        next_seq[day] += 1
        public_no = f"WZ-{day:%Y%m%d}-{seq:06d}"
        submitted = _at(day, rnd)
        instant = svc["kind"] == "instant"
        roll = rnd.random()
        final = "approved" if roll < 0.86 else "rejected" if roll < 0.93 else "accepted" if roll < 0.98 else "submitted"
        gap = rnd.random() < 0.12  # returned once for supplements, then supplemented
        accepted = submitted + timedelta(minutes=rnd.randint(5, 240)) if final != "submitted" else None
        decided = None
        if final in ("approved", "rejected"):
            if instant and not gap:
                decided = accepted + timedelta(minutes=rnd.randint(5, 30))  # 即办件: within 30 minutes
            else:
                limit = max(1, svc["promised_days"]) + (rnd.randint(1, 5) if gap else 0)
                decided = _at(add_workdays(day, rnd.randint(0 if instant else 1, limit)), rnd)
        staged.append((uid, svc["code"], instant, svc["promised_days"], public_no, submitted, accepted, decided, final))
        extra[public_no] = (svc, uid, submitted, decided, gap, final)
    await q.create_staging(conn)
    await conn.copy_records_to_table("demo_cases", records=staged)
    ids = {r["public_no"]: r["id"] for r in await rows(q.insert_drafts(conn))}
    materials, trips, gaps, ratings = [], [], [], []
    for public_no, (svc, uid, submitted, decided, gap, final) in extra.items():
        app_id = ids[public_no]
        for i in range(rnd.randint(2, 6)):
            exempt = licence_of.get(uid) if rnd.random() < 0.45 else None  # 证照免交
            materials.append((app_id, f"m{i}", f"申请材料{i + 1}", True, exempt))
        steps = list(svc["visit_steps"]) or (["window_checkin"] if rnd.random() < 0.06 else [])
        for kind in steps:
            if kind == "pickup" and rnd.random() < 0.7:
                continue  # most certificates travel by express
            if decided is None and kind in ("pickup", "inspection"):
                continue
            trips.append((uid, app_id, kind, "demo", app_id, submitted + timedelta(days=rnd.randint(0, 3))))
        if gap:
            gaps.append((app_id, submitted.date() + timedelta(days=28), submitted + timedelta(hours=1),
                         submitted + timedelta(days=1)))
        if decided is not None and rnd.random() < 0.45:
            level = rnd.choices([5, 4, 3, 2, 1], LEVEL_WEIGHTS)[0]
            ratings.append((uid, "application", app_id, svc["code"], level, decided + timedelta(hours=rnd.randint(1, 72))))
    # Materials and visits go in while the cases are drafts, so the figures' triggers (migration
    # 0051) compute each case's facts on submission and decision only, not twice more.
    await conn.copy_records_to_table("application_materials", records=materials,
                                     columns=["application_id", "material_code", "name", "required", "exempt_licence_id"])
    await conn.copy_records_to_table("trips", records=trips, columns=["user_id", "application_id", "kind", "source_type",
                                                                      "source_id", "occurred_at"])
    await q.move_submitted(conn)
    await q.move_accepted(conn)
    await q.move_decided(conn)
    await q.drop_staging(conn)
    if gaps:
        ids_, due, created, resolved = (list(c) for c in zip(*gaps))
        await q.insert_gap_notices(conn, ids=ids_, due=due, created=created, resolved=resolved)
    await conn.copy_records_to_table("ratings", records=ratings, columns=["user_id", "target_type", "target_id",
                                                                         "service_code", "level", "created_at"])
    follow_ups = [_follow_up(rnd, r, staff_id) for r in await rows(q.demo_bad_ratings(conn, min_id=0, ids=[x[2] for x in ratings]))]
    await conn.copy_records_to_table("rating_follow_ups", records=follow_ups, columns=[
        "rating_id", "status", "callback_due_on", "rectify_due_on", "called_back_at", "called_back_by", "callback_note",
        "closed_at", "closed_by", "rectification_note", "outcome"])
    counts.update(applications=len(ids), materials=len(materials), trips=len(trips), gap_notices=len(gaps),
                  ratings=len(ratings), follow_ups=len(follow_ups))


def _follow_up(rnd: random.Random, r: Any, staff_id: int | None) -> tuple:
    day = local_day(r["created_at"])
    callback_due, rectify_due = add_workdays(day, 1), add_workdays(day, 5)
    late = rnd.random() < 0.08
    called = _at(callback_due + timedelta(days=2 if late else 0), rnd)
    closed = _at(rectify_due - timedelta(days=rnd.randint(0, 3)) + timedelta(days=3 if late else 0), rnd)
    closed = max(closed, called + timedelta(hours=1))
    by = staff_id or r["user_id"]
    return (r["id"], "closed", callback_due, rectify_due, called, by, "已电话回访，了解情况", closed, by, "已核实并整改，结果已反馈申请人", rnd.choice(["rectified", "explained", "unfounded"]))
