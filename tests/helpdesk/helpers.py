"""Helpers for the help-desk tests: an agent, a question the FAQ is unsure of, conversations claimed by
an agent, a case waiting for a supplement, and the hourly escalation job."""

from __future__ import annotations

from typing import Any

from arq import create_pool

from jobs import redis_settings
from tests.applications.helpers import taxi_case
from tests.clock import Clock, sh, use_clock
from tests.factories import run_jobs, staff
from tests.helpdesk.conftest import WORKING_HOURS
from tests.wechat.pushes import encrypted, push, text_xml

API = "/api/v1"
HD = f"{API}/helpdesk"
# A question the FAQ is not sure of: the user is offered a person, and the conversation waits for an agent.
UNSURE = "我们新开的公司车辆年审的时候尾气没过，对经营许可有影响吗，要不要找人聊聊"


async def helpdesk_agent(client: Any, db: Any, phone: str = "13900002001",
                         name: str = "导航员 陈静") -> dict[str, Any]:
    """A help-desk agent (staff with the helpdesk role), signed in."""
    return await staff(client, db, phone=phone, roles=["helpdesk"], name=name)


async def claimed_wechat_conversation(client: Any, db: Any, live: Any, openid: str = "o-li",
                                      msg_id: int = 8101) -> tuple[dict[str, Any], int]:
    """An UNSURE question pushed from WeChat, claimed by an agent: (the agent, the conversation id)."""
    query, body = encrypted(text_xml(openid, UNSURE, msg_id))
    assert (await push(client, query, body)).text == "success"
    await run_jobs(live)
    agent = await helpdesk_agent(client, db)
    conv = (await client.get("/api/v1/helpdesk/conversations", headers=agent["headers"])).json()[0]["id"]
    assert (await client.post(f"/api/v1/helpdesk/conversations/{conv}/claim", headers=agent["headers"])).status_code == 200
    return agent, conv


async def case_in_supplement(client: Any, me: dict[str, Any]) -> tuple[int, str]:
    """A taxi-driver case submitted with materials missing: it waits for a supplement (F098)."""
    clock = use_clock(client, "2026-06-05 10:00")  # a Friday: the supplement is due 6 July
    app_id = await taxi_case(client, me["headers"], complete=False)
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200 and res.json()["status"] == "needs_supplement", res.text
    clock.set(WORKING_HOURS)  # the help desk takes it up on Wednesday 10 June
    return app_id, res.json()["publicNo"]


async def claimed_consultation(client: Any, db: Any, me: dict[str, Any], agent: dict[str, Any]) -> int:
    """``me`` asks an UNSURE question in the app and ``agent`` claims the conversation: its id."""
    await client.post(f"{API}/chat/messages", headers=me["headers"], json={"text": UNSURE})
    conv = await db.fetchval("SELECT id FROM conversations WHERE user_id = $1 AND status <> 'resolved'",
                             me["user"]["id"])
    res = await client.post(f"{HD}/conversations/{conv}/claim", headers=agent["headers"])
    assert res.status_code == 200, res.text
    return conv


async def escalate(settings: Any, day: str) -> None:
    """The hourly job, run through the arq queue at ``day`` (Asia/Shanghai)."""
    arq = await create_pool(redis_settings(settings.redis_url or ""))
    await arq.enqueue_job("escalate_overdue_callbacks", _job_id=f"escalate:{day}")
    await arq.close()
    await run_jobs(settings, clock=Clock(sh(day)))
