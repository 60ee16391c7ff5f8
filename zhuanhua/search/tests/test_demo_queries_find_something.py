"""Acceptance of issue 22.1 on the demo: the home page's example words and natural two-word
queries from Yunnan's industries, typed into the achievements hall, the needs-hall-like 检索
and the API, each find something — through the search engine's ranking (the hall's keyword
path), not the database's every-word rule."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest
from django.db import transaction

from zhuanhua.ops import demo

# What a visitor from Yunnan types (issue 22: tea, rare earths, tin, medicinal herbs, coffee,
# flowers, rubber, landslides, hydropower …), as two words where people write two.
NATURAL_QUERIES = (
    "茶叶 种植",
    "普洱茶 加工",
    "咖啡 加工",
    "鲜花 保鲜",
    "核桃 加工",
    "马铃薯 种植",
    "三七 提取",
    "天麻 种植",
    "中药材 种植",
    "稀土 材料",
    "锡 冶炼",
    "铝 合金",
    "储氢 材料",
    "水电 站",
    "光伏 发电",
    "橡胶",
    "烟草 种植",
    "滑坡 监测",
    "地质灾害 预警",
    "污水 处理",
    "智慧 农业",
)


@pytest.fixture(scope="module")
def full_demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The default demo, loaded once for the module and rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo.load_demo()
        transaction.set_rollback(True)


def hall_count(client: Any, q: str) -> int:
    response = client.get("/achievements/", {"q": q})
    assert response.status_code == 200
    return len(response.context["page"].object_list)


def home_example_words(client: Any) -> list[str]:
    page = client.get("/").content.decode()
    placeholder = re.search(r'id="home-q"[^>]*placeholder="输入关键词，如：([^"]+)"', page)
    assert placeholder is not None
    words = placeholder.group(1).split("、")
    links = [unquote(q) for q in re.findall(r'href="/achievements/\?q=([^"]+)"', page)]
    assert links == words
    return words


@pytest.mark.django_db
def test_home_page_example_words_find_something_in_the_ranked_hall(
    full_demo: Any, client: Any
) -> None:
    words = home_example_words(client)
    assert len(words) >= 4
    assert [w for w in words if not hall_count(client, w)] == []


@pytest.mark.django_db
def test_natural_queries_find_something_in_hall_search_and_api(full_demo: Any, client: Any) -> None:
    missed = [q for q in NATURAL_QUERIES if not hall_count(client, q)]
    assert missed == []
    for q in NATURAL_QUERIES[:5]:
        api = client.get("/api/achievements/", {"q": q}).json()
        assert api["count"] > 0, q
        page = client.get("/search/", {"q": q, "kind": "achievement"})
        assert page.context["sections"][0]["hits"], q
