"""The re-ranker: a logistic regression over the matcher's field scores of the top candidates.

It is learned from the knowledge base itself, never from evaluation questions: the entries'
similar questions are split into folds, each fold's questions are taken out of their entries and
asked against the rest (``train``), and the model learns which mix of lexical, intent and
semantic scores picks the entry a question was written for. The weights ship in ``WEIGHTS``
(``zsb faq-eval --train-reranker`` prints new ones); the features are scale-free (shares of the
best candidate's score, cosines, ranks), so they hold as the knowledge base grows or changes.

Its probability over the candidates (a softmax of the scores) is the confidence ``ask`` uses, with
the margin between the best and second-best candidate: a close call is handed off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
import numpy as np

# How many of the fused ranking's entries the re-ranker looks at.
CANDIDATES = 10

FEATURES = (
    "question", "question_grams", "entry", "answer",  # BM25, as shares of the best entry's
    "intent", "intent_miss", "coverage",
    "semantic", "semantic_answer",  # cosines of the best question/similar question, and of the answer
    "fused", "first",  # the fused score's share of the best, and being the fused ranking's first
    "intent_share",  # the share of the candidate's ways of asking that ask the question's intents
    "service",  # how strongly the question names the candidate's service (about.py), 0..1
    "semantic_centroid",  # cosine to the mean of the candidate's questions and similar questions
    "classifier",  # the entry classifier's probability (classify.py)
)


class Reranker(msgspec.Struct, frozen=True):
    weights: tuple[float, ...]
    bias: float = 0.0


# Learned by ``train`` on the shipped knowledge base's similar questions (10 folds), in FEATURES order.
WEIGHTS = Reranker(weights=(-0.1097, -0.1977, 1.9235, 0.9276, 0.6233, -0.2995, 2.9568, 1.6386, 0.3285, 1.7537, 0.2407,
                             0.58, 0.2621, 1.4689, 2.9351))


def candidate_features(f: dict[str, Any], fused: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """One row per candidate, in the order of ``FEATURES``."""
    cols = []

    def share(x: np.ndarray) -> np.ndarray:
        top = float(x.max()) if len(x) else 0.0
        return x[candidates] / top if top > 0 else np.zeros(len(candidates), np.float32)

    for name in ("question", "question_grams", "entry", "answer"):
        cols.append(share(f[name]))
    cols.append(np.minimum(f["intent"][candidates], 2.0))
    cols.append(f["intent_miss"][candidates])
    cols.append(f["coverage"][candidates])
    if "semantic" in f:
        cols += [f["semantic"][candidates], f["semantic_answer"][candidates]]
    else:
        cols += [np.zeros(len(candidates), np.float32)] * 2
    cols.append(share(fused))
    first = np.zeros(len(candidates), np.float32)
    first[0] = 1.0
    cols.append(first)
    cols.append(f["intent_share"][candidates])
    cols.append(f["service"][candidates])
    for name in ("semantic_centroid", "classifier"):
        cols.append(f[name][candidates] if name in f else np.zeros(len(candidates), np.float32))
    return np.stack(cols, axis=1).astype(np.float32)


def scores(model: Reranker, rows: np.ndarray) -> np.ndarray:
    return rows @ np.asarray(model.weights, dtype=np.float32) + model.bias


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


def fit(rows: list[np.ndarray], labels: list[np.ndarray], *, l2: float = 1e-3, steps: int = 2000,
        rate: float = 1.0) -> Reranker:
    """Listwise logistic regression (a softmax over each question's candidates) by gradient
    descent on numpy: a dozen weights, a thousand questions; no library needed for that.
    Questions whose entry is not among the candidates teach nothing and are left out."""
    usable = [(x, y) for x, y in zip(rows, labels) if y.any() and len(y) == CANDIDATES]
    x = np.stack([u[0] for u in usable]).astype(np.float64)  # questions x candidates x features
    y = np.stack([u[1] / u[1].sum() for u in usable])
    w = np.zeros(x.shape[2], dtype=np.float64)
    for _ in range(steps):
        z = x @ w
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        grad = np.einsum("qc,qcd->d", p - y, x) / len(usable) + l2 * w
        w -= rate * grad
    return Reranker(weights=tuple(round(float(v), 4) for v in w))


def training_rows(matcher: Any, questions: Sequence[tuple[str, str]]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Features and labels of (question, entry id) pairs against a matcher."""
    rows, labels = [], []
    ids = [e.id for e in matcher.entries]
    for question, expect in questions:
        f = matcher.features(question)
        fused, _ = matcher.fuse(f)
        candidates = np.argsort(-fused, kind="stable")[:CANDIDATES]
        rows.append(candidate_features(f, fused, candidates))
        labels.append(np.array([ids[i] == expect for i in candidates], dtype=np.float64))
    return rows, labels


def train(entries: Sequence[Any], build: Any, *, folds: int = 10) -> Reranker:
    """Hold out every ``folds``-th similar question of each entry in turn, ask it of an index
    without it, and fit the model on which candidate was the entry it came from."""
    rows: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    for k in range(folds):
        held: list[tuple[str, str]] = []
        kept = []
        for e in entries:
            out = [a for n, a in enumerate(e.alternates) if n % folds == k]
            held += [(a, e.id) for a in out]
            kept.append(msgspec.structs.replace(e, alternates=tuple(
                a for n, a in enumerate(e.alternates) if n % folds != k)))
        r, y = training_rows(build(kept), held)
        rows += r
        labels += y
    return fit(rows, labels)
