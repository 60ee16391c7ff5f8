"""The weekly digest (once per organisation and week, Mondays only) and the search pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from zhuanhua.accounts.models import User
from zhuanhua.achievements.services import (
    achievement_create,
    achievement_transition,
    achievement_update,
)
from zhuanhua.notifications.models import Notification
from zhuanhua.search.jobs import TITLE_ENTERPRISE, TITLE_UNIT, match_digest
from zhuanhua.search.models import MatchDigestSent

pytestmark = pytest.mark.django_db


def next_monday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def test_digest_sent_once_per_week(
    published_a: Any,
    published_need: Any,
    enterprise_user: Any,
    manager_a: Any,
) -> None:
    monday = next_monday()
    assert match_digest(monday + dt.timedelta(days=1)) == {"enterprises": 0, "units": 0}
    assert match_digest(monday) == {"enterprises": 1, "units": 1}
    notes = Notification.objects.filter(kind="match_digest")
    ent = notes.get(user=enterprise_user)
    assert ent.title == TITLE_ENTERPRISE.format(n=1)
    assert published_a.title in ent.body
    assert "同属领域：新能源与节能" in ent.body
    assert ent.url == f"/achievements/{published_a.pk}/"
    unit = notes.get(user=manager_a)
    assert unit.title == TITLE_UNIT.format(n=1)
    assert unit.url == f"/needs/{published_need.pk}/"
    assert match_digest(monday) == {"enterprises": 0, "units": 0}
    assert notes.count() == 2
    assert MatchDigestSent.objects.filter(week_on=monday).count() == 2


def test_digest_skips_old_items(published_a: Any, published_need: Any) -> None:
    monday = next_monday() + dt.timedelta(days=14)
    assert match_digest(monday) == {"enterprises": 0, "units": 0}


def test_search_page_highlights_and_escapes(client: Any, published_a: Any, manager_a: Any) -> None:
    achievement_transition(user=manager_a, achievement=published_a, action="delist")
    achievement_update(
        user=manager_a,
        achievement=published_a,
        data={"summary": "<script>alert(1)</script> 固态储氢材料"},
    )

    reviewer = User.objects.get(username="reviewer")
    achievement_transition(user=manager_a, achievement=published_a, action="submit")
    achievement_transition(user=reviewer, achievement=published_a, action="publish")
    html = client.get(reverse("search:search"), {"q": "固态储氢"}).content.decode()
    assert "<mark>固态储氢</mark>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_search_page_did_you_mean(
    client: Any, manager_a: Any, reviewer: Any, achievement_data: dict[str, Any]
) -> None:
    a = achievement_create(
        user=manager_a,
        data={**achievement_data, "keywords": ["石墨烯"]},
        completers=[{"name": "张三"}],
    )
    achievement_transition(user=manager_a, achievement=a, action="submit")
    achievement_transition(user=reviewer, achievement=a, action="publish")
    html = client.get(reverse("search:search"), {"q": "石黑烯"}).content.decode()
    assert 'data-testid="did-you-mean"' in html
    assert "q=%E7%9F%B3%E5%A2%A8%E7%83%AF" in html  # 石墨烯
    html = client.get(reverse("search:search"), {"q": "😀"}).content.decode()
    assert 'data-testid="search-empty"' in html
    assert 'data-testid="did-you-mean"' not in html


def test_achievement_needs_page(
    client: Any, published_a: Any, published_need: Any, draft_a: Any
) -> None:
    html = client.get(reverse("search:achievement_needs", args=[published_a.pk])).content.decode()
    assert published_need.title in html
    assert "同在昆明市" in html


def test_achievement_needs_page_hides_drafts(client: Any, draft_a: Any) -> None:
    assert client.get(reverse("search:achievement_needs", args=[draft_a.pk])).status_code == 404


def test_search_api(client: Any, published_a: Any, published_need: Any) -> None:
    data = client.get("/api/search/", {"q": "固态储氢"}).json()
    assert data["total"] == 1
    assert data["hits"][0]["id"] == published_a.pk
    data = client.get("/api/search/", {"q": "固态储氢", "kind": "need"}).json()
    assert [h["id"] for h in data["hits"]] == [published_need.pk]


def test_search_page_odd_queries(client: Any, published_a: Any) -> None:
    for q in ["", "！？。", "🎉🎉", "固态储氢" * 3000]:
        response = client.get(reverse("search:search"), {"q": q})
        assert response.status_code == 200
    assert "<mark>" in response.content.decode()
