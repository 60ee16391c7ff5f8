"""Matched terms and highlighted, HTML-escaped snippets."""

from __future__ import annotations

import html

from zhuanhua.engines.search.text import has_cjk, normalize_with_map, segments

MARK_OPEN = "<mark>"
MARK_CLOSE = "</mark>"
SNIPPET_CHARS = 90


def matched_terms(query_segments: list[str], query_words: list[str], haystack: str) -> list[str]:
    """Query terms found in the (normalised) document text, longest-first, without repeats.

    A query word present as a whole counts; otherwise the longest pieces (at least two
    characters) of each Chinese query run that occur in the document — what the bigrams
    matched — are reported, so ``固态储氢材料`` against a document on ``储氢材料`` gives
    ``储氢材料``.
    """
    found: list[str] = []
    seen: set[str] = set()

    def add(term: str) -> None:
        if term not in seen:
            seen.add(term)
            found.append(term)

    for word in query_words:
        if word in haystack:
            add(word)
    for seg in query_segments:
        if seg in seen:
            continue
        if not has_cjk(seg):
            if len(seg) > 1 and seg in haystack:
                add(seg)
            continue
        if seg in haystack and len(seg) > 1:
            add(seg)
            continue
        i = 0
        while i < len(seg) - 1:
            j = i + 2
            if seg[i:j] not in haystack:
                i += 1
                continue
            while j < len(seg) and seg[i : j + 1] in haystack:
                j += 1
            add(seg[i:j])
            i = j
    # Drop terms contained in a longer matched term.
    found.sort(key=len, reverse=True)
    kept: list[str] = []
    for term in found:
        if not any(term in longer for longer in kept):
            kept.append(term)
    return kept


def query_parts(normalised_query: str) -> list[str]:
    return segments(normalised_query)


def _spans(norm: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of ``terms`` in ``norm``, longest terms first."""
    taken = [False] * len(norm)
    spans: list[tuple[int, int]] = []
    for term in sorted(terms, key=len, reverse=True):
        if not term:
            continue
        start = norm.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(taken[start:end]):
                spans.append((start, end))
                for k in range(start, end):
                    taken[k] = True
            start = norm.find(term, end)
    spans.sort()
    return spans


def highlight(text: str, terms: list[str], max_chars: int = SNIPPET_CHARS) -> str:
    """The window of ``text`` with the most matched terms, terms wrapped in ``<mark>``.

    Everything else is HTML-escaped, so the result is safe to put into a page as is.
    """
    if not text:
        return ""
    norm, origin = normalize_with_map(text)
    spans = [(origin[s], origin[e - 1] + 1) for s, e in _spans(norm, terms)]
    # Choose the window start: the span start that covers the most spans within max_chars.
    start = 0
    if spans and len(text) > max_chars:
        best = -1
        for i, (s, _) in enumerate(spans):
            count = sum(1 for s2, e2 in spans[i:] if e2 - s <= max_chars)
            if count > best:
                best, start = count, s
        # Give a little left context, and keep the window full at the end of the text.
        start = max(0, min(start - 10, len(text) - max_chars))
    end = min(len(text), start + max_chars)
    out: list[str] = []
    if start > 0:
        out.append("…")
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(MARK_OPEN + html.escape(text[s:e]) + MARK_CLOSE)
        pos = e
    out.append(html.escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)
