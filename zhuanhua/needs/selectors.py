"""Reads of needs: visibility, the 需求大厅's filtered and searched list, response threads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
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
    sort: str = "newest"  # or RELEVANCE (the default with a keyword)


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


@dataclass(frozen=True)
class RankedNeeds:
    """What the search engine answers a keyword with over published needs: ids best first (at
    most the asked-for number, the hall's filters applied before ranking), how many matched,
    and close words when nothing did."""

    ids: list[int]
    total: int
    suggestions: list[str] = field(default_factory=list)


# The ranker search registers (SearchConfig.ready()): the needs hall and its API answer a
# keyword as 检索 and the achievements hall do, without needs importing search
# (docs/adr/0001-layers.md). (q, filters with model codes, limit) -> RankedNeeds.
NEED_RANKERS: list[Callable[[str, dict[str, Any], int], RankedNeeds]] = []
RELEVANCE = "relevance"  # the hall's sort by the engine's ranking (the default with a keyword)
RANKED_CAP = 1000  # a keyword's answer: the engine's best this many


def need_ranker_register(ranker: Callable[[str, dict[str, Any], int], RankedNeeds]) -> None:
    NEED_RANKERS[:] = [ranker]


@dataclass
class RankedNeedHall:
    """A keyword's needs hall answer: ids in the page's order after the hall's filters."""

    ids: list[int]
    capped: bool  # the engine matched more than it was asked for
    suggestions: list[str]


def need_hall_ranked(query: NeedQuery, limit: int = RANKED_CAP) -> RankedNeedHall | None:
    """The needs hall's answer to a keyword through the registered ranker: the engine's best
    `limit` ids (ranked by its matcher, tolerant of how people write, quoted phrases exact, the
    hall's filters applied before ranking), checked in SQL (published, the filters again), in
    the engine's order or the chosen sort. None without a keyword or a ranker (the SQL keyword
    path then)."""
    if not query.q or not NEED_RANKERS:
        return None
    filters = {
        "prefecture": query.prefecture,
        "industry_field": query.industry_field,
        "fee_model": query.fee_model,
    }
    answer = NEED_RANKERS[0](query.q, filters, limit)
    qs = need_hall(replace(query, q="")).filter(pk__in=answer.ids)
    if query.sort in SORTS:
        ids = list(qs.values_list("id", flat=True))
    else:
        keep = set(qs.order_by().values_list("id", flat=True))
        ids = [pk for pk in answer.ids if pk in keep]
    return RankedNeedHall(ids=ids, capped=answer.total > limit, suggestions=answer.suggestions)


def needs_by_id(ids: list[int]) -> QuerySet[TechnologyNeed]:
    """The published needs of a ranked page (RankedRows fetches with this)."""
    return (
        TechnologyNeed.objects.filter(pk__in=ids, status=NeedStatus.PUBLISHED)
        .select_related("owner")
        .defer("search_text")
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
