"""Issue 22.1: the hall's keyword box and 检索 answer the same way — ranked by the engine,
tolerant of how people write, the hall's filters applied to the ranking, quotes for an exact
phrase, close words and a broader link when nothing is found."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.selectors import HALL_RANKERS, HallQuery, achievement_hall_ranked
from zhuanhua.achievements.services import achievement_create, achievement_transition

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


@pytest.fixture
def publish(manager_a: Any, reviewer: Any, achievement_data: dict[str, Any]) -> Any:
    def make(
        title: str, summary: str, keywords: list[str], manager: Any = None, **extra: Any
    ) -> Any:
        manager = manager or manager_a
        data = {
            **achievement_data,
            "title": title,
            "summary": summary,
            "keywords": keywords,
            "ip_number": f"ZL2021100{next(_numbers):05d}.1",
            **extra,
        }
        a = achievement_create(
            user=manager, data=data, completers=[{"name": "张三", "employer": "云南大学"}]
        )
        achievement_transition(user=manager, achievement=a, action="submit")
        return achievement_transition(user=reviewer, achievement=a, action="publish")

    return make


@pytest.fixture
def corpus(publish: Any, make_org: Any, make_user: Any) -> dict[str, Any]:
    puer = make_org(name="普洱学院（测试）", org_type="university", prefecture="530800")
    manager_p = make_user("manager_puer", puer, ["achievement_manager"])
    return {
        "lithium": publish(
            "高能量密度锂离子电池正极材料",
            "一种层状氧化物正极，提高锂离子电池的循环寿命。",
            ["锂离子电池", "正极材料"],
        ),
        "image": publish(
            "基于深度学习的图像目标识别方法",
            "卷积神经网络对遥感图像中的目标进行识别。",
            ["深度学习", "目标检测"],
            industry_field="electronic_information",
        ),
        "image_exact": publish(
            "茶园病虫害图像识别系统",
            "用手机拍摄叶片，图像识别病虫害种类。",
            ["图像识别", "茶园"],
            manager=manager_p,
            industry_field="electronic_information",
        ),
        "tea": publish(
            "普洱茶渥堆发酵工艺",
            "控制渥堆温度与湿度，缩短发酵周期。",
            ["普洱茶", "发酵"],
            manager=manager_p,
            industry_field="modern_agriculture",
        ),
    }


def hall_ids(client: Any, **params: Any) -> list[int]:
    response = client.get("/achievements/", params)
    assert response.status_code == 200
    return [card.id for card in response.context["page"].object_list]


def search_ids(client: Any, **params: Any) -> list[int]:
    response = client.get("/search/", {"kind": "achievement", **params})
    assert response.status_code == 200
    (section,) = response.context["sections"]
    return [hit.object.pk for hit in section["hits"]]


def test_the_search_app_registers_the_hall_ranker() -> None:
    assert len(HALL_RANKERS) == 1


def test_short_form_finds_the_long_form_in_hall_and_search(client: Any, corpus: Any) -> None:
    lithium = corpus["lithium"].pk
    assert hall_ids(client, q="锂电池") == [lithium]
    assert search_ids(client, q="锂电池") == [lithium]


def test_words_apart_are_found_in_hall_and_search(client: Any, corpus: Any) -> None:
    ids = hall_ids(client, q="图像识别")
    assert ids[0] == corpus["image_exact"].pk
    assert set(ids) == {corpus["image_exact"].pk, corpus["image"].pk}
    assert search_ids(client, q="图像识别") == ids


@pytest.mark.parametrize("q", ["锂电池", "图像识别", "普洱茶 发酵", "深度学习 图像", "茶"])
def test_hall_and_search_give_the_same_ranked_ids(client: Any, corpus: Any, q: str) -> None:
    ids = hall_ids(client, q=q)
    assert ids
    assert search_ids(client, q=q) == ids


def test_filters_apply_to_the_ranked_results(client: Any, corpus: Any) -> None:
    image_exact = corpus["image_exact"].pk
    assert hall_ids(client, q="图像识别", prefecture="530800") == [image_exact]
    assert search_ids(client, q="图像识别", prefecture="530800") == [image_exact]
    assert hall_ids(client, q="图像识别", prefecture="530100") == [corpus["image"].pk]
    assert hall_ids(client, q="图像识别", industry_field="modern_agriculture") == []
    assert hall_ids(client, q="图像识别", trl_min=7) == []


def test_chosen_sort_orders_the_matches_not_the_whole_registry(client: Any, corpus: Any) -> None:
    ids = hall_ids(client, q="图像识别", sort="title")
    titles = list(
        Achievement.objects.filter(pk__in=ids).order_by("title").values_list("id", flat=True)
    )
    assert ids == titles
    assert set(ids) == {corpus["image"].pk, corpus["image_exact"].pk}


def test_without_keyword_the_database_path_serves_newest_first(client: Any, corpus: Any) -> None:
    expected = list(
        Achievement.objects.order_by("-published_at", "-id").values_list("id", flat=True)
    )
    assert hall_ids(client) == expected
    assert achievement_hall_ranked(HallQuery(), 1000) is None


@pytest.mark.parametrize("quoted", ['"图像识别"', "“图像识别”", "「图像识别」"])
def test_quoted_phrase_is_exact_in_hall_and_search(client: Any, corpus: Any, quoted: str) -> None:
    assert hall_ids(client, q=quoted) == [corpus["image_exact"].pk]
    assert search_ids(client, q=quoted) == [corpus["image_exact"].pk]


def test_quoted_phrase_nowhere_finds_nothing(client: Any, corpus: Any) -> None:
    assert hall_ids(client, q='"锂电池"') == []
    assert search_ids(client, q='"锂电池"') == []


def test_nothing_under_filters_links_to_the_keyword_alone(client: Any, corpus: Any) -> None:
    response = client.get("/achievements/", {"q": "粳稻"})
    assert list(response.context["page"].object_list) == []
    assert response.context["suggestions"] == []
    response = client.get("/achievements/", {"q": "普洱茶 发酵", "industry_field": "new_energy"})
    assert list(response.context["page"].object_list) == []
    assert response.context["broader"] == "q=%E6%99%AE%E6%B4%B1%E8%8C%B6+%E5%8F%91%E9%85%B5"
    assert 'data-testid="hall-broader"' in response.content.decode()
    assert hall_ids(client, q="普洱茶 发酵") == [corpus["tea"].pk]


def test_a_miswritten_word_suggests_the_registry_keyword(client: Any, corpus: Any) -> None:
    response = client.get("/achievements/", {"q": "发孝"})
    assert list(response.context["page"].object_list) == []
    assert response.context["suggestions"] == ["发酵"]
    assert 'href="?q=%E5%8F%91%E9%85%B5"' in response.content.decode()


def test_hall_without_a_ranker_uses_the_database_keyword_rule(
    client: Any, corpus: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("zhuanhua.achievements.selectors.HALL_RANKERS", [])
    assert hall_ids(client, q="锂电池") == []
    assert hall_ids(client, q="锂离子电池") == [corpus["lithium"].pk]


def test_ranked_count_says_more_when_the_engine_matched_more(
    client: Any, corpus: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("zhuanhua.achievements.views.RANKED_CAP", 1)
    response = client.get("/achievements/", {"q": "图像识别"})
    assert [c.id for c in response.context["page"].object_list] == [corpus["image_exact"].pk]
    assert 'data-testid="hall-count">1+<' in response.content.decode()
