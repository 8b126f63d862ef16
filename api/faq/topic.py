"""The off-topic detector: is a question about this bureau's services at all?

A question with a domain term (a synonym group's word or an entry's tag) is, unless it names
another department's matter (车管所, 交警, violations, points, transfers: ``data/elsewhere.txt``)
or the replacement, renewal or 审验 of another department's document (驾驶证, 行驶证, 身份证)
without one of our licences or vehicles, or, whatever vehicle it names, a rider's matter (fares,
tickets, invoices), a matter no vehicle makes ours (social insurance, the housing fund, taxes) or
the trade's own business (a platform's commission, 份子钱).

A question without one may still be ours in words the synonym groups do not list ("开个运输公司从
申请到车辆能上路营运要几天", "预填的信息跟我实际的不一样"): the knowledge base's own vocabulary —
words of two characters or more that at least two entries use (questions, similar questions, tags
or answers) and that are not common Chinese (jieba's general frequency below ``COMMON``) — makes
it *maybe* ours (``MAYBE``); the matcher then needs its best entry to match well enough
(``Thresholds.maybe_strength``, calibrated on the tuning half) before treating it as ours.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence

from api.faq.entries import Entry
from api.faq.text import DATA, Analyzer, word_lines

OFF, MAYBE, ON = 0, 1, 2
COMMON = 10_000  # jieba's frequency of 信息 (12,256), 一样, 公司: words of everyday talk


@functools.lru_cache(maxsize=1)
def word_groups() -> dict[str, tuple[str, ...]]:
    """The groups of ``data/elsewhere.txt``. Their words are jieba words of the matcher's analyser
    before it reads any text, so the knowledge base and the questions are split alike."""
    return dict(word_lines(DATA / "elsewhere.txt"))


class Topic:
    def __init__(self, entries: Sequence[Entry], analyzer: Analyzer,
                 terms: Sequence[frozenset[str]] | None = None) -> None:
        self.domain_terms = frozenset(analyzer.canonical.values()) | frozenset(
            t for e in entries for tag in e.tags for t in analyzer.words(tag))
        groups = word_groups()

        def group(name: str) -> frozenset[str]:  # its words as the analyser folds them
            return frozenset(t for w in groups.get(name, ()) for t in analyzer.words(w))

        self.elsewhere, self.ours = group("elsewhere"), group("ours")
        self.never = group("passenger") | group("never")  # whatever vehicle of ours the question names
        self.documents, self.renewal = group("documents"), group("renewal")
        if terms is None:
            terms = [frozenset(w for text in (e.question, *e.alternates, e.answer, *e.tags)
                               for w in analyzer.words(text)) for e in entries]
        used: Counter[str] = Counter()
        for held in terms:
            used.update(held)
        freq = analyzer.tokenizer.FREQ
        self.vocabulary = frozenset(w for w, n in used.items()
                                    if n >= 2 and len(w) > 1 and (freq.get(w) or 0) < COMMON)

    def level(self, words: Iterable[str]) -> int:
        """``ON``, ``MAYBE`` (only the knowledge base's vocabulary) or ``OFF``."""
        words = set(words)
        if not self.never.isdisjoint(words):
            return OFF
        # Another department's matter (a violation, the 车管所) is not ours unless it names ours too.
        if not self.elsewhere.isdisjoint(words) and self.ours.isdisjoint(words):
            return OFF
        # Another department's document replaced, renewed or its points (驾驶证丢了, 身份证过期).
        if not (self.documents.isdisjoint(words) or self.renewal.isdisjoint(words)) and self.ours.isdisjoint(words):
            return OFF
        if not self.domain_terms.isdisjoint(words):
            return ON
        return MAYBE if not self.vocabulary.isdisjoint(words) else OFF

    def on_topic(self, words: Iterable[str]) -> bool:
        return self.level(words) == ON
