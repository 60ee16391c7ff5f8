"""How people write: loose queries find differently written words; quotes ask for the exact phrase."""

from __future__ import annotations

import pytest

from zhuanhua.engines.search.index import SearchDoc, SearchIndex
from zhuanhua.engines.search.text import contains_phrases, quoted_phrases

DOCS = [
    SearchDoc("a1", "高能量密度锂离子电池正极材料", ["锂离子电池"], "层状正极。", "材料", {}),
    SearchDoc("a2", "基于深度学习的图像目标识别方法", ["深度学习"], "卷积网络。", "信息", {}),
    SearchDoc("a3", "图像识别系统", ["图像识别"], "一种识别装置。", "信息", {"delta": "1"}),
    SearchDoc("a4", "普洱茶渥堆发酵", ["普洱茶"], "控制温湿度。", "农业", {}),
]


@pytest.fixture
def index() -> SearchIndex:
    return SearchIndex.build(DOCS)


def test_quoted_phrases_are_read_from_ascii_chinese_and_corner_quotes() -> None:
    assert quoted_phrases('"图像 识别" 系统 “锂电池”「储氢」') == ["图像识别", "锂电池", "储氢"]
    assert quoted_phrases("图像识别") == []


def test_contains_phrases_ignores_spaces_and_width() -> None:
    assert contains_phrases("ＬＥＤ 图像 识别", ["led图像识别"]) is True
    assert contains_phrases("图像目标识别", ["图像识别"]) is False


def test_short_form_finds_the_long_form(index: SearchIndex) -> None:
    assert [h.id for h in index.search("锂电池").hits] == ["a1"]


def test_words_apart_in_the_document_are_found(index: SearchIndex) -> None:
    ids = [h.id for h in index.search("图像识别").hits]
    assert ids[0] == "a3"
    assert set(ids) == {"a2", "a3"}


def test_quoted_phrase_is_exact(index: SearchIndex) -> None:
    result = index.search('"图像识别"')
    assert [h.id for h in result.hits] == ["a3"]
    assert result.total == 1


def test_quoted_phrase_applies_to_delta_documents(index: SearchIndex) -> None:
    index.upsert(SearchDoc("a5", "遥感图像识别", [], "", "信息", {}))
    index.upsert(SearchDoc("a6", "图像的快速识别", [], "", "信息", {}))
    assert sorted(h.id for h in index.search('"图像识别"').hits) == ["a3", "a5"]


def test_quoted_phrase_nowhere_gives_nothing(index: SearchIndex) -> None:
    result = index.search('"锂电池"')
    assert result.hits == []
    assert result.total == 0
