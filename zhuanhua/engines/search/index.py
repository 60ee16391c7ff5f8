"""The Chinese search index: a main bm25s segment, a small delta segment and tombstones.

Scoring is BM25 (Lucene variant, ``k1``/``b`` below) over a weighted bag of tokens — a
simple BM25F: each field's tokens count ``FIELD_WEIGHTS[field]`` times towards the term
frequency and the document length. The main segment's per-(term, document) scores are
computed once at build time and held as a ``bm25s.BM25`` object (CSC matrix, vocabulary),
which is also what :meth:`SearchIndex.save` writes.

Publishing or editing a document puts it in the delta segment (a small in-memory inverted
index) and tombstones its old main row; delisting tombstones or drops it. The delta is
scored with the *main segment's frozen statistics* — its IDF per term (a term the main
segment has never seen gets the Lucene IDF over main + delta) and its average document
length — so a document scores the same whether it sits in the delta or, after
:meth:`SearchIndex.compact`, in the main segment, up to the drift of the collection
statistics themselves. When the delta grows past ``max(min_delta, delta_ratio × main)``
the index compacts: the live main rows (kept as term frequencies) and the delta are merged
into a new main segment with fresh statistics, without re-tokenising anything.
"""

from __future__ import annotations

import array
import dataclasses
import functools
import json
import math
import multiprocessing
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zhuanhua.engines.search.snippets import highlight, matched_terms
from zhuanhua.engines.search.store import MappedDocs, StringTable
from zhuanhua.engines.search.text import (
    BIGRAM,
    CJK_RANGES,
    MAX_QUERY_TOKENS,
    UNIGRAM,
    UNIGRAM_STOP,
    Segmenter,
    bigrams,
    contains_phrases,
    has_cjk,
    normalize,
    quoted_phrases,
    segments,
    truncate_query,
    unigrams,
)

FORMAT_VERSION = 2  # 2: flat tables that several processes can memory-map (store.py)

FIELD_WEIGHTS: dict[str, float] = {"title": 3.0, "keywords": 2.0, "text": 1.0}
"""Term-frequency weight of each field (BM25F-style)."""

TOKEN_WEIGHTS: dict[str, float] = {"word": 1.0, "bigram": 0.5, "unigram": 0.5}
"""Query-side weight of each token kind: a whole word is worth more than a bigram."""

K1 = 1.2
B = 0.75

Filters = Mapping[str, "str | Iterable[str]"]


@dataclass(frozen=True)
class SearchDoc:
    """A searchable achievement or need. ``attrs`` are exact-match filter attributes."""

    id: str
    title: str
    keywords: Sequence[str] = ()
    text: str = ""
    field: str | None = None
    attrs: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "keywords": list(self.keywords),
            "text": self.text,
            "field": self.field,
            "attrs": dict(self.attrs),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SearchDoc:
        return cls(
            id=str(data["id"]),
            title=str(data.get("title") or ""),
            keywords=[str(k) for k in data.get("keywords") or []],
            text=str(data.get("text") or ""),
            field=data.get("field"),
            attrs={str(k): str(v) for k, v in (data.get("attrs") or {}).items()},
        )

    def filter_value(self, attr: str) -> str | None:
        if attr in self.attrs:
            return self.attrs[attr]
        if attr == "field":
            return self.field
        return None


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    snippet: str
    matched_terms: list[str]


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int
    suggestions: list[str]


# --------------------------------------------------------------------------- tokenising


def doc_terms(
    seg: Segmenter, title: str, keywords: Sequence[str], text: str, body_words: bool = False
) -> dict[str, float]:
    """Weighted term frequencies of one document (see :data:`FIELD_WEIGHTS`).

    Title and keywords get words and bigrams; the long body gets bigrams, plus words only
    when ``body_words`` (segmenting the body more than doubles the build time). The
    build's batch tokeniser :func:`_tokenize_chunk` gives exactly these dicts.
    """
    body = normalize(text)
    # The long field has weight 1: count it in C, then add the short weighted fields.
    tf: dict[str, float] = {}
    if body:
        toks = seg.words(body) + bigrams(body) if body_words else bigrams(body)
        tf = dict(Counter(toks))
    head = normalize(title)
    kws = normalize(" ; ".join(keywords))
    for value, weight, toks in (
        (head, FIELD_WEIGHTS["title"], unigrams(head)),
        (kws, FIELD_WEIGHTS["keywords"], []),
    ):
        if not value:
            continue
        toks += seg.words(value)
        toks += bigrams(value)
        get = tf.get
        for tok in toks:
            tf[tok] = get(tok, 0.0) + weight
    if FIELD_WEIGHTS["text"] != 1.0:
        tf = {tok: value * FIELD_WEIGHTS["text"] for tok, value in tf.items()}
    return tf


# Token keys of the fast build path (int64): a title unigram is its code point (< 2**16),
# a bigram ``cp1 << 16 | cp2`` (CJK code points are below 2**16, so bigram keys are at
# least 0x3400 << 16), a word ``_WORD_KEY + word id``. Row and key pack into one int64.
_WORD_KEY = 1 << 40
_ROW_SHIFT = 41
_FIELDS = 3  # body, title, keywords: the order of a document's texts in a chunk
_SEPARATOR = "\n"  # not a Chinese character: no bigram spans two texts


@dataclass
class _Chunk:
    """Tokenised documents, cheap to send between processes.

    ``keys`` are the distinct token keys of the chunk (see ``_WORD_KEY``; word ids index
    ``words``), ``cols`` index ``keys`` for each posting; postings are grouped by document
    in document order, ``nnz`` postings and length ``dl`` per document.
    """

    words: list[str]
    keys: np.ndarray
    cols: np.ndarray
    tf: np.ndarray
    nnz: np.ndarray
    dl: np.ndarray


_WORKER_SEG: Segmenter | None = None
_WORKER_CACHE: dict[str, list[str]] = {}


def _cjk_mask(cp: np.ndarray) -> np.ndarray:
    mask = np.zeros(len(cp), dtype=bool)
    for lo, hi in CJK_RANGES:
        mask |= (cp >= lo) & (cp <= hi)
    return mask


_UNIGRAM_STOP_CPS = np.array(sorted(ord(ch) for ch in UNIGRAM_STOP), dtype=np.uint32)


def _tokenize_chunk(
    items: list[tuple[str, Sequence[str], str]],
    seg: Segmenter | None = None,
    body_words: bool = False,
    cache: dict[str, list[str]] | None = None,
) -> _Chunk:
    """:func:`doc_terms` of a batch of documents, vectorised.

    Words come from the segmenter (memoised per run of title and keyword text, which
    repeat; body runs rarely do). Bigrams and title unigrams — most of the postings — are
    counted with numpy over the code points of all the batch's texts at once. The result is
    exactly ``doc_terms`` of each document (a test checks this).
    """
    segmenter = seg if seg is not None else _WORKER_SEG
    assert segmenter is not None
    memo = _WORKER_CACHE if cache is None else cache
    n = len(items)
    texts: list[str] = []
    wtoks: list[str] = []
    wcount = array.array("q")
    for title, keywords, text in items:
        body = normalize(text)
        head = normalize(title)
        kws = normalize(" ; ".join(keywords))
        texts += (body, head, kws)
        if body_words and body:
            found = segmenter.words(body)
            wtoks += found
            wcount.append(len(found))
        else:
            wcount.append(0)
        for value in (head, kws):
            found = segmenter.cached_words(value, memo)
            wtoks += found
            wcount.append(len(found))

    weights = np.array([1.0, FIELD_WEIGHTS["title"], FIELD_WEIGHTS["keywords"]], dtype=np.float64)
    # Words: chunk-local ids in order of first occurrence.
    words = list(dict.fromkeys(wtoks))
    word_id = dict(zip(words, range(len(words)), strict=True))
    w_field = np.repeat(np.arange(n * _FIELDS, dtype=np.int64), np.frombuffer(wcount, np.int64))
    w_keys = _WORD_KEY + np.fromiter(map(word_id.__getitem__, wtoks), np.int64, len(wtoks))

    # Characters: the code points of all texts, separated so no bigram spans two of them.
    joined = _SEPARATOR.join(texts)
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, texts), np.int64, len(texts)) + 1
    field = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)[: len(cp)]
    cjk = _cjk_mask(cp)
    pos = np.flatnonzero(cjk[:-1] & cjk[1:])
    b_keys = (cp[pos].astype(np.int64) << 16) | cp[pos + 1]
    b_field = field[pos]
    upos = np.flatnonzero(cjk & (field % _FIELDS == 1) & ~np.isin(cp, _UNIGRAM_STOP_CPS))
    u_keys = cp[upos].astype(np.int64)
    u_field = field[upos]

    all_field = np.concatenate([b_field, u_field, w_field])
    all_keys = np.concatenate([b_keys, u_keys, w_keys])
    packed = ((all_field // _FIELDS) << _ROW_SHIFT) | all_keys
    pairs, inverse = np.unique(packed, return_inverse=True)
    tf: np.ndarray = np.bincount(
        inverse.ravel(), weights=weights[all_field % _FIELDS], minlength=len(pairs)
    )
    if FIELD_WEIGHTS["text"] != 1.0:
        tf = tf * FIELD_WEIGHTS["text"]  # as doc_terms: the whole bag is scaled
    rows = pairs >> _ROW_SHIFT
    keys, cols = np.unique(pairs & ((1 << _ROW_SHIFT) - 1), return_inverse=True)
    return _Chunk(
        words=words,
        keys=keys,
        cols=cols.ravel().astype(np.int32),
        tf=tf.astype(np.float32),
        nnz=np.bincount(rows, minlength=n).astype(np.int32),
        dl=np.bincount(rows, weights=tf, minlength=n).astype(np.float32),
    )


def _token_strings(keys: np.ndarray, words: Sequence[str]) -> list[str]:
    """The index token of each key of :func:`_tokenize_chunk` (words by global id)."""
    out: list[str] = []
    for key in keys.tolist():
        if key >= _WORD_KEY:
            out.append(words[key - _WORD_KEY])
        elif key >= 1 << 16:
            out.append(BIGRAM + chr(key >> 16) + chr(key & 0xFFFF))
        else:
            out.append(UNIGRAM + chr(key))
    return out


def _lucene_idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """bm25s' Lucene IDF, vectorised: ``log(1 + (N - df + 0.5) / (df + 0.5))``."""
    df = df.astype(np.float64)
    return np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)


def _chunked(items: Iterable[SearchDoc], size: int) -> Iterator[list[SearchDoc]]:
    batch: list[SearchDoc] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --------------------------------------------------------------------------- segments


class _MainSegment:
    """Immutable BM25 segment: a ``bm25s.BM25`` holding the CSC score matrix, plus term
    frequencies (for compaction), document lengths and frozen collection statistics."""

    def __init__(
        self,
        bm25: Any,
        tf: np.ndarray,
        dl: np.ndarray,
        ids: Sequence[str] | StringTable,
        *,
        rows: Any = None,
        idf: np.ndarray | None = None,
    ) -> None:
        """``bm25.vocab_dict`` and ``ids`` are a dict and a list when built here, or
        :class:`StringTable` s (``rows`` then the same table) when loaded memory-mapped."""
        self.bm25 = bm25
        self.vocab: Any = bm25.vocab_dict  # token -> column: dict or StringTable (.get, len)
        self.data: np.ndarray = bm25.scores["data"]
        self.indices: np.ndarray = bm25.scores["indices"]
        self.indptr: np.ndarray = bm25.scores["indptr"]
        self.tf = tf
        self.dl = dl
        self.ids = ids
        self.rows: Any = rows if rows is not None else {d: i for i, d in enumerate(ids)}
        self.n_docs = len(ids)
        self.avgdl = float(dl.mean()) if len(dl) else 0.0
        self.idf = idf if idf is not None else _lucene_idf(np.diff(self.indptr), self.n_docs)

    @classmethod
    def from_triples(
        cls,
        rows: np.ndarray,
        cols: np.ndarray,
        tf: np.ndarray,
        dl: np.ndarray,
        vocab: dict[str, int],
        ids: list[str],
    ) -> _MainSegment:
        """A segment from (row, column, tf) triples without duplicate (row, column) pairs."""
        from scipy import sparse

        shape = (len(ids), len(vocab))
        # COO → CSC is a counting sort on the column; rows end up ascending in each column.
        csc = sparse.coo_matrix((tf.astype(np.float32), (rows, cols)), shape=shape).tocsc()
        csc.sort_indices()
        return cls._from_csc(csc.indptr, csc.indices, csc.data, dl, vocab, ids)

    @classmethod
    def from_rows(
        cls,
        row_ptr: np.ndarray,
        cols: np.ndarray,
        tf: np.ndarray,
        dl: np.ndarray,
        vocab: dict[str, int],
        ids: list[str],
    ) -> _MainSegment:
        """A segment from postings grouped by document (CSR: ``row_ptr``, ``cols``, ``tf``)."""
        from scipy import sparse

        shape = (len(ids), len(vocab))
        csr = sparse.csr_matrix((tf.astype(np.float32), cols, row_ptr), shape=shape)
        # CSR → CSC is a counting sort (linear) that keeps rows ascending in each column.
        csc = csr.tocsc()
        del csr
        return cls._from_csc(csc.indptr, csc.indices, csc.data, dl, vocab, ids)

    @classmethod
    def _from_csc(
        cls,
        indptr: np.ndarray,
        rows: np.ndarray,
        tf: np.ndarray,
        dl: np.ndarray,
        vocab: dict[str, int],
        ids: list[str],
    ) -> _MainSegment:
        import bm25s
        from bm25s.scoring import _score_tfc_lucene

        n_docs = len(ids)
        indptr = indptr.astype(np.int64)
        rows = rows.astype(np.int32, copy=False)
        tf = tf.astype(np.float32, copy=False)
        dl = dl.astype(np.float32, copy=False)
        df = np.diff(indptr)
        idf = _lucene_idf(df, n_docs)
        avgdl = float(dl.mean()) if n_docs else 1.0
        tfc = _score_tfc_lucene(tf, dl[rows], avgdl, K1, B)
        tfc *= np.repeat(idf, df)
        data = tfc.astype(np.float32, copy=False)
        del tfc
        bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
        bm25.scores = {
            "data": data,
            "indices": rows,
            "indptr": indptr,
            "num_docs": n_docs,
        }
        bm25.vocab_dict = vocab
        bm25.unique_token_ids_set = set(vocab.values())
        bm25.nonoccurrence_array = None
        return cls(bm25, tf, dl, ids)

    @classmethod
    def empty(cls) -> _MainSegment:
        return cls.from_triples(
            np.zeros(0, np.int32),
            np.zeros(0, np.int32),
            np.zeros(0, np.float32),
            np.zeros(0, np.float32),
            {},
            [],
        )

    def scores(self, query: Mapping[str, float]) -> np.ndarray:
        out = np.zeros(self.n_docs, dtype=np.float32)
        for tok, weight in query.items():
            j = self.vocab.get(tok)
            if j is None:
                continue
            s, e = self.indptr[j], self.indptr[j + 1]
            out[self.indices[s:e]] += weight * self.data[s:e]
        return out

    def triples(self, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, col, tf) of the live rows, rows renumbered densely in their old order."""
        cols = np.repeat(np.arange(len(self.vocab), dtype=np.int32), np.diff(self.indptr))
        keep = alive[self.indices]
        new_row = np.cumsum(alive, dtype=np.int64) - 1
        return new_row[self.indices[keep]].astype(np.int32), cols[keep], self.tf[keep]


# --------------------------------------------------------------------------- the index


class SearchIndex:
    """Search over achievements and needs (see the module docstring for the design).

    Thread-safe: a lock serialises writers and readers.
    """

    def __init__(
        self, *, min_delta: int = 2000, delta_ratio: float = 0.1, body_words: bool = False
    ) -> None:
        self.min_delta = min_delta
        self.body_words = body_words
        self.delta_ratio = delta_ratio
        self.segmenter = Segmenter()
        self.mapped = False  # loaded with mmap=True: shares the saved files, never compacts
        self._lock = threading.RLock()
        self._docs: MutableMapping[str, SearchDoc] = {}
        self._main = _MainSegment.empty()
        self._alive = np.zeros(0, dtype=bool)
        self._attr_rows: dict[str, dict[str, np.ndarray]] = {}
        self._delta_tf: dict[str, dict[str, float]] = {}
        self._delta_dl: dict[str, float] = {}
        self._delta_post: dict[str, dict[str, float]] = {}
        self._keyword_docs: Counter[str] = Counter()
        self._suggest_index: dict[str, set[str]] | None = None

    # ------------------------------------------------------------------ building

    @classmethod
    def build(
        cls,
        docs: Iterable[SearchDoc],
        progress: bool = False,
        workers: int | None = None,
        **options: Any,
    ) -> SearchIndex:
        """A fresh index over ``docs``.

        ``workers`` > 1 tokenises in that many forked processes. The default is 1: the
        vectorised tokeniser is no longer the bulk of the build, and on two CPUs the forked
        workers made the 200,000-document build no faster while costing more CPU and memory.
        """
        index = cls(**options)
        index._rebuild(docs, progress=progress, workers=workers)
        return index

    def _rebuild(self, docs: Iterable[SearchDoc], progress: bool, workers: int | None) -> None:
        from tqdm.auto import tqdm

        unique: dict[str, SearchDoc] = {}
        for doc in tqdm(docs, desc="读取文档", unit="篇", disable=not progress):
            unique[doc.id] = doc
        doc_list = list(unique.values())
        # Each distinct keyword is normalised once (the registry repeats its keywords).
        raw_keywords = list(dict.fromkeys(kw for doc in doc_list for kw in doc.keywords))
        seg = Segmenter()
        seg.add_words(raw_keywords)
        seg.warm()  # apply the domain dictionary before any fork
        if workers is None:
            workers = 1
        words: dict[str, int] = {}
        key_parts: list[np.ndarray] = []
        cols_parts: list[np.ndarray] = []
        tf_parts: list[np.ndarray] = []
        nnz_parts: list[np.ndarray] = []
        dl_parts: list[np.ndarray] = []
        bar = tqdm(total=len(doc_list), desc="建立索引", unit="篇", disable=not progress)

        def collect(chunk: _Chunk) -> None:
            keys = chunk.keys
            is_word = keys >= _WORD_KEY
            if chunk.words:
                lut = np.fromiter(
                    (words.setdefault(w, len(words)) for w in chunk.words),
                    dtype=np.int64,
                    count=len(chunk.words),
                )
                keys[is_word] = _WORD_KEY + lut[keys[is_word] - _WORD_KEY]
            key_parts.append(keys)
            cols_parts.append(chunk.cols)
            tf_parts.append(chunk.tf)
            nnz_parts.append(chunk.nnz)
            dl_parts.append(chunk.dl)
            bar.update(len(chunk.nnz))

        def items(batch: list[SearchDoc]) -> list[tuple[str, Sequence[str], str]]:
            return [(d.title, list(d.keywords), d.text) for d in batch]

        batches = (items(b) for b in _chunked(doc_list, 2000))
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            global _WORKER_SEG
            _WORKER_SEG = seg
            _WORKER_CACHE.clear()
            try:
                ctx = multiprocessing.get_context("fork")
                with ctx.Pool(workers) as pool:
                    work = functools.partial(_tokenize_chunk, body_words=self.body_words)
                    for chunk in pool.imap(work, batches):
                        collect(chunk)
            finally:
                _WORKER_SEG = None
        else:
            cache: dict[str, list[str]] = {}
            for batch in batches:
                collect(_tokenize_chunk(batch, seg, self.body_words, cache))
            del cache
        bar.close()

        # One vocabulary: the sorted distinct keys of all chunks; chunk columns map into it.
        all_keys = np.unique(np.concatenate(key_parts)) if key_parts else np.zeros(0, np.int64)
        for i, keys in enumerate(key_parts):
            lut = np.searchsorted(all_keys, keys).astype(np.int32)
            cols_parts[i] = lut[cols_parts[i]]
        key_parts.clear()
        word_list = list(words)
        vocab = dict(zip(_token_strings(all_keys, word_list), range(len(all_keys)), strict=True))
        del all_keys, word_list
        words.clear()

        def cat(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
            out = np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
            parts.clear()
            return out

        nnz = cat(nnz_parts, np.int32)
        row_ptr = np.zeros(len(nnz) + 1, dtype=np.int64)
        np.cumsum(nnz, out=row_ptr[1:])
        main = _MainSegment.from_rows(
            row_ptr,
            cat(cols_parts, np.int32),
            cat(tf_parts, np.float32),
            cat(dl_parts, np.float32),
            vocab,
            [d.id for d in doc_list],
        )
        norm_kw = {kw: normalize(kw).strip() for kw in raw_keywords}
        with self._lock:
            self.segmenter = seg
            self._docs = unique
            self._install_main(main, np.ones(main.n_docs, dtype=bool))
            self._delta_tf, self._delta_dl, self._delta_post = {}, {}, {}
            self._keyword_docs = Counter(
                k for d in doc_list for k in {norm_kw[x] for x in d.keywords} if k
            )
            self._suggest_index = None

    def _install_main(
        self,
        main: _MainSegment,
        alive: np.ndarray,
        attr_rows: dict[str, dict[str, np.ndarray]] | None = None,
    ) -> None:
        self._main = main
        self._alive = alive
        if attr_rows is not None:  # saved with the index (load)
            self._attr_rows = attr_rows
            return
        by_attr: dict[str, dict[str, list[int]]] = {}
        for row, doc_id in enumerate(main.ids):
            doc = self._docs.get(doc_id)
            if doc is None:
                continue
            values = dict(doc.attrs)
            if doc.field is not None and "field" not in values:
                values["field"] = doc.field
            for attr, value in values.items():
                by_attr.setdefault(attr, {}).setdefault(value, []).append(row)
        self._attr_rows = {
            attr: {v: np.asarray(r, dtype=np.int32) for v, r in vals.items()}
            for attr, vals in by_attr.items()
        }

    # ------------------------------------------------------------------ updates

    def upsert(self, doc: SearchDoc) -> None:
        """Publish or edit ``doc``; searchable at once (delta segment)."""
        with self._lock:
            self._drop(doc.id)
            new_kw = [k for k in doc.keywords if normalize(k).strip() not in self._keyword_docs]
            self.segmenter.add_words(new_kw)
            tf = doc_terms(self.segmenter, doc.title, doc.keywords, doc.text, self.body_words)
            self._docs[doc.id] = doc
            self._delta_tf[doc.id] = tf
            self._delta_dl[doc.id] = sum(tf.values())
            for tok, value in tf.items():
                self._delta_post.setdefault(tok, {})[doc.id] = value
            for kw in {normalize(x).strip() for x in doc.keywords}:
                if kw:
                    if self._keyword_docs[kw] == 0 and self._suggest_index is not None:
                        self._index_suggestion(kw)
                    self._keyword_docs[kw] += 1
            if not self.mapped and len(self._delta_tf) > max(
                self.min_delta, self.delta_ratio * self._main.n_docs
            ):
                self.compact()

    def remove(self, doc_id: str) -> bool:
        """Delist ``doc_id``; it never appears in results again. False if unknown."""
        with self._lock:
            return self._drop(doc_id)

    def _drop(self, doc_id: str) -> bool:
        doc = self._docs.pop(doc_id, None)
        if doc is None:
            return False
        row = self._main.rows.get(doc_id)
        if row is not None:
            self._alive[row] = False
        tf = self._delta_tf.pop(doc_id, None)
        if tf is not None:
            del self._delta_dl[doc_id]
            for tok in tf:
                post = self._delta_post[tok]
                del post[doc_id]
                if not post:
                    del self._delta_post[tok]
        for kw in {normalize(x).strip() for x in doc.keywords}:
            if self._keyword_docs.get(kw):
                self._keyword_docs[kw] -= 1
        return True

    def compact(self) -> None:
        """Merge the delta into a new main segment with fresh statistics; drop tombstones."""
        with self._lock:
            main = self._main
            rows, cols, tf = main.triples(self._alive)
            ids = [doc_id for doc_id, ok in zip(main.ids, self._alive.tolist(), strict=True) if ok]
            vocab = dict(main.vocab) if isinstance(main.vocab, dict) else dict(main.vocab.items())
            dl = list(main.dl[self._alive])
            extra_rows: list[int] = []
            extra_cols: list[int] = []
            extra_tf: list[float] = []
            for doc_id, terms in self._delta_tf.items():
                row = len(ids)
                ids.append(doc_id)
                dl.append(self._delta_dl[doc_id])
                for tok, value in terms.items():
                    extra_rows.append(row)
                    extra_cols.append(vocab.setdefault(tok, len(vocab)))
                    extra_tf.append(value)
            new_main = _MainSegment.from_triples(
                np.concatenate([rows, np.asarray(extra_rows, dtype=np.int32)]),
                np.concatenate([cols, np.asarray(extra_cols, dtype=np.int32)]),
                np.concatenate([tf, np.asarray(extra_tf, dtype=np.float32)]),
                np.asarray(dl, dtype=np.float32),
                vocab,
                ids,
            )
            self._delta_tf, self._delta_dl, self._delta_post = {}, {}, {}
            self._install_main(new_main, np.ones(new_main.n_docs, dtype=bool))

    # ------------------------------------------------------------------ access

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def get(self, doc_id: str) -> SearchDoc | None:
        return self._docs.get(doc_id)

    def docs(self) -> Iterator[SearchDoc]:
        if isinstance(self._docs, dict):
            return iter(list(self._docs.values()))
        return self._iter_mapped_docs()

    def _iter_mapped_docs(self) -> Iterator[SearchDoc]:
        """One document at a time from the mapped file (never all of them in memory)."""
        for doc_id in self._docs:
            doc = self._docs.get(doc_id)
            if doc is not None:
                yield doc

    def stats(self) -> dict[str, int]:
        return {
            "docs": len(self._docs),
            "main_docs": self._main.n_docs,
            "tombstones": int((~self._alive).sum()),
            "delta_docs": len(self._delta_tf),
            "vocabulary": len(self._main.vocab),
            "postings": len(self._main.data),
        }

    # ------------------------------------------------------------------ querying

    def query_terms(
        self, query: str, expansions: Sequence[tuple[str, float]] = ()
    ) -> tuple[dict[str, float], list[str], list[str]]:
        """(weighted query tokens, query segments, query words) of a query string."""
        text = truncate_query(query)
        segs = segments(text)
        words = self.segmenter.words(text) if segs else []
        weighted: dict[str, float] = {}

        def put(tok: str, weight: float) -> None:
            if len(weighted) < MAX_QUERY_TOKENS or tok in weighted:
                weighted[tok] = max(weighted.get(tok, 0.0), weight)

        def add_text(value: str, words_of: list[str], scale: float) -> None:
            for w in words_of:
                put(w, TOKEN_WEIGHTS["word"] * scale)
            for bg in bigrams(value):
                put(bg, TOKEN_WEIGHTS["bigram"] * scale)
            for seg in segments(value):
                if len(seg) == 1 and has_cjk(seg):
                    put(UNIGRAM + seg, TOKEN_WEIGHTS["unigram"] * scale)

        add_text(text, words, 1.0)
        for extra, scale in expansions:
            value = truncate_query(extra)
            add_text(value, self.segmenter.words(value), scale)
        return weighted, segs, words

    def _allowed_main(self, filters: Filters | None, exclude: Iterable[str]) -> np.ndarray:
        allowed = self._alive.copy()
        for attr, wanted in (filters or {}).items():
            values = [wanted] if isinstance(wanted, str) else list(wanted)
            mask = np.zeros(self._main.n_docs, dtype=bool)
            rows_by_value = self._attr_rows.get(attr, {})
            for value in values:
                rows = rows_by_value.get(str(value))
                if rows is not None:
                    mask[rows] = True
            allowed &= mask
        for doc_id in exclude:
            row = self._main.rows.get(doc_id)
            if row is not None:
                allowed[row] = False
        return allowed

    @staticmethod
    def _passes(doc: SearchDoc, filters: Filters | None) -> bool:
        for attr, wanted in (filters or {}).items():
            values = {wanted} if isinstance(wanted, str) else {str(v) for v in wanted}
            if doc.filter_value(attr) not in values:
                return False
        return True

    def _delta_scores(
        self, query: Mapping[str, float], filters: Filters | None, exclude: set[str]
    ) -> dict[str, float]:
        main = self._main
        n_total = main.n_docs + len(self._delta_tf)
        if main.n_docs:
            avgdl = main.avgdl
        else:
            avgdl = sum(self._delta_dl.values()) / max(1, len(self._delta_dl))
        out: dict[str, float] = {}
        for tok, weight in query.items():
            post = self._delta_post.get(tok)
            if not post:
                continue
            j = main.vocab.get(tok)
            if j is not None and main.n_docs:
                idf = float(main.idf[j])
            else:
                df = len(post)
                idf = math.log1p((n_total - df + 0.5) / (df + 0.5))
            for doc_id, tf in post.items():
                norm = K1 * (1 - B + B * self._delta_dl[doc_id] / avgdl)
                out[doc_id] = out.get(doc_id, 0.0) + weight * idf * tf / (tf + norm)
        return {
            doc_id: score
            for doc_id, score in out.items()
            if doc_id not in exclude and self._passes(self._docs[doc_id], filters)
        }

    def score(
        self,
        query: str,
        filters: Filters | None = None,
        limit: int = 10,
        offset: int = 0,
        exclude: Iterable[str] = (),
        expansions: Sequence[tuple[str, float]] = (),
    ) -> tuple[list[tuple[str, float]], int]:
        """Ranked (id, score) pairs of the requested page and the number of matches.

        Filters and exclusions are applied before ranking, so a page is always full when
        enough documents match. A phrase in quotes must occur as written in the title, the
        keywords or the text (the rest of the query still ranks).
        """
        weighted, _, _ = self.query_terms(query, expansions)
        if not weighted or limit <= 0:
            return [], 0
        excluded = set(exclude)
        phrases = quoted_phrases(query)
        with self._lock:
            main = self._main
            scores = main.scores(weighted)
            scores[~self._allowed_main(filters, excluded)] = 0.0
            rows = np.flatnonzero(scores > 0)
            delta = self._delta_scores(weighted, filters, excluded)
            if phrases:
                rows = np.array(
                    [r for r in rows.tolist() if self._has_phrases(main.ids[r], phrases)],
                    dtype=np.int64,
                )
                delta = {d: s for d, s in delta.items() if self._has_phrases(d, phrases)}
            total = len(rows) + len(delta)
            want = offset + limit
            if len(rows) > want:
                part = np.argpartition(-scores[rows], want - 1)[:want]
                rows = rows[part]
            ranked = [(main.ids[r], float(scores[r])) for r in rows.tolist()]
        ranked.extend(delta.items())
        ranked.sort(key=lambda item: (-item[1], item[0]))
        return ranked[offset:want], total

    def _has_phrases(self, doc_id: str, phrases: Sequence[str]) -> bool:
        doc = self._docs[doc_id]
        return contains_phrases("|".join([doc.title, "|".join(doc.keywords), doc.text]), phrases)

    def search(
        self,
        query: str,
        filters: Filters | None = None,
        limit: int = 10,
        offset: int = 0,
        *,
        exclude: Iterable[str] = (),
        expansions: Sequence[tuple[str, float]] = (),
        snippets: bool = True,
    ) -> SearchResult:
        """Search with filters; never raises on odd queries (empty, emoji, very long)."""
        limit = max(0, min(int(limit), 1000))
        offset = max(0, int(offset))
        ranked, total = self.score(query, filters, limit, offset, exclude, expansions)
        _, segs, words = self.query_terms(query)
        hits = [self.make_hit(doc_id, score, segs, words, snippets) for doc_id, score in ranked]
        suggestions = self.suggest(query) if total == 0 and segs else []
        return SearchResult(hits=hits, total=total, suggestions=suggestions)

    def make_hit(
        self, doc_id: str, score: float, segs: list[str], words: list[str], snippet: bool = True
    ) -> Hit:
        doc = self._docs[doc_id]
        haystack = normalize(" ".join([doc.title, " ".join(doc.keywords), doc.text]))
        terms = matched_terms(segs, words, haystack)
        text = ""
        if snippet:
            norm_text = normalize(doc.text)
            source = doc.text if any(t in norm_text for t in terms) or not doc.title else doc.title
            text = highlight(source, terms)
        return Hit(id=doc_id, score=round(score, 6), snippet=text, matched_terms=terms)

    # ------------------------------------------------------------------ did you mean

    def _index_suggestion(self, kw: str) -> None:
        assert self._suggest_index is not None
        for ch in set(kw):
            if ch.isalnum():
                self._suggest_index.setdefault(ch, set()).add(kw)

    def suggest(self, query: str, limit: int = 3) -> list[str]:
        """Keywords of the registry closest to the query by character overlap (Dice)."""
        with self._lock:
            if self._suggest_index is None:
                self._suggest_index = {}
                for kw, count in self._keyword_docs.items():
                    if count > 0:
                        self._index_suggestion(kw)
            text = truncate_query(query)
            parts = [p for p in segments(text) if len(p) >= 2]
            if not parts:
                return []
            per_part = [self._suggest_part(p, limit) for p in parts[:4]]
        if len(per_part) == 1:
            return per_part[0]
        best = [cands[0] if cands else part for cands, part in zip(per_part, parts, strict=False)]
        return [" ".join(best)] if best != parts[: len(best)] else []

    def _suggest_part(self, part: str, limit: int) -> list[str]:
        assert self._suggest_index is not None
        chars = Counter(ch for ch in part if ch.isalnum())
        overlap: Counter[str] = Counter()
        for ch in chars:
            cands = self._suggest_index.get(ch, ())
            if len(cands) > 20000:
                continue
            for kw in cands:
                overlap[kw] += 1
        scored: list[tuple[float, int, str]] = []
        for kw, shared in overlap.items():
            if self._keyword_docs.get(kw, 0) <= 0 or kw == part:
                continue
            common = sum((Counter(kw) & chars).values())
            dice = 2.0 * common / (len(kw) + len(part))
            if dice >= 0.5 and shared >= 1:
                scored.append((dice, self._keyword_docs[kw], kw))
        scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
        return [kw for _, _, kw in scored[:limit]]

    # ------------------------------------------------------------------ persistence

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to directory ``path`` (created if needed).

        The main segment goes to flat files that :meth:`load` can memory-map: bm25s' score
        arrays (``main/``, loadable by ``bm25s.BM25.load(..., mmap=True)``), term
        frequencies, lengths and IDF as ``.npy``, the vocabulary and the row ids as
        :class:`StringTable` s, each filter attribute's rows grouped by value, and the
        documents as JSON lines in row order (``null`` for a deleted row) followed by the
        delta's documents, with their byte offsets.
        """
        import bm25s

        root = Path(path)
        root.mkdir(parents=True, exist_ok=True)
        with self._lock:
            main = self._main
            vocab = main.vocab if isinstance(main.vocab, dict) else dict(main.vocab.items())
            bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
            bm25.scores = {
                "data": main.data,
                "indices": main.indices,
                "indptr": main.indptr,
                "num_docs": main.n_docs,
            }
            bm25.vocab_dict = vocab
            bm25.nonoccurrence_array = None
            bm25.save(str(root / "main"), show_progress=False)
            del bm25
            tokens = [""] * len(vocab)
            for tok, j in vocab.items():
                tokens[j] = tok
            StringTable.from_strings(tokens).save(root / "vocab")
            del tokens
            main_ids = list(main.ids)
            StringTable.from_strings(main_ids).save(root / "ids")
            np.save(root / "tf.npy", main.tf)
            np.save(root / "dl.npy", main.dl)
            np.save(root / "idf.npy", main.idf)
            np.save(root / "alive.npy", self._alive)
            attr_parts: list[np.ndarray] = []
            attrs: dict[str, dict[str, list[int]]] = {}
            at = 0
            for attr, by_value in self._attr_rows.items():
                for value, rows in by_value.items():
                    attrs.setdefault(attr, {})[value] = [at, at + len(rows)]
                    attr_parts.append(np.asarray(rows, dtype=np.int32))
                    at += len(rows)
            np.save(
                root / "attr_rows.npy",
                np.concatenate(attr_parts) if attr_parts else np.zeros(0, np.int32),
            )
            offsets = [0]
            delta_ids = list(self._delta_tf)
            with open(root / "docs.jsonl", "wb") as out:
                alive = self._alive.tolist()
                for row, doc_id in enumerate(main_ids):
                    doc = self._docs.get(doc_id) if alive[row] else None
                    if doc is not None and doc_id in self._delta_tf:
                        doc = None  # edited since: its current version is a delta line
                    line = (
                        json.dumps(doc.to_json(), ensure_ascii=False) if doc is not None else "null"
                    ).encode("utf-8") + b"\n"
                    out.write(line)
                    offsets.append(offsets[-1] + len(line))
                for doc_id in delta_ids:
                    text = json.dumps(self._docs[doc_id].to_json(), ensure_ascii=False)
                    line = text.encode("utf-8") + b"\n"
                    out.write(line)
                    offsets.append(offsets[-1] + len(line))
            np.save(root / "docs.offsets.npy", np.asarray(offsets, dtype=np.int64))
            with open(root / "keywords.json", "w", encoding="utf-8") as out:
                json.dump(
                    {k: n for k, n in self._keyword_docs.items() if n > 0}, out, ensure_ascii=False
                )
            meta = {
                "format": FORMAT_VERSION,
                "k1": K1,
                "b": B,
                "field_weights": FIELD_WEIGHTS,
                "min_delta": self.min_delta,
                "delta_ratio": self.delta_ratio,
                "body_words": self.body_words,
                "main_docs": main.n_docs,
                "delta_ids": delta_ids,
                "attrs": attrs,
                "domain_words": self.segmenter.domain_words,
            }
            with open(root / "meta.json", "w", encoding="utf-8") as out:
                json.dump(meta, out, ensure_ascii=False)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, mmap: bool = False) -> SearchIndex:
        """Load an index written by :meth:`save`.

        ``mmap=True`` maps the main segment's files read-only instead of reading them: the
        score matrix, vocabulary, ids, filter rows and documents stay in the page cache,
        shared by every process that maps the same directory, and are read on demand. Such an
        index still takes updates (its delta segment and tombstones are private) but does
        not compact itself: the next saved index folds the delta in.
        """
        import bm25s

        root = Path(path)
        with open(root / "meta.json", encoding="utf-8") as handle:
            meta = json.load(handle)
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported index format {meta.get('format')!r}")
        index = cls(
            min_delta=meta["min_delta"],
            delta_ratio=meta["delta_ratio"],
            body_words=bool(meta.get("body_words", False)),
        )
        index.mapped = mmap
        seg = Segmenter()
        seg.add_words(meta["domain_words"], freqs=meta["domain_words"])
        index.segmenter = seg
        bm25 = bm25s.BM25.load(str(root / "main"), mmap=mmap, load_vocab=False)
        ids_table = StringTable.open(root / "ids", mapped=mmap)
        alive = np.array(np.load(root / "alive.npy"), dtype=bool)  # private: tombstones change
        offsets = np.load(root / "docs.offsets.npy", mmap_mode="r" if mmap else None)
        n_main = int(meta["main_docs"])

        def decode(data: dict[str, Any]) -> SearchDoc:
            return SearchDoc.from_json(data)

        docs: MappedDocs[SearchDoc] = MappedDocs(
            ids_table,
            root / "docs.jsonl",
            offsets,
            decode,
            gone=[ids_table[int(r)] for r in np.flatnonzero(~alive[:n_main]).tolist()],
        )
        delta_docs = []
        for k in range(len(meta["delta_ids"])):
            start, end = int(offsets[n_main + k]), int(offsets[n_main + k + 1])
            line = docs._blob[start:end]
            delta_docs.append(SearchDoc.from_json(json.loads(line)))
        attr_all = np.load(root / "attr_rows.npy", mmap_mode="r" if mmap else None)
        attr_rows = {
            attr: {value: attr_all[a:b] for value, (a, b) in by_value.items()}
            for attr, by_value in meta["attrs"].items()
        }
        tf = np.load(root / "tf.npy", mmap_mode="r" if mmap else None)
        dl = np.load(root / "dl.npy", mmap_mode="r" if mmap else None)
        idf = np.load(root / "idf.npy", mmap_mode="r" if mmap else None)
        if mmap:
            vocab_table = StringTable.open(root / "vocab", mapped=True)
            bm25.vocab_dict = vocab_table
            main = _MainSegment(bm25, tf, dl, ids_table, rows=ids_table, idf=idf)
            index._docs = docs
            for doc in delta_docs:
                docs[doc.id] = doc
        else:
            # Everything in this process's memory (as every worker held it before format 2).
            vocab_table = StringTable.open(root / "vocab", mapped=False)
            bm25.vocab_dict = dict(vocab_table.items())
            del vocab_table
            main = _MainSegment(bm25, tf, dl, list(ids_table), idf=idf)
            index._docs = dict(docs.items())
            for doc in delta_docs:
                index._docs[doc.id] = doc
        index._install_main(main, alive, attr_rows)
        with open(root / "keywords.json", encoding="utf-8") as handle:
            index._keyword_docs = Counter(json.load(handle))
        for doc in delta_docs:
            tf_doc = doc_terms(seg, doc.title, doc.keywords, doc.text, index.body_words)
            index._delta_tf[doc.id] = tf_doc
            index._delta_dl[doc.id] = sum(tf_doc.values())
            for tok, value in tf_doc.items():
                index._delta_post.setdefault(tok, {})[doc.id] = value
        return index


ProgressCallback = Callable[[int], None]

__all__ = ["BIGRAM", "SearchDoc", "SearchIndex", "SearchResult", "Hit", "doc_terms"]
