"""A chat message as the API shows it, and the jobs a message queues after its transaction commits."""

from __future__ import annotations

from typing import Any

from api.helpdesk.schemas import ChatMessageOut
from notify import queue as notify_queue


def message_out(row: Any) -> ChatMessageOut:
    return ChatMessageOut(id=row["id"], conversation_id=row["conversation_id"], sender=row["sender"],
                          text=row["text"], machine=row["sender"] == "bot", faq_entry_id=row["faq_entry_id"],
                          delivery=row["delivery"], created_at=row["created_at"],
                          held=row.get("content_check") == "held", via=row.get("via"),
                          media_kind=row.get("media_kind"), media_status=row.get("media_status"),
                          media_url=f"/api/v1/helpdesk/messages/{row['id']}/media"
                          if row.get("media_status") == "stored" else None)


async def queue(function: str, arg: int, job_id: str) -> None:
    """Queue a message's job on the arq pool the API lifespan (or worker start-up) registered; with
    no queue (a CLI run) the job's sweeper picks the row up."""
    await notify_queue.enqueue_job(function, arg, job_id=job_id)
