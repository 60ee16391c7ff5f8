"""Text normalisation and Chinese tokenisation shared by the index, the classifier and the CLI.

A document is turned into three kinds of index tokens, kept apart by a prefix so that each
kind can carry its own query weight:

* words — jieba segmentation (``HMM=False``, deterministic, so a query and a document cut the
  same way) with a per-index domain dictionary built from the registry's keywords;
* ``~xy`` — character bigrams over every run of Chinese characters, so unseen or differently
  segmented words still match (``储氢`` finds ``固态储氢``);
* ``^x`` — single Chinese characters, for titles only, so one-character queries (``钢``) work.

Latin letters and digits are kept as words (``lyapunov``, ``5g``); everything else —
punctuation, emoji, symbols — is dropped.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from typing import Any

MAX_QUERY_CHARS = 200
"""Queries are cut to this many characters (after normalisation) before tokenising."""

MAX_QUERY_TOKENS = 96
"""At most this many distinct query tokens are scored (the first ones win)."""

BIGRAM = "~"
UNIGRAM = "^"

# Chinese characters as jieba sees them plus the CJK extension A block.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_RUN_RE = re.compile(f"[{_CJK}]+|[a-z0-9]+(?:[.+#-][a-z0-9]+)*")
_CJK_RUN_RE = re.compile(f"[{_CJK}]+")
_CJK_CHAR_RE = re.compile(f"[{_CJK}]")
_WORD_OK_RE = re.compile(f"^(?:[{_CJK}]+|[a-z0-9]+(?:[.+#-][a-z0-9]+)*)$")
_DICT_WORD_RE = re.compile(f"^[{_CJK}a-z0-9+#&._%-]{{2,24}}$")

# Function words that carry no topic; single characters are dropped from words anyway.
STOPWORDS: frozenset[str] = frozenset(
    """的 了 和 与 及 或 在 是 对 为 以 于 中 等 其 并 由 从 而 被 把 将 这 那 之 也 就 都 又 有
    本文 我们 一种 一个 进行 通过 研究 分析 基于 采用 利用 提出 结果 表明 方法 问题 以及 对于 关于
    可以 能够 其中 具有 同时 不同 主要 相关 方面 情况 过程 作用 影响 因素 发展 应用""".split()
)
# Stopwords of one character are not indexed as title unigrams either.
_UNIGRAM_STOP: frozenset[str] = frozenset(w for w in STOPWORDS if len(w) == 1)

_base_lock = threading.Lock()
_base_freq: tuple[dict[str, int], int] | None = None


def normalize(text: str) -> str:
    """NFKC (full-width → half-width, compatibility forms) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Normalised text plus, for each of its characters, the index in ``text`` it came from."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        norm = unicodedata.normalize("NFKC", ch).lower() if ord(ch) > 0x7F else ch.lower()
        out.append(norm)
        origin.extend([i] * len(norm))
    return "".join(out), origin


def has_cjk(text: str) -> bool:
    return _CJK_CHAR_RE.search(text) is not None


def segments(text: str) -> list[str]:
    """Runs of Chinese characters and Latin/digit words of already normalised text."""
    return _RUN_RE.findall(text)


def bigrams(text: str) -> list[str]:
    """Character bigram tokens of every Chinese run in normalised ``text``."""
    out: list[str] = []
    for run in _CJK_RUN_RE.findall(text):
        out.extend(BIGRAM + run[i : i + 2] for i in range(len(run) - 1))
    return out


def unigrams(text: str) -> list[str]:
    return [UNIGRAM + ch for ch in _CJK_CHAR_RE.findall(text) if ch not in _UNIGRAM_STOP]


def _base_dictionary() -> tuple[dict[str, int], int]:
    """jieba's default dictionary, loaded once per process (about 0.8 s) and then shared."""
    global _base_freq
    with _base_lock:
        if _base_freq is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            base = jieba.Tokenizer()
            base.initialize()
            _base_freq = (base.FREQ, base.total)
        return _base_freq


class Segmenter:
    """A jieba.Tokenizer of its own (never the global one) plus the domain dictionary.

    Creating one is cheap after the first: the default dictionary is copied, not reloaded.
    """

    def __init__(self, domain_words: Iterable[str] = ()) -> None:
        self._tokenizer: Any = None
        self._domain: dict[str, int] = {}
        self._pending: list[str] = list(domain_words)

    @property
    def tokenizer(self) -> Any:
        if self._tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            freq, total = _base_dictionary()
            tok = jieba.Tokenizer()
            tok.FREQ = dict(freq)
            tok.total = total
            tok.initialized = True
            self._tokenizer = tok
            for word, f in self._domain.items():
                self._add(word, f)
        if self._pending:
            pending, self._pending = self._pending, []
            self.add_words(pending)
        return self._tokenizer

    @property
    def domain_words(self) -> dict[str, int]:
        """Domain words with the frequency given to jieba (persisted with the index)."""
        if self._pending:
            _ = self.tokenizer
        return dict(self._domain)

    def _add(self, word: str, freq: int) -> None:
        self._tokenizer.add_word(word, freq)

    def add_words(self, words: Iterable[str], freqs: dict[str, int] | None = None) -> int:
        """Add keywords to the dictionary so they stay one token; returns how many were new."""
        if self._tokenizer is None:
            if freqs:
                self._domain.update(freqs)
            self._pending.extend(words)
            return 0
        tok = self._tokenizer
        added = 0
        for raw in words:
            word = normalize(raw).strip()
            if word in self._domain or not _DICT_WORD_RE.match(word) or not has_cjk(word):
                continue
            freq = freqs.get(word) if freqs else None
            if freq is None:
                # Just enough for jieba's route to keep the keyword whole (suggest_freq logic,
                # without its extra cut of the word).
                freq = max(tok.suggest_freq(word, False), 3)
            tok.add_word(word, freq)
            self._domain[word] = freq
            added += 1
        return added

    def words(self, text: str) -> list[str]:
        """jieba words of normalised ``text``: stopwords, single characters and symbols dropped."""
        out: list[str] = []
        cut = self.tokenizer.lcut
        for seg in segments(text):
            if not has_cjk(seg):
                out.append(seg)
                continue
            for w in cut(seg, HMM=False):
                if len(w) > 1 and w not in STOPWORDS and _WORD_OK_RE.match(w):
                    out.append(w)
        return out


def truncate_query(query: str) -> str:
    """Normalise a query and cut it to :data:`MAX_QUERY_CHARS` without splitting a word."""
    text = normalize(query or "")
    if len(text) <= MAX_QUERY_CHARS:
        return text
    cut = text[:MAX_QUERY_CHARS]
    # Prefer to stop at the last separator inside the limit.
    for i in range(len(cut) - 1, MAX_QUERY_CHARS // 2, -1):
        if not cut[i].isalnum():
            return cut[:i]
    return cut
