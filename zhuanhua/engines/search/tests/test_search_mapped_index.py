"""A saved index loaded memory-mapped answers exactly as the index it was saved from, takes
updates privately, and shares the saved files (nothing of the main segment is copied)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zhuanhua.engines.search.index import SearchDoc, SearchIndex
from zhuanhua.engines.search.store import MappedDocs, StringTable, memory_of

PLACES = ["昆明市", "曲靖市", "普洱市", "保山市"]
TOPICS = [
    ("普洱茶发酵工艺", ["普洱茶", "微生物发酵"], "优化了普洱茶渥堆发酵的温度与湿度。"),
    ("镁基固态储氢材料", ["固态储氢", "镁基合金"], "镁基合金在固态储氢中的吸放氢性能。"),
    ("锡基焊料的制备", ["锡基材料", "无铅焊料"], "一种锡银铜无铅焊料及其冶炼方法。"),
    ("三七皂苷提取方法", ["三七", "皂苷提取"], "从三七主根中提取总皂苷的工艺。"),
    ("滑坡监测预警系统", ["滑坡监测", "地质灾害"], "基于北斗的滑坡位移实时监测。"),
]


def _docs() -> list[SearchDoc]:
    out: list[SearchDoc] = []
    for i in range(60):
        title, keywords, text = TOPICS[i % len(TOPICS)]
        out.append(
            SearchDoc(
                f"a{i}",
                f"{title}（{i}）",
                keywords,
                text * (1 + i % 3),
                "field" + str(i % 3),
                {"prefecture": PLACES[i % len(PLACES)], "kind": "achievement"},
            )
        )
    return out


QUERIES = ["普洱茶 发酵", "固态储氢", "锡基材料", "三七 提取", "滑坡 监测", '"无铅焊料"', "石黑烯"]


def _answers(index: SearchIndex) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for q in QUERIES:
        for filters in (None, {"prefecture": "曲靖市"}, {"prefecture": ["普洱市", "保山市"]}):
            r = index.search(q, filters=filters, limit=7, offset=1)
            out.append((q, str(filters), r.total, r.hits, r.suggestions))
    return out


@pytest.fixture
def saved(tmp_path: Path) -> tuple[SearchIndex, Path]:
    index = SearchIndex.build(_docs())
    index.upsert(
        SearchDoc("a3", "锡冶炼烟气回收", ["锡冶炼"], "锡冶炼烟气中回收二氧化硫。", None, {})
    )
    index.remove("a7")
    index.save(tmp_path / "ix")
    return index, tmp_path / "ix"


def test_mapped_and_in_memory_loads_answer_as_the_saved_index(
    saved: tuple[SearchIndex, Path],
) -> None:
    index, path = saved
    mapped = SearchIndex.load(path, mmap=True)
    copied = SearchIndex.load(path)
    assert mapped.mapped
    assert not copied.mapped
    assert _answers(mapped) == _answers(index) == _answers(copied)
    assert len(mapped) == len(index) == len(copied)
    assert "a7" not in mapped
    assert mapped.get("a3") == index.get("a3")
    assert sorted(d.id for d in mapped.docs()) == sorted(d.id for d in index.docs())


def test_the_main_segment_is_mapped_not_copied(saved: tuple[SearchIndex, Path]) -> None:
    _, path = saved
    mapped = SearchIndex.load(path, mmap=True)
    main = mapped._main
    for array in (main.data, main.indices, main.indptr, main.tf, main.dl, main.idf):
        assert isinstance(array, np.memmap) or isinstance(array.base, np.memmap)
    assert isinstance(main.vocab, StringTable)
    assert isinstance(main.vocab.blob, np.memmap)
    assert isinstance(mapped._docs, MappedDocs)


def test_updates_to_a_mapped_index_are_private_and_immediate(
    saved: tuple[SearchIndex, Path],
) -> None:
    _, path = saved
    mapped = SearchIndex.load(path, mmap=True)
    other = SearchIndex.load(path, mmap=True)
    mapped.upsert(SearchDoc("n1", "咖啡鲜果湿法加工", ["咖啡加工"], "小粒咖啡湿法加工。", None, {}))
    mapped.upsert(SearchDoc("a0", "鲜切花保鲜技术", ["鲜花保鲜"], "玫瑰鲜切花冷链保鲜。", None, {}))
    mapped.remove("a1")
    assert [h.id for h in mapped.search("咖啡 加工").hits] == ["n1"]
    assert [h.id for h in mapped.search("鲜花 保鲜").hits] == ["a0"]
    assert "a0" not in {h.id for h in mapped.search("普洱茶 发酵", limit=100).hits}
    assert "a1" not in {h.id for h in mapped.search("固态储氢", limit=100).hits}
    # the files (and another process mapping them) are untouched
    assert other.search("咖啡 加工").total == 0
    assert "a1" in {h.id for h in other.search("固态储氢", limit=100).hits}
    # a mapped index never compacts itself (that would copy the main segment)
    mapped.min_delta = 0
    mapped.upsert(SearchDoc("n2", "橡胶树割胶", ["橡胶"], "天然橡胶割胶技术。", None, {}))
    assert mapped.stats()["delta_docs"] >= 3


def test_a_mapped_index_saves_and_compacts_like_any_other(
    saved: tuple[SearchIndex, Path], tmp_path: Path
) -> None:
    index, path = saved
    mapped = SearchIndex.load(path, mmap=True)
    mapped.save(tmp_path / "again")
    again = SearchIndex.load(tmp_path / "again", mmap=True)
    assert _answers(again) == _answers(index)
    mapped.compact()
    index.compact()
    assert mapped.stats()["delta_docs"] == 0
    assert _answers(mapped) == _answers(index)
    assert mapped.search("锡冶炼").hits[0].id == "a3"


def test_the_score_matrix_is_bm25s_own_files(saved: tuple[SearchIndex, Path]) -> None:
    import bm25s

    _, path = saved
    bm25 = bm25s.BM25.load(str(path / "main"), mmap=True)
    assert bm25.scores["num_docs"] == 60
    assert isinstance(bm25.scores["data"], np.memmap)


def test_string_table_finds_every_string_and_nothing_else() -> None:
    words = ["储氢", "b储氢", "", "锡", "普洱茶", "x" * 300] + [f"词{i}" for i in range(500)]
    table = StringTable.from_strings(words)
    assert [table.get(w) for w in words] == list(range(len(words)))
    assert [table[i] for i in range(len(words))] == words
    assert table.get("不存在") is None
    assert "不存在" not in table


def test_memory_figures_of_this_process() -> None:
    figures = memory_of()
    assert figures["rss"] > 10
    if "pss" in figures:
        assert 0 < figures["uss"] <= figures["pss"] <= figures["rss"] + 1
