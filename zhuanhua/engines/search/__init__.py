"""Chinese search and matching engine for achievements (成果) and technology needs (技术需求).

Pure Python, no Django: :class:`SearchIndex` (jieba words + character bigrams, BM25 via
bm25s, filters, snippets, did-you-mean, incremental updates, save/load), the
:class:`FieldClassifier`, :class:`KeywordCooccurrence` query expansion and the
:class:`Matcher` that explains its matches. Importing this package is cheap: jieba, bm25s
and scikit-learn load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zhuanhua.engines.search.classifier import FieldClassifier
    from zhuanhua.engines.search.expansion import KeywordCooccurrence
    from zhuanhua.engines.search.index import Hit, SearchDoc, SearchIndex, SearchResult
    from zhuanhua.engines.search.matcher import Match, Matcher

_EXPORTS = {
    "SearchDoc": "index",
    "SearchIndex": "index",
    "SearchResult": "index",
    "Hit": "index",
    "FieldClassifier": "classifier",
    "KeywordCooccurrence": "expansion",
    "Matcher": "matcher",
    "Match": "matcher",
}

__all__ = [
    "FieldClassifier",
    "Hit",
    "KeywordCooccurrence",
    "Match",
    "Matcher",
    "SearchDoc",
    "SearchIndex",
    "SearchResult",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(f"zhuanhua.engines.search.{module}"), name)
