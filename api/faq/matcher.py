"""The Chinese question matcher: an in-memory index over the FAQ, no database access.

Scores: BM25 (``bm25.py``) over questions and alternates (each one a document; an entry scores its
best one) on words and on character bigrams (``text.py``), plus the answer at a lower weight. An
intent field (fee, time limit, materials ...) tells apart the entries of one service. Optionally a
semantic score (the multilingual Universal Sentence Encoder, offline on numpy) is added on the
normalised lexical scale; on the dev set this linear fusion beat reciprocal-rank fusion.

With the encoder on, the fused ranking's top candidates are re-scored by the re-ranker
(``rerank.py``, learned from the similar questions), whose probability and lead over the runner-up
decide ``confident``; the lexical-only fallback keeps the confidence below.

Confidence: an off-topic question (``topic.py``) is handed off; otherwise the mean of the share of
the question's IDF mass that the top entry covers, its cosine similarity and its fused score (when
the encoder is on), and the fused-score margin over the runner-up; thresholds come from the dev
set's tuning half (``zsb faq-eval --calibrate``) and live in ``Thresholds``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
import numpy as np

from api.faq import classify, rerank, topic
from api.faq.about import Services
from api.faq.bm25 import Field
from api.faq.entries import Entry
from api.faq.outcome import Decision, Match, Result, Thresholds
from api.faq.text import Analyzer, Intents, normalise
from api.faq.topic import MAYBE, ON, Topic


class Weights(msgspec.Struct, frozen=True, kw_only=True):
    """How the fields add up; chosen on the dev set (see bench/faq_eval.py and ``zsb faq-eval``)."""

    question: float = 0.25  # best single question or alternate (BM25 on words)
    question_grams: float = 0.3  # the same on character bigrams
    entry: float = 0.5  # question, alternates and tags as one document (words + half bigrams)
    answer: float = 0.0  # the answer's words: searched, it pulled in entries that merely mention a term
    intent: float = 6.0  # per intent (fee, time limit, materials ...) shared with the question
    semantic: float = 2.0  # cosine to the best question/alternate, on the normalised lexical scale
    semantic_answer: float = 1.0  # share of the answer's cosine added to the semantic score
    coverage: float = 0.0  # share of the question's IDF mass the entry holds anywhere
    intent_miss: float = 0.2  # penalty: the question asks an intent, the entry is about others only


class Matcher:
    """Built once per knowledge-base version; ``ask`` is read-only and thread-safe."""

    def __init__(self, entries: Sequence[Entry], analyzer: Analyzer, *, intents: Intents | None = None,
                 encoder: Any = None, thresholds: Thresholds | None = None,
                 weights: Weights | None = None, shortlist: int = 64,
                 reranker: rerank.Reranker | None = None, live: bool = False) -> None:
        self.entries = list(entries)
        self.positions = {e.id: i for i, e in enumerate(self.entries)}
        self.shortlist = shortlist
        # Tags are the editors' names for what an entry is about: whole words, not bigram soup.
        analyzer.add_words(tag for e in self.entries for tag in e.tags)
        # The off-topic detector's words too, before any text is split (市场监管局 one word in both).
        analyzer.add_words(w for words in topic.word_groups().values() for w in words)
        self.analyzer = analyzer
        self.intents = intents or Intents()
        self.encoder = encoder
        self.thresholds = thresholds or Thresholds()
        self.reranker = reranker
        self.w = weights or Weights()
        texts: list[str] = []
        owner: list[int] = []
        for i, e in enumerate(self.entries):
            for text in (e.question, *e.alternates):
                texts.append(text)
                owner.append(i)
        self.owner = np.array(owner, dtype=np.int32)
        # Documents are grouped by entry, so an entry's best document is one reduceat away.
        self.starts = np.searchsorted(self.owner, np.arange(len(self.entries))).astype(np.int64)
        whole = [" ".join((e.question, *e.alternates, *e.tags)) for e in self.entries]
        text_words = [analyzer.words(t) for t in texts]
        text_grams = [analyzer.bigrams(t) for t in texts]
        self.q_words = Field(text_words)
        self.q_grams = Field(text_grams)
        self.e_words = Field([analyzer.words(t) for t in whole])
        self.e_grams = Field([analyzer.bigrams(t) for t in whole])
        self.a_words = Field([analyzer.words(e.answer) for e in self.entries])
        self.entry_intents = [
            frozenset().union(*(self.intents.of(t) for t in (e.question, *e.alternates, *e.tags)))
            for e in self.entries
        ]
        self.entry_terms = [
            frozenset(w for text in (e.question, *e.alternates, e.answer, *e.tags) for w in analyzer.words(text))
            for e in self.entries
        ]
        # term -> the entries that hold it anywhere: the IDF coverage of every entry in one pass.
        holders: dict[str, list[int]] = {}
        for i, terms in enumerate(self.entry_terms):
            for t in terms:
                holders.setdefault(t, []).append(i)
        self.holders = {t: np.array(v, dtype=np.int32) for t, v in holders.items()}
        self.topic = Topic(self.entries, analyzer, self.entry_terms)
        ends = [*self.starts[1:].tolist(), len(texts)]
        self.services = Services(self.entries, analyzer,
                                 [text_words[a:b] for a, b in zip(self.starts.tolist(), ends)])
        self.domain_terms = self.topic.domain_terms
        self.has_intent = np.array([bool(e) for e in self.entry_intents], dtype=np.float32)
        # entries x intents, so the shared intents of every entry are one matrix-vector product.
        self.intent_names = [name for name, _ in self.intents.groups]
        self.intent_matrix = np.array([[n in e for n in self.intent_names] for e in self.entry_intents],
                                      dtype=np.float32).reshape(len(self.entries), len(self.intent_names))
        # entries x intents: the share of the entry's questions and similar questions asking it, so
        # an entry about the fee (most of its ways of asking say 多少钱) outranks one that once does.
        self.intent_share = np.array(
            [[sum(n in self.intents.of(t) for t in (e.question, *e.alternates)) / (1 + len(e.alternates))
              for n in self.intent_names] for e in self.entries], dtype=np.float32,
        ).reshape(len(self.entries), len(self.intent_names))
        self.vectors = self.answer_vectors = None
        if encoder is not None and texts:
            self.vectors = np.asarray(encoder.encode(texts), dtype=np.float32)
            self.answer_vectors = np.asarray(encoder.encode([e.answer for e in self.entries]), dtype=np.float32)
            # Each entry's ways of asking averaged: what they share outweighs any one's wording.
            sums = np.add.reduceat(self.vectors, self.starts, axis=0)
            self.centroids = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-6)
            terms = np.stack([classify.term_vector((*w, *g)) for w, g in zip(text_words, text_grams)])
            self.classifier = classify.trained(texts, self.owner, classify.inputs(self.vectors, terms),
                                               [e.id for e in self.entries], live=live)

    def entry(self, entry_id: str) -> Entry:
        return self.entries[self.positions[entry_id]]

    def _by_entry(self, doc_scores: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(doc_scores, self.starts)

    def features(self, question: str) -> dict[str, Any]:
        """The raw per-entry scores of every field; ``fuse`` weighs them (kept apart so that the
        weights can be searched on the dev set without re-reading the questions)."""
        words = self.analyzer.words(question)
        grams = self.analyzer.bigrams(question)
        asked = self.intents.of(question)
        f: dict[str, Any] = {
            "words": words,
            "question": self._by_entry(self.q_words.scores(words)),
            "question_grams": self._by_entry(self.q_grams.scores(grams)),
            "entry": self.e_words.scores(words) + 0.5 * self.e_grams.scores(grams),
            "answer": self.a_words.scores(words),
            "intent": self.intent_matrix @ (asked_vector := np.array([n in asked for n in self.intent_names], np.float32)),
            "intent_share": self.intent_share @ asked_vector / max(1, len(asked)),
            "coverage": self._coverages(words),
            "service": self.services.share(words),
        }
        # An entry about another intent of the same matter (its fee when the time limit is asked).
        f["intent_miss"] = self.has_intent * (f["intent"] == 0) if asked else np.zeros(len(self.entries), np.float32)
        if self.vectors is not None:
            vector = np.asarray(self.encoder.encode([question]), dtype=np.float32)[0]
            f["classifier"] = self.classifier.probabilities(
                classify.inputs(vector[None, :], classify.term_vector((*words, *grams))[None, :])[0])
            shortlist = self._shortlist(f)
            f["semantic"], f["semantic_answer"] = self._semantic(vector, shortlist)
            if shortlist is None:
                f["semantic_centroid"] = self.centroids @ vector
            else:
                f["semantic_centroid"] = np.zeros(len(self.entries), dtype=np.float32)
                f["semantic_centroid"][shortlist] = self.centroids[shortlist] @ vector
        return f

    def _shortlist(self, f: dict[str, Any]) -> np.ndarray | None:
        """The entries worth a cosine: the best ``shortlist`` by the lexical fields, or None for all.
        Scoring every question vector (4,000 x 512 floats at 1,000 entries) was the slowest step
        and its p99 grew with the index; on the dev set the right entry is in the lexical top 20
        for 98.8 % of the answerable questions, and the rest are not answered right either way."""
        n = len(self.entries)
        if n <= self.shortlist:
            return None
        w = self.w
        lexical = (w.question * f["question"] + w.question_grams * f["question_grams"]
                   + w.entry * f["entry"] + w.intent * f["intent"])
        return np.argpartition(-lexical, self.shortlist)[: self.shortlist]

    def _semantic(self, vector: np.ndarray, entries: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        if entries is None:
            return self._by_entry(self.vectors @ vector), self.answer_vectors @ vector
        keep = np.zeros(len(self.entries), dtype=bool)
        keep[entries] = True
        rows = np.flatnonzero(keep[self.owner])  # their documents, still grouped by entry
        owners = self.owner[rows]
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        # Entries off the shortlist keep a cosine of 0: they cannot win on it.
        semantic = np.zeros(len(self.entries), dtype=np.float32)
        semantic[owners[starts]] = np.maximum.reduceat(self.vectors[rows] @ vector, starts)
        answer = np.zeros(len(self.entries), dtype=np.float32)
        answer[entries] = self.answer_vectors[entries] @ vector
        return semantic, answer

    def fuse(self, f: dict[str, Any], w: Weights | None = None) -> tuple[np.ndarray, dict[str, Any]]:
        w = w or self.w
        lexical = (w.question * f["question"] + w.question_grams * f["question_grams"]
                   + w.entry * f["entry"] + w.answer * f["answer"] + w.intent * f["intent"])
        info: dict[str, Any] = {"words": f["words"], "lexical": lexical}
        top = float(lexical.max())
        fused = lexical / top if top > 0 else lexical
        fused = fused + w.coverage * f["coverage"] - w.intent_miss * f["intent_miss"]
        scale = 1.0 + w.coverage
        if "semantic" in f:
            info["semantic"] = f["semantic"]
            fused = fused + w.semantic * (f["semantic"] + w.semantic_answer * f["semantic_answer"])
            scale += w.semantic * (1.0 + w.semantic_answer)
        info["fused"] = fused / scale  # 0..1: the best possible entry scores 1
        return fused, info

    def scores(self, question: str) -> tuple[np.ndarray, dict[str, Any]]:
        """Fused scores of every entry, and what the confidence needs."""
        return self.fuse(self.features(question))

    def _coverages(self, words: list[str]) -> np.ndarray:
        out = np.zeros(len(self.entries), dtype=np.float32)
        unique = set(words)
        idf, rarest = self.q_words.idf, self.q_words.max_idf
        total = sum(idf.get(t, rarest) for t in unique)
        if not total:
            return out
        for t in unique:
            entries = self.holders.get(t)
            if entries is not None:
                out[entries] += idf.get(t, 0.0)
        return out / total

    def coverage(self, words: list[str], entry: int) -> float:
        """Share of the question's IDF mass found in the entry (unknown words weigh the most)."""
        unique = set(words)
        if not unique:
            return 0.0
        have = self.entry_terms[entry]
        idf, rarest = self.q_words.idf, self.q_words.max_idf
        total = sum(idf.get(t, rarest) for t in unique)
        return sum(idf.get(t, 0.0) for t in unique if t in have) / total if total else 0.0

    def confidence(self, info: dict[str, Any], entry: int) -> float:
        """0..1: how much of the question the entry explains, and how alike they read."""
        cov = self.coverage(info["words"], entry)
        if "semantic" in info:
            # The fused score joins coverage and cosine: on the dev set it handed off far fewer
            # answerable questions at the same off-topic rate than coverage and cosine alone.
            return (cov + max(0.0, float(info["semantic"][entry])) + max(0.0, float(info["fused"][entry]))) / 3
        return cov

    def on_topic(self, info: dict[str, Any], strength: float | None = None) -> bool:
        """Ours: a domain term, or only the knowledge base's vocabulary and a first match (by
        default the best fused score) strong enough (``topic.py``)."""
        level = self.topic.level(info["words"])
        strength = float(info["fused"].max()) if strength is None else strength
        return level == ON or (level == MAYBE and strength >= self.thresholds.maybe_strength)

    def decide(self, question: str) -> Decision | None:
        """The ranked entries (best first), their confidences, the margin of the first over the
        second and whether the question is on topic; None when nothing can be said.

        With the re-ranker (the encoder on): the fused ranking's top candidates re-scored by it, the
        confidence being its probability and the margin the lead in probability. Without: the fused
        ranking, the confidence of ``confidence`` and the fused-score margin."""
        if not self.entries or not normalise(question):
            return None
        f = self.features(question)
        fused, info = self.fuse(f)
        if not float(info["lexical"].max()) and "semantic" not in info:
            return None  # not one word in common
        if self.reranker is not None and "semantic" in f:
            candidates = np.argsort(-fused, kind="stable")[: rerank.CANDIDATES]
            scores = rerank.scores(self.reranker, rerank.candidate_features(f, fused, candidates))
            prob = rerank.softmax(scores)
            order = np.argsort(-scores, kind="stable")
            ranked = [int(candidates[i]) for i in order]
            conf = [float(prob[i]) for i in order]
            margin = conf[0] - conf[1] if len(conf) > 1 else conf[0]
        else:
            ranked = [int(i) for i in np.argsort(-fused, kind="stable")[:3]]
            conf = [self.confidence(info, i) for i in ranked]
            margin = float(fused[ranked[0]] - fused[ranked[1]]) if len(ranked) > 1 else float(fused[ranked[0]])
        strength = float(info["fused"][ranked[0]])
        return Decision(ranked=ranked, conf=conf, margin=margin, on_topic=self.on_topic(info, strength),
                        strength=strength, topic=self.topic.level(info["words"]))

    def ask(self, question: str, k: int = 3) -> Result:
        decided = self.decide(question)
        if decided is None:
            return Result(matches=[], confident=False, handoff=True)
        matches = [Match(id=self.entries[i].id, question=self.entries[i].question,
                         answer=self.entries[i].answer, score=round(decided.conf[j], 4))
                   for j, i in enumerate(decided.ranked[:k])]
        t = self.thresholds
        # In the knowledge base's words only (no domain term), at most "您是不是想问": never stated as fact.
        confident = (decided.on_topic and decided.topic == ON and decided.conf[0] >= t.min_score
                     and decided.margin >= t.min_margin)
        suggest = decided.on_topic and not confident and decided.strength >= t.suggest_score
        return Result(matches=matches, confident=confident, handoff=not (confident or suggest))
