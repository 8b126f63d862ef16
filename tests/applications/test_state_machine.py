from __future__ import annotations

from datetime import date

import asyncpg
import pytest

from api.applications import service
from api.applications.states import TRANSITIONS
from api.workdays import add_workdays
from tests.applications.helpers import draft, person


async def test_the_database_and_the_python_state_machine_list_the_same_transitions(db):
    rows = await db.fetch("SELECT from_status, to_status FROM application_transitions")
    assert {(r["from_status"], r["to_status"]) for r in rows} == {(f, t) for f, nxt in TRANSITIONS.items() for t in nxt}


async def test_the_database_refuses_a_status_change_the_machine_does_not_allow(db):
    user = await person(db, "o-sm1")
    app = await draft(db, user)
    with pytest.raises(asyncpg.exceptions.CheckViolationError):
        await db.execute("UPDATE applications SET status = 'in_review' WHERE id = $1", app["id"])
    with pytest.raises(asyncpg.exceptions.CheckViolationError):
        await db.execute("INSERT INTO applications (applicant_id, service_code, status) "
                         "VALUES ($1, 'charter-filing', 'approved')", user)
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app["id"]) == "draft"


async def test_transition_refuses_what_the_machine_does_not_allow_and_changes_nothing(db):
    user = await person(db, "o-sm2")
    app = await draft(db, user)
    with pytest.raises(service.TransitionRefused):
        await service.transition(db, app["id"], "approved", actor_id=None)
    with pytest.raises(service.GapNoticeRequired):
        await service.transition(db, app["id"], "needs_supplement", actor_id=None)
    assert await db.fetchval("SELECT count(*) FROM application_events WHERE application_id = $1", app["id"]) == 0


async def test_each_transition_appends_to_the_timeline_and_submission_gives_a_public_number(db):
    user = await person(db, "o-sm3")
    staff = await person(db, "o-staff3")
    app = await draft(db, user, promised_days=10)
    submitted = await service.transition(db, app["id"], "submitted", actor_id=user)
    assert submitted["public_no"].startswith("WZ-") and len(submitted["public_no"]) == len("WZ-20261206-7K3M9QX48")
    accepted = await service.transition(db, app["id"], "accepted", actor_id=staff, note="受理")
    # from the day after acceptance (F106), never before the clock started (F138: off-hours -> next working day)
    assert accepted["clock_starts_on"] == service.clock_starts_on(submitted["submitted_at"])
    assert accepted["due_on"] == add_workdays(max(accepted["accepted_at"].date(), accepted["clock_starts_on"]), 10)
    events = await db.fetch("SELECT * FROM application_events WHERE application_id = $1 ORDER BY id", app["id"])
    assert [(e["from_status"], e["to_status"], e["actor_id"]) for e in events] == [
        ("draft", "submitted", user), ("submitted", "accepted", staff)]
    assert events[1]["note"] == "受理"
    sent = await db.fetch("SELECT DISTINCT event FROM notifications WHERE subject_id = $1", app["id"])
    assert {r["event"] for r in sent} == {"application_submitted", "application_accepted"}


async def test_the_timeline_is_append_only(db):
    user = await person(db, "o-sm4")
    app = await draft(db, user)
    await service.transition(db, app["id"], "submitted", actor_id=user)
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        await db.execute("UPDATE application_events SET note = 'x' WHERE application_id = $1", app["id"])
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        await db.execute("DELETE FROM application_events WHERE application_id = $1", app["id"])


async def test_a_gap_notice_after_acceptance_pauses_the_clock_and_the_resubmission_returns_to_review(db):
    user = await person(db, "o-sm5")
    staff = await person(db, "o-staff5")
    app = await draft(db, user)
    await service.transition(db, app["id"], "submitted", actor_id=user)
    await service.transition(db, app["id"], "accepted", actor_id=staff)
    in_review = await service.transition(db, app["id"], "in_review", actor_id=staff)
    notice = await service.create_gap_notice(db, app["id"], [
        {"code": "parking_plan", "name": "停车场地平面图", "message": "比例不清"},
        {"code": "staff_list", "name": "驾驶员、押运人员名单", "message": "缺押运人员"}], actor_id=staff)
    row = await db.fetchrow("SELECT * FROM applications WHERE id = $1", app["id"])
    assert row["status"] == "needs_supplement" and row["paused_on"] is not None
    assert row["supplement_due_on"] == notice.due_on == add_workdays(row["paused_on"], 20)
    assert len(notice.gaps) == 2
    # one material_gap message (one row per channel, one dedupe key)
    keys = await db.fetch("SELECT DISTINCT dedupe_key FROM notifications WHERE event = 'material_gap'")
    assert len(keys) == 1
    with pytest.raises(service.TransitionRefused):  # back to where it was returned from, not elsewhere
        await service.transition(db, app["id"], "submitted", actor_id=user)
    back = await service.transition(db, app["id"], "in_review", actor_id=user)
    assert back["paused_on"] is None and back["due_on"] == in_review["due_on"]  # paused 0 working days today
    assert await db.fetchval("SELECT outcome FROM gap_notices WHERE id = $1", notice.id) == "supplemented"


async def test_an_application_not_supplemented_in_time_is_closed_with_notice(db):
    user = await person(db, "o-sm6")
    app = await draft(db, user)
    await service.transition(db, app["id"], "submitted", actor_id=user)
    notice = await service.create_gap_notice(db, app["id"], [{"name": "照片", "message": "请上传"}], actor_id=None)
    assert await service.close_unsupplemented(db, on=notice.due_on) == []  # the last day still counts
    assert await service.close_unsupplemented(db, on=date.fromordinal(notice.due_on.toordinal() + 1)) == [app["id"]]
    row = await db.fetchrow("SELECT status, supplement_due_on FROM applications WHERE id = $1", app["id"])
    assert row["status"] == "closed" and row["supplement_due_on"] is None
    assert await db.fetchval("SELECT count(DISTINCT dedupe_key) FROM notifications "
                             "WHERE event = 'application_closed' AND subject_id = $1", app["id"]) == 1
    assert await db.fetchval("SELECT outcome FROM gap_notices WHERE id = $1", notice.id) == "closed"
