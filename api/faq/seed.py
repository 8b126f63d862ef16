"""The demo knowledge base shipped in ``api/faq/data/faq.jsonl``."""

from __future__ import annotations

from typing import Any

from api.faq import service
from api.faq.entries import load_entries, load_similar
from api.faq.text import DATA


async def seed_faq(conn: Any, settings: Any) -> None:
    """Idempotent: shipped entries are added once and never overwrite an editor's change."""
    similar = load_similar()
    await service.seed_entries(conn, load_entries(DATA / "faq.jsonl", similar), similar)
