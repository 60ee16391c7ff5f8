"""Search index: segmentation, filters, incremental updates, persistence, odd queries."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhuanhua.engines.search.index import SearchDoc, SearchIndex
from zhuanhua.engines.search.text import MAX_QUERY_CHARS, Segmenter, truncate_query

DOCS = [
    SearchDoc(
        "a1",
        "镁基固态储氢材料的制备",
        ["固态储氢", "镁基合金"],
        "研究了镁基合金在固态储氢中的吸放氢性能。",
        "材料科学与工程",
        {"prefecture": "昆明市", "ip_type": "发明专利", "kind": "achievement"},
    ),
    SearchDoc(
        "a2",
        "高压气态储氢罐设计",
        ["气态储氢", "压力容器"],
        "提出一种碳纤维缠绕的高压储氢罐。",
        "机械工程",
        {"prefecture": "曲靖市", "ip_type": "实用新型", "kind": "achievement"},
    ),
    SearchDoc(
        "a3",
        "普洱茶发酵工艺优化",
        ["普洱茶", "微生物发酵"],
        "优化了普洱茶渥堆发酵的温度与湿度。",
        "食品科学与工程",
        {"prefecture": "普洱市", "ip_type": "发明专利", "kind": "achievement"},
    ),
    SearchDoc(
        "a4",
        "石墨烯导热薄膜",
        ["石墨烯", "导热材料"],
        "制备了高导热石墨烯薄膜 <script>alert(1)</script> 用于电子散热。",
        "材料科学与工程",
        {"prefecture": "昆明市", "ip_type": "发明专利", "kind": "achievement"},
    ),
]


@pytest.fixture
def index() -> SearchIndex:
    return SearchIndex.build(DOCS)


def ids(result: object) -> list[str]:
    return [hit.id for hit in result.hits]  # type: ignore[attr-defined]


def test_domain_keyword_stays_one_token() -> None:
    seg = Segmenter()
    assert "固态储氢" not in seg.words("固态储氢")
    seg.add_words(["固态储氢"])
    assert seg.words("镁基固态储氢材料") == ["固态储氢", "材料"]


def test_index_segments_with_its_keywords(index: SearchIndex) -> None:
    assert "固态储氢" in index.segmenter.words("新型固态储氢装置")


def test_fast_route_equals_jieba_without_hmm() -> None:
    seg = Segmenter()
    seg.add_words(["固态储氢", "微生物发酵"])
    text = "镁基固态储氢材料的制备与普洱茶微生物发酵工艺研究结果表明复杂结构"
    assert seg.cut(text) == seg.tokenizer.lcut(text, HMM=False)


def test_keyword_query_finds_document(index: SearchIndex) -> None:
    result = index.search("固态储氢")
    assert ids(result)[0] == "a1"
    assert result.hits[0].matched_terms == ["固态储氢"]


def test_bigrams_match_unseen_words(index: SearchIndex) -> None:
    assert ids(index.search("渥堆"))[0] == "a3"


def test_filters_apply_before_ranking(index: SearchIndex) -> None:
    result = index.search("储氢", filters={"prefecture": "曲靖市"}, limit=1)
    assert ids(result) == ["a2"]
    assert result.total == 1


def test_filter_with_set_of_values(index: SearchIndex) -> None:
    result = index.search("储氢 材料", filters={"prefecture": {"曲靖市", "普洱市"}})
    assert ids(result) == ["a2"]


def test_filter_on_unknown_attribute_matches_nothing(index: SearchIndex) -> None:
    assert index.search("储氢", filters={"colour": "red"}).total == 0


def test_removed_document_never_appears(index: SearchIndex) -> None:
    assert index.remove("a1") is True
    assert "a1" not in ids(index.search("固态储氢", limit=10))
    assert index.remove("a1") is False


def test_upserted_document_is_found_immediately(index: SearchIndex) -> None:
    index.upsert(
        SearchDoc("n1", "钛合金激光焊接", ["激光焊接"], "需要钛合金薄板激光焊接工艺。", "机械工程")
    )
    result = index.search("激光焊接")
    assert ids(result) == ["n1"]
    assert index.stats()["delta_docs"] == 1


def test_edit_changes_what_matches(index: SearchIndex) -> None:
    index.upsert(
        SearchDoc("a3", "云南咖啡烘焙工艺", ["咖啡烘焙"], "研究咖啡豆烘焙曲线。", "食品科学与工程")
    )
    assert "a3" not in ids(index.search("普洱茶"))
    assert ids(index.search("咖啡烘焙")) == ["a3"]


def test_same_content_scores_same_in_delta_and_main(index: SearchIndex) -> None:
    before = index.search("固态储氢").hits[0]
    index.upsert(DOCS[0])
    after = index.search("固态储氢").hits[0]
    assert (after.id, after.score) == (before.id, before.score)


def test_compaction_keeps_results() -> None:
    idx = SearchIndex.build(DOCS, min_delta=1, delta_ratio=0.0)
    idx.upsert(SearchDoc("n1", "钛合金激光焊接", ["激光焊接"], "激光焊接工艺。"))
    idx.upsert(SearchDoc("n2", "茶叶加工机械", ["茶叶机械"], "普洱茶揉捻机。"))
    assert idx.stats()["delta_docs"] == 0
    idx.remove("a2")
    assert idx.stats()["tombstones"] == 1
    idx.compact()
    assert idx.stats()["tombstones"] == 0
    assert ids(idx.search("激光焊接")) == ["n1"]
    assert "a2" not in ids(idx.search("储氢"))


def test_save_load_round_trip(index: SearchIndex, tmp_path: Path) -> None:
    index.upsert(
        SearchDoc("n1", "钛合金激光焊接", ["激光焊接"], "激光焊接工艺。", None, {"kind": "need"})
    )
    index.remove("a2")
    index.save(tmp_path / "ix")
    loaded = SearchIndex.load(tmp_path / "ix")
    for query in ["固态储氢", "激光焊接", "储氢", "普洱茶 发酵"]:
        assert loaded.search(query) == index.search(query)
    assert loaded.search("储氢", filters={"prefecture": "曲靖市"}).total == 0
    assert "固态储氢" in loaded.segmenter.words("固态储氢")


@pytest.mark.parametrize("query", ["", "   ", "，。！？", "🚀🔥😀", "!!!???", "<>&"])
def test_empty_punctuation_and_emoji_queries_return_nothing(index: SearchIndex, query: str) -> None:
    result = index.search(query)
    assert (result.hits, result.total, result.suggestions) == ([], 0, [])


def test_very_long_query_is_truncated(index: SearchIndex) -> None:
    query = "固态储氢" + "无关文字" * 5000
    assert len(truncate_query(query)) <= MAX_QUERY_CHARS
    assert ids(index.search(query))[0] == "a1"


def test_did_you_mean_for_empty_results(index: SearchIndex) -> None:
    result = index.search("石黑烯")
    assert result.total == 0
    assert result.suggestions == ["石墨烯"]


def test_snippet_marks_terms_and_escapes_html(index: SearchIndex) -> None:
    hit = index.search("石墨烯").hits[0]
    assert hit.id == "a4"
    assert "<mark>石墨烯</mark>" in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<script>" not in hit.snippet


def test_offset_pages_through_results(index: SearchIndex) -> None:
    first = index.search("储氢", limit=1)
    second = index.search("储氢", limit=1, offset=1)
    assert first.total == second.total == 2
    assert ids(first) + ids(second) == ["a1", "a2"] or ids(first) + ids(second) == ["a2", "a1"]
    assert ids(first) != ids(second)


def test_single_character_query_matches_titles(index: SearchIndex) -> None:
    assert ids(index.search("茶")) == ["a3"]
