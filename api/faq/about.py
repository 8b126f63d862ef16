"""Which service a question names, learned from the knowledge base's own texts.

A service of the catalogue that entries belong to (``service_code``) is named by the words most of
its ways of asking use — 出租车 and 的哥 for the taxi driver's certificate, 船舶 for the ship's —
not by a word one of its entries happens to hold (外地户口 is in the taxi certificate's entry on
residence, yet "外地户口能考网约车证吗" names the ride-hailing one). So a word names a service in
proportion to the share of that service's questions, similar questions and tags that hold it,
discounted when several services' texts use it as often (证, 申请). A question's naming of each
service is the sum over its words, as a share of the best service's; the general entries (no
service) name none. The re-ranker weighs it, so a question naming a service prefers that
service's entries over another's and over a general one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from api.faq.entries import Entry
from api.faq.text import Analyzer

# A word counts as common to a service from this share of its texts on.
COMMON = 0.05
# Below this weight a word names no service worth keeping.
FLOOR = 0.01


class Services:
    def __init__(self, entries: Sequence[Entry], analyzer: Analyzer,
                 asked: Sequence[Sequence[list[str]]] | None = None) -> None:
        """``asked``: per entry, the words of its question and similar questions, when the caller
        has them already (the matcher does); otherwise they are read here."""
        labels = sorted({e.service_code for e in entries if e.service_code})
        position = {label: i for i, label in enumerate(labels)}
        # Entries of no service point at an extra column that no word fills.
        self.label_of = np.array([position.get(e.service_code or "", len(labels)) for e in entries],
                                 dtype=np.int32)
        holding: dict[str, np.ndarray] = {}
        texts_of = np.zeros(len(labels) + 1, dtype=np.float32)  # each service's ways of asking and tags
        for n, e in enumerate(entries):
            if not e.service_code:
                continue
            s = position[e.service_code]
            ways = asked[n] if asked is not None else [analyzer.words(t) for t in (e.question, *e.alternates)]
            for words in (*ways, *(analyzer.words(tag) for tag in e.tags)):
                texts_of[s] += 1
                for word in set(words):
                    holding.setdefault(word, np.zeros(len(labels) + 1, dtype=np.float32))[s] += 1
        self.names: dict[str, np.ndarray] = {}
        for word, counts in holding.items():
            share = counts / np.maximum(texts_of, 1.0)
            common = int((share >= COMMON).sum())
            weight = share * math.log(1 + len(labels) / (1 + common))
            if weight.max() > FLOOR:
                self.names[word] = weight.astype(np.float32)
        self.columns = len(labels) + 1

    def share(self, words: list[str]) -> np.ndarray:
        """Per entry: how strongly the question names its service, as a share of the best (0..1)."""
        scores = np.zeros(self.columns, dtype=np.float32)
        for word in set(words):
            weight = self.names.get(word)
            if weight is not None:
                scores += weight
        top = float(scores.max())
        if top <= 0:
            return np.zeros(len(self.label_of), dtype=np.float32)
        return scores[self.label_of] / top
