"""Text to terms: normalisation, the jieba analyser with the domain's synonyms, and intents.

Words: jieba (its own Tokenizer instance, so the domain dictionary does not leak into other
users of jieba) with every synonym (``synonyms.txt`` as shipped, extended by ``domain.txt``) and
tag added as a word, then each word mapped to the first word of its synonym group. Character
bigrams are a second, lower-weight field so that typos and odd segmentations still share something
with the right entry. Intents (fee, time limit, materials ... from ``data/intents.txt``) say what a
question asks about, whatever the matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import jieba

DATA = Path(__file__).with_name("data")

# Function words and question frames that say nothing about what is asked.
STOPWORDS = frozenset("""
的 了 吗 呢 吧 啊 呀 哦 嘛 么 是 在 有 我 你 他 她 它 我们 你们 要 想 能 会 可以 可 怎么 怎样 怎么办 如何 什么 哪 哪里 哪儿
哪些 哪个 多少 几 为什么 为啥 啥 请问 一下 一个 这个 那个 这 那 和 与 及 或 还是 就 都 也 还 又 吗 么 不 没 没有 被 把 给
对 从 到 让 用 去 来 上 下 里 中 个 该 需要 需不需要 要不要 能不能 可不可以 是不是 有没有 时候 现在 已经 自己 一 得 地 着 过
请 谢谢 您 好 说 问 知道 办 办理 处理 弄 搞 做 应该 咋 咋办 咋整 咋弄 咋样 啥子 俺 咱 咱们 呗 嘞 哈 那个 就是 到底 一共 ? ？ ， , 。 . ! ！ 、 ： : ； ; “ ” " ' ( ) （ ） 《 》 - — ~ … 
""".split())

# Words that negate the next one, and the mark of a negated term (``Analyzer.words``).
NEGATIONS = frozenset("没 没有 不用 无 未".split())
NEGATED = "非"

_SPACE = re.compile(r"\s+")
_HAN_OR_WORD = re.compile(r"[\u4e00-\u9fff]|[a-z0-9]+")


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


def word_lines(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """``name word word ...`` lines (``#`` comments), words normalised."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) > 1 and not line.startswith("#"):
            out.append((parts[0], tuple(normalise(w) for w in parts[1:])))
    return out


class Analyzer:
    """Text -> canonical terms (jieba words with synonyms folded) and character bigrams."""

    def __init__(self, synonym_groups: Sequence[Sequence[str]], extra_words: Iterable[str] = ()) -> None:
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
        """Canonical terms; a word right after a negation (没有微信, 不用微信) also gives a negated
        term (非微信), so "without WeChat" finds the entry about doing without it rather than the
        one about using it: the negation words are stopwords and would otherwise vanish."""
        out = []
        negated = False
        for word in self.tokenizer.lcut(normalise(text)):
            word = word.strip()
            if not word:
                continue
            after_negation, negated = negated, word in NEGATIONS
            if word in STOPWORDS:
                continue
            term = self.canonical.get(word, word)
            out.append(term)
            if after_negation:
                out.append(NEGATED + term)
        return out

    @staticmethod
    def bigrams(text: str) -> list[str]:
        chars = [c for c in _HAN_OR_WORD.findall(normalise(text)) if c not in STOPWORDS]
        return [a + b for a, b in zip(chars, chars[1:])]


class Intents:
    """What a question asks about (fee, time limit, materials ...), whatever the matter.

    A word written ``-手续`` in ``intents.txt`` is a mask: a phrase that holds one of the intent's
    words in another sense (续 in 手续, 要交 in 要交钱, 准备 in 我准备买), taken out of the text
    before that intent's words are looked for."""

    def __init__(self, path: Path | None = None) -> None:
        lines = word_lines(path or DATA / "intents.txt")
        self.groups = [(name, tuple(w for w in words if not w.startswith("-"))) for name, words in lines]
        self.masks = {name: tuple(w[1:] for w in words if w.startswith("-") and len(w) > 1) for name, words in lines}

    def of(self, text: str) -> frozenset[str]:
        # Substrings, not jieba words: "几天能好" and "几天" must both find the time-limit intent.
        text = normalise(text)
        found = []
        for name, words in self.groups:
            seen = text
            for mask in self.masks[name]:
                seen = seen.replace(mask, " ")
            if any(w in seen for w in words):
                found.append(name)
        return frozenset(found)
