"""A rate-limited live search in the hall says so in the page (issue 21.4): the results area shows
the Chinese message instead of silently keeping the last list, and the address stays put."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from zhuanhua.core.ratelimit import ERR_RATE_LIMITED


@pytest.fixture
def three_searches_a_minute(settings):
    settings.ZHUANHUA_RATE_LIMITS = {"search": (3, 60)}
    cache.clear()
    yield
    cache.clear()


def test_rate_limited_hall_search_shows_the_message(
    page, shot, transactional_db, published_a, three_searches_a_minute
):
    page.goto(page.base + "/achievements/")
    page.fill("#id_q", "储氢")
    page.press("#id_q", "Enter")
    expect(page.get_by_text("共 1 项成果，关键词“储氢”")).to_be_visible()
    address = page.url
    # Use up what is left of this minute's searches (Enter sends the form and, after the
    # keyup delay, htmx may send it once more).
    for _ in range(3):
        page.request.get(page.base + "/achievements/?q=x")

    page.fill("#id_q", "三七")
    page.press("#id_q", "Enter")
    message = page.locator("#results [data-testid=error-message]")
    expect(message).to_have_text(ERR_RATE_LIMITED)
    expect(message).to_have_attribute("role", "alert")
    expect(page.get_by_text("共 1 项成果，关键词“储氢”")).to_have_count(0)
    assert page.url == address  # the refused search did not change the address
    shot(page, "hall-rate-limited")
    # Chromium reports the 429 itself; nothing else may fail (the script runs under the CSP).
    assert [e for e in page.console_errors if "429" not in e] == []
