"""The public page cache serves anonymous visitors a stored copy and never shares anything
personal; a change to an achievement shows at once."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.ZHUANHUA_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_second_anonymous_read_of_the_hall_is_a_hit() -> None:
    client = Client()
    first = client.get("/achievements/")
    second = client.get("/achievements/")
    assert first.status_code == second.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert first.content == second.content


def test_query_string_and_htmx_make_separate_entries() -> None:
    client = Client()
    client.get("/achievements/?q=茶")
    other = client.get("/achievements/?q=咖啡")
    partial = client.get("/achievements/?q=茶", HTTP_HX_REQUEST="true")
    assert other["X-Page-Cache"] == "miss"
    assert partial["X-Page-Cache"] == "miss"
    assert b"<html" not in partial.content


def test_signed_in_reads_are_never_cached(django_user_model) -> None:
    user = django_user_model.objects.create_user(username="reader", password="x-Pass-2026")
    client = Client()
    client.force_login(user)
    first = client.get("/achievements/")
    second = client.get("/achievements/")
    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in second


def test_other_pages_are_not_cached() -> None:
    client = Client()
    client.get("/")
    assert "X-Page-Cache" not in client.get("/")


def test_saving_an_achievement_invalidates_the_stored_pages(published_a) -> None:
    client = Client()
    published = published_a
    path = f"/achievements/{published.pk}/"
    api = f"/api/achievements/{published.pk}"
    assert client.get(path)["X-Page-Cache"] == "miss"
    assert client.get(api)["X-Page-Cache"] == "miss"
    assert client.get(path)["X-Page-Cache"] == "hit"

    published.title = "换了标题的成果"
    published.save()

    fresh = client.get(path)
    assert fresh["X-Page-Cache"] == "miss"
    assert "换了标题的成果" in fresh.content.decode()
    assert client.get(api).json()["title"] == "换了标题的成果"


def test_off_when_the_timeout_is_zero(settings) -> None:
    settings.ZHUANHUA_PAGE_CACHE_SECONDS = 0
    client = Client()
    client.get("/achievements/")
    assert "X-Page-Cache" not in client.get("/achievements/")
