"""Reads of needs: visibility, the 需求大厅's filtered and searched list, response threads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from zhuanhua.accounts.http import Visitor
from zhuanhua.core.text import query_tokens
from zhuanhua.needs.choices import NeedStatus
from zhuanhua.needs.models import NeedResponse, TechnologyNeed

# The matcher search registers (SearchConfig.ready()): a need's page lists the achievements
# that match it without needs importing search, which sits above it (docs/adr/0001-layers.md).
NEED_MATCHERS: list[Callable[[TechnologyNeed, int], list[Any]]] = []


def need_matcher_register(matcher: Callable[[TechnologyNeed, int], list[Any]]) -> None:
    NEED_MATCHERS[:] = [matcher]


def matches_for_need(need: TechnologyNeed, limit: int) -> list[Any]:
    """The achievements that match `need`, best first, each with its reasons (search's
    MatchResult); none when no matcher is registered."""
    return [m for matcher in NEED_MATCHERS for m in matcher(need, limit)]


SORTS = {
    "newest": ("-published_at", "-id"),
    "deadline": ("deadline_on", "-published_at", "-id"),
    "budget": ("-budget_amount", "-published_at", "-id"),
    "title": ("title", "id"),
}


def needs_visible_to(user: Visitor) -> QuerySet[TechnologyNeed]:
    """Published needs are public; drafts and closed needs only to the posting enterprise."""
    qs = TechnologyNeed.objects.select_related("owner")
    published = Q(status=NeedStatus.PUBLISHED)
    if user.is_authenticated and user.organisation_id:
        return qs.filter(published | Q(owner_id=user.organisation_id))
    return qs.filter(published)


@dataclass
class NeedQuery:
    q: str = ""
    prefecture: str = ""
    industry_field: str = ""
    fee_model: str = ""
    sort: str = "newest"


def keyword_filter(qs: QuerySet[TechnologyNeed], text: str) -> QuerySet[TechnologyNeed]:
    """Every query word must occur (the achievements hall's rule, zhuanhua.core.text)."""
    for token in query_tokens(text):
        qs = qs.filter(search_text__contains=f" {token} ")
    return qs


def need_hall(query: NeedQuery) -> QuerySet[TechnologyNeed]:
    qs = TechnologyNeed.objects.filter(status=NeedStatus.PUBLISHED)
    if query.prefecture:
        qs = qs.filter(prefecture=query.prefecture)
    if query.industry_field:
        qs = qs.filter(industry_field=query.industry_field)
    if query.fee_model:
        qs = qs.filter(fee_model=query.fee_model)
    if query.q:
        qs = keyword_filter(qs, query.q)
    return (
        qs.select_related("owner")
        .defer("search_text")
        .order_by(*SORTS.get(query.sort, SORTS["newest"]))
    )


def needs_of(org_id: int | None) -> QuerySet[TechnologyNeed]:
    if not org_id:
        return TechnologyNeed.objects.none()
    return TechnologyNeed.objects.filter(owner_id=org_id).order_by("-updated_at", "-id")


def responses_visible_to(user: Visitor) -> QuerySet[NeedResponse]:
    """Only members of the two organisations (the unit and the enterprise) see a thread."""
    qs = NeedResponse.objects.select_related("need", "achievement", "unit", "enterprise")
    if not user.is_authenticated or not user.organisation_id:
        return qs.none()
    return qs.filter(Q(unit_id=user.organisation_id) | Q(enterprise_id=user.organisation_id))
