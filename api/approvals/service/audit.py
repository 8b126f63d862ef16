"""The audit chain over every application's timeline, checked.

A trigger (migration 0114) links each ``application_events`` row as it is written:
hash = sha256(previous hash + canonical row content). Checking recomputes every link from the
rows as they are now; an edited row, a deleted row, a cut chain or a decision whose recorded
chain head no longer matches is named, with its application's public number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api.approvals.schemas_access import AuditProblem, AuditReport
from api.db import load_queries

q = load_queries(Path(__file__).parents[1])


async def verify_audit(conn: Any) -> AuditReport:
    problems = [r async for r in q.verify_chains(conn)]
    counts = await q.chain_counts(conn)
    ids = sorted({p["application_id"] for p in problems})
    numbers = {r["id"]: r["public_no"] async for r in q.public_nos(conn, ids=ids)} if ids else {}
    broken = [AuditProblem(application_id=p["application_id"], public_no=numbers.get(p["application_id"]),
                           seq=p["seq"], event_id=p["event_id"], problem=p["problem"]) for p in problems]
    return AuditReport(chains=counts["chains"], links=counts["links"], broken=broken)
