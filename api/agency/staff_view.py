"""What staff see on a task whose case someone filed for its subject (issue 20): the 代办人 (F093) with
the authorisation letter and the principal's confirmation, or the taxi company that registered its
driver (F017) with the driver's confirmation. ``with_agency`` fills the tasks of a page (approvals'
list and detail, the console). It imports nothing of approvals (which calls it)."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from api.agency.schemas import STATUS_NAMES, TaskAgencyOut
from api.db import load_queries, rows
from api.identity import verified_identity
from api.types import mask_name, mask_phone

q = load_queries(__file__)
T = TypeVar("T", bound=msgspec.Struct)
RELATIONS = {"person": "代办人", "taxi": "出租汽车公司（申报单位）"}


async def _out(conn: Any, row: Any, task_id: int, letter_base: str) -> TaskAgencyOut:
    agent = await verified_identity(conn, row["agent_id"])
    principal = await verified_identity(conn, row["principal_id"])
    confirmed = row["status"] in ("confirmed", "revoked")  # revoked: confirmed, then withdrawn
    return TaskAgencyOut(
        kind=row["kind"], relation=RELATIONS[row["kind"]], status=row["status"], status_name=STATUS_NAMES[row["status"]],
        agent_name_masked=mask_name(agent.name) if agent else None,
        agent_id_number_masked=agent.id_number_masked if agent else None,
        agent_phone_masked=mask_phone(await q.phone_of(conn, user_id=row["agent_id"])),
        principal_name_masked=mask_name(principal.name) if principal else None,
        confirmed=confirmed, confirmed_at=row["decided_at"] if confirmed else None,
        has_letter=row["letter_key"] is not None,
        letter_url=f"{letter_base}/tasks/{task_id}/agency-letter" if row["letter_key"] is not None else None,
        company_name=row["company_name"], company_credit_code=row["company_credit_code"],
        deregistered_at=row["deregistered_at"])


async def with_agency(conn: Any, tasks: list[T], *, letter_base: str = "/api/v1") -> list[T]:
    """Staff tasks (Structs with ``id``, ``application_id``, ``acted_as``, ``acted_by``, ``agency``)
    with who filed each case for its subject: acted as 代办人 (``proxy``, the agent's masked name) or
    as the taxi company (``company``, its name). One query for the page; tasks without a filing as they were."""
    if not tasks:
        return tasks
    found = {r["application_id"]: r for r in await rows(q.filings_of_cases(
        conn, application_ids=[t.application_id for t in tasks]))}  # type: ignore[attr-defined]
    out = []
    for t in tasks:
        row = found.get(t.application_id)  # type: ignore[attr-defined]
        if row is None:
            out.append(t)
            continue
        view = await _out(conn, row, t.id, letter_base)  # type: ignore[attr-defined]
        out.append(msgspec.structs.replace(
            t, agency=view, acted_as="proxy" if row["kind"] == "person" else "company",  # type: ignore[call-arg]
            acted_by=view.agent_name_masked if row["kind"] == "person" else row["company_name"]))
    return out

