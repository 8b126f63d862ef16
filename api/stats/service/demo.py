"""``zsb demo-data --cases N``: a year of realistic activity, loaded in bulk.

The figures of the demo year follow from the catalogue, not from shares typed in here. Each case
takes a service and answers its situations; the catalogue then says which materials apply, which
of them a licence the person holds stands for (证照免交, by the material's ``exemptBy`` type), and
whether the case is an instant matter. The decision follows the product's rules: a service decided
automatically (``autoDecide``) is decided on submission only when every material is satisfied by a
licence from the library (an uploaded material sends it to a person, as
``api.applications.rules`` does); every other case is decided by staff within its promised working
days (plus the supplement when one was asked for). The visits are the service's designed trips
(``visitSteps``): a window check-in and an inspection before the decision, the exam after
acceptance, a pick-up after the decision — nothing for a zero-trip service. An approved case of a
service that issues a licence issues it, into the person's library.

What remains chance is what people and staff do: which service, which answers, which licences a
person already holds (``HOLDS``), whether they apply at a window where staff enter the case for them
(``AT_WINDOW``, F083: a window visit, so not online), whether staff approve, whether a material
needed a supplement, and the ratings. Cases enter as drafts and move through the real state machine (the trigger checks
each step). Rows go in with COPY (asyncpg ``copy_records_to_table``); state changes are set-based
UPDATEs. Deterministic for a given ``seed``.
"""

from __future__ import annotations

from pathlib import Path
import random
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from api.catalogue import service as catalogue
from api.catalogue.schemas import ServiceSpec
from api.clock import ZONE, local_day
from api.db import rows
from api.db import load_queries
from api.identity import demo as identity_demo
from api.workdays import add_workdays, is_workday

q = load_queries(Path(__file__).parents[1], "demo.sql")
CHUNK = 20_000
# share of ratings per level 5..1 (Ningbo reports ~51 % four stars or better; 好差评 skews positive)
LEVEL_WEIGHTS = [38, 22, 28, 8, 4]
# how often a person already holds a licence of a kind the catalogue can exempt with (the rest:
# about one in three holds it); a person's library, not an outcome of the figures
HOLDS = {"id_card": 0.95, "residence_permit": 0.05, "driving_licence": 0.7, "vehicle_licence": 0.5,
         "business_licence": 0.35}
SUPPLEMENT = 0.12  # a case with an uploaded material was returned once for a supplement
APPROVED = 0.93    # staff approve most complete cases; the rest are refused
AT_WINDOW = 0.05   # people who still apply at a window, where staff enter the case for them (F083)


async def load(conn: Any, *, cases: int, end: date, seed: int = 2026,
               progress: Callable[[int], None] = lambda n: None) -> Counter:
    """Insert ``cases`` cases submitted over the 365 days before ``end``; returns row counts."""
    rnd = random.Random(seed)
    counts: Counter = Counter()
    services = [s for s in await catalogue.all_specs(conn)
                if s.active and not s.is_bundle and s.lifecycle is None]
    workdays = [d for d in (end - timedelta(days=i) for i in range(365)) if is_workday(d)]
    people = max(1, cases // 3)
    tag = f"{seed}-{datetime.now().timestamp():.0f}"
    await conn.copy_records_to_table("users", records=[(f"demo-{tag}-{i}", f"演示用户{i}") for i in range(people)],
                                     columns=["openid", "name"])
    user_ids = [r["id"] for r in await rows(q.demo_users(conn, prefix=f"demo-{tag}-"))]
    staff_id = await q.demo_staff(conn)
    counts["users"] = len(user_ids)
    # every demo person is a verified person (F088), as every real applicant must be
    counts["identities"] = await identity_demo.verify_demo_people(
        conn, [(uid, f"演示用户{i}") for i, uid in enumerate(user_ids)],
        at=datetime.combine(end - timedelta(days=366), time(9), ZONE))
    kinds = sorted({m.exempt_by for s in services for m in s.materials if m.exempt_by})
    held = [(uid, kind) for uid in user_ids for kind in kinds if rnd.random() < HOLDS.get(kind, 0.3)]
    await conn.copy_records_to_table(
        "licences", records=[(uid, kind, kind, f"DEMO{tag}-{uid}-{kind}", date(2015, 1, 1)) for uid, kind in held],
        columns=["holder_id", "type", "name", "number", "valid_from"])
    library = {(r["holder_id"], r["type"]): r["id"] for r in await rows(q.demo_licences(conn, prefix=f"DEMO{tag}-"))}
    counts["licences"] = len(library)
    done = 0
    while done < cases:
        n = min(CHUNK, cases - done)
        await _chunk(conn, rnd, n, services, workdays, user_ids, library, counts, staff_id, tag)
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


class _Case:
    """One simulated case: what the catalogue's rules make of a person's answers and library."""

    def __init__(self, spec: ServiceSpec, uid: int, day: date, rnd: random.Random,
                 library: dict[tuple[int, str], int]) -> None:
        self.spec, self.uid = spec, uid
        answers = {s.code: rnd.choice(s.options).value for s in spec.situations}
        materials, _ = catalogue.applicable(spec, answers)
        self.instant, self.promised, issues = catalogue.path_of(spec, answers)
        self.materials = [(m, library.get((uid, m.exempt_by)) if m.exempt_by else None) for m in materials]
        uploaded = any(exempt is None for m, exempt in self.materials if m.required)
        self.automatic = spec.auto_decide and self.instant and not uploaded
        self.gap = uploaded and rnd.random() < SUPPLEMENT
        self.submitted = _at(day, rnd)
        self.at_window = rnd.random() < AT_WINDOW
        if self.automatic:  # decided on submission by the rules, nobody involved
            self.final = "approved"
            self.accepted = self.decided = self.submitted + timedelta(seconds=rnd.randint(2, 30))
        else:
            roll = rnd.random()
            self.final = "submitted" if roll < 0.02 else "accepted" if roll < 0.06 else \
                "approved" if rnd.random() < APPROVED else "rejected"
            self.accepted = self.submitted + timedelta(minutes=rnd.randint(5, 240)) if self.final != "submitted" else None
            self.decided = None
            if self.final in ("approved", "rejected"):
                limit = max(1, self.promised) + (rnd.randint(1, 5) if self.gap else 0)
                self.decided = max(_at(add_workdays(day, rnd.randint(0 if self.instant else 1, limit)), rnd),
                                   self.accepted + timedelta(minutes=5))
        self.licence = spec.licence if issues and self.final == "approved" else None

    def trips(self, app_id: int, rnd: random.Random) -> list[tuple]:
        """The designed visits this case has reached: before the decision, after acceptance, after it."""
        out = []
        if self.at_window:  # the visit to the window where the case was entered
            out.append((self.uid, app_id, "window_checkin", "window_entry", app_id,
                        self.submitted - timedelta(minutes=rnd.randint(5, 30))))
        for kind in self.spec.visit_steps:
            if kind in ("window_checkin", "inspection"):
                at = self.accepted if kind == "window_checkin" else self.decided
            elif kind == "exam":
                at = self.accepted
            else:  # pickup
                at = self.decided if self.final == "approved" else None
            if at is not None:
                out.append((self.uid, app_id, kind, "demo", app_id, at - timedelta(minutes=rnd.randint(1, 60))
                            if kind != "pickup" else at + timedelta(days=rnd.randint(1, 5))))
        return out


async def _chunk(conn: Any, rnd: random.Random, n: int, services: list[ServiceSpec], workdays: list[date],
                 user_ids: list[int], library: dict[tuple[int, str], int], counts: Counter,
                 staff_id: int | None, tag: str) -> None:
    plans = [(rnd.choice(services), rnd.choice(workdays), rnd.choice(user_ids)) for _ in range(n)]
    per_day = Counter(day for _, day, _ in plans)
    days = sorted(per_day)
    last = {r["day"]: r["last"] for r in await rows(q.reserve_public_nos(conn, days=days,
                                                                         counts=[per_day[d] for d in days]))}
    next_seq = {d: last[d] - per_day[d] + 1 for d in days}
    staged, simulated = [], {}
    for spec, day, uid in plans:
        seq = next_seq[day]
        next_seq[day] += 1
        public_no = f"WZ-{day:%Y%m%d}-{seq:06d}"
        case = _Case(spec, uid, day, rnd, library)
        staged.append((uid, spec.code, case.instant, case.promised, public_no, case.submitted, case.accepted,
                       case.decided, case.final, case.automatic, staff_id if case.at_window else None))
        simulated[public_no] = case
    await q.create_staging(conn)
    await conn.copy_records_to_table("demo_cases", records=staged)
    ids = {r["public_no"]: r["id"] for r in await rows(q.insert_drafts(conn))}
    materials, trips, gaps, ratings, licences = [], [], [], [], []
    for public_no, case in simulated.items():
        app_id = ids[public_no]
        materials += [(app_id, m.code, m.name, m.required, exempt) for m, exempt in case.materials]
        trips += case.trips(app_id, rnd)
        if case.gap:
            gaps.append((app_id, case.submitted.date() + timedelta(days=28), case.submitted + timedelta(hours=1),
                         case.submitted + timedelta(days=1)))
        if case.licence is not None:
            issued_on = local_day(case.decided)
            until = _years_after(issued_on, case.licence.valid_years) if case.licence.valid_years else None
            licences.append((case.uid, case.licence.type, case.licence.name, f"DEMO{tag}-A{app_id}",
                             issued_on, until, app_id, case.decided))
        if case.decided is not None and rnd.random() < 0.45:
            level = rnd.choices([5, 4, 3, 2, 1], LEVEL_WEIGHTS)[0]
            ratings.append((case.uid, "application", app_id, case.spec.code, level,
                            case.decided + timedelta(hours=rnd.randint(1, 72))))
    # Materials and visits go in while the cases are drafts, so the figures' triggers (migration
    # 0115) compute each case's facts on submission and decision only, not twice more.
    await conn.copy_records_to_table("application_materials", records=materials,
                                     columns=["application_id", "material_code", "name", "required", "exempt_licence_id"])
    await conn.copy_records_to_table("trips", records=trips, columns=["user_id", "application_id", "kind", "source_type",
                                                                      "source_id", "occurred_at"])
    await q.move_submitted(conn)
    await q.move_accepted(conn)
    await q.move_decided(conn)
    await q.drop_staging(conn)
    await conn.copy_records_to_table("licences", records=licences, columns=[
        "holder_id", "type", "name", "number", "valid_from", "valid_until", "application_id", "issued_at"])
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
                  ratings=len(ratings), follow_ups=len(follow_ups), licences_issued=len(licences),
                  decided_automatically=sum(c.automatic for c in simulated.values()))


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _follow_up(rnd: random.Random, r: Any, staff_id: int | None) -> tuple:
    day = local_day(r["created_at"])
    callback_due, rectify_due = add_workdays(day, 1), add_workdays(day, 5)
    late = rnd.random() < 0.08
    called = _at(callback_due + timedelta(days=2 if late else 0), rnd)
    closed = _at(rectify_due - timedelta(days=rnd.randint(0, 3)) + timedelta(days=3 if late else 0), rnd)
    closed = max(closed, called + timedelta(hours=1))
    by = staff_id or r["user_id"]
    return (r["id"], "closed", callback_due, rectify_due, called, by, "已电话回访，了解情况", closed, by, "已核实并整改，结果已反馈申请人", rnd.choice(["rectified", "explained", "unfounded"]))
