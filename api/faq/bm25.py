"""BM25 over one field, with postings as numpy arrays.

Written here rather than taken from rank_bm25 because that library scores every document for
every term in Python; postings as numpy arrays keep a question under a millisecond at 1,000
entries.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import numpy as np


class Field:
    """One BM25 field: postings (term -> document indices and precomputed term weights)."""

    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.n = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float32)
        avg = float(lengths.mean()) if self.n else 1.0
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(set(doc))
        self.idf = {t: math.log(1 + (self.n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.max_idf = math.log(1 + (self.n + 0.5) / 0.5) if self.n else 1.0
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for i, doc in enumerate(docs):
            norm = k1 * (1 - b + b * lengths[i] / max(avg, 1e-6))
            for term, tf in Counter(doc).items():
                idx, w = postings.setdefault(term, ([], []))
                idx.append(i)
                w.append(self.idf[term] * tf * (k1 + 1) / (tf + norm))
        self.postings = {t: (np.array(i, dtype=np.int32), np.array(w, dtype=np.float32))
                         for t, (i, w) in postings.items()}

    def scores(self, terms: Iterable[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for term in set(terms):
            posting = self.postings.get(term)
            if posting is not None:
                out[posting[0]] += posting[1]
        return out
