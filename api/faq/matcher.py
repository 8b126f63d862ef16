"""The Chinese question matcher: an in-memory index over the FAQ, no database access.

Words: jieba (its own Tokenizer instance, so the domain dictionary does not leak into other
users of jieba) with every synonym (``synonyms.txt`` as shipped, extended by ``domain.txt``) and
tag added as a word, then each word mapped to the first
word of its synonym group. Character bigrams are a second, lower-weight field so that typos and
odd segmentations still share something with the right entry.

Scores: BM25 over questions and alternates (each one a document; an entry scores its best one)
plus the answer at a lower weight. BM25 is written here rather than taken from rank_bm25
because that library scores every document for every term in Python; postings as numpy arrays
keep a question under a millisecond at 1,000 entries. An intent field (fee, time limit,
materials ... from ``data/intents.txt``) tells apart the entries of one service. Optionally a
semantic score (the multilingual Universal Sentence Encoder, offline on numpy) is added on the
normalised lexical scale; on the dev set this linear fusion beat reciprocal-rank fusion.

Similar questions (相似问法, ``data/similar.jsonl``, several per entry) are alternates like the
editors' own. With the encoder on, the fused ranking's top candidates are re-scored by the
re-ranker (``rerank.py``, learned from the similar questions), whose probability and lead over the
runner-up decide ``confident``; the lexical-only fallback keeps the confidence below.

Confidence: a question without a single domain term (synonym-group word or entry tag), or naming
another department's matter without one of our licences (``data/elsewhere.txt``), is off-topic
and handed off; otherwise the mean of the share of the question's IDF mass that the
top entry covers, its cosine similarity and its fused score (when the encoder is on), and the
fused-score margin over the runner-up; thresholds
come from the dev set (``zsb faq-eval --calibrate``) and live in ``Thresholds``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import msgspec
import numpy as np

from api.faq import rerank

DATA = Path(__file__).with_name("data")

# Function words and question frames that say nothing about what is asked.
STOPWORDS = frozenset("""
的 了 吗 呢 吧 啊 呀 哦 嘛 么 是 在 有 我 你 他 她 它 我们 你们 要 想 能 会 可以 可 怎么 怎样 怎么办 如何 什么 哪 哪里 哪儿
哪些 哪个 多少 几 为什么 为啥 啥 请问 一下 一个 这个 那个 这 那 和 与 及 或 还是 就 都 也 还 又 吗 么 不 没 没有 被 把 给
对 从 到 让 用 去 来 上 下 里 中 个 该 需要 需不需要 要不要 能不能 可不可以 是不是 有没有 时候 现在 已经 自己 一 得 地 着 过
请 谢谢 您 好 说 问 知道 办 办理 处理 弄 搞 做 应该 咋 咋办 咋整 咋弄 咋样 啥子 俺 咱 咱们 呗 嘞 哈 那个 就是 到底 一共 ? ？ ， , 。 . ! ！ 、 ： : ； ; “ ” " ' ( ) （ ） 《 》 - — ~ … 
""".split())

_SPACE = re.compile(r"\s+")
_HAN_OR_WORD = re.compile(r"[\u4e00-\u9fff]|[a-z0-9]+")


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    question: str
    answer: str
    alternates: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    service_code: str | None = None


class Match(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    question: str
    answer: str
    score: float


class Result(msgspec.Struct, frozen=True, kw_only=True):
    matches: list[Match]
    confident: bool
    handoff: bool


class Thresholds(msgspec.Struct, frozen=True, kw_only=True):
    """Calibrated on the dev set; ``confident`` needs all of them."""

    min_score: float = 0.5  # confidence of the top entry
    min_margin: float = 0.0  # fused-score lead of the top entry over the runner-up


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, one space between words."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def load_synonyms(path: Path | None = None) -> list[list[str]]:
    path = path or DATA / "synonyms.txt"
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        words = [normalise(w) for w in line.split() if w.strip()]
        if len(words) > 1 and not line.startswith("#"):
            groups.append(words)
    return groups


class Similar(msgspec.Struct, frozen=True):
    id: str
    similar: tuple[str, ...]


def load_similar(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """The shipped similar questions (相似问法) per entry id: colloquial, short and misspelt ways of
    asking each entry, written from the entry's own question and answer (``data/similar.jsonl``)."""
    path = path or DATA / "similar.jsonl"
    decoder = msgspec.json.Decoder(Similar)
    return {s.id: s.similar for s in (decoder.decode(line) for line in path.read_bytes().splitlines() if line.strip())}


def load_entries(path: Path, similar: dict[str, tuple[str, ...]] | None = None) -> list[Entry]:
    """Entries of a JSONL file; the shipped knowledge base also takes its similar questions."""
    decoder = msgspec.json.Decoder(Entry)
    raw = path.read_bytes().splitlines()
    entries = [decoder.decode(_camel_to_snake(line)) for line in raw if line.strip()]
    if similar is None and path == DATA / "faq.jsonl":
        similar = load_similar()
    if similar:
        entries = [msgspec.structs.replace(e, alternates=tuple(dict.fromkeys((*e.alternates, *similar.get(e.id, ())))))
                   for e in entries]
    return entries


def _camel_to_snake(line: bytes) -> bytes:
    return line.replace(b'"serviceCode"', b'"service_code"')


class Analyzer:
    """Text -> canonical terms (jieba words with synonyms folded) and character bigrams."""

    def __init__(self, synonym_groups: Sequence[Sequence[str]], extra_words: Iterable[str] = ()) -> None:
        import jieba

        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()  # load the main dictionary now, not on the first question
        self.canonical: dict[str, str] = {}
        for group in synonym_groups:
            # A group sharing a word with an earlier one joins it: the domain dictionary extends
            # the shipped groups (注消 folds to 注销's head) without editing the shipped file.
            head = next((self.canonical[w] for w in group if w in self.canonical), group[0])
            for word in group:
                self.canonical.setdefault(word, head)
        self.known: set[str] = set()
        self.add_words([*self.canonical, *extra_words])

    def add_words(self, words: Iterable[str]) -> None:
        """Make domain phrases jieba words. Entry tags come in at every index build; jieba only
        looks words up while cutting, so adding one while another thread cuts is safe."""
        for word in words:
            word = normalise(word)
            if len(word) > 1 and word not in self.known:
                # A high frequency makes jieba keep the domain phrase whole ("网约车驾驶员证").
                self.tokenizer.add_word(word, freq=2000)
                self.known.add(word)

    def words(self, text: str) -> list[str]:
        out = []
        for word in self.tokenizer.lcut(normalise(text)):
            word = word.strip()
            if not word or word in STOPWORDS:
                continue
            out.append(self.canonical.get(word, word))
        return out

    @staticmethod
    def bigrams(text: str) -> list[str]:
        chars = [c for c in _HAN_OR_WORD.findall(normalise(text)) if c not in STOPWORDS]
        return [a + b for a, b in zip(chars, chars[1:])]


class _Field:
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


def _word_lines(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """``name word word ...`` lines (``#`` comments), words normalised."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) > 1 and not line.startswith("#"):
            out.append((parts[0], tuple(normalise(w) for w in parts[1:])))
    return out


class Intents:
    """What a question asks about (fee, time limit, materials ...), whatever the matter."""

    def __init__(self, path: Path | None = None) -> None:
        self.groups: list[tuple[str, tuple[str, ...]]] = []
        for line in (path or DATA / "intents.txt").read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) > 1 and not line.startswith("#"):
                self.groups.append((parts[0], tuple(normalise(w) for w in parts[1:])))

    def of(self, text: str) -> frozenset[str]:
        # Substrings, not jieba words: "几天能好" and "几天" must both find the time-limit intent.
        text = normalise(text)
        return frozenset(name for name, words in self.groups if any(w in text for w in words))


class Matcher:
    """Built once per knowledge-base version; ``ask`` is read-only and thread-safe."""

    def __init__(self, entries: Sequence[Entry], analyzer: Analyzer, *, intents: Intents | None = None,
                 encoder: Any = None, thresholds: Thresholds | None = None,
                 weights: Weights | None = None, shortlist: int = 64,
                 reranker: rerank.Reranker | None = None) -> None:
        self.entries = list(entries)
        self.positions = {e.id: i for i, e in enumerate(self.entries)}
        self.shortlist = shortlist
        # Tags are the editors' names for what an entry is about: whole words, not bigram soup.
        analyzer.add_words(tag for e in self.entries for tag in e.tags)
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
        self.q_words = _Field([analyzer.words(t) for t in texts])
        self.q_grams = _Field([analyzer.bigrams(t) for t in texts])
        self.e_words = _Field([analyzer.words(t) for t in whole])
        self.e_grams = _Field([analyzer.bigrams(t) for t in whole])
        self.a_words = _Field([analyzer.words(e.answer) for e in self.entries])
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
        # The off-topic detector: a question without one term of the domain (a synonym group's word
        # or an entry's tag) is not about this bureau's services, however well it happens to score.
        self.domain_terms = frozenset(analyzer.canonical.values()) | frozenset(
            t for e in self.entries for tag in e.tags for t in analyzer.words(tag))
        groups = dict(_word_lines(DATA / "elsewhere.txt"))
        analyzer.add_words(w for ws in groups.values() for w in ws)
        self.elsewhere = frozenset(t for w in groups.get("elsewhere", ()) for t in analyzer.words(w))
        self.ours = frozenset(t for w in groups.get("ours", ()) for t in analyzer.words(w))
        self.has_intent = np.array([bool(e) for e in self.entry_intents], dtype=np.float32)
        # entries x intents, so the shared intents of every entry are one matrix-vector product.
        self.intent_names = [name for name, _ in self.intents.groups]
        self.intent_matrix = np.array([[n in e for n in self.intent_names] for e in self.entry_intents],
                                      dtype=np.float32).reshape(len(self.entries), len(self.intent_names))
        self.vectors = self.answer_vectors = None
        if encoder is not None and texts:
            self.vectors = np.asarray(encoder.encode(texts), dtype=np.float32)
            self.answer_vectors = np.asarray(encoder.encode([e.answer for e in self.entries]), dtype=np.float32)

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
            "intent": self.intent_matrix @ np.array([n in asked for n in self.intent_names], dtype=np.float32),
            "coverage": self._coverages(words),
        }
        # An entry about another intent of the same matter (its fee when the time limit is asked).
        f["intent_miss"] = self.has_intent * (f["intent"] == 0) if asked else np.zeros(len(self.entries), np.float32)
        if self.vectors is not None:
            vector = np.asarray(self.encoder.encode([question]), dtype=np.float32)[0]
            f["semantic"], f["semantic_answer"] = self._semantic(vector, self._shortlist(f))
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

    def on_topic(self, info: dict[str, Any]) -> bool:
        words = info["words"]
        if self.domain_terms.isdisjoint(words):
            return False
        # Another department's matter (a violation, the 车管所) is not ours unless it names ours too.
        return self.elsewhere.isdisjoint(words) or not self.ours.isdisjoint(words)

    def decide(self, question: str) -> tuple[list[int], list[float], float, bool] | None:
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
        return ranked, conf, margin, self.on_topic(info)

    def ask(self, question: str, k: int = 3) -> Result:
        decided = self.decide(question)
        if decided is None:
            return Result(matches=[], confident=False, handoff=True)
        ranked, conf, margin, on_topic = decided
        matches = [Match(id=self.entries[i].id, question=self.entries[i].question,
                         answer=self.entries[i].answer, score=round(conf[j], 4))
                   for j, i in enumerate(ranked[:k])]
        confident = on_topic and conf[0] >= self.thresholds.min_score and margin >= self.thresholds.min_margin
        return Result(matches=matches, confident=confident, handoff=not confident)
