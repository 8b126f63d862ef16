"""Complaint deadlines (FAQ F144: answered within 5 working days), run by jobs/complaints.py.

Each run re-reads the rows and acts through conditional updates, so the reminder and the
escalation happen once per complaint however often the cron fires; each writes a timeline row.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import notify
from api.clock import local_day
from api.db import load_queries, rows

q = load_queries(Path(__file__).parents[1])


async def remind_due(conn: Any, now: datetime) -> list[int]:
    """On the last day to answer, remind the handler (the admin queue when nobody has it yet).
    Once per complaint: the conditional update lets only the first run through."""
    today, done = local_day(now), []
    for candidate in await rows(q.due_for_reminder(conn, today=today)):
        row = await q.mark_reminded(conn, id=candidate["id"], today=today, at=now)
        if row is None:
            continue  # answered or reminded meanwhile
        recipients = [row["assignee_id"]] if row["assignee_id"] else [r["id"] for r in await rows(q.admins(conn))]
        await notify.tell_staff(conn, recipients, event="task_due_soon", key=f"complaint_reminder:{row['id']}",
                                subject=("complaint", row["id"]), title=f"投诉建议{row['public_no']}", due_on=row["due_on"])
        await q.insert_event(conn, complaint_id=row["id"], kind="reminded", actor_id=None,
                             note=f"今日到期，已提醒{len(recipients)}人", data={"recipients": recipients})
        done.append(row["id"])
    return done


async def escalate_overdue(conn: Any, now: datetime) -> list[int]:
    """Past the 5th working day and still unanswered: flag it and tell the handler and the leads.
    Once per complaint, as above."""
    today, done = local_day(now), []
    for candidate in await rows(q.due_for_escalation(conn, today=today)):
        row = await q.mark_overdue(conn, id=candidate["id"], today=today, at=now)
        if row is None:
            continue
        recipients = list(dict.fromkeys(
            ([row["assignee_id"]] if row["assignee_id"] else []) + [r["id"] for r in await rows(q.leads(conn))]))
        for staff_id in recipients:
            await notify.enqueue(conn, user_id=staff_id, event="complaint_overdue",
                                 params={"publicNo": row["public_no"], "dueDate": row["due_on"].isoformat()},
                                 dedupe_key=f"complaint_overdue:{row['id']}:{staff_id}",
                                 subject=("complaint", row["id"]))
        await q.insert_event(conn, complaint_id=row["id"], kind="overdue", actor_id=None,
                             note=f"已超过答复时限（{row['due_on']:%Y-%m-%d}）", data={})
        await q.insert_event(conn, complaint_id=row["id"], kind="escalated", actor_id=None,
                             note=f"已上报{len(recipients)}人督办", data={"recipients": recipients})
        done.append(row["id"])
    return done
