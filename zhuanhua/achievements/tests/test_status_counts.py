"""The workbench's per-state counts come from the cache until an achievement changes."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.selectors import status_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache_on(settings):
    settings.ZHUANHUA_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def _counted(owner_id: int) -> tuple[dict[str, int], int]:
    with CaptureQueriesContext(connection) as queries:
        counts = status_counts(owner_id)
    return counts, len(queries)


def test_a_second_read_is_served_from_the_cache(page_cache_on, draft_a):
    assert _counted(draft_a.owner_id) == ({"draft": 1}, 1)
    assert _counted(draft_a.owner_id) == ({"draft": 1}, 0)


def test_a_saved_change_is_counted_at_once(page_cache_on, draft_a):
    status_counts(draft_a.owner_id)
    draft_a.status = "submitted"
    draft_a.save()
    assert _counted(draft_a.owner_id) == ({"submitted": 1}, 1)


def test_units_do_not_share_counts(page_cache_on, draft_a, unit_b):
    status_counts(draft_a.owner_id)
    assert _counted(unit_b.pk) == ({}, 1)


def test_with_the_page_cache_off_every_read_counts(settings, draft_a):
    settings.ZHUANHUA_PAGE_CACHE_SECONDS = 0
    Achievement.objects.filter(pk=draft_a.pk).update(status="submitted")  # no signal
    assert _counted(draft_a.owner_id) == ({"submitted": 1}, 1)
    assert _counted(draft_a.owner_id) == ({"submitted": 1}, 1)
