"""Chinese word segmentation for the database keyword search (jieba).

Documents are indexed with jieba's search mode (words and their sub-words) plus every keyword
as given, lower-cased and space-padded, so a query word matches by token, not by substring.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
MAX_QUERY_CHARS = 200


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _keep(token: str) -> bool:
    return bool(token.strip()) and bool(_WORD.search(token))


def index_tokens(texts: Iterable[str], keywords: Iterable[str] = ()) -> str:
    tokens: dict[str, None] = {}
    for text in texts:
        for token in _tokenizer().cut_for_search(text or ""):
            token = token.strip().lower()
            if _keep(token):
                tokens[token] = None
    for keyword in keywords:
        keyword = keyword.strip().lower()
        if _keep(keyword):
            tokens[keyword] = None
    return " " + " ".join(tokens) + " "


def query_tokens(query: str) -> list[str]:
    """Words of a user query; punctuation, emoji and whitespace are dropped."""
    query = (query or "")[:MAX_QUERY_CHARS]
    seen: dict[str, None] = {}
    for part in query.split():
        for token in _tokenizer().cut(part, HMM=False):
            token = token.strip().lower()
            if _keep(token):
                seen[token] = None
    return list(seen)
