"""The written decisions a case gets (issue 22): a refusal's 不予行政许可决定书 (F104) and a return's
一次性告知书, each a signed PDF (``api.documents``, drawn by a job) in the case's documents.

The refusal's message (approval_result, sent by the applications area with the status change) says
that the letter is issued and names the remedies, so the applicant reads them with the decision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.applications import service as applications
from api.catalogue import service as catalogue
from api.documents import service as documents

LETTER_NOTE = ("已出具《不予行政许可决定书》，可在“我的办件”中查看下载。对决定不服的，可以自收到决定书之日起"
               "60日内申请行政复议，或者6个月内向人民法院提起行政诉讼。")


async def refuse_with_letter(conn: Any, app: Any, *, reason: str | None, actor_id: int, data: dict[str, Any],
                             now: datetime) -> int:
    """Refuse the case with its written decision (reasons, the catalogue's legal basis, remedies).
    Returns the letter's document id."""
    spec = await catalogue.get_spec(conn, app.service_code)
    letter_id = await documents.request_refusal_letter(conn, app, reason=reason, legal_basis=spec.legal_basis)
    note = f"{(reason or '').rstrip('。')}。{LETTER_NOTE}" if reason else LETTER_NOTE
    await applications.transition(conn, app.id, "rejected", actor_id=actor_id, note=note,
                                  data={**data, "decisionLetterId": letter_id}, now=now)
    return letter_id


async def gap_notice_letter(conn: Any, app: Any, notice: Any) -> int:
    """The 一次性告知书 of a return for materials, as a signed document of the case."""
    return await documents.request_gap_notice_letter(conn, app, notice)
