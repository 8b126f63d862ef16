"""What an issued licence rested on (issue 21): every material of the case — exempt by which
licence of which source (its GB/T 36904 identifier when it came from elsewhere), an upload (its
SHA-256; a person checked it, since an automatic decision never rests on one) or not given — and
the automatic review's checks. Written onto the licence as it is issued (``licences.evidence``)."""

from __future__ import annotations

from typing import Any

from api.db import load_queries, rows

q = load_queries(__file__, "evidence.sql")


async def of_application(conn: Any, application_id: int, *, automatic: bool) -> dict[str, Any]:
    materials = []
    for m in await rows(q.evidence_materials(conn, application_id=application_id)):
        item: dict[str, Any] = {"material": m["material_code"], "name": m["name"], "required": m["required"]}
        if m["exempt_licence_id"] is not None:
            item.update(kind="licence", licenceId=m["exempt_licence_id"], source=m["source"],
                        identifier=m["identifier"], number=m["number"], reason=m["exempt_reason"])
        elif m["storage_key"] is not None:
            item.update(kind="upload", sha256=m["sha256"])
        else:
            item.update(kind="none")
        materials.append(item)
    checks = [{"check": c["code"], "outcome": c["outcome"]}
              for c in await rows(q.evidence_checks(conn, application_id=application_id))]
    return {"automatic": automatic, "materials": materials, "checks": checks}


async def record(conn: Any, licence_id: int, application_id: int, *, automatic: bool) -> None:
    await q.set_evidence(conn, id=licence_id,
                         evidence=await of_application(conn, application_id, automatic=automatic))
