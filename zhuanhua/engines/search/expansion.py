"""Keyword co-occurrence: expand a short query with keywords that go with its keywords."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from zhuanhua.engines.search.text import normalize, segments


class KeywordCooccurrence:
    """Counts of keyword pairs over the registry's documents (their keyword lists).

    :meth:`expand` finds the query's keywords (whole query segments that are known
    keywords) and proposes the keywords that co-occur with them most, scored by
    ``count(a, b) / sqrt(count(a) · count(b))`` (cosine), each at most ``limit``.
    """

    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.pairs: dict[str, Counter[str]] = defaultdict(Counter)

    @classmethod
    def from_keyword_lists(cls, lists: Iterable[Sequence[str]]) -> KeywordCooccurrence:
        model = cls()
        for keywords in lists:
            model.add(keywords)
        return model

    def add(self, keywords: Sequence[str]) -> None:
        kws = sorted({normalize(k).strip() for k in keywords if k and k.strip()})
        self.count.update(kws)
        for a in kws:
            for b in kws:
                if a != b:
                    self.pairs[a][b] += 1

    def expand(self, query: str, limit: int = 3, min_count: int = 2) -> list[tuple[str, float]]:
        """Co-occurring keywords ``(keyword, strength in (0, 1])`` for the query."""
        text = normalize(query)
        found = [seg for seg in segments(text) if seg in self.count]
        if text.strip() in self.count and text.strip() not in found:
            found.append(text.strip())
        scores: dict[str, float] = {}
        for kw in found:
            for other, n in self.pairs.get(kw, {}).items():
                if n < min_count or other in found or other in text:
                    continue
                strength = n / math.sqrt(self.count[kw] * self.count[other])
                scores[other] = scores.get(other, 0.0) + strength
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [(kw, min(1.0, s)) for kw, s in best]
