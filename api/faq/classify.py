"""Which entry a question asks, learned from the knowledge base's own ways of asking it.

A softmax regression over every entry: its input is a question's sentence vector (the encoder's)
beside its words and character bigrams hashed into ``BUCKETS`` slots; it is trained at every index
build on the entries' questions and similar questions, each labelled with its entry. Where BM25
and the cosines ask "which text is most alike", this learns what tells entries apart: which words
and meanings the ways of asking one entry share and its neighbours' do not (网约车 人证 vs 车证,
几个证 vs 是什么). Its probability for each candidate is one of the re-ranker's features.

Nothing is learned from evaluation questions. Training is full-batch gradient descent with
Nesterov momentum on numpy (a few thousand short texts, 1,536 inputs: about 1.3 s for 150 entries
on one core), and a trained model is kept per knowledge-base content, so an index rebuilt for an
unchanged knowledge base does not train again; an editor's change is learned from the live
model's weights in the rebuild's thread while the old index answers.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
from collections.abc import Iterable, Sequence

import numpy as np

# Hash slots for words and character bigrams: collisions among ~5,000 distinct terms cost little.
BUCKETS = 1024
# Gradient descent: the logits' scale on unit-length inputs, step size, L2 penalty, steps and momentum
# (on the knowledge base's own cross-validation 60 such steps do as well as 200 plain ones).
SCALE, RATE, L2, STEPS, MOMENTUM = 10.0, 0.5, 1e-4, 60, 0.9
# From the last model's weights (an editor's change): steps enough to learn a new similar question.
WARM_STEPS = 15
CHUNK = 2048  # texts per gradient slice: bounds the training's memory whatever the knowledge base's size


def term_vector(terms: Iterable[str]) -> np.ndarray:
    """A text's terms (its words and bigrams, as the matcher has them), counted in their hash
    slots, to unit length."""
    v = np.zeros(BUCKETS, dtype=np.float32)
    for term in terms:
        v[zlib.crc32(term.encode()) % BUCKETS] += 1.0  # crc32, not hash(): the same slot in every process
    norm = float(np.linalg.norm(v))
    return v / norm if norm else v


def inputs(sentence_vectors: np.ndarray, term_vectors: np.ndarray) -> np.ndarray:
    """Meaning and wording weighed alike: both halves at unit length, the whole too."""
    return np.concatenate([sentence_vectors, term_vectors], axis=1) / np.float32(np.sqrt(2.0))


class EntryClassifier:
    def __init__(self, weights: np.ndarray, bias: np.ndarray, entry_ids: Sequence[str] = ()) -> None:
        self.weights = weights  # inputs x entries
        self.bias = bias
        self.entry_ids = tuple(entry_ids)  # the entry of each column

    @classmethod
    def fit(cls, x: np.ndarray, labels: np.ndarray, entry_ids: Sequence[str], *,
            start: EntryClassifier | None = None, steps: int = STEPS) -> EntryClassifier:
        """Trained from zero, or from ``start``'s weights for the entries both know (a new entry's
        column starts at zero)."""
        classes = len(entry_ids)
        w = np.zeros((x.shape[1], classes), dtype=np.float32)
        b = np.zeros(classes, dtype=np.float32)
        if start is not None:
            before = {entry_id: n for n, entry_id in enumerate(start.entry_ids)}
            kept = [(n, before[e]) for n, e in enumerate(entry_ids) if e in before]
            if kept:
                now_at, was_at = (np.array(c) for c in zip(*kept))
                w[:, now_at], b[now_at] = start.weights[:, was_at], start.bias[was_at]
        vw, vb = np.zeros_like(w), np.zeros_like(b)
        for _ in range(steps):  # Nesterov momentum: the gradient at the look-ahead point
            lw, lb = w + MOMENTUM * vw, b + MOMENTUM * vb
            gw, gb = _gradient(x, labels, lw, lb)
            vw = MOMENTUM * vw - RATE * (gw + L2 * lw)
            vb = MOMENTUM * vb - RATE * gb
            w, b = w + vw, b + vb
        return cls(w, b, entry_ids)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Per entry, the probability that the question (one row of ``inputs``) asks it."""
        return softmax_rows(SCALE * (x[None, :] @ self.weights) + self.bias)[0]


def _gradient(x: np.ndarray, labels: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean cross-entropy's gradient, ``CHUNK`` texts at a time: a texts x entries matrix at
    1,000 entries would be 14,000 x 1,000 floats several times over."""
    gw, gb = np.zeros_like(w), np.zeros_like(b)
    for lo in range(0, len(x), CHUNK):
        rows, owners = x[lo:lo + CHUNK], labels[lo:lo + CHUNK]
        p = softmax_rows(SCALE * (rows @ w) + b)
        p[np.arange(len(rows)), owners] -= 1.0  # minus the one-hot target
        gw += SCALE * (rows.T @ p)
        gb += p.sum(axis=0)
    return gw / len(x), gb / len(x)


def softmax_rows(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


_trained: dict[str, EntryClassifier] = {}
_last: EntryClassifier | None = None  # the model of the newest live index this process built
_lock = threading.Lock()


def trained(texts: Sequence[str], owners: np.ndarray, x: np.ndarray, entry_ids: Sequence[str], *,
            live: bool = False) -> EntryClassifier:
    """The classifier for these texts and their entries, trained once per content (the last few
    kept: an unchanged rebuild does not train). For the live index (``live``), an editor's change
    is learned from the previous live model's weights in ``WARM_STEPS`` steps, not from zero, so
    an edit at 1,000 entries is answered seconds after it, not minutes. Evaluation and the
    re-ranker's folds always train from zero: a fold must not start from weights that saw it."""
    global _last
    digest = hashlib.sha256()
    for text, owner in zip(texts, owners.tolist()):
        digest.update(f"{entry_ids[owner]}\x1f{text}\x1e".encode())
    key = digest.hexdigest()
    with _lock:
        model, start = _trained.get(key), (_last if live else None)
    if model is None:
        if start is None:
            model = EntryClassifier.fit(x, owners, entry_ids)
        else:
            model = EntryClassifier.fit(x, owners, entry_ids, start=start, steps=WARM_STEPS)
        with _lock:
            if len(_trained) >= 4:
                _trained.pop(next(iter(_trained)))
            _trained[key] = model
    if live:
        with _lock:
            _last = model
    return model
