"""The off-topic detector: is a question about this bureau's services at all?

A question without a single domain term (a synonym group's word or an entry's tag) is not,
however well it happens to score; nor is one naming another department's matter (车管所, 交警,
violations, points, transfers: ``data/elsewhere.txt``) without one of our licences or vehicles,
nor a rider's matter (fares, tickets, invoices) whatever vehicle it names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from api.faq.entries import Entry
from api.faq.text import DATA, Analyzer, word_lines


class Topic:
    def __init__(self, entries: Sequence[Entry], analyzer: Analyzer) -> None:
        self.domain_terms = frozenset(analyzer.canonical.values()) | frozenset(
            t for e in entries for tag in e.tags for t in analyzer.words(tag))
        groups = dict(word_lines(DATA / "elsewhere.txt"))
        analyzer.add_words(w for ws in groups.values() for w in ws)
        self.elsewhere = frozenset(t for w in groups.get("elsewhere", ()) for t in analyzer.words(w))
        self.ours = frozenset(t for w in groups.get("ours", ()) for t in analyzer.words(w))
        self.passenger = frozenset(t for w in groups.get("passenger", ()) for t in analyzer.words(w))

    def on_topic(self, words: Iterable[str]) -> bool:
        words = set(words)
        if self.domain_terms.isdisjoint(words) or not self.passenger.isdisjoint(words):
            return False
        # Another department's matter (a violation, the 车管所) is not ours unless it names ours too.
        return self.elsewhere.isdisjoint(words) or not self.ours.isdisjoint(words)
