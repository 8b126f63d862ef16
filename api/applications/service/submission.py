"""Submission with the trusted licence sources asked first (issue 21 follow-up).

The sharing service may take up to its budget (2 s). It is asked before the submission's transaction
opens (``lookup.ask``: no connection held during the call), so a slow source never keeps a database
connection in a transaction nor the case's row locked; inside the transaction ``journey.submit``
mirrors what it said (``lookup.apply`` through ``sources.on_submit``) and goes on as before.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.applications.schemas import ApplicationOut
from api.applications.service import journey
from api.applications.states import EDITABLE
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.db import transaction
from api.idempotency import run_once
from api.licences.sources import lookup


async def ask_sources(pool: Any, user: AuthUser, application_id: int, redis: Any,
                      settings: Any) -> lookup.SourcesAsked | None:
    """The case's subject's licences asked afresh of the network sources, outside any transaction
    (None: not the caller's case to submit now; the transaction says why)."""
    async with pool.acquire() as conn:
        app = await journey.owned(conn, user, application_id)
        if app["status"] not in EDITABLE:
            return None
        spec, _ = await catalogue.merged_spec(conn, app["service_code"])
    return await lookup.ask(pool, redis, settings, app["applicant_id"], lookup.licence_types(spec), fresh=True,
                            enterprise_id=app["enterprise_id"])


async def submit(pool: Any, user: AuthUser, application_id: int, *, now: datetime, redis: Any, settings: Any,
                 idempotency_key: str | None) -> ApplicationOut:
    """``POST /applications/{id}/submit``: the sources first, then one transaction (Idempotency-Key)."""
    asked = await ask_sources(pool, user, application_id, redis, settings)
    async with transaction(pool) as conn:
        return await run_once(conn, user_id=user.id, scope=f"application_submit:{application_id}",
                              key=idempotency_key, payload={"id": application_id}, result_type=ApplicationOut,
                              action=lambda: journey.submit(conn, user, application_id, now=now, asked=asked))
