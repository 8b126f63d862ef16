"""The knowledge base's entries as the matcher sees them, read from the shipped JSONL files.

Similar questions (相似问法, ``data/similar.jsonl``, several per entry) are alternates like the
editors' own: colloquial, short and misspelt ways of asking each entry, written from the entry's
own question and answer.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from api.faq.text import DATA


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    question: str
    answer: str
    alternates: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    service_code: str | None = None


class Similar(msgspec.Struct, frozen=True):
    id: str
    similar: tuple[str, ...]


def load_similar(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """The shipped similar questions per entry id (``data/similar.jsonl``)."""
    path = path or DATA / "similar.jsonl"
    decoder = msgspec.json.Decoder(Similar)
    return {s.id: s.similar for s in (decoder.decode(line) for line in path.read_bytes().splitlines() if line.strip())}


def snake_case_keys(line: bytes) -> bytes:
    """A JSONL line of the shipped files (``serviceCode``) with the Struct's field names."""
    return line.replace(b'"serviceCode"', b'"service_code"')


def load_entries(path: Path, similar: dict[str, tuple[str, ...]] | None = None) -> list[Entry]:
    """Entries of a JSONL file; the shipped knowledge base also takes its similar questions."""
    decoder = msgspec.json.Decoder(Entry)
    raw = path.read_bytes().splitlines()
    entries = [decoder.decode(snake_case_keys(line)) for line in raw if line.strip()]
    if similar is None and path == DATA / "faq.jsonl":
        similar = load_similar()
    if similar:
        entries = [msgspec.structs.replace(e, alternates=tuple(dict.fromkeys((*e.alternates, *similar.get(e.id, ())))))
                   for e in entries]
    return entries
