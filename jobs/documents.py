"""Signed documents: drawn and signed off the request path; the daily audit checkpoint."""

from __future__ import annotations

from typing import Any

import structlog

from api.db import transaction
from api.documents import service as documents
from api.approvals.service import anchor

log = structlog.get_logger("zsb.jobs.documents")


async def render_document(ctx: dict[str, Any], document_id: int) -> str:
    """Draw, sign and store one pending document (idempotent: a ready one is skipped)."""
    outcome = await documents.render(ctx["pool"], ctx["settings"], document_id)
    log.info("document_rendered", document_id=document_id, outcome=outcome)
    return outcome


async def sweep_documents(ctx: dict[str, Any]) -> int:
    """Queue the pending documents whose job was lost (queued before a crash, or by a CLI run)."""
    async with transaction(ctx["pool"]) as conn:
        ids = await documents.pending(conn)
    for document_id in ids:
        await ctx["redis"].enqueue_job(documents.JOB, document_id, _job_id=documents.job_id(document_id))
    return len(ids)


async def anchor_audit_chain(ctx: dict[str, Any]) -> int:
    """Daily: sign the heads of the audit chains that moved since the last checkpoint."""
    async with transaction(ctx["pool"]) as conn:
        made = await anchor.make_checkpoint(conn, ctx["settings"])
    log.info("audit_checkpoint", heads=made)
    return made
