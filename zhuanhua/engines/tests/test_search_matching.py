"""Field classifier, keyword expansion and the matcher with reasons."""

from __future__ import annotations

from pathlib import Path

from zhuanhua.engines.search.classifier import FieldClassifier
from zhuanhua.engines.search.dense import DenseRetriever, reciprocal_rank_fusion
from zhuanhua.engines.search.expansion import KeywordCooccurrence
from zhuanhua.engines.search.index import SearchDoc, SearchIndex
from zhuanhua.engines.search.matcher import Matcher

TRAIN = [
    ("水稻品种选育与栽培", "农学"),
    ("玉米病虫害绿色防控", "农学"),
    ("小麦抗旱品种田间试验", "农学"),
    ("茶园土壤施肥管理", "农学"),
    ("锂电池正极材料制备", "材料"),
    ("石墨烯复合材料导热性能", "材料"),
    ("高强度铝合金热处理", "材料"),
    ("陶瓷涂层耐腐蚀性能", "材料"),
]


def test_classifier_learns_field_on_tiny_set(tmp_path: Path) -> None:
    clf = FieldClassifier.train(TRAIN, model="logreg")
    assert clf.predict("水稻病虫害防控") == "农学"
    assert clf.predict("铝合金复合材料") == "材料"
    clf.save(tmp_path / "clf.pkl")
    loaded = FieldClassifier.load(tmp_path / "clf.pkl")
    assert loaded.predict("玉米栽培") == "农学"
    assert abs(sum(loaded.predict_proba("玉米栽培").values()) - 1.0) < 1e-6


def test_naive_bayes_classifier_learns_field() -> None:
    clf = FieldClassifier.train(TRAIN, model="nb")
    assert clf.predict("小麦品种") == "农学"


def test_cooccurrence_expands_known_keyword() -> None:
    cooc = KeywordCooccurrence.from_keyword_lists(
        [["普洱茶", "发酵"], ["普洱茶", "发酵", "微生物"], ["普洱茶", "品质"], ["锂电池", "正极"]]
    )
    assert [kw for kw, _ in cooc.expand("普洱茶")] == ["发酵"]
    assert cooc.expand("锂电池") == []


def test_rrf_fuses_rankings() -> None:
    assert reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]])[:2] == ["a", "b"]


def test_dense_retriever_skipped_when_not_configured(monkeypatch: object) -> None:
    monkeypatch.delenv("ZHUANHUA_EMBEDDING_MODEL_DIR", raising=False)  # type: ignore[attr-defined]
    assert DenseRetriever.from_env() is None


def corpus() -> list[SearchDoc]:
    return [
        SearchDoc(
            "a1",
            "普洱茶发酵工艺",
            ["普洱茶", "发酵"],
            "优化普洱茶渥堆发酵。",
            "农学",
            {"kind": "achievement", "prefecture": "普洱市", "fee_model": "许可"},
        ),
        SearchDoc(
            "a2",
            "茶叶采摘机械",
            ["茶叶", "采摘机"],
            "一种茶叶采摘机。",
            "机械",
            {"kind": "achievement", "prefecture": "昆明市", "fee_model": "转让"},
        ),
        SearchDoc(
            "a3",
            "水稻育种",
            ["水稻"],
            "水稻品种选育。",
            "农学",
            {"kind": "achievement", "prefecture": "普洱市", "fee_model": "许可"},
        ),
        SearchDoc(
            "n1",
            "求普洱茶发酵技术",
            ["普洱茶", "发酵"],
            "企业需要提升普洱茶发酵品质。",
            "农学",
            {"kind": "need", "prefecture": "普洱市", "fee_model": "许可,作价投资"},
        ),
    ]


def test_matcher_finds_achievements_for_need_with_reasons() -> None:
    index = SearchIndex.build(corpus())
    matcher = Matcher(
        index, cooccurrence=KeywordCooccurrence.from_keyword_lists(d.keywords for d in corpus())
    )
    matches = matcher.achievements_for_need(index.get("n1"))  # type: ignore[arg-type]
    assert matches[0].id == "a1"
    assert "n1" not in [m.id for m in matches]
    assert matches[0].reasons == [
        "共同术语：普洱茶发酵",
        "同属领域：农学",
        "同在普洱市",
        "收费方式相符：许可",
    ]


def test_matcher_finds_needs_for_achievement() -> None:
    index = SearchIndex.build(corpus())
    matcher = Matcher(index)
    matches = matcher.needs_for_achievement(index.get("a1"))  # type: ignore[arg-type]
    assert [m.id for m in matches] == ["n1"]


def test_field_rerank_prefers_predicted_field() -> None:
    docs = [
        SearchDoc("x1", "茶叶机械设计", ["茶叶"], "茶叶加工机械结构设计。", "机械"),
        SearchDoc("x2", "茶叶品质分析", ["茶叶"], "茶叶加工中的品质变化。", "农学"),
    ]
    index = SearchIndex.build(docs)
    matcher = Matcher(index, field_weight=8.0)
    assert [d for d, _ in matcher.rank("茶叶加工", query_field="农学")][0] == "x2"
    assert [d for d, _ in matcher.rank("茶叶加工", query_field="机械")][0] == "x1"
