"""``zsb faq-eval``: accuracy, hand-off rates and latency of the matcher on a labelled file.

The file has one JSON object a line: ``{"q": "...", "expect": "F012"}``, or ``"expect": null`` for
an off-topic question that must be handed off. Latency is measured at 1,000 entries: the
knowledge base is grown by perturbed copies of its entries (words dropped and reordered, with
fresh ids) so the index has the size and vocabulary spread of a grown knowledge base; the dev
questions themselves never go into it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from pathlib import Path

import msgspec
import numpy as np

from api.faq.entries import Entry
from api.faq.matcher import Matcher
from api.faq.outcome import Thresholds
from api.faq.topic import MAYBE, ON


class DevQuery(msgspec.Struct, frozen=True):
    q: str
    expect: str | None = None


class Report(msgspec.Struct, kw_only=True):
    in_domain: int
    off_topic: int
    top1: float
    top3: float
    off_topic_handed_off: float
    in_domain_handed_off: float
    confident_wrong: float
    suggested: float  # in-domain questions offered the top 3 ("您是不是想问")
    suggested_right: float  # ... with the right entry among them
    p50_ms: float
    p99_ms: float
    entries: int


def load_dev(path: Path) -> list[DevQuery]:
    decoder = msgspec.json.Decoder(DevQuery)
    return [decoder.decode(line) for line in path.read_bytes().splitlines() if line.strip()]


def grow(entries: Sequence[Entry], size: int, seed: int = 7) -> list[Entry]:
    """Perturbed copies of the entries until there are ``size``: each copy drops a few characters
    of every text, so it is near its original without being the same document."""
    rng = random.Random(seed)
    out = list(entries)
    n = 0
    while len(out) < size:
        base = entries[n % len(entries)]
        n += 1

        def jitter(text: str) -> str:
            chars = list(text)
            for _ in range(max(1, len(chars) // 6)):
                if len(chars) > 4:
                    chars.pop(rng.randrange(len(chars)))
            return "".join(chars)

        out.append(Entry(id=f"X{n:04d}", question=jitter(base.question), answer=jitter(base.answer),
                         alternates=tuple(jitter(a) for a in base.alternates), tags=base.tags))
    return out


def evaluate(matcher: Matcher, dev: Sequence[DevQuery], *, timing: Matcher | None = None,
             rounds: int = 3) -> Report:
    inside = [d for d in dev if d.expect]
    outside = [d for d in dev if not d.expect]
    right = right3 = handed = wrong_confident = offered = offered_right = 0
    for d in inside:
        result = matcher.ask(d.q)
        top = result.matches[0].id if result.matches else None
        right += top == d.expect
        right3 += d.expect in [m.id for m in result.matches[:3]]
        handed += result.handoff
        wrong_confident += result.confident and top != d.expect
        unsure = not (result.confident or result.handoff)
        offered += unsure
        offered_right += unsure and d.expect in [m.id for m in result.matches[:3]]
    off_handed = sum(matcher.ask(d.q).handoff for d in outside)
    timer = timing or matcher
    latencies = []
    for _ in range(rounds):
        for d in dev:
            started = time.perf_counter()
            timer.ask(d.q)
            latencies.append((time.perf_counter() - started) * 1000)
    return Report(
        in_domain=len(inside), off_topic=len(outside),
        top1=right / max(1, len(inside)), top3=right3 / max(1, len(inside)), off_topic_handed_off=off_handed / max(1, len(outside)),
        in_domain_handed_off=handed / max(1, len(inside)), confident_wrong=wrong_confident / max(1, len(inside)),
        suggested=offered / max(1, len(inside)), suggested_right=offered_right / max(1, len(inside)),
        p50_ms=float(np.percentile(latencies, 50)) if latencies else 0.0,
        p99_ms=float(np.percentile(latencies, 99)) if latencies else 0.0,
        entries=len(timer.entries),
    )


def halves(dev: Sequence[DevQuery]) -> tuple[list[DevQuery], list[DevQuery]]:
    """The tuning half (lines 1, 3, 5, …) and the held-out half (lines 2, 4, 6, …), fixed once: thresholds are
    calibrated on the tuning half only; the held-out half predicts questions never seen."""
    return list(dev[0::2]), list(dev[1::2])


def calibrate(matcher: Matcher, dev: Sequence[DevQuery], *, off_topic_target: float = 0.9,
              wrong_cost: float = 6.0, offer_margin: float = 0.05, maybe_margin: float = 0.1) -> Thresholds:
    """The thresholds that hand off at least ``off_topic_target`` of the off-topic questions while
    handing off as few in-domain questions as possible. A wrong confident answer costs
    ``wrong_cost`` hand-offs (a citizen told the wrong rule about a fee or a deadline is far worse
    off than one passed to a person), so ``confident`` is kept for the sure. Below it, the top 3 are
    offered ("您是不是想问") when the first matches well enough (its fused score): the level is
    set by the off-topic questions, which must still be handed off. A question in the knowledge
    base's words only (``topic.MAYBE``) is ours when its first match's fused score is above every
    such off-topic question's by ``maybe_margin``."""
    decisions = [(d, matcher.decide(d.q)) for d in dev]
    # Questions in the knowledge base's words only are ours above the best such off-topic one.
    maybe = [x.strength for d, x in decisions if x is not None and d.expect is None and x.topic == MAYBE]
    maybe_strength = round(max([*maybe, 0.0]) + maybe_margin, 2)
    rows = []
    for d, decided in decisions:
        if decided is None:
            rows.append((d.expect, None, -1.0, -1.0, (), -1.0))
            continue
        # Off the domain: handed off whatever the thresholds, as ``ask`` does.
        on = decided.topic == ON or (decided.topic == MAYBE and decided.strength >= maybe_strength)
        sure = on and decided.topic == ON  # the knowledge base's words only: never confident
        rows.append((d.expect, matcher.entries[decided.ranked[0]].id, decided.conf[0] if sure else -1.0,
                     decided.margin, tuple(matcher.entries[i].id for i in decided.ranked[:3]),
                     decided.strength if on else -1.0))
    outside = [r for r in rows if r[0] is None]
    inside = [r for r in rows if r[0] is not None]
    best: tuple[float, float, float] | None = None
    for score in np.arange(0.2, 0.95, 0.01):
        for margin in np.arange(0.0, 0.9, 0.02):
            ok = lambda r: r[2] >= score and r[3] >= margin  # noqa: E731
            if sum(not ok(r) for r in outside) < off_topic_target * len(outside):
                continue
            cost = sum((not ok(r)) + wrong_cost * (ok(r) and r[1] != r[0]) for r in inside)
            if best is None or cost < best[0]:
                best = (cost, round(float(score), 2), round(float(margin), 2))
    if best is None:
        return matcher.thresholds
    _, score, margin = best
    # Offers: above every off-topic question the tuning half did not answer, by ``offer_margin``
    # (an off-topic question offered three entries is a miss the off-topic figure must not pay).
    unsure = [r for r in outside if not (r[2] >= score and r[3] >= margin)]
    suggest = round(max([r[5] for r in unsure] + [0.0]) + offer_margin, 2)
    return Thresholds(min_score=score, min_margin=margin, suggest_score=suggest, maybe_strength=maybe_strength)
