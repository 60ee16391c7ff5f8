"""Field re-rank over several labels: a patent's IPC subclasses and classes, a discipline and its
category (matcher.field_probability)."""

from __future__ import annotations

from zhuanhua.engines.search.index import SearchDoc, SearchIndex
from zhuanhua.engines.search.matcher import Matcher, field_probability

PROBS = {"G06F": 0.5, "G06": 0.7, "H02J": 0.2, "H02": 0.2}


def test_a_single_field_reads_its_own_probability() -> None:
    assert field_probability(PROBS, "G06F") == 0.5
    assert field_probability(PROBS, "A01G") == 0.0


def test_several_labels_add_up_once_each() -> None:
    assert field_probability(PROBS, "G06F|G06") == 1.2
    assert field_probability(PROBS, "G06F|H02J|G06|G06") == 0.5 + 0.2 + 0.7


def test_rerank_prefers_the_document_in_the_query_s_class() -> None:
    index = SearchIndex.build(
        [
            SearchDoc("p1", "一种数据处理装置", [], "", "H02J|H02", {}),
            SearchDoc("p2", "一种数据处理方法", [], "", "G06F|G06", {}),
        ]
    )
    matcher = Matcher(index, None, field_weight=1.0)
    ranked = [i for i, _ in matcher.rank("数据处理装置", field_probs=PROBS)]
    assert ranked == ["p2", "p1"]
    matcher.field_weight = 0.0
    assert [i for i, _ in matcher.rank("数据处理装置", field_probs=PROBS)] == ["p1", "p2"]


def test_neighbour_votes_share_the_best_candidates_scores_among_their_labels() -> None:
    index = SearchIndex.build(
        [
            SearchDoc("p1", "一种数据处理装置", [], "", "H02J|H02", {}),
            SearchDoc("p2", "一种数据处理方法", [], "", "G06F|G06", {}),
        ]
    )
    matcher = Matcher(index, None, neighbour_weight=0.5)
    votes = matcher._with_neighbour_votes({"G06F": 1.0}, [("p1", 1.0), ("p2", 1.0)])
    assert votes == {"G06F": 0.75, "G06": 0.25, "H02J": 0.25, "H02": 0.25}


def test_neighbour_votes_lift_the_field_of_the_best_candidates() -> None:
    index = SearchIndex.build(
        [
            SearchDoc("p1", "一种数据处理装置", [], "", "H02J|H02", {}),
            SearchDoc("p2", "数据处理装置的控制方法", [], "", "G06F|G06", {}),
            SearchDoc("p3", "数据处理装置的存储方法", [], "", "G06F|G06", {}),
            SearchDoc("p4", "数据处理装置的显示方法", [], "", "G06F|G06", {}),
        ]
    )
    matcher = Matcher(index, None, field_weight=8.0)
    assert [i for i, _ in matcher.rank("数据处理装置", field_probs={})][0] == "p1"
    matcher.neighbour_weight = 1.0
    ranked = [i for i, _ in matcher.rank("数据处理装置", field_probs={})]
    assert ranked[0] != "p1"
    assert ranked[-1] == "p1"
