"""The review deadline of uploaded documents (F090: 1 working day), run daily by jobs/identity.py.

On the due day the reviewers (approvers; admins when there are none) are reminded; past it the
document is flagged overdue and the reviewers and leads are told. Each run re-reads the rows and acts
through conditional updates, so each happens once per document however often the job runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import notify
from api.clock import local_day
from api.db import load_queries, rows

q = load_queries(__file__, "staff.sql")


async def remind_due(conn: Any, now: datetime) -> list[int]:
    today, done = local_day(now), []
    for candidate in await rows(q.due_for_reminder(conn, today=today)):
        row = await q.mark_reminded(conn, id=candidate["id"], today=today)
        if row is None:
            continue  # reviewed or reminded meanwhile
        await notify.tell_staff(conn, [r["id"] for r in await rows(q.reviewers(conn))], event="task_due_soon",
                                key=f"identity_document_reminder:{row['id']}", subject=("identity", row["id"]),
                                title=f"证件人工核验{row['id']}", due_on=row["due_on"])
        done.append(row["id"])
    return done


async def flag_overdue(conn: Any, now: datetime) -> list[int]:
    today, done = local_day(now), []
    for candidate in await rows(q.due_for_escalation(conn, today=today)):
        row = await q.mark_overdue(conn, id=candidate["id"], now=now)
        if row is None:
            continue
        recipients = list(dict.fromkeys([r["id"] for r in await rows(q.reviewers(conn))]
                                        + [r["id"] for r in await rows(q.leads(conn))]))
        await notify.tell_staff(conn, recipients, event="task_overdue", key=f"identity_document_overdue:{row['id']}",
                                subject=("identity", row["id"]), title=f"证件人工核验{row['id']}", due_on=row["due_on"])
        done.append(row["id"])
    return done
