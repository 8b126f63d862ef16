"""Which service a question is about, learned from the knowledge base's own texts.

Each service of the catalogue that entries belong to (``service_code``), and the general matters
(no service), is one document: the questions, similar questions and tags of its entries. A
question's BM25 score against each, as a share of the best one, says how strongly it names that
service: "船舶营运证换证要多久" is the ship certificate's, "证件快到期了怎么换" nobody's in
particular. The re-ranker weighs it, so a question naming a service prefers that service's
entries over a general one, and a general question the general entry.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from api.faq.bm25 import Field
from api.faq.entries import Entry
from api.faq.text import Analyzer


class Services:
    def __init__(self, entries: Sequence[Entry], analyzer: Analyzer) -> None:
        labels = sorted({e.service_code or "" for e in entries})
        position = {label: i for i, label in enumerate(labels)}
        texts: list[list[str]] = [[] for _ in labels]
        for e in entries:
            texts[position[e.service_code or ""]] += [e.question, *e.alternates, *e.tags]
        self.words = Field([[w for t in doc for w in analyzer.words(t)] for doc in texts])
        self.grams = Field([[g for t in doc for g in analyzer.bigrams(t)] for doc in texts])
        self.label_of = np.array([position[e.service_code or ""] for e in entries], dtype=np.int32)

    def share(self, words: list[str], grams: list[str]) -> np.ndarray:
        """Per entry: its service's score as a share of the best service's (0..1)."""
        scores = self.words.scores(words) + 0.5 * self.grams.scores(grams)
        top = float(scores.max()) if len(scores) else 0.0
        if top <= 0:
            return np.zeros(len(self.label_of), dtype=np.float32)
        return (scores / top)[self.label_of].astype(np.float32)
