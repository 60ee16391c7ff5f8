"""The hall's pages read the same cards, in the same order, whichever way a page is fetched."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zhuanhua.achievements.choices import AchievementStatus, IndustryField, IpType
from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.selectors import HallQuery, achievement_cards, achievement_hall
from zhuanhua.achievements.views import CappedPaginator
from zhuanhua.transfer.models import RightsGrant, RightsGrantShare

pytestmark = pytest.mark.django_db


def _many(org: Any, n: int) -> None:
    now = timezone.now()
    Achievement.objects.bulk_create(
        [
            Achievement(
                owner=org,
                title=f"成果{i:02d}",
                summary="简介",
                ip_type=IpType.PATENT,
                industry_field=IndustryField.NEW_MATERIALS if i % 3 else IndustryField.FOOD,
                trl=1 + i % 9,
                prefecture=org.prefecture,
                status=AchievementStatus.PUBLISHED,
                published_at=now - dt.timedelta(minutes=i % 7),  # ties: the id breaks them
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("sort", ["newest", "oldest", "trl", "title"])
def test_reading_ids_first_gives_the_cards_of_one_query(unit_a: Any, sort: str) -> None:
    _many(unit_a, 45)
    query = HallQuery(industry_field=IndustryField.NEW_MATERIALS, sort=sort)
    for bottom in (0, 20):
        page = achievement_hall(query)[bottom : bottom + 20]
        direct = achievement_cards(page)
        assert direct
        assert achievement_cards(page, ids_first=True) == direct


def test_the_hall_pages_through_every_match_once(unit_a: Any, client: Any) -> None:
    _many(unit_a, 45)
    paginator = CappedPaginator(achievement_hall(HallQuery(sort="trl")), 20, 1000, ids_first=True)
    seen = [card.id for n in paginator.page_range for card in paginator.page(n)]
    assert sorted(seen) == sorted(Achievement.objects.values_list("id", flat=True))
    response = client.get("/achievements/", {"sort": "trl", "page": 3})
    assert response.status_code == 200
    assert response.content.decode().count('class="card zh-card') == 5


@pytest.mark.parametrize(("n", "counted"), [(5, False), (20, False), (21, True), (45, True)])
def test_the_first_page_counts_only_when_it_is_full(
    unit_a: Any, client: Any, n: int, counted: bool
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _many(unit_a, n)
    with CaptureQueriesContext(connection) as queries:
        paginator = CappedPaginator(achievement_hall(HallQuery()), 20, 1000, ids_first=True)
        page = paginator.get_page("1")
        cards = list(page)
        assert paginator.count == n
        assert page.has_next() == (n > 20)
    assert len(cards) == min(n, 20)
    assert any("COUNT(" in q["sql"] for q in queries.captured_queries) == counted
    response = client.get("/achievements/")
    assert f'data-testid="hall-count">{n}<' in response.content.decode()


def test_pages_after_the_first_and_bad_numbers_behave_as_before(unit_a: Any) -> None:
    _many(unit_a, 45)
    paginator = CappedPaginator(achievement_hall(HallQuery()), 20, 1000, ids_first=True)
    assert paginator.get_page("3").number == 3
    assert len(paginator.get_page("3")) == 5
    assert paginator.get_page("99").number == 3  # past the end: the last page
    assert paginator.get_page("x").number == 1
    assert paginator.get_page(None).number == 1
    assert paginator.get_page("0").number == 3  # Django: below 1 is an empty page → the last


def test_the_detail_page_asks_for_attachments_and_grants_only_when_there_are_some(
    client: Any, published_a: Any
) -> None:
    import datetime as dt_

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhuanhua.achievements.models import Attachment

    url = f"/achievements/{published_a.pk}/"
    with CaptureQueriesContext(connection) as plain:
        html = client.get(url).content.decode()
    assert "附件" not in html
    assert "已赋权" not in html
    assert not any(
        "achievements_attachment" in q["sql"] and "EXISTS" not in q["sql"]
        for q in plain.captured_queries
    )
    assert not any(
        "transfer_rightsgrant" in q["sql"] and "EXISTS" not in q["sql"]
        for q in plain.captured_queries
    )

    Attachment.objects.create(
        achievement=published_a,
        file="a/b.pdf",
        original_name="证书.pdf",
        content_type="application/pdf",
        size=1024,
        sha256="0" * 64,
    )
    grant = RightsGrant.objects.create(
        achievement=published_a, kind="co_ownership", granted_on=dt_.date(2026, 1, 5)
    )
    RightsGrantShare.objects.create(
        grant=grant, holder_kind="unit", holder_name="云南大学", share="30.00"
    )
    html = client.get(url).content.decode()
    assert "证书.pdf" in html
    assert "已赋权" in html
    assert "30.00%" in html
