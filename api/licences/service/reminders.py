"""Expiry reminders (issue 22, F061/F134): a daily job tells each licence's holder once, 90 days before
the licence ends, that it can be renewed now, and once more at 30 days if it has not been renewed —
through the normal notification routing (``notify.enqueue``: SMS always, WeChat where the holder can
get it, and the in-app copy), naming the renewal service.

Never twice: a ``licence_reminders`` row per licence and threshold is claimed in the transaction that
enqueues (its primary key), and the outbox's dedupe key says the same. Superseded, revoked or
expired licences are not valid and are never reminded; neither is one a filed renewal is acting on.
A licence issued with less than 30 days left gets only the 30-day reminder; a run missed for a few
days catches up (the 90-day reminder goes out any day from 90 to 31 days before expiry).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import notify
from api.applications import service as applications
from api.db import load_queries, rows
from api.licences.service.lifecycle import renewal_service

q = load_queries(Path(__file__).parents[1], "reminders.sql")

# (days before expiry, exclusive lower bound): the 90-day reminder covers 90..31 days, the 30-day 30..0
THRESHOLDS = ((90, 30), (30, -1))
BATCH = 500


async def send_due(conn: Any, today: date, *, limit: int = BATCH) -> dict[int, int]:
    """Enqueue the reminders due ``today`` (at most ``limit`` per threshold); returns how many went
    out per threshold. Run it again until it returns nothing to drain a large backlog."""
    sent = {days: 0 for days, _ in THRESHOLDS}
    names: dict[str, tuple[str | None, str | None]] = {}
    for days, after in THRESHOLDS:
        for lic in await rows(q.due_reminders(conn, today=today, days=days, after=after, lim=limit)):
            if await q.claim_reminder(conn, licence_id=lic["id"], days_before=days, sent_on=today) is None:
                continue  # another run got there first
            if lic["type"] not in names:
                code = await renewal_service(conn, lic["type"])
                names[lic["type"]] = (code, await applications.service_name(conn, code) if code else None)
            code, name = names[lic["type"]]
            await notify.enqueue(conn, user_id=lic["holder_id"], event="licence_expiring", params={
                "licenceId": lic["id"], "licenceName": lic["name"], "licenceNo": lic["number"],
                "validUntil": lic["valid_until"].isoformat(), "daysLeft": (lic["valid_until"] - today).days,
                "renewalService": code, "renewalName": name or f"{lic['name']}换证",
            }, dedupe_key=f"licence_expiring:{lic['id']}:{days}", subject=("licence", lic["id"]))
            sent[days] += 1
    return sent
