"""Chinese tokens for the database keyword search (jieba words + CJK character n-grams).

jieba segments the same word differently in different contexts, and splits words it does not
know, so matching query words against document words alone misses records (about 9% of the
demo's own keywords did). Documents are therefore indexed with jieba's words (for Latin letters
and digits) plus every CJK character and character bigram; a query is cut into words by jieba
and each word must match all of its bigrams (a one-character word: the character). That is
"every query word occurs in the text", independent of how jieba cut either side.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[a-z0-9]+", re.IGNORECASE)
MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 40


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _cjk_grams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_tokens(texts: Iterable[str], keywords: Iterable[str] = ()) -> str:
    """Space-padded distinct tokens of the texts and keywords, for `search_text`."""
    tokens: dict[str, None] = {}
    for text in [*texts, *keywords]:
        text = (text or "").lower()
        for run in _CJK_RUN.findall(text):
            for ch in run:
                tokens[ch] = None
            for gram in _cjk_grams(run):
                tokens[gram] = None
        for word in _LATIN.findall(text):
            tokens[word] = None
    return " " + " ".join(tokens) + " "


def query_words(query: str) -> list[str]:
    """The words of a user query; punctuation, emoji and spaces dropped.

    Chinese runs are cut by jieba; consecutive one-character pieces (jieba's way of giving up
    on an unknown word such as 脱氟) are joined back into one word.
    """
    query = (query or "")[:MAX_QUERY_CHARS].lower()
    words: dict[str, None] = {}
    for run in _CJK_RUN.findall(query):
        pending = ""
        for piece in _tokenizer().cut(run, HMM=True):
            if len(piece) == 1:
                pending += piece
                continue
            if pending:
                words[pending] = None
                pending = ""
            words[piece] = None
        if pending:
            words[pending] = None
    for latin in _LATIN.findall(query):
        words[latin] = None
    return list(words)


def query_tokens(query: str) -> list[str]:
    """Index tokens that must all be present for every query word to occur in the text."""
    tokens: dict[str, None] = {}
    for word in query_words(query):
        if _CJK_RUN.fullmatch(word):
            for gram in _cjk_grams(word):
                tokens[gram] = None
        else:
            tokens[word] = None
    return list(tokens)[:MAX_QUERY_TOKENS]
