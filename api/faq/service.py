"""The knowledge base: asking, editing, votes and the questions handed to people."""

from __future__ import annotations

from typing import Any, Literal, TypeVar

import msgspec

from api.db import load_queries
from api.errors import NotFound
from api.faq import catalogue_answer
from api.faq.index import FaqIndex
from api.faq.entries import Entry
from api.faq.outcome import Result
from api.faq.schemas import AskOut, EntryIn, EntryOut, EntryPatch, FeedbackOut, HandoffOut, MatchOut

q = load_queries(__file__)
T = TypeVar("T")


class FaqEntryNotFound(NotFound):
    """没有找到该问答，可能已下线。"""

    code = "faq_entry_not_found"


class HandoffNotFound(NotFound):
    """没有找到该待整理问题，或已处理。"""

    code = "faq_handoff_not_found"


async def faq_version(conn: Any) -> int:
    return await q.faq_version(conn)


async def active_entries(conn: Any) -> list[Entry]:
    return [Entry(id=r["id"], question=r["question"], answer=r["answer"], alternates=tuple(r["alternates"]),
                  tags=tuple(r["tags"]), service_code=r["service_code"])
            async for r in q.active_entries(conn)]


def _ask_out(result: Result) -> AskOut:
    return AskOut(matches=[MatchOut(id=m.id, question=m.question, answer=m.answer, score=m.score)
                           for m in result.matches],
                  confident=result.confident, handoff=result.handoff)


async def match(conn: Any, index: FaqIndex, question: str) -> AskOut:
    """The top 3 entries for a question, without recording anything. A confident answer about a
    named service's fee, time limit or trips is the catalogue's current rule (``catalogue_answer``)."""
    matcher = await index.current(lambda: faq_version(conn), lambda: active_entries(conn))
    result = matcher.ask(question, k=3)
    if result.confident:
        top = result.matches[0]
        rule = await catalogue_answer.current_rule(conn, matcher.intents, question, matcher.entry(top.id))
        if rule is not None:
            result = msgspec.structs.replace(
                result, matches=[msgspec.structs.replace(top, answer=rule), *result.matches[1:]])
    return _ask_out(result)


async def ask(conn: Any, index: FaqIndex, question: str, *,
              source: Literal["ask", "chat", "wechat"] = "ask", conversation_id: int | None = None) -> AskOut:
    """Match, and keep the question for the editors when it ends in a hand-off."""
    out = await match(conn, index, question)
    if out.handoff:
        await q.record_handoff(conn, question=question, suggestions=msgspec.to_builtins(out.matches),
                               source=source, conversation_id=conversation_id)
    return out


def from_row(row: Any, typ: type[T]) -> T:
    """A database row (snake_case columns) as a camelCase response Struct."""
    keys = set(row.keys())
    return msgspec.convert({f.encode_name: row[f.name] for f in msgspec.structs.fields(typ) if f.name in keys},
                           typ, strict=False)


def _entry_out(row: Any) -> EntryOut:
    return from_row(row, EntryOut)


async def list_entries(conn: Any, *, status: str | None = "active", text: str | None = None,
                       limit: int = 50, offset: int = 0) -> list[EntryOut]:
    rows = [r async for r in q.list_entries(conn, status=status, q=text or None, limit=limit, offset=offset)]
    return [_entry_out(r) for r in rows]


async def get_entry(conn: Any, entry_id: str) -> EntryOut:
    row = await q.get_entry(conn, id=entry_id)
    if row is None:
        raise FaqEntryNotFound()
    return _entry_out(row)


async def create_entry(conn: Any, data: EntryIn, *, source: Literal["admin", "helpdesk"] = "admin") -> EntryOut:
    """An admin's entry is live at once; a help-desk agent's is a draft the bot never answers from
    until an admin publishes it (issue 17 item 8: agents' answers are reviewed first)."""
    row = await q.create_entry(conn, question=data.question, alternates=list(data.alternates),
                               answer=data.answer, tags=list(data.tags), service_code=data.service_code,
                               source=source, status="active" if source == "admin" else "draft")
    return _entry_out(row)


async def propose_alternate(conn: Any, entry_id: str, question: str) -> None:
    """An agent's similar question for an existing entry: kept beside it until an admin publishes."""
    if await q.propose_alternate(conn, id=entry_id, question=question) is None:
        raise FaqEntryNotFound()


async def publish(conn: Any, entry_id: str) -> EntryOut:
    """Admin: the draft goes live, and proposed similar questions join the entry's own."""
    row = await q.publish(conn, id=entry_id)
    if row is None:
        raise FaqEntryNotFound()
    return _entry_out(row)


async def discard_proposals(conn: Any, entry_id: str) -> EntryOut:
    row = await q.discard_proposals(conn, id=entry_id)
    if row is None:
        raise FaqEntryNotFound()
    return _entry_out(row)


async def update_entry(conn: Any, entry_id: str, data: EntryPatch) -> EntryOut:
    row = await q.update_entry(conn, id=entry_id, question=data.question,
                               alternates=list(data.alternates) if data.alternates is not None else None,
                               answer=data.answer, tags=list(data.tags) if data.tags is not None else None,
                               service_code=data.service_code)
    if row is None:
        raise FaqEntryNotFound()
    return _entry_out(row)


async def set_status(conn: Any, entry_id: str, status: Literal["active", "retired"]) -> EntryOut:
    """Retire or restore; restoring a draft publishes it (admins only, as publishing)."""
    row = await q.set_status(conn, id=entry_id, status=status)
    if row is None:
        raise FaqEntryNotFound()
    return _entry_out(row)


async def feedback(conn: Any, *, user_id: int, entry_id: str, helpful: bool) -> FeedbackOut:
    if await q.vote(conn, entry_id=entry_id, user_id=user_id, helpful=helpful) is None:
        raise FaqEntryNotFound()
    tally = await q.tally(conn, entry_id=entry_id)
    return FeedbackOut(id=entry_id, helpful=tally["helpful"], unhelpful=tally["unhelpful"])


async def list_handoffs(conn: Any, *, reviewed: bool = False, limit: int = 50, offset: int = 0) -> list[HandoffOut]:
    rows = [r async for r in q.list_handoffs(conn, reviewed=reviewed, limit=limit, offset=offset)]
    return [from_row(r, HandoffOut) for r in rows]


async def review_handoff(conn: Any, handoff_id: int) -> None:
    if await q.review_handoff(conn, id=handoff_id) is None:
        raise HandoffNotFound()


async def upsert_entries(conn: Any, entries: list[Entry]) -> tuple[int, int]:
    """``zsb import-faq``: insert new ids, update changed ones; returns (inserted, updated)."""
    inserted = updated = 0
    for e in entries:
        result = await q.upsert_entry(conn, id=e.id, question=e.question, alternates=list(e.alternates),
                                      answer=e.answer, tags=list(e.tags), service_code=e.service_code)
        if result is True:
            inserted += 1
        elif result is False:
            updated += 1
    return inserted, updated


async def seed_entries(conn: Any, entries: list[Entry], similar: dict[str, tuple[str, ...]]) -> None:
    """Shipped entries are added once; their shipped similar questions join them once each, also
    in a database seeded before they shipped."""
    for e in entries:
        await q.seed_entry(conn, id=e.id, question=e.question, alternates=list(e.alternates),
                           answer=e.answer, tags=list(e.tags), service_code=e.service_code)
        if similar.get(e.id):
            await q.seed_alternates(conn, id=e.id, alternates=list(similar[e.id]))
