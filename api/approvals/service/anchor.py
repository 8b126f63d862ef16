"""Audit anchoring: the audit chains' heads signed once a day (the chain alone can be recomputed by
anyone with write access to the database; a signature needs the bureau's document key).

A checkpoint records the head (seq, hash) of every application chain that moved since the last
one, and signs ``digest = sha256(previous checkpoint's digest + the heads)`` with the key of
``api.documents.keys`` (the one that signs licences). ``verify_checkpoints`` (``zsb verify-audit``)
checks that each checkpoint follows the previous one, that its heads give its digest, that the
configured certificate's key signed it, and that every recorded head is still in the chain as it was:
an event edited before a checkpoint, even with the chain recomputed after it, no longer matches.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import msgspec

from api.db import load_queries, rows
from api.documents.keys import document_key, verify_digest
from api.settings import Settings

q = load_queries(Path(__file__).parents[1], "anchor.sql")
GENESIS = "0" * 64
LABEL = b"zsb/audit-checkpoint/v1:"


class CheckpointProblem(msgspec.Struct, frozen=True):
    checkpoint_id: int
    problem: str  # signature_invalid, digest_mismatch, checkpoint_unlinked, anchored_link_changed/missing
    application_id: int | None = None
    seq: int | None = None


def digest_of(prev_digest: str, heads: list[Any]) -> str:
    body = "\n".join(f"{h['application_id']}:{h['seq']}:{h['hash']}" for h in heads)
    return hashlib.sha256(f"{prev_digest}\n{body}".encode()).hexdigest()


async def make_checkpoint(conn: Any, settings: Settings) -> int:
    """Sign the heads that moved since the last checkpoint (none moved: nothing is written).
    Returns how many heads the new checkpoint records."""
    await q.lock_checkpoints(conn)
    last = await q.last_checkpoint(conn)
    prev = last["digest"] if last else GENESIS
    heads = await rows(q.moved_heads(conn))
    if not heads:
        return 0
    digest = digest_of(prev, heads)
    key = document_key(settings)
    checkpoint_id = await q.insert_checkpoint(conn, prev_digest=prev, digest=digest, heads=len(heads),
                                              signature=key.sign_digest(LABEL + digest.encode()),
                                              certificate=key.cert_der)
    await q.insert_checkpoint_heads(conn, checkpoint_id=checkpoint_id,
                                    application_ids=[h["application_id"] for h in heads],
                                    seqs=[h["seq"] for h in heads], hashes=[h["hash"] for h in heads])
    return len(heads)


async def verify_checkpoints(conn: Any, settings: Settings) -> tuple[int, list[CheckpointProblem]]:
    """(checkpoints checked, problems found) against the configured certificate."""
    problems: list[CheckpointProblem] = []
    prev = GENESIS
    checked = 0
    made = await rows(q.checkpoints(conn))
    cert_der = document_key(settings).cert_der if made else b""  # no checkpoint yet: no key needed
    for cp in made:
        checked += 1
        if cp["prev_digest"] != prev:
            problems.append(CheckpointProblem(cp["id"], "checkpoint_unlinked"))
        heads = await rows(q.checkpoint_heads(conn, checkpoint_id=cp["id"]))
        if digest_of(cp["prev_digest"], heads) != cp["digest"]:
            problems.append(CheckpointProblem(cp["id"], "digest_mismatch"))
        if not verify_digest(cert_der, LABEL + cp["digest"].encode(), bytes(cp["signature"])):
            problems.append(CheckpointProblem(cp["id"], "signature_invalid"))
        prev = cp["digest"]
    for r in await rows(q.anchored_links_changed(conn)):
        problems.append(CheckpointProblem(r["checkpoint_id"], r["problem"], r["application_id"], r["seq"]))
    return checked, problems
