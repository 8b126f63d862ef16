"""Answers from the catalogue: a question about a named service's fee, time limit, trips or
materials gets the service's current rule, read from the catalogue when it is asked, so an edited
fee, time limit or material list is what the citizen is told, never an FAQ text written before the
change.

Only when the matcher is confident, the top entry belongs to a service (``service_code``) and is
itself about what is asked (its own intents include it; for materials, the editors tagged it
申请材料): the fee entry of a service answers a fee question from the catalogue, its introduction
does not turn into a fee answer, nor "还要自己开无犯罪记录证明吗" into a material list.
"""

from __future__ import annotations

from typing import Any

from api.catalogue import service as catalogue
from api.catalogue.service import ServiceNotFound
from api.faq.entries import Entry
from api.faq.text import Intents

FEE, DAYS, TRIPS, MATERIALS = "收费", "时限", "跑动", "材料"  # intents of data/intents.txt
MATERIALS_TAG = "申请材料"
STEPS = {"window_checkin": "到窗口办理", "inspection": "现场检测或核查", "exam": "本人参加考试", "pickup": "到窗口领证"}


def asked(intents: Intents, question: str) -> set[str]:
    """The catalogue facts a question asks for."""
    return set(intents.of(question)) & {FEE, DAYS, TRIPS, MATERIALS}


def about(intents: Intents, entry: Entry) -> set[str]:
    """The catalogue facts an entry is about."""
    facts = asked(intents, " ".join((entry.question, *entry.alternates))) - {MATERIALS}
    return facts | {MATERIALS} if MATERIALS_TAG in entry.tags else facts


def material_list(spec: Any) -> str:
    """The material list in the catalogue's words: what is fetched from the licence library, what
    only some situations need, what is optional."""
    items = []
    for m in spec.materials:
        notes = []
        if m.when:
            notes.append("部分情形才需要")
        if m.exempt_by:
            notes.append(f"{m.note or '电子证照库已有的'}，一般不用上传")
        elif m.note:
            notes.append(m.note)
        if not m.required:
            notes.append("选交")
        items.append(m.name + (f"（{'；'.join(notes)}）" if notes else ""))
    return "申请材料：" + ("；".join(items) if items else "在线填写申请表即可，不用上传材料")


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
    if MATERIALS in facts:
        parts.append(material_list(spec))
    return f"{spec.name}（现行规定）——" + "；".join(parts) + "。详细说明见该事项的办事指南。"


async def current_rule(conn: Any, intents: Intents, question: str, entry: Entry) -> str | None:
    """The catalogue's answer when the entry is about what is asked, or None to keep its own."""
    if entry.service_code is None:
        return None
    facts = asked(intents, question) & about(intents, entry)
    if not facts:
        return None
    try:
        # A bundle's materials are its members' merged (一套材料); its own spec lists none.
        spec = (await catalogue.merged_spec(conn, entry.service_code))[0] if MATERIALS in facts \
            else await catalogue.get_spec(conn, entry.service_code)
    except ServiceNotFound:  # retired or renamed: the entry's own text still stands
        return None
    return compose(spec, facts)
