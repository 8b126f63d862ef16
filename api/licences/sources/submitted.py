"""At submission the trusted sources are asked afresh (never from the cache), before the transaction
opens (``api.applications.service.submission``): what they say now decides the exemptions. A source that cannot answer in its time budget blocks nothing — the case
records that the data was unavailable (timeline and ``applications.licence_data_unavailable_at``)
and the materials stay with the person's uploads, which a person then checks."""

from __future__ import annotations

from typing import Any

from api.applications import service as applications
from api.licences.sources import lookup


async def on_submit(conn: Any, app: Any, asked: lookup.SourcesAsked) -> bool:
    """In the submission's transaction: what the sources said (asked before it opened) mirrored."""
    unavailable = await lookup.apply(conn, app["applicant_id"], asked, enterprise_id=app["enterprise_id"])
    if unavailable:
        await lookup.mark_unavailable(conn, app["id"])
        await applications.append_event(conn, app, kind="material", actor_id=None,
                                        note="电子证照数据暂时无法获取，相关材料请上传，由工作人员核验",
                                        data={"licenceDataUnavailable": True})
    return unavailable
