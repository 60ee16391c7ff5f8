"""The vectorised build gives exactly the index (and so the ranking) of the plain one.

The reference here is the build as it was before the fast path: :func:`doc_terms` per
document, a vocabulary in order of first occurrence and a stable sort into CSC columns,
scored with bm25s' Lucene formulas. The fast build must hold the same postings, term
frequencies, document lengths and scores for every token, and rank every query the same.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import pytest

from zhuanhua.engines.search.index import (
    K1,
    B,
    SearchDoc,
    SearchIndex,
    _lucene_idf,
    _token_strings,
    _tokenize_chunk,
    doc_terms,
)
from zhuanhua.engines.search.text import Segmenter

PHRASES = [
    "镁基固态储氢材料",
    "高压气态储氢罐",
    "普洱茶渥堆发酵",
    "石墨烯导热薄膜",
    "微生物发酵工艺",
    "锂离子电池正极",
    "基于深度学习的图像识别",
    "的了和与",  # stopwords and stop characters
    "㐀㐁㐂研究",  # CJK extension A
    "5G通信基站",
    "ＬＹＡＰＵＮＯＶ稳定性",  # full-width Latin
    "lyapunov function",
    "c++ 与 node.js 接口",
    "🚀🔥火箭发动机",
    "！？。，；",
    "茶",
    "",
]
KEYWORDS = [
    "固态储氢",
    "镁基合金",
    "普洱茶",
    "石墨烯",
    "导热材料",
    "深度学习",
    "5G",
    "锂电池",
    "茶",
]


def corpus(n: int = 240, seed: int = 11) -> list[SearchDoc]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        title = "".join(rng.sample(PHRASES, rng.randint(1, 3)))
        text = "。".join(rng.choice(PHRASES) for _ in range(rng.randint(0, 6)))
        docs.append(
            SearchDoc(
                id=f"d{i:04d}",
                title=title,
                keywords=rng.sample(KEYWORDS, rng.randint(0, 4)),
                text=text,
                field=rng.choice(["材料", "食品", "信息"]),
                attrs={"prefecture": rng.choice(["昆明市", "普洱市"])},
            )
        )
    docs.append(SearchDoc(id="empty", title="", keywords=[], text=""))
    return docs


def segmenter_for(docs: Sequence[SearchDoc]) -> Segmenter:
    seg = Segmenter()
    seg.add_words(kw for doc in docs for kw in doc.keywords)
    return seg


@pytest.mark.parametrize("body_words", [False, True])
def test_chunk_tokeniser_equals_doc_terms(body_words: bool) -> None:
    docs = corpus()
    seg = segmenter_for(docs)
    chunk = _tokenize_chunk(
        [(d.title, list(d.keywords), d.text) for d in docs], seg, body_words, cache={}
    )
    tokens = _token_strings(chunk.keys, chunk.words)
    start = 0
    for row, doc in enumerate(docs):
        end = start + int(chunk.nnz[row])
        got = {
            tokens[c]: float(t)
            for c, t in zip(chunk.cols[start:end], chunk.tf[start:end], strict=True)
        }
        want = doc_terms(seg, doc.title, doc.keywords, doc.text, body_words)
        assert got == want, doc.id
        assert float(chunk.dl[row]) == np.float32(sum(want.values()))
        start = end
    assert start == len(chunk.cols)


def reference_postings(
    docs: Sequence[SearchDoc], body_words: bool
) -> tuple[dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]], np.ndarray]:
    """token → (rows, tf, score) and the document lengths, built the plain way."""
    from bm25s.scoring import _score_tfc_lucene

    seg = segmenter_for(docs)
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    tfs: list[float] = []
    dls: list[float] = []
    for row, doc in enumerate(docs):
        tf = doc_terms(seg, doc.title, doc.keywords, doc.text, body_words)
        for tok, value in tf.items():
            rows.append(row)
            cols.append(vocab.setdefault(tok, len(vocab)))
            tfs.append(value)
        dls.append(sum(tf.values()))
    r = np.asarray(rows, dtype=np.int32)
    c = np.asarray(cols, dtype=np.int32)
    t = np.asarray(tfs, dtype=np.float32)
    dl = np.asarray(dls, dtype=np.float32)
    order = np.argsort(c, kind="stable")
    r, c, t = r[order], c[order], t[order]
    idf = _lucene_idf(np.bincount(c, minlength=len(vocab)), len(docs))
    data = (idf[c] * _score_tfc_lucene(t, dl[r], float(dl.mean()), K1, B)).astype(np.float32)
    out = {}
    for tok, j in vocab.items():
        sel = c == j
        out[tok] = (r[sel], t[sel], data[sel])
    return out, dl


QUERIES = [
    "固态储氢",
    "储氢材料 石墨烯",
    "普洱茶发酵",
    "茶",
    "深度学习图像",
    "lyapunov",
    "5g 基站",
    "c++",
    "㐀㐁",
    "导热",
    "锂离子电池正极材料的制备",
]


@pytest.mark.parametrize(("body_words", "workers"), [(False, 1), (True, 1), (False, 2)])
def test_fast_build_gives_the_reference_index_and_ranking(body_words: bool, workers: int) -> None:
    docs = corpus()
    index = SearchIndex.build(docs, workers=workers, body_words=body_words)
    main = index._main
    ref, ref_dl = reference_postings(docs, body_words)
    assert set(main.vocab) == set(ref)
    assert np.array_equal(main.dl, ref_dl)
    for tok, (rows, tf, data) in ref.items():
        j = main.vocab[tok]
        s, e = main.indptr[j], main.indptr[j + 1]
        assert np.array_equal(main.indices[s:e], rows), tok
        assert np.array_equal(main.tf[s:e], tf), tok
        assert np.array_equal(main.data[s:e], data), tok

    for query in QUERIES:
        weighted, _, _ = index.query_terms(query)
        scores = np.zeros(len(docs), dtype=np.float32)
        for tok, weight in weighted.items():
            if tok in ref:
                rows, _, data = ref[tok]
                scores[rows] += weight * data
        hits = np.flatnonzero(scores > 0)
        want = sorted(((docs[r].id, float(scores[r])) for r in hits), key=lambda x: (-x[1], x[0]))
        got, total = index.score(query, limit=len(docs))
        assert total == len(want), query
        assert got == want, query


def test_compaction_of_an_unchanged_index_reproduces_it() -> None:
    index = SearchIndex.build(corpus())
    before = index._main
    index.compact()
    after = index._main
    assert after.vocab == before.vocab
    for name in ("indptr", "indices", "data", "tf", "dl"):
        assert np.array_equal(getattr(after, name), getattr(before, name)), name
