"""Bundles (一件事): one form and one material list out of the member services (pure functions;
``api.catalogue.service.merged_spec`` reads the members and calls ``merge``)."""

from __future__ import annotations

from typing import Any

import msgspec

from api.catalogue.schemas import ServiceSpec, When


def applies(when: When, answers: dict[str, str]) -> bool:
    return all(answers.get(question) in values for question, values in when.items())


def _both(a: When, b: When) -> When | None:
    """Both conditions at once; None when they can never hold together."""
    out = {question: list(values) for question, values in a.items()}
    for question, values in b.items():
        if question in out:
            out[question] = [v for v in out[question] if v in values]
            if not out[question]:
                return None
        else:
            out[question] = list(values)
    return out


def _fixed(when: When, fixed: dict[str, str]) -> When | None:
    """``when`` with the bundle's fixed answers settled; None when a fixed answer rules it out."""
    if any(question in fixed and fixed[question] not in values for question, values in when.items()):
        return None
    return {question: values for question, values in when.items() if question not in fixed}


def merge(spec: ServiceSpec, members: list[ServiceSpec]) -> ServiceSpec:
    """The bundle ``spec`` with its members' situations, materials, fields and rules merged (the
    rules are in ``api.catalogue.service.merged_spec``'s docstring)."""
    fixed = spec.fixed_answers
    # a licence issued by a member that always applies in this bundle
    issuers = {m.licence.type: m.code for m in members if m.licence and m.code not in spec.member_when}

    def scoped(member: ServiceSpec, items: list[Any]) -> list[Any]:
        out = []
        for item in items:
            if issuers.get(getattr(item, "exempt_by", None), member.code) != member.code:
                continue
            when = _fixed(item.when, fixed)
            if when is not None and member.code in spec.member_when:
                when = _both(spec.member_when[member.code], when)
            if when is not None:
                out.append(msgspec.structs.replace(item, when=when))
        return out

    def once(items: list[Any], key: str = "code") -> list[Any]:
        seen: dict[str, Any] = {}
        for item in items:
            seen.setdefault(getattr(item, key), item)
        return list(seen.values())

    situations = once([*spec.situations, *(s for m in members for s in m.situations if s.code not in fixed)])
    materials = once([*spec.materials, *(i for m in members for i in scoped(m, m.materials))])
    fields = once([*spec.fields, *(i for m in members for i in scoped(m, m.fields))])
    rules = [*spec.rules, *(r for m in members for r in scoped(m, m.rules))]
    return msgspec.structs.replace(spec, situations=situations, materials=materials, fields=fields, rules=rules)


def members_applying(spec: ServiceSpec, members: list[ServiceSpec], answers: dict[str, str]) -> list[ServiceSpec]:
    """The members a bundle application under ``answers`` applies for (``memberWhen``): only these
    issue their licence (no vehicle bought: no 道路运输证, F082)."""
    return [m for m in members if applies(spec.member_when.get(m.code, {}), answers)]
