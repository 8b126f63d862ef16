"""``zsb import-faq FILE`` and ``zsb faq-eval FILE``."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import msgspec


def register(sub: Any) -> None:
    p = sub.add_parser("import-faq", help="load FAQ entries from a JSONL file (upsert by id)")
    p.add_argument("file", type=Path)
    p.set_defaults(fn=cmd_import_faq)
    p = sub.add_parser("faq-eval", help="top-1, hand-off rates and latency of the FAQ matcher on a labelled file")
    p.add_argument("file", type=Path, help='JSONL: {"q": "...", "expect": "F012" or null}')
    p.add_argument("--kb", type=Path, help="knowledge base JSONL (default: the shipped one)")
    p.add_argument("--entries", type=int, default=1000, help="knowledge-base size for the latency figures")
    p.add_argument("--no-semantic", action="store_true", help="lexical matching only")
    p.add_argument("--calibrate", action="store_true", help="also print thresholds calibrated on the file's tuning half (lines 1, 3, 5, …)")
    p.add_argument("--train-reranker", action="store_true",
                   help="learn the re-ranker's weights from the knowledge base's similar questions and use them")
    p.set_defaults(fn=cmd_faq_eval)


def _read_entries(path: Path) -> list[Any]:
    from api.faq.entries import Entry, snake_case_keys

    decoder = msgspec.json.Decoder(Entry)
    entries, errors = [], []
    for n, line in enumerate(path.read_bytes().splitlines(), 1):
        if not line.strip():
            continue
        try:
            entries.append(decoder.decode(snake_case_keys(line)))
        except msgspec.DecodeError as exc:
            errors.append(f"{path}:{n}: {exc}")
    if errors:
        sys.exit("zsb import-faq: " + "\n".join(errors[:20]))
    return entries


def cmd_import_faq(args: argparse.Namespace) -> None:
    from tqdm import tqdm

    from api.cli_support import load_settings, require_urls, with_conn
    from api.faq import service

    if not args.file.exists():
        sys.exit(f"zsb import-faq: {args.file}: no such file")
    entries = _read_entries(args.file)
    settings = load_settings()
    require_urls(settings)

    async def run(conn: Any) -> tuple[int, int]:
        inserted = updated = 0
        with tqdm(total=len(entries), unit="条", desc="import-faq") as bar:
            for start in range(0, len(entries), 50):
                batch = entries[start:start + 50]
                i, u = await service.upsert_entries(conn, batch)
                inserted, updated = inserted + i, updated + u
                bar.update(len(batch))
        return inserted, updated

    inserted, updated = asyncio.run(with_conn(settings, run))
    print(f"import-faq: {len(entries)} entries read, {inserted} added, {updated} updated, "
          f"{len(entries) - inserted - updated} unchanged")


def cmd_faq_eval(args: argparse.Namespace) -> None:
    from api.faq import rerank
    from api.faq.entries import load_entries
    from api.faq.evaluate import calibrate, evaluate, grow, halves, load_dev
    from api.faq.index import build_matcher
    from api.faq.text import DATA

    if not args.file.exists():
        sys.exit(f"zsb faq-eval: {args.file}: no such file")
    entries = load_entries(args.kb or DATA / "faq.jsonl")
    dev = load_dev(args.file)
    semantic = not args.no_semantic
    reranker = rerank.WEIGHTS
    if args.train_reranker:
        # Learned from the knowledge base's own similar questions, never from FILE.
        reranker = rerank.train(entries, lambda kept: build_matcher(kept, semantic=semantic, reranker=None))
        print(f"re-ranker learned from the knowledge base: {reranker}")
    started = time.perf_counter()
    matcher = build_matcher(entries, semantic=semantic, reranker=reranker)
    print(f"index: {len(entries)} entries, semantic={'on' if matcher.encoder is not None else 'off'}, "
          f"built in {time.perf_counter() - started:.1f} s")
    if args.calibrate:
        thresholds = calibrate(matcher, halves(dev)[0])
        print(f"calibrated on the tuning half: {thresholds} (in use: {matcher.thresholds})")
    big = build_matcher(grow(entries, args.entries), semantic=semantic, reranker=reranker) if args.entries > len(entries) else matcher
    report = evaluate(matcher, dev, timing=big)
    print(f"queries: {report.in_domain} in-domain, {report.off_topic} off-topic")
    print(f"latency at {report.entries} entries:  p50 {report.p50_ms:.2f} ms, p99 {report.p99_ms:.2f} ms")
    # "offered top 3": neither confident nor handed off, the matches shown as "您是不是想问".
    print(f"{'set':<26} {'top-1':>6} {'top-3':>6} {'confident wrong':>16} {'in-domain handed off':>21} "
          f"{'offered top 3 (right)':>22} {'off-topic handed off':>21}")
    # Thresholds are calibrated on lines 1, 3, 5, …: lines 2, 4, 6, … are the honest figure.
    for name, part in (("whole set", dev), ("tuning half (lines 1, 3, 5, …)", halves(dev)[0]),
                       ("held-out half (lines 2, 4, 6, …)", halves(dev)[1])):
        r = report if part is dev else evaluate(matcher, part, rounds=0)
        offered = f"{r.suggested:.1%} ({r.suggested_right:.1%})"
        print(f"{name:<26} {r.top1:>6.1%} {r.top3:>6.1%} {r.confident_wrong:>16.1%} {r.in_domain_handed_off:>21.1%} "
              f"{offered:>22} {r.off_topic_handed_off:>21.1%}")
