"""Issue 22.1 (rest): the needs hall's keyword box, /api/needs/?q= and /api/achievements/?q=
answer as the achievements hall and 检索 do — ranked by the engine, tolerant of how people
write, quoted phrases exact, filters applied to the ranking, close words when empty."""

from __future__ import annotations

from typing import Any

import pytest

from zhuanhua.needs.selectors import NEED_RANKERS, NeedQuery, need_hall_ranked
from zhuanhua.needs.services import need_create, need_transition
from zhuanhua.search.tests.test_one_search_behaviour import corpus, hall_ids, publish, search_ids

pytestmark = pytest.mark.django_db

__all__ = ["corpus", "publish"]  # fixtures shared with the hall's tests


@pytest.fixture
def needs(enterprise_user: Any, need_data: dict[str, Any]) -> dict[str, Any]:
    def make(title: str, description: str, keywords: list[str], **extra: Any) -> Any:
        data = {**need_data, "title": title, "description": description, "keywords": keywords}
        data.update(extra)
        need = need_create(user=enterprise_user, data=data)
        return need_transition(user=enterprise_user, need=need, action="publish")

    return {
        "lithium": make(
            "锂离子电池回收技术需求", "退役锂离子电池的正极材料再生。", ["锂离子电池", "回收"]
        ),
        "image": make(
            "茶叶品质图像自动识别",
            "用图像对茶叶外形进行自动分级识别。",
            ["图像", "茶叶分级"],
            prefecture="530800",
            industry_field="modern_agriculture",
        ),
        "coffee": make(
            "小粒咖啡鲜果湿法加工设备",
            "需要节水的咖啡湿法加工与发酵设备。",
            ["咖啡加工", "发酵"],
            prefecture="530800",
            fee_model="staged",
        ),
    }


def need_hall_ids(client: Any, **params: Any) -> list[int]:
    response = client.get("/needs/", params)
    assert response.status_code == 200
    return [n.pk for n in response.context["page"].object_list]


def need_search_ids(client: Any, **params: Any) -> list[int]:
    response = client.get("/search/", {"kind": "need", **params})
    assert response.status_code == 200
    (section,) = response.context["sections"]
    return [hit.object.pk for hit in section["hits"]]


def api_ids(client: Any, path: str, **params: Any) -> list[int]:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def test_the_search_app_registers_the_need_ranker() -> None:
    assert len(NEED_RANKERS) == 1


def test_needs_hall_finds_the_long_form_and_words_apart(client: Any, needs: Any) -> None:
    assert need_hall_ids(client, q="锂电池") == [needs["lithium"].pk]
    assert need_hall_ids(client, q="图像识别") == [needs["image"].pk]
    assert need_hall_ids(client, q="咖啡 加工") == [needs["coffee"].pk]


@pytest.mark.parametrize("q", ["锂电池", "图像识别", "咖啡 加工", "发酵", "茶叶"])
def test_needs_hall_api_and_search_give_the_same_ranked_ids(
    client: Any, needs: Any, q: str
) -> None:
    ids = need_hall_ids(client, q=q)
    assert ids
    assert need_search_ids(client, q=q) == ids
    assert api_ids(client, "/api/needs/", q=q) == ids


def test_needs_filters_apply_to_the_ranking(client: Any, needs: Any) -> None:
    coffee = needs["coffee"].pk
    assert need_hall_ids(client, q="发酵", prefecture="530800") == [coffee]
    assert need_hall_ids(client, q="发酵", fee_model="staged") == [coffee]
    assert need_hall_ids(client, q="发酵", fee_model="royalty") == []
    assert api_ids(client, "/api/needs/", q="图像识别", industry_field="modern_agriculture") == [
        needs["image"].pk
    ]
    assert api_ids(client, "/api/needs/", q="图像识别", industry_field="new_energy") == []


def test_needs_quoted_phrase_is_exact(client: Any, needs: Any) -> None:
    assert need_hall_ids(client, q='"湿法加工"') == [needs["coffee"].pk]
    assert need_hall_ids(client, q='"锂电池"') == []
    assert api_ids(client, "/api/needs/", q="“锂电池”") == []


def test_needs_hall_suggests_close_words_and_the_keyword_alone(client: Any, needs: Any) -> None:
    response = client.get("/needs/", {"q": "发孝"})
    assert need_hall_ids(client, q="发孝") == []
    assert response.context["suggestions"] == ["发酵"]
    assert 'data-testid="need-suggestions"' in response.content.decode()
    response = client.get("/needs/", {"q": "咖啡 加工", "fee_model": "royalty"})
    assert response.context["broader"]
    assert 'data-testid="need-broader"' in response.content.decode()


def test_needs_chosen_sort_orders_the_matches(client: Any, needs: Any) -> None:
    ids = need_hall_ids(client, q="发酵 图像 锂电池", sort="title")
    assert set(ids) == {n.pk for n in needs.values()}
    titles = sorted(needs.values(), key=lambda n: (n.title, n.pk))
    assert ids == [n.pk for n in titles]


def test_needs_without_keyword_use_the_database(client: Any, needs: Any) -> None:
    assert need_hall_ranked(NeedQuery()) is None
    assert len(need_hall_ids(client)) == 3


def test_achievements_api_answers_like_the_hall(client: Any, corpus: Any) -> None:
    for q in ["锂电池", "图像识别", "普洱茶 发酵", '"图像识别"']:
        ids = hall_ids(client, q=q)
        assert api_ids(client, "/api/achievements/", q=q) == ids
        assert search_ids(client, q=q) == ids
    assert api_ids(client, "/api/achievements/", q="锂电池") == [corpus["lithium"].pk]
    assert api_ids(client, "/api/achievements/", q="图像识别", prefecture="530800") == [
        corpus["image_exact"].pk
    ]
    assert api_ids(client, "/api/achievements/", q='"锂电池"') == []


def test_achievements_api_pages_through_the_ranking(client: Any, corpus: Any) -> None:
    ranked = hall_ids(client, q="图像识别")
    first = client.get("/api/achievements/", {"q": "图像识别", "limit": 1}).json()
    second = client.get("/api/achievements/", {"q": "图像识别", "limit": 1, "offset": 1}).json()
    assert first["count"] == second["count"] == len(ranked) == 2
    assert [first["items"][0]["id"], second["items"][0]["id"]] == ranked
    by_title = api_ids(client, "/api/achievements/", q="图像识别", sort="title")
    assert sorted(by_title) == sorted(ranked)
