"""What the matcher says about a question: the ranked entries, how sure it is, and the thresholds
that turn that into one of three outcomes (answer, "您是不是想问", hand-off)."""

from __future__ import annotations

import msgspec


class Match(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    question: str
    answer: str
    score: float


class Result(msgspec.Struct, frozen=True, kw_only=True):
    """Three outcomes: ``confident`` (the first match is the answer); unsure but on the domain
    with a likely first match (neither flag: the matches are offered as "您是不是想问"); or
    ``handoff`` (a person answers, the matches are only the editors' suggestions)."""

    matches: list[Match]
    confident: bool
    handoff: bool


class Thresholds(msgspec.Struct, frozen=True, kw_only=True):
    """Calibrated on the dev set; ``confident`` needs all of them."""

    min_score: float = 0.5  # confidence of the top entry
    min_margin: float = 0.0  # fused-score lead of the top entry over the runner-up
    suggest_score: float = 1.1  # not confident: the fused score (0..1) to offer the top 3 (>1: never)
    maybe_strength: float = 1.1  # a question in the knowledge base's words only: the fused score to be ours


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    ranked: list[int]  # entry positions, best first
    conf: list[float]  # their confidences
    margin: float  # the first's lead over the second
    on_topic: bool
    strength: float  # the first's fused score (0..1): how well it matches at all
    topic: int = 2  # topic.ON, MAYBE (the knowledge base's vocabulary only) or OFF
