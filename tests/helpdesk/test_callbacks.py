"""FAQ F141 电话回访: an important consultation about a case is called back after it is resolved;
the phone is shown in full only to the agent holding the callback; overdue ones reach the lead."""

from __future__ import annotations

from datetime import date

from tests.clock import Clock, sh
from tests.factories import applicant, staff
from tests.helpdesk.helpers import HD, case_in_supplement, claimed_consultation, escalate, helpdesk_agent

API = "/api/v1"


async def resolved_important(client, db, name="callme") -> tuple[dict, dict, int, int]:
    """A user with a case asked, an agent linked the case as important and resolved it."""
    me = await applicant(client, name)
    await db.execute("UPDATE users SET name = '王小明', phone = '13812345678' WHERE id = $1", me["user"]["id"])
    app_id, public_no = await case_in_supplement(client, me)
    agent = await helpdesk_agent(client, db, "13900003001")
    conv = await claimed_consultation(client, db, me, agent)
    linked = await client.put(f"{HD}/conversations/{conv}/case", headers=agent["headers"],
                              json={"publicNo": public_no, "important": True})
    assert linked.status_code == 200, linked.text
    assert linked.json()["applicationId"] == app_id and linked.json()["important"] is True
    assert linked.json()["publicNo"] == public_no
    assert (await client.post(f"{HD}/conversations/{conv}/resolve", headers=agent["headers"])).status_code == 200
    callback = await db.fetchval("SELECT id FROM helpdesk_callbacks WHERE conversation_id = $1", conv)
    assert callback is not None
    return me, agent, conv, callback


def outcome(client, agent, callback, **body):
    return client.post(f"{HD}/callbacks/{callback}/outcome", headers=agent["headers"], json=body)


async def test_an_important_case_consultation_is_called_back_and_only_the_holder_sees_the_phone(client, db):
    me, agent, conv, callback = await resolved_important(client, db)
    row = await db.fetchrow("SELECT * FROM helpdesk_callbacks WHERE id = $1", callback)
    # resolved on Wednesday 10 June 2026: due two working days later
    assert row["status"] == "open" and row["due_on"] == date(2026, 6, 12) and row["agent_id"] is None
    other = await helpdesk_agent(client, db, "13900003002", "导航员 乙")

    due = (await client.get(f"{HD}/callbacks", params={"status": "due"}, headers=agent["headers"])).json()
    assert [c["id"] for c in due] == [callback]
    assert due[0]["userPhone"] == "138****5678" and due[0]["userName"] == "王**" and due[0]["overdue"] is False
    early = await outcome(client, agent, callback, outcome="solved")
    assert early.status_code == 409 and early.json()["code"] == "callback_not_yours"

    mine = await client.post(f"{HD}/callbacks/{callback}/claim", headers=agent["headers"])
    assert mine.status_code == 200 and mine.json()["userPhone"] == "13812345678", mine.text
    taken = await client.post(f"{HD}/callbacks/{callback}/claim", headers=other["headers"])
    assert taken.status_code == 409 and taken.json()["code"] == "callback_taken"
    peek = (await client.get(f"{HD}/callbacks/{callback}", headers=other["headers"])).json()
    assert peek["userPhone"] == "138****5678"
    listed = (await client.get(f"{HD}/callbacks", params={"status": "mine"}, headers=agent["headers"])).json()
    assert listed[0]["userPhone"] == "138****5678"  # lists never show the number

    missed = await outcome(client, agent, callback, outcome="not_reached", note="无人接听")
    assert missed.status_code == 200 and missed.json()["status"] == "open", missed.text
    assert missed.json()["attempts"] == 1 and missed.json()["attemptsLeft"] == 2
    assert missed.json()["userPhone"] == "138****5678"  # the answer is kept for Idempotency-Key replays
    held = (await client.get(f"{HD}/callbacks/{callback}", headers=agent["headers"])).json()
    assert held["userPhone"] == "13812345678" and held["log"][-1]["kind"] == "phone_shown"
    done = await outcome(client, agent, callback, outcome="solved", note="已按告知补齐材料")
    assert done.status_code == 200 and done.json()["status"] == "solved"
    assert done.json()["userPhone"] == "138****5678"  # a finished callback shows no number
    again = await outcome(client, agent, callback, outcome="solved")
    assert again.status_code == 409 and again.json()["code"] == "callback_closed"

    audit = await db.fetch("SELECT agent_id, kind, outcome, note FROM helpdesk_callback_log WHERE callback_id = $1 "
                           "ORDER BY id", callback)
    assert [(r["kind"], r["outcome"]) for r in audit] == [
        ("claimed", None), ("phone_shown", None), ("called", "not_reached"), ("phone_shown", None),
        ("called", "solved")]
    assert {r["agent_id"] for r in audit} == {agent["user"]["id"]}
    row = await db.fetchrow("SELECT status, attempts, last_attempt_at, closed_at FROM helpdesk_callbacks "
                            "WHERE id = $1", callback)
    assert row["status"] == "solved" and row["attempts"] == 2
    assert row["closed_at"] == row["last_attempt_at"] == client.app.state.clock()  # the app's clock, not the database's


async def test_only_an_important_conversation_linked_to_the_users_own_case_gets_a_callback(client, db):
    me = await applicant(client, "plain")
    stranger = await applicant(client, "stranger")
    _, public_no = await case_in_supplement(client, me)
    _, strangers_no = await case_in_supplement(client, stranger)
    agent = await helpdesk_agent(client, db, "13900003003")

    conv = await claimed_consultation(client, db, me, agent)
    foreign = await client.put(f"{HD}/conversations/{conv}/case", headers=agent["headers"],
                               json={"publicNo": strangers_no})
    assert foreign.status_code == 404 and foreign.json()["code"] == "helpdesk_case_not_found"
    assert await db.fetchval("SELECT application_id FROM conversations WHERE id = $1", conv) is None
    bad = await client.put(f"{HD}/conversations/{conv}/case", headers=agent["headers"], json={"publicNo": "草稿 1"})
    assert bad.status_code == 400
    ordinary = await client.put(f"{HD}/conversations/{conv}/case", headers=agent["headers"],
                                json={"publicNo": public_no, "important": False})
    assert ordinary.status_code == 200 and ordinary.json()["important"] is False
    await client.post(f"{HD}/conversations/{conv}/resolve", headers=agent["headers"])

    unlinked = await claimed_consultation(client, db, me, agent)
    await client.post(f"{HD}/conversations/{unlinked}/resolve", headers=agent["headers"])
    assert await db.fetchval("SELECT count(*) FROM helpdesk_callbacks") == 0
    late = await client.put(f"{HD}/conversations/{unlinked}/case", headers=agent["headers"],
                            json={"publicNo": public_no})
    assert late.status_code == 409 and late.json()["code"] == "conversation_resolved"


async def test_three_unanswered_calls_end_the_callback_as_unreachable(client, db):
    _, agent, _, callback = await resolved_important(client, db)
    await client.post(f"{HD}/callbacks/{callback}/claim", headers=agent["headers"])
    keyed = {**agent["headers"], "Idempotency-Key": "call-1"}
    first, resent = [await client.post(f"{HD}/callbacks/{callback}/outcome", headers=keyed,
                                       json={"outcome": "not_reached"}) for _ in range(2)]
    assert first.status_code == resent.status_code == 200 and first.json() == resent.json()
    assert await db.fetchval("SELECT attempts FROM helpdesk_callbacks WHERE id = $1", callback) == 1
    states = [(await outcome(client, agent, callback, outcome="not_reached")).json()["status"] for _ in range(2)]
    assert states == ["open", "unreachable"]
    fourth = await outcome(client, agent, callback, outcome="not_reached")
    assert fourth.status_code == 409 and fourth.json()["code"] == "callback_closed"
    assert await db.fetchval("SELECT attempts FROM helpdesk_callbacks WHERE id = $1", callback) == 3
    assert await db.fetchval("SELECT count(*) FROM helpdesk_callback_log WHERE kind = 'called'") == 3


async def test_reached_but_unsolved_reopens_the_conversation_or_hands_it_over(client, db):
    me, agent, conv, callback = await resolved_important(client, db)
    other = await helpdesk_agent(client, db, "13900003004", "导航员 乙")
    await client.post(f"{HD}/callbacks/{callback}/claim", headers=agent["headers"])
    vague = await outcome(client, agent, callback, outcome="not_solved")
    assert vague.status_code == 400
    reopened = await outcome(client, agent, callback, outcome="not_solved", followUp="reopen", note="材料仍被退回")
    assert reopened.status_code == 200 and reopened.json()["status"] == "not_solved", reopened.text
    row = await db.fetchrow("SELECT status, agent_id, resolved_at FROM conversations WHERE id = $1", conv)
    assert dict(row) == {"status": "claimed", "agent_id": agent["user"]["id"], "resolved_at": None}

    # solved again: a new callback, this time handed over to a colleague
    assert (await client.post(f"{HD}/conversations/{conv}/resolve", headers=agent["headers"])).status_code == 200
    second = await db.fetchval("SELECT id FROM helpdesk_callbacks WHERE conversation_id = $1 AND status = 'open'", conv)
    assert second and second != callback
    await client.post(f"{HD}/callbacks/{second}/claim", headers=agent["headers"])
    to_citizen = await outcome(client, agent, second, outcome="not_solved", followUp="handover",
                               handoverTo=me["user"]["id"])
    assert to_citizen.status_code == 409 and to_citizen.json()["code"] == "callback_handover_refused"
    assert await db.fetchval("SELECT status FROM helpdesk_callbacks WHERE id = $1", second) == "open"
    assert await db.fetchval("SELECT count(*) FROM helpdesk_callback_log WHERE callback_id = $1 AND kind = 'called'",
                             second) == 0
    handed = await outcome(client, agent, second, outcome="not_solved", followUp="handover",
                           handoverTo=other["user"]["id"])
    assert handed.status_code == 200, handed.text
    row = await db.fetchrow("SELECT status, agent_id FROM conversations WHERE id = $1", conv)
    assert dict(row) == {"status": "claimed", "agent_id": other["user"]["id"]}
    assert await db.fetchval("SELECT handed_to FROM helpdesk_callback_log WHERE callback_id = $1 AND kind = 'called'",
                             second) == other["user"]["id"]


async def test_reopening_waits_for_a_conversation_the_user_already_has_open(client, db):
    me, agent, conv, callback = await resolved_important(client, db)
    await client.post(f"{API}/chat/messages", headers=me["headers"], json={"text": "转人工"})
    await client.post(f"{HD}/callbacks/{callback}/claim", headers=agent["headers"])
    res = await outcome(client, agent, callback, outcome="not_solved", followUp="reopen")
    assert res.status_code == 409 and res.json()["code"] == "callback_reopen_refused"
    assert res.json()["openConversationId"] != conv
    assert await db.fetchval("SELECT status FROM helpdesk_callbacks WHERE id = $1", callback) == "open"


async def test_overdue_callbacks_reach_the_lead_with_the_phone_masked(client, db):
    _, agent, _, callback = await resolved_important(client, db)
    lead = await staff(client, db, phone="13900003009", roles=["lead"], name="科长 周")
    before = await client.get(f"{HD}/callbacks/overdue", headers=lead["headers"])
    assert before.status_code == 200 and before.json() == []

    client.app.state.clock = Clock(sh("2026-06-15 09:00"))  # Monday: due Friday 12 June
    late = await client.get(f"{HD}/callbacks/overdue", headers=lead["headers"])
    assert late.status_code == 200 and [c["id"] for c in late.json()] == [callback]
    assert late.json()[0]["overdue"] is True and late.json()[0]["userPhone"] == "138****5678"
    assert [c["id"] for c in (await client.get(f"{HD}/callbacks", params={"status": "overdue"},
                                               headers=agent["headers"])).json()] == [callback]
    assert (await client.get(f"{HD}/callbacks", params={"status": "due"}, headers=agent["headers"])).json() == []
    # the lead watches; the lead does not take calls or read conversations
    assert (await client.get(f"{HD}/callbacks/{callback}", headers=lead["headers"])).status_code == 403
    assert (await client.post(f"{HD}/callbacks/{callback}/claim", headers=lead["headers"])).status_code == 403
    assert (await client.get(f"{HD}/conversations", headers=lead["headers"])).status_code == 403
    citizen = await applicant(client, "curious")
    assert (await client.get(f"{HD}/callbacks/overdue", headers=citizen["headers"])).status_code == 403


async def test_the_console_conversation_page_names_the_linked_case_and_the_callback_to_come(client, db):
    from tests.console.helpers import sign_in

    _, _, conv, _ = await resolved_important(client, db)
    public_no = await db.fetchval("SELECT a.public_no FROM conversations c JOIN applications a "
                                  "ON a.id = c.application_id WHERE c.id = $1", conv)
    await sign_in(client, "13900003001")
    page = await client.get(f"/console/helpdesk/{conv}")
    assert page.status_code == 200 and f"关联办件：{public_no}（重要咨询：结束后电话回访）" in page.text


async def test_an_overdue_callback_reaches_its_agent_and_the_leads_once(client, db, settings):
    me, agent, conv, callback = await resolved_important(client, db, "latecall")  # due Friday 12 June 2026
    lead = await staff(client, db, phone="13900003009", roles=["lead"], name="科长")
    await client.post(f"{HD}/callbacks/{callback}/claim", headers=agent["headers"])
    await escalate(settings, "2026-06-12 18:00")  # the due day itself: nothing yet
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'callback_overdue'") == 0
    for day in ("2026-06-15 09:00", "2026-06-15 10:00"):  # the next working day, twice: told once
        await escalate(settings, day)
    leads = [r["id"] for r in await db.fetch("SELECT id FROM users WHERE 'lead' = ANY(roles)")]
    assert lead["user"]["id"] in leads
    told = await db.fetch("SELECT user_id, content FROM notifications WHERE event = 'callback_overdue' "
                          "AND channel = 'inapp' ORDER BY user_id")
    assert [r["user_id"] for r in told] == sorted({agent["user"]["id"], *leads})
    assert all("已超期" in r["content"] for r in told)
    # marked at the job's clock of the first run that found it late
    assert await db.fetchval("SELECT escalated_at FROM helpdesk_callbacks WHERE id = $1", callback) == sh("2026-06-15 09:00")
