"""Answers from the catalogue: a question about a named service's fee, time limit or trips gets
the service's current rule, read from the catalogue when it is asked, so an edited fee or time
limit is what the citizen is told, never an FAQ text written before the change.

Only when the matcher is confident, the top entry belongs to a service (``service_code``) and is
itself about what is asked (its own intents include it): the fee entry of a service answers a fee
question from the catalogue, its introduction does not turn into a fee answer.
"""

from __future__ import annotations

from typing import Any

from api.catalogue import service as catalogue
from api.catalogue.service import ServiceNotFound
from api.faq.entries import Entry
from api.faq.text import Intents

FEE, DAYS, TRIPS = "收费", "时限", "跑动"  # intents of data/intents.txt
STEPS = {"window_checkin": "到窗口办理", "inspection": "现场检测或核查", "exam": "本人参加考试", "pickup": "到窗口领证"}


def asked(intents: Intents, question: str) -> set[str]:
    """The catalogue facts a question asks for."""
    return set(intents.of(question)) & {FEE, DAYS, TRIPS}


def compose(spec: Any, facts: set[str]) -> str:
    """The current rule of the service for the asked facts, in the catalogue's words."""
    parts = []
    if FEE in facts:
        parts.append(f"收费：{spec.fee}")
    if DAYS in facts:
        parts.append("办理时限：即办件，材料齐全、符合条件的当场办结" if spec.kind == "instant" or spec.promised_days == 0
                     else f"办理时限：承诺{spec.promised_days}个工作日内办结（法定{spec.legal_days}个工作日，"
                          "从受理次日起算，补正、考试、检测等时间不计入）")
    if TRIPS in facts:
        parts.append("跑动次数：全程网上办理，跑零次" if spec.zero_trip
                     else "跑动次数：不能全程网办，需要到现场的环节是" + "、".join(STEPS[s] for s in spec.visit_steps))
    return f"{spec.name}（现行规定）——" + "；".join(parts) + "。详细说明见该事项的办事指南。"


async def current_rule(conn: Any, intents: Intents, question: str, entry: Entry) -> str | None:
    """The catalogue's answer when the entry is about what is asked, or None to keep its own."""
    if entry.service_code is None:
        return None
    facts = asked(intents, question) & asked(intents, " ".join((entry.question, *entry.alternates)))
    if not facts:
        return None
    try:
        spec = await catalogue.get_spec(conn, entry.service_code)
    except ServiceNotFound:  # retired or renamed: the entry's own text still stands
        return None
    return compose(spec, facts)
