"""The dev set is a measuring stick only: nothing shipped in api/faq/data is a dev question or a
close edit of one (issue 24). A failure names the shipped item (file and place), never the dev
question it resembles, so the held-out half is not read off a test log."""

from __future__ import annotations

import difflib
import json
import re

from api.faq.text import DATA

# Close: character-bigram Jaccard >= 0.6 or difflib ratio >= 0.8 after punctuation and spaces are
# dropped. Stricter than a copy needs (one changed character of a ten-character question still
# scores 0.64 / 0.9); natural short questions of the same entry rarely reach it by chance.
JACCARD = 0.6
RATIO = 0.8
PUNCTUATION = re.compile(r"[\s，。？！、,.?!：:；;“”\"'（）()~～…]")


def flat(text: str) -> str:
    return PUNCTUATION.sub("", text)


def bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1)) or frozenset({text})


class DevSet:
    def __init__(self) -> None:
        lines = (DATA / "faq-dev.jsonl").read_text(encoding="utf-8").splitlines()
        self.questions = [flat(json.loads(line)["q"]) for line in lines if line.strip()]
        self.grams = [bigrams(q) for q in self.questions]

    def close(self, text: str) -> bool:
        text = flat(text)
        grams = bigrams(text)
        for q, g in zip(self.questions, self.grams):
            if len(grams & g) / len(grams | g) >= JACCARD:
                return True
            matcher = difflib.SequenceMatcher(None, text, q, autojunk=False)
            if matcher.real_quick_ratio() >= RATIO and matcher.quick_ratio() >= RATIO and matcher.ratio() >= RATIO:
                return True
        return False


def shipped_texts() -> list[tuple[str, str]]:
    """(where, text) of every question-like text the matcher learns from."""
    out: list[tuple[str, str]] = []
    for line in (DATA / "faq.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            out.append((f"faq.jsonl {entry['id']} question", entry["question"]))
            out += [(f"faq.jsonl {entry['id']} alternate {n}", a) for n, a in enumerate(entry.get("alternates", []))]
    for line in (DATA / "similar.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            out += [(f"similar.jsonl {entry['id']} #{n}", s) for n, s in enumerate(entry["similar"])]
    for name in ("synonyms.txt", "domain.txt", "intents.txt", "elsewhere.txt"):
        for n, line in enumerate((DATA / name).read_text(encoding="utf-8").splitlines(), 1):
            if line.strip() and not line.startswith("#"):
                out.append((f"{name} line {n}", line))
    return out


def light_edits(q: str) -> list[str]:
    """What a copy lightly disguised looks like: a character changed, one dropped, a particle
    added, the punctuation changed."""
    middle = len(q) // 2
    return [q[:middle] + "啥" + q[middle + 1:], q[:middle] + q[middle + 1:], q + "呢", q + "？？"]


def test_the_guard_catches_a_dev_question_copied_with_a_light_edit():
    dev = DevSet()
    # A question of a few characters with one of them changed is another question, not a copy.
    edits = [edit for q in dev.questions if len(q) >= 5 for edit in light_edits(q)]
    caught, total = sum(dev.close(edit) for edit in edits), len(edits)
    del edits  # a failure shows counts only: the questions themselves stay out of the log
    assert caught == total
    assert not dev.close("周末带孩子去哪个公园玩比较好")


def test_nothing_shipped_in_the_knowledge_base_is_a_close_edit_of_a_dev_question():
    dev = DevSet()
    offending = [where for where, text in shipped_texts() if dev.close(text)]
    assert offending == []
